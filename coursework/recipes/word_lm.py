"""Recipe ``word-lm``: next-word prediction with Embedding + LSTM on Spanish speeches (class 4's challenge).

Words come from Keras ``TextVectorization`` (see :mod:`coursework.datasets.word_corpus`); the model
predicts the next word at every position of a window. Metrics: validation perplexity per word and
top-5 next-word accuracy, beside a unigram baseline (always suggest the 5 most frequent words).

Example:
    >>> from coursework.recipes.word_lm import settings_for
    >>> settings_for("ci").max_tokens < settings_for("full").max_tokens
    True
"""

from __future__ import annotations

import dataclasses
import math
from typing import ClassVar

from coursework.recipes import Recipe, register
from coursework.recipes._language_model import LanguageModelSettings, fit_language_model

SAMPLE_PROMPTS = ("señor presidente", "el gobierno de", "muchas gracias", "la ley de")


@dataclasses.dataclass(frozen=True)
class WordLMSettings(LanguageModelSettings):
    """Everything that decides a word-lm training run besides the seed (the corpus and training fields
    come from :class:`~coursework.recipes._language_model.LanguageModelSettings`); ``ci``: 300k characters,
    2,000 words, 3 epochs."""

    CI: ClassVar[dict] = {
        "max_chars": 300_000,
        "max_tokens": 2000,
        "window": 10,
        "embedding_dim": 32,
        "units": 64,
        "epochs": 3,
        "batch_size": 32,
        "learning_rate": 1e-2,
        "max_seconds": 50.0,
    }
    max_tokens: int = 5000
    embedding_dim: int = 64
    window: int = 20
    epochs: int = 8
    learning_rate: float = 6e-3
    max_seconds: float | None = 420.0


settings_for = WordLMSettings.for_profile


def load_corpus(settings: WordLMSettings):
    """The :class:`~coursework.datasets.word_corpus.WordCorpus` the settings describe."""
    from coursework.datasets.word_corpus import load_word_corpus

    return load_word_corpus(
        settings.source,
        max_chars=settings.max_chars,
        max_tokens=settings.max_tokens,
        val_fraction=settings.val_fraction,
        n_blocks=settings.n_blocks,
    )


def build_model(corpus, settings: WordLMSettings):
    """Embedding → LSTM → softmax over ``corpus``'s vocabulary (predicts at every position)."""
    from coursework.models.generator import build_word_lm

    return build_word_lm(
        vocabulary=corpus.vocabulary, embedding_dim=settings.embedding_dim, units=settings.units
    )


def fit(model, corpus, settings: WordLMSettings, *, verbose: int | str | None = None, extra_callbacks=()):
    """Compile (Adam, sparse cross-entropy, top-5 accuracy) and train, stopping early when the
    validation loss stops improving (best weights kept); returns the Keras ``History``."""
    import keras

    early = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    top5 = keras.metrics.SparseTopKCategoricalAccuracy(k=5, name="top5_accuracy")
    return fit_language_model(
        model,
        corpus.windows("train", settings.window),
        corpus.windows("validation", settings.window),
        settings,
        metrics=[top5],
        callbacks=[early, *extra_callbacks],
        verbose=verbose,
    )


def evaluate(model, corpus, settings: WordLMSettings) -> dict[str, float]:
    """Validation perplexity per word and top-5 accuracy, with the unigram baseline's."""
    import numpy as np

    from coursework.generation.baselines import ngram_perplexity

    x_val, y_val = corpus.windows("validation", settings.window)
    log_likelihood, hits = 0.0, 0
    for start in range(0, len(x_val), 256):  # in chunks: all probabilities at once would not fit
        probs = model.predict_on_batch(x_val[start : start + 256])
        probs = np.asarray(probs)
        targets = y_val[start : start + 256]
        picked = np.take_along_axis(probs, targets[..., None], axis=-1)[..., 0]
        log_likelihood += float(np.log(np.maximum(picked, 1e-12)).sum())
        top5 = np.argpartition(-probs, 5, axis=-1)[..., :5]
        hits += int((top5 == targets[..., None]).any(axis=-1).sum())
    cross_entropy = -log_likelihood / y_val.size
    top5_accuracy = hits / y_val.size
    counts = np.bincount(np.concatenate(corpus.train_blocks), minlength=len(corpus.vocabulary))
    frequent = np.argsort(-counts, kind="stable")[:5]
    return {
        "val_perplexity": math.exp(cross_entropy),
        "val_top5_accuracy": top5_accuracy,
        "unigram_perplexity": ngram_perplexity(
            corpus.train_blocks, corpus.val_blocks, len(corpus.vocabulary), order=1
        ),
        "unigram_top5_accuracy": float(np.isin(y_val, frequent).mean()),
    }


def suggestions_table(model, prompts=SAMPLE_PROMPTS, k: int = 5):
    """A pandas DataFrame with the top-``k`` next words (and probabilities) for each prompt."""
    import pandas as pd

    from coursework.generation.text import RecurrentStepper, top_k_next

    stepper = RecurrentStepper(model)
    return pd.DataFrame(
        [
            {
                "prompt": p,
                **{f"#{i + 1}": f"{w} ({pr:.2f})" for i, (w, pr) in enumerate(top_k_next(stepper, p, k=k))},
            }
            for p in prompts
        ]
    )


class WordLMRecipe(Recipe, name="word-lm", metric="val_perplexity", notebook="04b_proxima_palabra.ipynb"):
    """next-word prediction (top-k suggestions, sampling, beam search over words)."""

    dataset = "Spanish parliament speeches, TextVectorization words, contiguous-block split"
    settings_for = staticmethod(settings_for)
    build = staticmethod(build_model)
    evaluate = staticmethod(evaluate)

    def load(self, settings, seed):
        return load_corpus(settings)

    def fit(self, model, data, settings, verbose):
        return fit(model, data, settings, verbose=verbose).history

    def describe(self, settings):
        return (
            f"Embedding {settings.embedding_dim} → LSTM {settings.units} → softmax over "
            f"{settings.max_tokens:,} words"
        )


register(WordLMRecipe())
