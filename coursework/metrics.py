"""Metrics shared by recipes: whole-sequence exact match for seq2seq outputs.

Example:
    >>> import numpy as np
    >>> y = np.eye(3)[[[0, 1], [2, 2]]]            # two sequences of length 2, 3 classes
    >>> p = np.eye(3)[[[0, 1], [2, 0]]]            # first right, second wrong at step 2
    >>> float(sequence_exact_match(y, p))
    0.5
"""

from __future__ import annotations

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
