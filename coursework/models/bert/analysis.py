"""What a pre-trained BERT's vectors show: contextual word vectors, sentence embeddings, summaries."""

from __future__ import annotations

import re

import numpy as np

from coursework.models.bert.encoding import encode
from coursework.models.bert.loading import make_preprocessor, tokenize

#: "bank" of a river (first two) and of money (last two), for the contextual-embedding demo.
BANK_SENTENCES = (
    "The fisherman sat on the grassy bank of the river.",
    "Ducks swam near the muddy bank of the stream.",
    "I deposited my salary at the bank.",
    "The bank charged a high interest rate on the loan.",
)


def split_sentences(text: str, min_words: int = 4) -> list[str]:
    """Split prose into sentences at ``.``, ``!``, ``?`` (keeps sentences of ≥ ``min_words`` words).

    Example:
        >>> split_sentences("Hola a todos. ¿Cómo están hoy ustedes? Bien.", min_words=3)
        ['Hola a todos.', '¿Cómo están hoy ustedes?']
    """
    parts = re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", text.strip()))
    return [p for p in parts if len(p.split()) >= min_words]


def contextual_vectors(backbone, tokenizer, sentences, word: str) -> np.ndarray:
    """MiniLM's vector of ``word`` in each sentence (mean of its word pieces' final vectors).

    Raises:
        ValueError: if a sentence does not contain ``word`` (as whole word pieces).
    """
    target = np.asarray(tokenizer(word)).tolist()
    preprocessor = make_preprocessor(tokenizer, 128, backbone)
    tokens = tokenize(preprocessor, list(sentences), warn=False)
    seq = np.asarray(backbone(tokens, training=False)["sequence_output"])
    vectors = []
    for i, sentence in enumerate(sentences):
        ids = tokens["token_ids"][i].tolist()
        for start in range(len(ids) - len(target) + 1):
            if ids[start : start + len(target)] == target:
                vectors.append(seq[i, start : start + len(target)].mean(axis=0))
                break
        else:
            raise ValueError(f"{word!r} does not occur in sentence {i}: {sentence!r}.")
    return np.stack(vectors)


def cosine_matrix(vectors) -> np.ndarray:
    """Pairwise cosine similarities of the rows of ``vectors``.

    Example:
        >>> cosine_matrix([[1.0, 0.0], [1.0, 1.0]]).round(3).tolist()
        [[1.0, 0.707], [0.707, 1.0]]
    """
    v = np.asarray(vectors, dtype="float64")
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    return v @ v.T


def sentence_embeddings(backbone, tokenizer, sentences, sequence_length: int = 128) -> np.ndarray:
    """L2-normalised mean-pooled MiniLM embeddings (the all-MiniLM-L6-v2 recipe), one row per sentence."""
    preprocessor = make_preprocessor(tokenizer, sequence_length, backbone)
    vectors = encode(backbone, tokenize(preprocessor, list(sentences), warn=False))
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def extractive_summary(sentences, embeddings, k: int = 3):
    """The ``k`` sentences closest (cosine) to the centroid of all sentence embeddings, in text order.

    Returns ``(summary_sentences, indices, similarities)``.

    Example:
        >>> e = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
        >>> extractive_summary(["a", "b", "c"], e, k=1)[0]
        ['b']
    """
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}.")
    e = np.asarray(embeddings, dtype="float64")
    if len(e) != len(sentences):
        raise ValueError(f"{len(sentences)} sentences but {len(e)} embeddings.")
    e = e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-12)
    centroid = e.mean(axis=0)
    similarity = e @ (centroid / max(np.linalg.norm(centroid), 1e-12))
    chosen = np.sort(np.argsort(-similarity)[:k])
    return [sentences[i] for i in chosen], chosen, similarity
