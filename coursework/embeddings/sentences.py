"""Sentence vectors from word vectors: the mean of a sentence's word vectors, or their mean
weighted by each word's IDF (rare words weigh more than "de", "la", "que").

Words are tokenised with :func:`coursework.text.letter_tokenize` (the class-3 tokeniser); words
without a vector are skipped (FastText gives one to almost any word). A sentence with no word that
has a vector gets the zero vector (cosine 0 with everything).

Example:
    >>> import numpy as np
    >>> from gensim.models import KeyedVectors
    >>> kv = KeyedVectors(vector_size=2)
    >>> kv.add_vectors(["gato", "perro", "el"], np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
    >>> sentence_vectors(kv, ["El gato", "el perro"]).tolist()
    [[1.0, 0.5], [0.5, 1.0]]
    >>> sentence_vectors(kv, ["El gato"], idf={"el": 0.0, "gato": 2.0}).tolist()
    [[1.0, 0.0]]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from coursework.embeddings.fasttext import has_vector
from coursework.text import letter_tokenize


def fit_idf(texts: Sequence[str]) -> dict[str, float]:
    """IDF of every word of ``texts`` (scikit-learn's smoothed ``ln((1 + N) / (1 + df)) + 1``,
    with the class-3 tokeniser): ``{word: idf}``.

    Example:
        >>> idf = fit_idf(["el gato", "el perro", "el loro"])
        >>> idf["el"] < idf["gato"]
        True
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    if isinstance(texts, str):
        raise TypeError("Expected a list of texts, got a single string; wrap it in a list.")
    vectorizer = TfidfVectorizer(tokenizer=letter_tokenize, lowercase=False, token_pattern=None)
    vectorizer.fit(texts)
    return dict(zip(vectorizer.get_feature_names_out().tolist(), vectorizer.idf_.tolist(), strict=False))


def sentence_vectors(
    keyed_vectors, texts: Sequence[str], idf: Mapping[str, float] | None = None
) -> np.ndarray:
    """One row per text: the mean of its words' vectors, or, with ``idf``, the TF-IDF-weighted mean
    (``Σ idf(w)·v(w) / Σ idf(w)`` over the word occurrences, so a word's total weight is its count
    in the text × its IDF; a word missing from ``idf`` gets the largest IDF: it is rarer than every
    word seen).

    Raises:
        TypeError: if ``texts`` is a single string.
    """
    if isinstance(texts, str):
        raise TypeError("Expected a list of texts, got a single string; wrap it in a list.")
    default = max(idf.values()) if idf else 1.0
    out = np.zeros((len(texts), keyed_vectors.vector_size), dtype="float64")
    for row, text in enumerate(texts):
        words = [w for w in letter_tokenize(text) if has_vector(keyed_vectors, w)]
        if not words:
            continue
        weights = np.array([idf.get(w, default) if idf is not None else 1.0 for w in words])
        if weights.sum() <= 0:
            continue
        vectors = np.stack([keyed_vectors[w] for w in words]).astype("float64")
        out[row] = weights @ vectors / weights.sum()
    return out
