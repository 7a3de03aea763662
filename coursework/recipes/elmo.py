"""Recipe ``elmo``: a forward and a backward LSTM language model on Spanish speeches (class 7, ELMo).

Words come from :func:`coursework.text.standardize_words` and one
:class:`~coursework.text.Vocabulary` learnt on the training blocks; the model is
:func:`coursework.models.elmo.build_bilm`. Metrics: validation perplexity of each direction beside
the unigram's, and the headline **sense accuracy**: on the labelled sentences of
:mod:`coursework.datasets.senses`, the share of sentences whose nearest other sentence of the same
word (cosine of the contextual vectors, forward ⊕ backward state) has the same sense, beside chance.

Example:
    >>> from coursework.recipes.elmo import settings_for
    >>> settings_for("ci").max_windows, settings_for("full").max_windows   # same vocabulary, fewer windows
    (1000, None)
"""

from __future__ import annotations

import dataclasses
import math
from typing import ClassVar

import numpy as np

from coursework.datasets.char_corpus import BlockSplitMixin
from coursework.recipes import Recipe, register
from coursework.recipes._language_model import LanguageModelSettings, fit_language_model

SPECIALS = ("", "[UNK]")


@dataclasses.dataclass(frozen=True)
class ElmoSettings(LanguageModelSettings):
    """Everything that decides an elmo training run besides the seed (corpus and training fields from
    :class:`~coursework.recipes._language_model.LanguageModelSettings`); ``ci``: the same vocabulary,
    1,000 training windows, units 32, 1 epoch."""

    CI: ClassVar[dict] = {
        "max_windows": 1000,
        "embedding_dim": 32,
        "units": 32,
        "epochs": 1,
        "batch_size": 64,
        "max_seconds": 15.0,
    }
    max_chars: int | None = None
    max_tokens: int = 2000
    max_windows: int | None = None  # train on a random subset of the windows (None: all)
    embedding_dim: int = 64
    units: int = 96
    window: int = 32
    epochs: int = 8
    batch_size: int = 128
    learning_rate: float = 1e-2
    max_seconds: float | None = 330.0


settings_for = ElmoSettings.for_profile


@dataclasses.dataclass
class ElmoCorpus(BlockSplitMixin):
    """Word ids of the contiguous train/validation blocks and the :class:`~coursework.text.Vocabulary`."""

    vocabulary: object
    train_blocks: list[np.ndarray]
    val_blocks: list[np.ndarray]


def load_corpus(settings: ElmoSettings) -> ElmoCorpus:
    """Normalise, split into contiguous blocks, tokenise with ``standardize_words`` and encode (the
    vocabulary: ``""``, ``"[UNK]"`` and the ``max_tokens - 2`` most frequent training words)."""
    from coursework.datasets.char_corpus import load_corpus_text, split_blocks
    from coursework.text import Vocabulary, standardize_words

    text = load_corpus_text(settings.source, max_chars=settings.max_chars)
    train_text, val_text = split_blocks(text, settings.val_fraction, settings.n_blocks)
    train_words = [standardize_words(block) for block in train_text]
    vocabulary = Vocabulary.build(train_words, specials=SPECIALS, max_size=settings.max_tokens)

    def encode(words):
        return np.asarray(vocabulary.lookup(words, unknown="[UNK]"), dtype="int32")

    return ElmoCorpus(
        vocabulary=vocabulary,
        train_blocks=[encode(w) for w in train_words],
        val_blocks=[encode(standardize_words(block)) for block in val_text],
    )


def build_model(corpus: ElmoCorpus, settings: ElmoSettings):
    """The untrained biLM over ``corpus``' vocabulary (:func:`coursework.models.elmo.build_bilm`)."""
    from coursework.models.elmo import build_bilm

    return build_bilm(list(corpus.vocabulary), embedding_dim=settings.embedding_dim, units=settings.units)


def fit(model, corpus: ElmoCorpus, settings: ElmoSettings, *, verbose: int | str | None = None):
    """Compile (Adam, sparse cross-entropy summed over the two directions) and train on
    ``settings.window``-word windows, keeping the weights of the best validation loss; returns the
    Keras ``History``."""
    import keras

    from coursework.models.elmo import bilm_windows

    early = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    limit = settings.max_windows
    return fit_language_model(
        model,
        _subset(bilm_windows(corpus.train_blocks, settings.window), limit),
        _subset(bilm_windows(corpus.val_blocks, settings.window), limit and max(limit // 4, 1)),
        settings,
        metrics=[],
        callbacks=[early],
        verbose=verbose,
    )


def _subset(windows, limit: int | None):
    """At most ``limit`` of the ``(x, targets)`` windows, picked at random (fixed seed)."""
    x, targets = windows
    if limit is None or len(x) <= limit:
        return windows
    keep = np.sort(np.random.default_rng(0).permutation(len(x))[:limit])
    return x[keep], {name: y[keep] for name, y in targets.items()}


def perplexities(model, corpus: ElmoCorpus, settings: ElmoSettings) -> dict[str, float]:
    """Validation perplexity per word of each direction, and of the unigram (training frequencies)."""
    x, targets = bilm_windows_of(corpus, settings)
    log_likelihood = dict.fromkeys(targets, 0.0)
    for start in range(0, len(x), 256):  # in chunks: all probabilities at once would not fit
        probs = model.predict_on_batch(x[start : start + 256])
        for name, y in targets.items():
            picked = np.take_along_axis(np.asarray(probs[name]), y[start : start + 256, :, None], axis=-1)
            log_likelihood[name] += float(np.log(np.maximum(picked, 1e-12)).sum())
    counts = np.bincount(np.concatenate(corpus.train_blocks), minlength=len(corpus.vocabulary)) + 1.0
    unigram = np.log(counts / counts.sum())[targets["next_word"]].mean()
    n = targets["next_word"].size
    return {
        "forward_perplexity": math.exp(-log_likelihood["next_word"] / n),
        "backward_perplexity": math.exp(-log_likelihood["previous_word"] / n),
        "unigram_perplexity": math.exp(-float(unigram)),
    }


def bilm_windows_of(corpus: ElmoCorpus, settings: ElmoSettings, split: str = "validation"):
    """:func:`coursework.models.elmo.bilm_windows` of one split of ``corpus``."""
    from coursework.models.elmo import bilm_windows

    blocks = {"train": corpus.train_blocks, "validation": corpus.val_blocks}[split]
    return bilm_windows(blocks, settings.window)


def sense_vectors(model, corpus: ElmoCorpus, states=("forward", "backward"), examples=None) -> np.ndarray:
    """The contextual vector of each labelled sentence's word (rows in ``examples`` order; default
    :func:`coursework.datasets.senses.load_senses`)."""
    from coursework.datasets.senses import load_senses
    from coursework.models.elmo import contextual_vectors

    examples = load_senses() if examples is None else examples
    return contextual_vectors(
        model, corpus.vocabulary, [e.sentence for e in examples], [e.word for e in examples], states
    )


def sense_scores(model, corpus: ElmoCorpus) -> dict[str, float]:
    """Leave-one-out nearest-sense accuracy of the biLM vectors, of its embedding alone (one vector
    per word) and chance, on the labelled sentences; ``missing_words``: how many of their words
    are outside the vocabulary."""
    from coursework.datasets.senses import load_senses
    from coursework.models.elmo import chance_accuracy, nearest_sense_accuracy

    examples = load_senses()
    senses = [e.sense for e in examples]
    words = [e.word for e in examples]
    elmo = sense_vectors(model, corpus, examples=examples)
    return {
        "sense_accuracy": nearest_sense_accuracy(elmo, senses, words),
        "embedding_sense_accuracy": nearest_sense_accuracy(
            sense_vectors(model, corpus, ("embedding",), examples), senses, words
        ),
        "chance_sense_accuracy": chance_accuracy(senses, words),
        "missing_words": float(sum(w not in corpus.vocabulary for w in set(words))),
    }


def evaluate(model, corpus: ElmoCorpus, settings: ElmoSettings) -> dict[str, float]:
    """:func:`sense_scores` and :func:`perplexities`."""
    return {**sense_scores(model, corpus), **perplexities(model, corpus, settings)}


class ElmoRecipe(Recipe, name="elmo", metric="sense_accuracy", notebook="07f_elmo_contextual.ipynb"):
    """ELMo-style contextual word vectors (forward and backward LSTM LMs), clustered by word sense."""

    dataset = "Spanish parliament speeches (words, contiguous-block split) + 96 labelled sense sentences"
    settings_for = staticmethod(settings_for)
    build = staticmethod(build_model)
    evaluate = staticmethod(evaluate)

    def load(self, settings, seed):
        return load_corpus(settings)

    def fit(self, model, data, settings, verbose):
        return fit(model, data, settings, verbose=verbose).history

    def describe(self, settings):
        return (
            f"Embedding {settings.embedding_dim} → forward and backward LSTM {settings.units} → shared "
            f"softmax over {settings.max_tokens:,} words"
        )


register(ElmoRecipe())
