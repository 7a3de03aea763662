"""Training BERT for the course: settings per profile and the loops (class 7, notebook 07c).

- :class:`BertSettings` and :func:`train_bert_classifier`: the seed's two phases — *entrenamiento
  grueso* (frozen backbone, new head) then *fino* (end-to-end at a lower learning rate, warm-up then
  cosine decay: ``keras.optimizers.schedules.CosineDecay`` with ``warmup_target``);
- :class:`MaskedLMSettings`, :func:`masked_lm_settings_for` and :func:`spanish_documents`: the data
  and sizes of the Spanish pre-training demo (masked LM, then next sentence).

The model pieces (backbone loading, classifier, masked LM) are in :mod:`coursework.models.bert`.

Example:
    >>> lr = fine_tuning_schedule(1e-4, total_steps=100, warmup_share=0.1)
    >>> [round(float(lr(s)), 7) for s in (0, 5, 10, 55, 100)]
    [0.0, 5e-05, 0.0001, 5e-05, 0.0]
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import numpy as np

from coursework.recipes.template import RecipeSettings


@dataclasses.dataclass(frozen=True)
class BertSettings:
    """Sizes of a two-phase BERT fine-tuning run."""

    sequence_length: int = 64
    n_train: int | None = None  # fine-tuning subset (None = all of train)
    n_test: int | None = None  # evaluation subset (None = all of test)
    head_epochs: int = 30
    head_learning_rate: float = 1e-2
    finetune_epochs: int = 1
    finetune_learning_rate: float = 3e-5
    warmup_share: float = 0.1  # linear warm-up over this share of the steps, then cosine decay to 0
    freeze_token_embedding: bool = True  # see coursework.models.bert.set_backbone_trainable
    batch_size: int = 32
    tiny: bool = False  # a tiny BERT from config instead of MiniLM (ci profile)

    def __post_init__(self):
        """Refuse impossible sizes now, not after minutes of loading and encoding."""
        for name in ("head_epochs", "finetune_epochs", "batch_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"BertSettings.{name} must be a positive integer, got {value!r}.")
        for name in ("n_train", "n_test"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ValueError(
                    f"BertSettings.{name} must be None (all) or a positive integer, got {value!r}."
                )
        for name in ("head_learning_rate", "finetune_learning_rate"):
            if not getattr(self, name) > 0:
                raise ValueError(f"BertSettings.{name} must be positive, got {getattr(self, name)!r}.")
        if not 0 <= self.warmup_share < 1:
            raise ValueError(f"BertSettings.warmup_share must be in [0, 1), got {self.warmup_share!r}.")


def fine_tuning_schedule(peak: float, total_steps: int, warmup_share: float = 0.1):
    """Keras' ``CosineDecay``: linear warm-up from 0 to ``peak`` over ``warmup_share`` of the steps,
    then cosine decay to 0 at ``total_steps``.

    Raises:
        ValueError: if ``total_steps`` < 1 or ``warmup_share`` is outside ``[0, 1)``.
    """
    import keras

    if not isinstance(total_steps, int) or total_steps < 1:
        raise ValueError(f"total_steps must be a positive integer, got {total_steps!r}.")
    if not 0 <= warmup_share < 1:
        raise ValueError(f"warmup_share must be in [0, 1), got {warmup_share}.")
    warmup_steps = int(round(total_steps * warmup_share))
    return keras.optimizers.schedules.CosineDecay(
        0.0,
        decay_steps=max(total_steps - warmup_steps, 1),
        alpha=0.0,
        warmup_target=float(peak),
        warmup_steps=warmup_steps,
    )


def _subset(split, n, seed):
    if n is None or n >= len(split):
        return list(split.texts), np.asarray(split.labels)
    idx = np.sort(np.random.default_rng(seed).choice(len(split), size=n, replace=False))
    return [split.texts[i] for i in idx], np.asarray(split.labels)[idx]


def bucketed_dataset(tokens, labels, batch_size, seed, shuffle: bool = True):
    """``(tf.data of (tokens, label) batches of similar lengths, number of batches)``.

    The batches are formed once by length (each trimmed to the width it needs, a multiple of 16) and
    visited in a new random order at every pass when ``shuffle``.
    """
    import tensorflow as tf

    from coursework.models.bert.encoding import INPUT_KEYS, length_batches, slice_tokens

    rng = np.random.default_rng(seed)
    batches = list(length_batches(tokens["padding_mask"], batch_size))

    def generate():
        for i in rng.permutation(len(batches)) if shuffle else range(len(batches)):
            idx, width = batches[i]
            yield slice_tokens(tokens, idx, width), labels[idx].astype("float32")

    spec = {k: tf.TensorSpec((None, None), tf.int32) for k in INPUT_KEYS}
    ds = tf.data.Dataset.from_generator(generate, output_signature=(spec, tf.TensorSpec((None,), tf.float32)))
    return ds.map(lambda x, y: ({k: tf.cast(v, tf.int32) for k, v in x.items()}, y)), len(batches)


def train_bert_classifier(
    data,
    settings: BertSettings = BertSettings(),
    backbone=None,
    tokenizer=None,
    seed: int = 42,
    verbose: int | str | None = None,
) -> dict:
    """Two-phase fine-tuning on Rotten Tomatoes; returns models, metrics and timings.

    ``verbose=None``: :func:`coursework.progress.fit_verbose` (one line per epoch under the notebook
    runner, live bars otherwise).

    Phase 1 (*grueso*): the backbone is frozen, so its sentence embeddings are computed once and the
    new head (the model's own ``probability`` layer) is trained on them — the same as training the
    whole model with a frozen backbone, without recomputing the backbone every epoch.
    Phase 2 (*fino*): everything trains end-to-end, warming up to ``finetune_learning_rate``.

    Returns:
        dict with ``model`` (on token ids), ``preprocessor``, ``backbone``, ``metrics`` (``accuracy``
        of the fine-tuned model, ``frozen_accuracy``, majority baseline, sizes), ``seconds``
        (``encode``, ``head``, ``finetune``, ``finetune_per_epoch``) and ``history``.
    """
    import keras

    from coursework.models.bert import (
        build_bert_classifier,
        build_tiny_bert,
        encode,
        load_minilm,
        make_preprocessor,
        predict_tokens,
        set_backbone_trainable,
        tokenize,
    )
    from coursework.training import Timer, resolve_verbose, set_seed

    set_seed(seed)
    if backbone is None:
        if settings.tiny:
            tokenizer = tokenizer or load_minilm()[1]
            backbone = build_tiny_bert(
                tokenizer.vocabulary_size(), max_sequence_length=settings.sequence_length
            )
        else:
            backbone, tokenizer = load_minilm()
    if tokenizer is None:
        raise ValueError("Pass the tokenizer that goes with the backbone.")
    preprocessor = make_preprocessor(tokenizer, settings.sequence_length, backbone)
    train_texts, y_train = _subset(data["train"], settings.n_train, seed)
    test_texts, y_test = _subset(data["test"], settings.n_test, seed)
    x_train, x_test = tokenize(preprocessor, train_texts), tokenize(preprocessor, test_texts, warn=False)
    x_val = y_val = None
    if "validation" in data:  # watched after every fine-tuning epoch (val_accuracy in the history)
        val_texts, y_val = _subset(data["validation"], settings.n_test, seed)
        x_val = tokenize(preprocessor, val_texts, warn=False)
    model = build_bert_classifier(backbone, freeze_backbone=True)
    seconds = {}
    verbose = resolve_verbose(verbose)

    # Phase 1: frozen backbone, new head.
    with Timer() as t:
        # Progress bars only for live output (verbose=2 means one line per epoch, as in Keras).
        f_train = encode(backbone, x_train, progress=verbose in (1, "auto"))
        f_test = encode(backbone, x_test, progress=verbose in (1, "auto"))
    seconds["encode"] = t.seconds
    features = keras.Input((backbone.hidden_dim,))
    head = keras.Model(features, model.get_layer("probability")(model.get_layer("head_dropout")(features)))
    head.compile(
        keras.optimizers.Adam(settings.head_learning_rate), loss="binary_crossentropy", metrics=["accuracy"]
    )
    with Timer() as t:
        head.fit(f_train, y_train, epochs=settings.head_epochs, batch_size=64, verbose=0)
    seconds["head"] = t.seconds
    frozen_accuracy = float(((head.predict(f_test, verbose=0).ravel() > 0.5) == y_test).mean())

    # Phase 2: end-to-end at a lower learning rate (warm-up, then cosine decay).
    set_backbone_trainable(backbone, True, freeze_token_embedding=settings.freeze_token_embedding)
    dataset, steps = bucketed_dataset(x_train, y_train, settings.batch_size, seed)
    schedule = fine_tuning_schedule(
        settings.finetune_learning_rate, steps * settings.finetune_epochs, settings.warmup_share
    )
    model.compile(keras.optimizers.Adam(schedule), loss="binary_crossentropy", metrics=["accuracy"])
    validation, validation_steps = None, None
    if x_val is not None:
        validation, validation_steps = bucketed_dataset(x_val, y_val, 64, seed, shuffle=False)
        validation = validation.repeat()
    with Timer() as t:
        history = model.fit(
            dataset.repeat(),
            steps_per_epoch=steps,
            epochs=settings.finetune_epochs,
            validation_data=validation,
            validation_steps=validation_steps,
            verbose=verbose,
            shuffle=False,
        )  # the dataset shuffles its batches
    seconds["finetune"] = t.seconds
    seconds["finetune_per_epoch"] = t.seconds / settings.finetune_epochs
    with Timer() as t:
        probs = predict_tokens(model, x_test)
    seconds["evaluate"] = t.seconds
    metrics = {
        "accuracy": float(((probs > 0.5) == y_test).mean()),
        "frozen_accuracy": frozen_accuracy,
        **({"val_accuracy": float(history.history["val_accuracy"][-1])} if x_val is not None else {}),
        "majority_baseline": float(max(y_test.mean(), 1 - y_test.mean())),
        "n_train": len(train_texts),
        "n_test": len(test_texts),
        "parameters": int(model.count_params()),
    }
    return {
        "model": model,
        "preprocessor": preprocessor,
        "backbone": backbone,
        "tokenizer": tokenizer,
        "metrics": metrics,
        "seconds": seconds,
        "history": history.history,
        "test_probabilities": probs,
        "test_labels": y_test,
        "test_texts": test_texts,
    }


@dataclasses.dataclass(frozen=True)
class MaskedLMSettings(RecipeSettings):
    """Sizes of the Spanish pre-training demo (masked LM, then next sentence) on the parliament speeches.

    ``full``: every sentence of 900 speeches for training, 100 other speeches held out; a 2-block BERT
    (hidden 128) trained on 30 % masking (more masked pieces per step than BERT's 15 %, which is what
    the held-out test uses) for ``epochs`` with warm-up and cosine decay; then the next-sentence head.
    ``ci``: 2,000 training sentences, a smaller vocabulary and model, fewer epochs.
    """

    CI: ClassVar[dict] = {
        "n_sentences": 2000,
        "vocabulary_size": 2000,
        "hidden_dim": 64,
        "epochs": 4,
        "nsp_epochs": 1,
        "min_ratio": 1.1,
    }
    n_sentences: int | None = None  # training sentences, whole speeches (None = all training speeches)
    n_test_documents: int = 100  # held-out speeches (test sentences and next-sentence pairs)
    vocabulary_size: int = 4000  # asked of the WordPiece learner (it returns fewer on a small corpus)
    sequence_length: int = 48  # masked LM: one sentence, truncated
    pair_sequence_length: int = 64  # next sentence: [CLS] A [SEP] B [SEP]
    num_layers: int = 2
    num_heads: int = 2
    hidden_dim: int = 128
    dropout: float = 0.0
    mask_rate: float = 0.3  # training; the held-out test masks 15 %, as BERT
    epochs: int = 12
    batch_size: int = 32
    learning_rate: float = 3e-3  # peak, after a 10 % warm-up, then cosine decay
    nsp_epochs: int = 2
    nsp_learning_rate: float = 1e-3
    target_ratio: float = 2.0  # the goal: held-out masked accuracy / most-frequent-piece accuracy
    min_ratio: float = 1.5  # asserted by the notebook (below it the model did not use the context)
    nsp_target: float | None = None  # asserted held-out next-sentence accuracy (chance 0.5); None: shown only


masked_lm_settings_for = MaskedLMSettings.for_profile


def spanish_documents(n_test_documents: int = 100, n_train_sentences: int | None = None, seed: int = 0):
    """The Spanish parliament speeches as lists of sentences (4+ words), split by speech:
    ``(train_documents, test_documents)``, ``n_test_documents`` held out in a fixed random order; the
    training speeches stop once they hold ``n_train_sentences`` sentences (``None``: all of them).

    Example:
        >>> train, test = spanish_documents()        # doctest: +SKIP
        >>> len(train), len(test)                    # doctest: +SKIP
        (900, 100)
    """
    from coursework.datasets.corpora import load_spanish_speeches
    from coursework.models.bert import split_sentences

    documents = [split_sentences(doc) for doc in load_spanish_speeches()]
    order = np.random.default_rng(seed).permutation(len(documents))
    train, total = [], 0
    for i in order[n_test_documents:]:
        if n_train_sentences is not None and total >= n_train_sentences:
            break
        train.append(documents[i])
        total += len(documents[i])
    return train, [documents[i] for i in order[:n_test_documents]]
