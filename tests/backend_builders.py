"""Every model builder of ``coursework.models`` builds and trains one step, on whatever Keras backend runs.

Not collected by the normal test run (the name does not start with ``test_``):
``tests/test_jax_backend.py`` runs it under ``KERAS_BACKEND=jax`` in a subprocess. Run it by hand with
``KERAS_BACKEND=jax python -m pytest tests/backend_builders.py -o addopts=""``.

To cover a new builder, add a row to ``BUILDS``; ``test_every_builder_is_covered`` fails until each
public ``build_*`` model builder of ``coursework.models`` has a row or a reason in ``NOT_HERE``.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
from types import SimpleNamespace

import keras
import numpy as np
import pytest

import coursework.models

RNG = np.random.default_rng(0)
IDS = np.array([[3, 5, 2, 0, 0, 0], [4, 1, 7, 9, 8, 0], [2, 2, 0, 0, 0, 0], [6, 3, 1, 5, 0, 0]], "int32")
BINARY = np.array([[1.0], [0.0], [1.0], [0.0]], "float32")

# Builders that do not run here, and why (matched by function name, or by module for whole families).
NOT_HERE = {
    "bert": "BERT needs keras_hub's TensorFlow-only text preprocessing (tf.text tokenisers)",
    "build_vocabulary": "builds a token list, not a model",
    "build_classifier": "picks one of the classifier builders below by name",
}


def _glove_classifier():
    from coursework.models.classifiers import build_glove_classifier

    words = ["good", "bad", "film", "dull"]
    vectors = SimpleNamespace(
        key_to_index={w: i for i, w in enumerate(words)},
        index_to_key=words,
        vectors=RNG.normal(size=(4, 5)).astype("float32"),
        vector_size=5,
    )
    vocabulary = ["", "[UNK]", *words, "moving", "mess", "plot", "cast"]
    return build_glove_classifier(vocabulary, vectors, trainable=True, architecture="cnn", filters=4)


def _translator(attention, cell="gru"):
    from coursework.models.translator import build_seq2seq_translator

    source = ["", "[UNK]", "uno", "dos", "tres", "cien", "mil", "y", "veinte", "ocho"]
    target = ["", "[UNK]", "[START]", "[END]", "one", "two", "three", "hundred"]
    return build_seq2seq_translator(
        source, target, 6, 5, embedding_dim=6, units=8, attention=attention, cell=cell
    )


def _transformer_translator():
    from coursework.models.transformer_translator import build_transformer_translator

    source = ["", "[UNK]", "uno", "dos", "tres", "cien", "mil", "y", "veinte", "ocho"]
    target = ["", "[UNK]", "[START]", "[END]", "one", "two", "three", "hundred"]
    return build_transformer_translator(source, target, 6, 5, embed_dim=8, num_heads=2, intermediate_dim=8)


def _m(module, name, **kwargs):
    return lambda: getattr(importlib.import_module(f"coursework.models.{module}"), name)(**kwargs)


def _ids(batch, time, high):
    return RNG.integers(1, high, size=(batch, time)).astype("int32")


def _one_hot(batch, time, depth):
    return np.eye(depth, dtype="float32")[RNG.integers(0, depth, size=(batch, time))]


# id, builder, inputs, targets, loss
BUILDS = [
    (
        "lstm_classifier",
        _m("classifiers", "build_lstm_classifier", vocab_size=10, embedding_dim=4, units=4),
        IDS,
        BINARY,
        "binary_crossentropy",
    ),
    (
        "bilstm_classifier_3_classes",
        _m("classifiers", "build_bilstm_classifier", vocab_size=10, embedding_dim=4, units=4, n_classes=3),
        IDS,
        np.array([0, 2, 1, 2]),
        "sparse_categorical_crossentropy",
    ),
    (
        "cnn_classifier",
        _m("classifiers", "build_cnn_classifier", vocab_size=10, embedding_dim=4, filters=4),
        IDS,
        BINARY,
        "binary_crossentropy",
    ),
    ("glove_classifier", _glove_classifier, IDS, BINARY, "binary_crossentropy"),
    (
        "self_attention_seed",
        _m(
            "attention_classifiers",
            "build_self_attention_classifier",
            vocab_size=10,
            embedding_dim=4,
            dense_units=4,
            variant="seed",
        ),
        IDS,
        BINARY,
        "binary_crossentropy",
    ),
    (
        "self_attention_package",
        _m(
            "attention_classifiers",
            "build_self_attention_classifier",
            vocab_size=10,
            embedding_dim=4,
            dense_units=4,
            variant="package",
        ),
        IDS,
        BINARY,
        "binary_crossentropy",
    ),
    (
        "han_classifier",
        _m(
            "attention_classifiers",
            "build_han_classifier",
            vocab_size=10,
            embedding_dim=4,
            units=4,
            pooling_units=4,
        ),
        IDS,
        BINARY,
        "binary_crossentropy",
    ),
    (
        "transformer_classifier",
        _m(
            "attention_classifiers",
            "build_transformer_classifier",
            vocab_size=10,
            max_len=6,
            embed_dim=8,
            intermediate_dim=8,
        ),
        IDS,
        BINARY,
        "binary_crossentropy",
    ),
    (
        "char_generator",
        _m("generator", "build_char_generator", vocab_size=12, window=6, units=8),
        _ids(4, 6, 12),
        _ids(4, 1, 12)[:, 0],
        "sparse_categorical_crossentropy",
    ),
    (
        "word_lm",
        _m("generator", "build_word_lm", vocab_size=20, embedding_dim=4, units=8),
        _ids(4, 6, 20),
        _ids(4, 6, 20),
        "sparse_categorical_crossentropy",
    ),
    (
        "gpt",
        _m("gpt", "build_gpt", vocab_size=20, context_length=8, embed_dim=8, num_heads=2, intermediate_dim=8),
        _ids(4, 6, 20),
        _ids(4, 6, 20),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    ),
    (
        "bilm",
        _m(
            "elmo",
            "build_bilm",
            vocabulary=["", "[UNK]", *(f"w{i}" for i in range(18))],
            embedding_dim=4,
            units=8,
        ),
        _ids(4, 6, 20),
        {"next_word": _ids(4, 6, 20), "previous_word": _ids(4, 6, 20)},
        "sparse_categorical_crossentropy",
    ),
    (
        "addition_seq2seq",
        _m("seq2seq", "build_addition_seq2seq", digits=2, units=8, reverse_input=True),
        _one_hot(4, 5, 12),
        _one_hot(4, 3, 12),
        "categorical_crossentropy",
    ),
    *[
        (
            f"translator_{attention}_{cell}",
            lambda a=attention, c=cell: _translator(a, c),
            [_ids(4, 6, 10), _ids(4, 5, 8)],
            _ids(4, 5, 8),
            "sparse_categorical_crossentropy",
        )
        for attention, cell in (("general", "lstm"), ("additive", "gru"))
    ],
    (
        "transformer_translator",
        _transformer_translator,
        [_ids(4, 6, 10), _ids(4, 5, 8)],
        _ids(4, 5, 8),
        "sparse_categorical_crossentropy",
    ),
]
COVERED = {
    "build_lstm_classifier",
    "build_bilstm_classifier",
    "build_cnn_classifier",
    "build_glove_classifier",
    "build_self_attention_classifier",
    "build_han_classifier",
    "build_transformer_classifier",
    "build_char_generator",
    "build_word_lm",
    "build_gpt",
    "build_addition_seq2seq",
    "build_bilm",
    "build_seq2seq_translator",
    "build_transformer_translator",
}


@pytest.mark.parametrize("build, x, y, loss", [row[1:] for row in BUILDS], ids=[row[0] for row in BUILDS])
def test_builder_trains_one_step(build, x, y, loss):
    keras.utils.set_random_seed(0)
    model = build()
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss=loss)
    before = [np.array(w) for w in model.trainable_weights]
    history = model.fit(x, y, batch_size=len(y), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0]), "loss is not finite"
    moved = [not np.allclose(b, np.array(w)) for b, w in zip(before, model.trainable_weights, strict=True)]
    assert sum(moved) >= len(moved) // 2, f"only {sum(moved)} of {len(moved)} weights moved in one step"
    assert all(np.all(np.isfinite(np.array(w))) for w in model.trainable_weights), "non-finite weights"


def test_every_builder_is_covered():
    found = set()
    for info in pkgutil.iter_modules(coursework.models.__path__):
        if any(key in info.name for key in NOT_HERE):
            continue
        module = importlib.import_module(f"coursework.models.{info.name}")
        found |= {
            name
            for name, obj in vars(module).items()
            if name.startswith("build_") and inspect.isfunction(obj) and obj.__module__ == module.__name__
        }
    missing = found - COVERED - set(NOT_HERE)
    assert not missing, f"add a BUILDS row (or a NOT_HERE reason) for {sorted(missing)}"


def test_running_on_the_expected_backend():
    expected = os.environ.get("COURSEWORK_EXPECT_BACKEND")
    if expected is None:
        pytest.skip("COURSEWORK_EXPECT_BACKEND not set")
    assert keras.config.backend() == expected
