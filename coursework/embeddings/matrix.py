"""Initial ``Embedding`` weights for a vectoriser's vocabulary from pre-trained vectors, with a
coverage report (hits / misses / words found only by a fallback). A vocabulary may be a
``TextVectorization`` layer, a list of words in id order (a :class:`coursework.text.Vocabulary`
is one), or a word → id mapping.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping

import numpy as np


@dataclasses.dataclass
class EmbeddingCoverage:
    """How many vocabulary words found a pre-trained vector.

    ``hits`` / ``misses`` count real words (padding and ``[UNK]`` excluded); ``fallback_hits`` is the
    part of ``hits`` found only by a fallback (see :func:`build_embedding_matrix`); ``missing`` lists
    the missing words in vocabulary order (most frequent first for an adapted ``TextVectorization``).
    """

    hits: int
    misses: int
    missing: list[str]
    fallback_hits: int = 0

    @property
    def coverage(self) -> float:
        """Share of real words with a pre-trained vector (direct or by fallback)."""
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    def __str__(self) -> str:
        return (
            f"{self.hits:,} of {self.hits + self.misses:,} words have a pre-trained vector "
            f"({self.coverage:.1%}; {self.fallback_hits:,} of them by fallback); "
            f"{self.misses:,} missing, e.g. {self.missing[:8]}"
        )


def _vocabulary_list(vocabulary) -> list[str | None]:
    """Index → word list from a vectoriser, a list of words or a word → index mapping."""
    if hasattr(vocabulary, "get_vocabulary"):
        return list(vocabulary.get_vocabulary())
    if isinstance(vocabulary, Mapping):
        if not vocabulary:
            raise ValueError("The vocabulary is empty.")
        bad = [
            (w, i)
            for w, i in vocabulary.items()
            if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or i < 0
        ]
        if bad:
            raise ValueError(f"Word → index map needs non-negative integer indices; got {bad[:3]}.")
        words: list[str | None] = [None] * (max(vocabulary.values()) + 1)
        for w, i in vocabulary.items():
            words[i] = w
        return words
    if isinstance(vocabulary, (str, bytes)) or not isinstance(vocabulary, Iterable):
        raise TypeError(
            "vocabulary must be a TextVectorization layer, a list of words or a "
            f"word → index dict, got {type(vocabulary).__name__}."
        )
    words = list(vocabulary)
    if not words:
        raise ValueError("The vocabulary is empty.")
    return words


_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def _fallback_vector(word: str, lookup, source: np.ndarray, lowercase: bool, max_rank: int):
    """A vector for a word the vectors lack: lower-cased, without leftover symbols (curly quotes:
    ``it’s`` → ``its``), without a possessive ``s``, or the mean of two frequent words glued by a stripped
    hyphen
    (``writerdirector`` → writer + director). ``None`` if nothing fits."""
    candidates = [word.lower()] if lowercase else []
    candidates.append(_NON_WORD.sub("", candidates[0] if candidates else word))
    for candidate in candidates:
        if candidate and candidate != word and candidate in lookup:
            return source[lookup[candidate]]
    glued = candidates[-1]
    if len(glued) > 3 and glued.endswith("s") and glued[:-1] in lookup:  # possessive: "polanskis"
        return source[lookup[glued[:-1]]]
    best = None
    for cut in range(2, len(glued) - 1):
        left, right = lookup.get(glued[:cut]), lookup.get(glued[cut:])
        if left is not None and right is not None and max(left, right) < max_rank:
            if best is None or max(left, right) < max(best):
                best = (left, right)
    return None if best is None else source[list(best)].mean(axis=0)


def build_embedding_matrix(
    vocabulary,
    keyed_vectors,
    oov: str = "random",
    normalize: str | None = None,
    seed: int = 0,
    lowercase: bool = True,
    fallbacks: bool = True,
    compound_rank: int = 50_000,
):
    """Initial ``Embedding`` weights for ``vocabulary`` from pre-trained ``keyed_vectors``.

    Row *i* is the vector of the word with id *i*:

    - padding (``""``, id 0) and ``[UNK]`` rows, and ids no word maps to, are **zeros**;
    - a word found in ``keyed_vectors`` gets its vector. Look-up uses the vectoriser's own tokens —
      :func:`coursework.models.text_input.make_vectorizer` lower-cases and strips ASCII punctuation,
      and GloVe 6B is lower-cased, so ``"Don't"`` → ``"dont"`` is found as is;
    - with ``fallbacks=True`` a word still missing is tried lower-cased (if ``lowercase``), then without
      the symbols the vectoriser leaves (curly quotes: ``it’s`` → ``its``), without a final ``s`` (a
      possessive whose apostrophe was stripped: ``polanskis`` → ``polanski``), then as two words among
      the ``compound_rank`` most frequent ones glued by a stripped hyphen (``oldfashioned`` → mean of
      ``old`` and ``fashioned``); these count as hits and as ``fallback_hits``;
    - a missing word (OOV) gets, with ``oov="random"``, a vector drawn from a normal distribution with
      the per-dimension mean and standard deviation of the found vectors (seeded, so repeatable), so it
      looks like a typical word and can be learned when fine-tuning; ``oov="zeros"`` leaves it 0.
    - ``normalize="l2"`` scales every found vector to unit length (cosine geometry); ``None`` (default)
      keeps GloVe's raw scale. The seed slides divided by the *sum* of the vector, which can explode
      when the sum is near zero: not offered.

    Args:
        vocabulary: a ``TextVectorization`` layer, a list of words (index = id) or a word → id dict.
        keyed_vectors: a gensim ``KeyedVectors`` (or anything with ``key_to_index``, ``vectors``).
        oov, normalize, seed, lowercase, fallbacks, compound_rank: as described above.

    Returns:
        ``(matrix, coverage)``: a float32 array ``(len(vocabulary), keyed_vectors.vector_size)`` and
        an :class:`EmbeddingCoverage`.

    Example:
        >>> from coursework.embeddings import load_glove
        >>> matrix, report = build_embedding_matrix(["", "[UNK]", "good", "qzxv"], load_glove())
        >>> matrix.shape, report.hits, report.missing
        ((4, 50), 1, ['qzxv'])
    """
    if not (hasattr(keyed_vectors, "key_to_index") and hasattr(keyed_vectors, "vectors")):
        raise TypeError(f"keyed_vectors must be a gensim KeyedVectors, got {type(keyed_vectors).__name__}.")
    if oov not in ("random", "zeros"):
        raise ValueError(f"oov={oov!r}: use 'random' or 'zeros'.")
    if normalize not in (None, "l2"):
        raise ValueError(f"normalize={normalize!r}: use None or 'l2'.")
    words = _vocabulary_list(vocabulary)
    source = np.asarray(keyed_vectors.vectors, dtype="float32")
    if source.ndim != 2 or source.shape[1] < 1:
        raise ValueError(f"keyed_vectors has vectors of shape {source.shape}; expected (words, dim).")
    matrix = np.zeros((len(words), source.shape[1]), dtype="float32")
    lookup = keyed_vectors.key_to_index
    found, missing_rows, missing, fallback_hits = [], [], [], 0
    for i, word in enumerate(words):
        if word is None or word in ("", "[UNK]"):
            continue
        if isinstance(word, np.str_):
            word = str(word)
        if not isinstance(word, str):
            raise TypeError(f"Vocabulary entry {i} is {type(word).__name__} ({word!r}), not a string.")
        index = lookup.get(word)
        vector = source[index] if index is not None else None
        if vector is None and fallbacks:
            vector = _fallback_vector(word, lookup, source, lowercase, compound_rank)
            fallback_hits += vector is not None
        if vector is None:
            missing_rows.append(i)
            missing.append(word)
        else:
            matrix[i] = vector
            found.append(i)
    if normalize == "l2" and found:
        norms = np.linalg.norm(matrix[found], axis=1, keepdims=True)
        matrix[found] = matrix[found] / np.maximum(norms, 1e-8)
    if oov == "random" and missing_rows:
        reference = matrix[found] if found else source
        mean, std = reference.mean(axis=0), reference.std(axis=0)
        rng = np.random.default_rng(seed)
        matrix[missing_rows] = rng.normal(mean, std, size=(len(missing_rows), matrix.shape[1]))
    return matrix, EmbeddingCoverage(
        hits=len(found), misses=len(missing), missing=missing, fallback_hits=fallback_hits
    )
