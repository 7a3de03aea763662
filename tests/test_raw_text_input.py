"""Raw-text models take what a user passes, also after a reload in a fresh process.

Each family the package saves — the GloVe/LSTM classifier (``train glove-sentiment --save``) and the
BERT raw-text classifier — is saved, reloaded in a new Python process after ``import
coursework.layers`` only, and asked through ``predict``, ``__call__`` and ``evaluate`` with a list of
``str``, a NumPy ``str`` array, a NumPy ``object`` array and a ``tf`` tensor: every kind gives the
same numbers as the original model. An empty batch and a ``None`` item fail with a clear message.
"""

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from coursework.layers import RawTextModel, to_text_array

TEXTS = ["a good film", "the movie was dull", "great great film", "a bad movie"]
LABELS = [1.0, 0.0, 1.0, 0.0]


def _glove_lstm_model():
    from gensim.models import KeyedVectors

    from coursework.models.classifiers import build_glove_classifier
    from coursework.models.text_input import make_vectorizer, text_classifier

    keras.utils.set_random_seed(0)
    vectorizer = make_vectorizer(TEXTS, sequence_length=8)
    words = ["good", "film", "movie", "dull", "great", "bad", "the"]
    vectors = KeyedVectors(vector_size=6)
    vectors.add_vectors(words, np.random.default_rng(0).normal(size=(len(words), 6)).astype("float32"))
    body = build_glove_classifier(vectorizer, vectors, architecture="lstm", units=4, dropout=0.0)
    return text_classifier(vectorizer, body, name="glove_sentiment")


def _tiny_bert_model():
    import keras_hub

    from coursework.models import bert

    keras.utils.set_random_seed(0)
    vocab = list(bert.SPECIAL_TOKENS) + ["good", "bad", "film", "movie", "great", "dull", "the", "a", "was"]
    backbone = bert.build_tiny_bert(
        len(vocab), num_layers=1, hidden_dim=16, intermediate_dim=32, max_sequence_length=16
    )
    body = bert.build_bert_classifier(backbone, freeze_backbone=False)
    tokenizer = keras_hub.models.BertTokenizer(vocabulary=vocab, lowercase=True)
    return bert.raw_text_bert_classifier(bert.make_preprocessor(tokenizer, 16, backbone), body)


FRESH_PROCESS = textwrap.dedent("""
    import json, sys
    import numpy as np, keras, tensorflow as tf
    import coursework.layers  # all a user needs before keras.saving.load_model
    model = keras.saving.load_model(sys.argv[1])
    model.compile(loss="binary_crossentropy", metrics=["accuracy"])
    texts, labels = json.loads(sys.argv[2]), json.loads(sys.argv[3])
    kinds = {"list": texts, "numpy str": np.array(texts), "numpy object": np.array(texts, dtype=object),
             "tensor": tf.constant(texts)}
    out = {"class": type(model).__name__,
           "models_imported": sorted(m for m in sys.modules if m.startswith("coursework.models"))}
    for kind, x in kinds.items():
        out[kind] = {"predict": model.predict(x, verbose=0).ravel().tolist(),
                     "call": np.asarray(model(x)).ravel().tolist(),
                     "evaluate": model.evaluate(x, labels, verbose=0)}
    for name, bad in (("empty", []), ("none", [None])):
        try:
            model.predict(bad, verbose=0)
            out[name] = "no error"
        except Exception as error:  # the type and message are what the test checks
            out[name] = f"{type(error).__name__}: {error}"
    print(json.dumps(out))
""")


@pytest.mark.parametrize("build", [_glove_lstm_model, _tiny_bert_model], ids=["glove-lstm", "tiny-bert"])
def test_reloaded_raw_text_model_answers_every_kind_of_text_batch_alike(build, tmp_path):
    model = build()
    assert isinstance(model, RawTextModel)
    expected = model.predict(np.array(TEXTS, dtype=object), verbose=0).ravel()
    path = tmp_path / "model.keras"
    model.save(path)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    run = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS, str(path), json.dumps(TEXTS), json.dumps(LABELS)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["class"] == "RawTextModel"
    assert out["models_imported"] == []  # coursework.layers alone registered everything
    reference = out["list"]["evaluate"]
    for kind in ("list", "numpy str", "numpy object", "tensor"):
        np.testing.assert_allclose(out[kind]["predict"], expected, atol=1e-5, err_msg=kind)
        np.testing.assert_allclose(out[kind]["call"], expected, atol=1e-5, err_msg=kind)
        np.testing.assert_allclose(out[kind]["evaluate"], reference, atol=1e-5, err_msg=kind)
    assert out["empty"].startswith("ValueError") and "empty" in out["empty"], out["empty"]
    assert out["none"].startswith("TypeError") and "x[0]" in out["none"] and "None" in out["none"], out[
        "none"
    ]


def test_to_text_array_converts_and_names_the_problem():
    import tensorflow as tf

    for texts in (
        ["buena", "mala"],
        ("buena", "mala"),
        np.array(["buena", "mala"]),
        np.array([b"buena", b"mala"]),
        tf.constant(["buena", "mala"]),
    ):
        out = to_text_array(texts)
        assert out.dtype == object and out.tolist() == ["buena", "mala"]
    with pytest.raises(ValueError, match="empty"):
        to_text_array(np.array([]))
    with pytest.raises(TypeError, match=r"texts\[1\] is int"):
        to_text_array(["ok", 3])
    with pytest.raises(TypeError, match="single string"):
        to_text_array("una crítica")
    with pytest.raises(TypeError, match="1-D"):
        to_text_array(np.array([["a", "b"]]))


def test_fit_and_datasets_still_pass_through():
    import tensorflow as tf

    inputs = keras.Input(shape=(), dtype="string")
    counts = keras.layers.TextVectorization(output_mode="count", vocabulary=["good", "bad"])(inputs)
    model = RawTextModel(inputs, keras.layers.Dense(1, activation="sigmoid")(counts))
    model.compile(keras.optimizers.Adam(0.1), "binary_crossentropy")
    history = model.fit(["good good", "bad"] * 8, [1, 0] * 8, epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    dataset = tf.data.Dataset.from_tensor_slices((["good", "bad"], [1.0, 0.0])).batch(2)
    np.testing.assert_allclose(model.predict(dataset, verbose=0), model.predict(["good", "bad"], verbose=0))
