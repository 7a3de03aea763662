"""Word-level corpus for next-word prediction: Keras ``TextVectorization`` over contiguous blocks.

The text is normalised and split into contiguous train/validation blocks exactly as the character
corpus (:mod:`coursework.datasets.char_corpus`); the vocabulary is learnt on the training blocks
only. Standardisation: lowercase and remove the punctuation in :data:`PUNCTUATION` (which adds the
Spanish ``¿ ¡ « »`` to ASCII punctuation); ids 0 and 1 are ``""`` (padding) and ``"[UNK]"``.

Example:
    >>> corpus = load_word_corpus("es", max_chars=50_000, max_tokens=500)   # doctest: +SKIP
    >>> corpus.vocabulary[:4]                                              # doctest: +SKIP
    ['', '[UNK]', 'de', 'la']
"""

from __future__ import annotations

import dataclasses
import os

import numpy as np

from coursework.datasets.char_corpus import BlockSplitMixin
from coursework.text import PUNCTUATION, PUNCTUATION_PATTERN, standardize_words

# standardize_words (the Python twin of this vectoriser's standardisation) lives in coursework.text;
# it stays importable from here for notebook 04b and coursework.generation.text.
__all__ = [
    "PUNCTUATION",
    "PUNCTUATION_PATTERN",
    "WordCorpus",
    "load_word_corpus",
    "make_vectorizer",
    "standardize_words",
]


def _tf_standardize(texts):
    import tensorflow as tf

    return tf.strings.regex_replace(tf.strings.lower(texts), PUNCTUATION_PATTERN, " ")


def make_vectorizer(max_tokens: int = 8000, vocabulary=None):
    """A ``TextVectorization`` layer with this module's standardisation (``adapt`` it, or pass a
    vocabulary)."""
    import keras

    layer = keras.layers.TextVectorization(
        max_tokens=max_tokens, standardize=_tf_standardize, split="whitespace", output_mode="int"
    )
    if vocabulary is not None:
        layer.set_vocabulary(list(vocabulary)[2:] if list(vocabulary)[:2] == ["", "[UNK]"] else vocabulary)
    return layer


@dataclasses.dataclass
class WordCorpus(BlockSplitMixin):
    """Word ids of the train/validation blocks and the vocabulary (id order)."""

    vocabulary: list[str]
    train_blocks: list[np.ndarray]
    val_blocks: list[np.ndarray]


def load_word_corpus(
    source: str | os.PathLike = "es",
    max_chars: int | None = None,
    max_tokens: int = 5000,
    val_fraction: float = 0.1,
    n_blocks: int = 20,
) -> WordCorpus:
    """Load, split and vectorise a corpus (``"es"``, ``"en"`` or a UTF-8 file path) into word ids."""
    from coursework.datasets.char_corpus import load_corpus_text, split_blocks

    if not isinstance(max_tokens, int) or max_tokens < 3:
        raise ValueError(f"max_tokens must be an integer >= 3, got {max_tokens!r}.")
    text = load_corpus_text(source, max_chars=max_chars)
    train_text, val_text = split_blocks(text, val_fraction, n_blocks)
    vectorizer = make_vectorizer(max_tokens)
    vectorizer.adapt(train_text, batch_size=len(train_text))

    def encode(block: str) -> np.ndarray:
        return np.asarray(vectorizer(block), dtype="int32").reshape(-1)

    return WordCorpus(
        vocabulary=[str(word) for word in vectorizer.get_vocabulary()],
        train_blocks=[encode(b) for b in train_text],
        val_blocks=[encode(b) for b in val_text],
    )
