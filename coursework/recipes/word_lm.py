"""Recipe ``word-lm``: next-word prediction with Embedding + LSTM on Spanish speeches (class 4's challenge).

Words come from Keras ``TextVectorization`` (see :mod:`coursework.datasets.word_corpus`); the model
predicts the next word at every position of a window and trains until the validation loss stops
improving. Metrics: validation perplexity per word and top-1/5/10 next-word accuracy, overall and on
content words (not Spanish stop words), beside a unigram baseline (always suggest the most frequent
words).

Example:
    >>> from coursework.recipes.word_lm import settings_for
    >>> settings_for("ci").max_tokens < settings_for("full").max_tokens
    True
"""

from __future__ import annotations

import dataclasses
import math
from typing import ClassVar

import numpy as np

from coursework.recipes import Recipe, register
from coursework.recipes._language_model import LanguageModelSettings, fit_language_model

SPECIAL_TOKENS = ("", "[UNK]")
TOP_K = (1, 5, 10)
SAMPLE_PROMPTS = ("señor presidente", "el gobierno de", "muchas gracias", "la ley de")


@dataclasses.dataclass(frozen=True)
class WordLMSettings(LanguageModelSettings):
    """Everything that decides a word-lm training run besides the seed (the corpus and training fields
    come from :class:`~coursework.recipes._language_model.LanguageModelSettings`). ``full``: the whole
    corpus, 3,000 words, until early stopping (about 12 CPU-seconds per epoch, capped at 360 s; the
    committed 04b run stopped after 11 epochs, 211 s; at learning rate 6e-3 a trial needed 14);
    ``ci``: 300k characters, 2,000 words, 3 epochs."""

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
    max_tokens: int = 3000
    embedding_dim: int = 64
    units: int = 96
    window: int = 20
    epochs: int = 15
    learning_rate: float = 1e-2
    max_seconds: float | None = 360.0
    patience: int = 2
    min_delta: float = 0.01


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
    """Compile (Adam, sparse cross-entropy) and train until the validation loss has not improved by
    ``settings.min_delta`` for ``settings.patience`` epochs (best weights kept), at most
    ``settings.epochs`` epochs or ``settings.max_seconds``. Returns the Keras ``History``, whose
    ``stop_reason`` says what ended the run (``"early_stopping"``, ``"time_cap"`` or ``"epochs"``) and
    ``best_epoch`` (1-based) which epoch's weights the model keeps: the last one that improved the
    validation loss by ``min_delta``, whatever stopped the run."""
    import keras

    early = keras.callbacks.EarlyStopping(
        "val_loss", min_delta=settings.min_delta, patience=settings.patience, restore_best_weights=True
    )
    history = fit_language_model(
        model,
        corpus.windows("train", settings.window),
        corpus.windows("validation", settings.window),
        settings,
        metrics=[],
        callbacks=[early, *extra_callbacks],
        verbose=verbose,
    )
    if early.stopped_epoch > 0:
        history.stop_reason = "early_stopping"
    elif len(history.epoch) < settings.epochs:
        history.stop_reason = "time_cap"
    else:
        history.stop_reason = "epochs"
    history.best_epoch = early.best_epoch + 1
    return history


def content_word_mask(vocabulary) -> np.ndarray:
    """``True`` for the ids of content words: neither a Spanish stop word
    (:func:`coursework.preprocessing.spanish_stop_words`) nor ``""`` / ``"[UNK]"``.

    Example:
        >>> content_word_mask(["", "[UNK]", "de", "gobierno", "la", "ley"]).tolist()
        [False, False, False, True, False, True]
    """
    from coursework.preprocessing import spanish_stop_words

    stop = spanish_stop_words() | set(SPECIAL_TOKENS)
    return np.array([word not in stop for word in vocabulary], dtype=bool)


def target_ranks(probs, targets, candidates) -> np.ndarray:
    """0-based rank of each target among the ``candidates`` ids (a boolean mask over the vocabulary):
    how many other candidates the model finds at least as probable (ties count against the target).
    ``rank < k`` means a top-``k`` hit.

    Example:
        >>> probs = np.array([[0.1, 0.5, 0.3, 0.1]])
        >>> target_ranks(probs, np.array([2]), np.array([True, True, True, True])).tolist()
        [1]
        >>> target_ranks(probs, np.array([2]), np.array([True, False, True, True])).tolist()
        [0]
        >>> target_ranks(probs, np.array([0]), np.array([True, True, True, True])).tolist()   # tie with id 3
        [3]
    """
    picked = np.take_along_axis(probs, targets[..., None], axis=-1)
    return ((probs >= picked) & candidates).sum(axis=-1) - candidates[targets]


def evaluate(model, corpus, settings: WordLMSettings, ks=TOP_K) -> dict[str, float]:
    """Validation perplexity per word and top-``k`` accuracy (``k`` in ``ks``), overall and on content
    words, beside the unigram (frequency) baseline's.

    Perplexity counts every position. Top-``k`` accuracy is the keyboard's: suggestions never include
    ``""`` or ``"[UNK]"``, so it is measured on the positions whose next word is in the vocabulary
    (``unknown_share`` tells how many are not), and on the content words among them
    (:func:`content_word_mask`). The unigram baseline always suggests the ``k`` most frequent training
    words; on content words it suggests the ``k`` most frequent *content* words (it is told the next
    word is one, which the model is not).
    """
    from coursework.generation.baselines import ngram_perplexity

    vocabulary = corpus.vocabulary
    known = np.array([word not in SPECIAL_TOKENS for word in vocabulary], dtype=bool)
    content = content_word_mask(vocabulary)
    x_val, y_val = corpus.windows("validation", settings.window)
    log_likelihood, ranks = 0.0, []
    for start in range(0, len(x_val), 256):  # in chunks: all probabilities at once would not fit
        probs = np.asarray(model.predict_on_batch(x_val[start : start + 256]))
        targets = y_val[start : start + 256]
        picked = np.take_along_axis(probs, targets[..., None], axis=-1)[..., 0]
        log_likelihood += float(np.log(np.maximum(picked, 1e-12)).sum())
        ranks.append(target_ranks(probs, targets, known).reshape(-1))
    ranks, targets = np.concatenate(ranks), y_val.reshape(-1)
    on_known, on_content = known[targets], content[targets]

    counts = np.bincount(np.concatenate(corpus.train_blocks), minlength=len(vocabulary))
    by_frequency = np.argsort(-counts, kind="stable")
    frequent = by_frequency[known[by_frequency]]
    frequent_content = by_frequency[content[by_frequency]]
    metrics = {
        "val_perplexity": math.exp(-log_likelihood / targets.size),
        "unigram_perplexity": ngram_perplexity(
            corpus.train_blocks, corpus.val_blocks, len(vocabulary), order=1
        ),
        "unknown_share": float(1 - on_known.mean()),
        "content_share": float(on_content.mean()),
    }
    for k in ks:
        metrics[f"val_top{k}_accuracy"] = float((ranks[on_known] < k).mean())
        metrics[f"val_content_top{k}_accuracy"] = float((ranks[on_content] < k).mean())
        metrics[f"unigram_top{k}_accuracy"] = float(np.isin(targets[on_known], frequent[:k]).mean())
        metrics[f"unigram_content_top{k}_accuracy"] = float(
            np.isin(targets[on_content], frequent_content[:k]).mean()
        )
    return metrics


def accuracy_table(metrics: dict[str, float], ks=TOP_K):
    """The top-``k`` accuracies of :func:`evaluate` as a DataFrame: one row per ``k``, columns
    (words, model) with words in {"todas", "de contenido"} and model in {"LSTM", "unigrama"}."""
    import pandas as pd

    columns = pd.MultiIndex.from_product([["todas", "de contenido"], ["LSTM", "unigrama"]])
    keys = [(model, words) for words in ("", "content_") for model in ("val", "unigram")]
    rows = [[metrics[f"{model}_{words}top{k}_accuracy"] for model, words in keys] for k in ks]
    return pd.DataFrame(rows, index=[f"top-{k}" for k in ks], columns=columns)


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
