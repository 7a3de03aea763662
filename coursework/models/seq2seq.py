"""Sequence-to-sequence model for the addition exercise (seed deck 003).

Example:
    >>> from coursework.models import build_addition_seq2seq
    >>> build_addition_seq2seq(digits=3, units=128).count_params()
    205324
"""

from __future__ import annotations

import keras

from coursework.datasets.addition import CHARS
from coursework.layers import ReverseTime


def build_addition_seq2seq(
    digits: int = 3,
    units: int = 128,
    vocab_size: int = len(CHARS),
    reverse_input: bool = False,
    name: str = "addition_seq2seq",
) -> keras.Model:
    """LSTM encoder → RepeatVector → LSTM decoder → TimeDistributed(Dense softmax) (not compiled).

    The layers are the seed deck's, in its order, so a model written layer by layer the same way
    takes this model's weights (``set_weights``) unchanged.

    Args:
        digits: largest operand length; inputs are ``2 * digits + 1`` steps, outputs ``digits + 1``.
        units: LSTM size of encoder and decoder (128 gives the seed's 205,324 parameters).
        vocab_size: one-hot width (12: digits, '+', space).
        reverse_input: reverse the query inside the model (a weightless layer), which makes training
            much faster; the parameter count does not change.

    Example:
        >>> model = build_addition_seq2seq(reverse_input=True)
        >>> model.input_shape, model.output_shape
        ((None, 7, 12), (None, 4, 12))
    """
    for label, value in (("digits", digits), ("units", units), ("vocab_size", vocab_size)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{label} must be a positive integer, got {value!r}.")
    inputs = keras.Input((2 * digits + 1, vocab_size), name="query_one_hot")
    x = ReverseTime(name="reverse_query")(inputs) if reverse_input else inputs
    x = keras.layers.LSTM(units, name="encoder")(x)
    x = keras.layers.RepeatVector(digits + 1, name="repeat")(x)
    x = keras.layers.LSTM(units, return_sequences=True, name="decoder")(x)
    outputs = keras.layers.TimeDistributed(
        keras.layers.Dense(vocab_size, activation="softmax"), name="char_probs"
    )(x)
    return keras.Model(inputs, outputs, name=name)
