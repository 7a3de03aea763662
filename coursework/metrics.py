"""Metrics shared by recipes: whole-sequence exact match for seq2seq outputs; diversity of generated
replies (distinct-n, degenerate replies).

Example:
    >>> import numpy as np
    >>> y = np.eye(3)[[[0, 1], [2, 2]]]            # two sequences of length 2, 3 classes
    >>> p = np.eye(3)[[[0, 1], [2, 0]]]            # first right, second wrong at step 2
    >>> float(sequence_exact_match(y, p))
    0.5
"""

from __future__ import annotations

import string

import keras
import numpy as np
from keras import ops


def sequence_exact_match(y_true, y_pred):
    """Fraction of sequences whose every step's argmax matches (one-hot ``y_true``)."""
    same = ops.equal(ops.argmax(y_true, axis=-1), ops.argmax(y_pred, axis=-1))
    return ops.mean(ops.cast(ops.all(same, axis=-1), "float32"))


@keras.saving.register_keras_serializable(package="coursework")
class SequenceExactMatch(keras.metrics.MeanMetricWrapper):
    """Keras metric: share of sequences predicted entirely right (name ``exact_match``)."""

    def __init__(self, name="exact_match", dtype=None):
        super().__init__(fn=_exact_match_per_sequence, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


def _exact_match_per_sequence(y_true, y_pred):
    same = ops.equal(ops.argmax(y_true, axis=-1), ops.argmax(y_pred, axis=-1))
    return ops.cast(ops.all(same, axis=-1), "float32")


def exact_match(expected: list[str], predicted: list[str]) -> float:
    """Share of predicted strings equal to the expected ones."""
    if len(expected) != len(predicted):
        raise ValueError(f"{len(expected)} expected strings but {len(predicted)} predictions.")
    if not expected:
        raise ValueError("exact_match needs at least one pair of strings.")
    return float(np.mean([e == p for e, p in zip(expected, predicted, strict=False)]))


def _tokens(reply) -> list[str]:
    """Words of a reply: lower-cased, split on spaces, punctuation around them dropped ("i's" is one)."""
    if isinstance(reply, (list, tuple)):
        return list(reply)
    words = (w.strip(string.punctuation + "¿¡…") for w in reply.lower().split())
    return [w for w in words if w]


def is_degenerate(reply) -> bool:
    """A reply (a string, or its list of words) that is empty, one word, or one word repeated
    (punctuation is not a word).

    >>> is_degenerate("i's"), is_degenerate("¿no, no, no?"), is_degenerate("i am from spain")
    (True, True, False)
    """
    return len(set(_tokens(reply))) <= 1


def distinct_n(replies, n: int) -> float:
    """Distinct-n (Li et al., 2016): the number of distinct n-grams of all ``replies`` divided by the
    number of words they hold (0 if none), so one-word replies, which hold no bigram, lower distinct-2.

    >>> distinct_n(["i like it", "i like dogs"], 1), distinct_n(["i like it", "i like dogs"], 2)
    (0.6666666666666666, 0.5)
    """
    words = [_tokens(reply) for reply in replies]
    grams = {tuple(t[i : i + n]) for t in words for i in range(len(t) - n + 1)}
    total = sum(map(len, words))
    return len(grams) / total if total else 0.0
