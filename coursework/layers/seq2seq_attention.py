"""Encoder-decoder attention of the 2014/2015 papers: Luong (dot / bilinear) and Bahdanau (additive).

Both layers take the decoder states as ``query`` ``(batch, Tq, dq)`` and the encoder states as
``value`` ``(batch, Tv, dv)`` (``key`` defaults to ``value``), score every (query, key) pair, turn
the scores into weights with a softmax over the source positions, and return the weighted sum of
the values (the *context vector*), plus the weights when ``return_attention_scores=True`` so that
notebooks can draw alignment heat-maps (Bahdanau et al., 2015, figure 3). Padded source positions
(``value_mask`` False) get zero weight; padded query positions get a zero context and keep their
mask, so a loss downstream ignores them.

Scores (seed deck 002, "Neural LMs with Transformers"):

- ``LuongAttention(score="dot")``: ``score(h_t, s_k) = h_t · s_k`` (same as ``keras.layers.Attention``);
- ``LuongAttention(score="general")``: bilinear ``score(h_t, s_k) = h_t W s_k``;
- ``BahdanauAttention``: additive ``score(h_t, s_k) = vᵀ tanh(W_q h_t + W_k s_k)``.

Example:
    >>> import numpy as np
    >>> layer = LuongAttention(score="dot")
    >>> context, weights = layer(np.ones((2, 3, 4)), np.ones((2, 5, 4)), return_attention_scores=True)
    >>> tuple(context.shape), tuple(weights.shape)
    ((2, 3, 4), (2, 3, 5))
"""

from __future__ import annotations

import keras
from keras import ops


def _masked_softmax_attention(scores, value, query_mask, value_mask):
    """Softmax over the last axis with padded keys excluded, then weighted sum of ``value``."""
    if value_mask is not None:
        padding = ops.expand_dims(ops.logical_not(ops.cast(value_mask, "bool")), axis=-2)
        max_value = 65504.0 if scores.dtype == "float16" else 1.0e9
        scores = ops.where(padding, scores - max_value, scores)
    weights = ops.softmax(scores, axis=-1)
    context = ops.matmul(weights, value)
    if query_mask is not None:
        context = ops.where(ops.expand_dims(ops.cast(query_mask, "bool"), -1), context, 0.0)
    return context, weights


class _EncoderDecoderAttention(keras.layers.Layer):
    """Shared plumbing: masks, key defaulting and the optional weights output."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _scores(self, query, key):  # pragma: no cover - abstract
        raise NotImplementedError

    def call(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        return_attention_scores=False,
    ):
        if key is None:
            key = value
            key_mask = value_mask if key_mask is None else key_mask
        mask = value_mask if value_mask is not None else key_mask
        context, weights = _masked_softmax_attention(self._scores(query, key), value, query_mask, mask)
        if return_attention_scores:
            return context, weights
        return context

    def compute_mask(self, query, previous_mask=None):
        return previous_mask

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        return (*query_shape[:-1], value_shape[-1])

    def compute_output_spec(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        return_attention_scores=False,
    ):
        context = keras.KerasTensor((*query.shape[:-1], value.shape[-1]), dtype=self.compute_dtype)
        if return_attention_scores:
            weights = keras.KerasTensor((*query.shape[:-1], value.shape[1]), dtype=self.compute_dtype)
            return context, weights
        return context


@keras.saving.register_keras_serializable(package="coursework")
class LuongAttention(_EncoderDecoderAttention):
    """Multiplicative attention (Luong et al., 2015): ``dot`` or ``general`` (bilinear) scores.

    Args:
        score: ``"dot"`` (``h_t · s_k``; query and key must have the same size; no weights) or
            ``"general"`` (``h_t W s_k`` with a learned ``W`` of shape ``(dq, dk)``).
        **kwargs: passed to ``keras.layers.Layer`` (``name``, ``dtype``…).

    Call arguments:
        query: ``(batch, Tq, dq)`` decoder states. value: ``(batch, Tv, dv)`` encoder states.
        key: optional ``(batch, Tv, dk)``, defaults to ``value``. query_mask / value_mask: boolean
        ``(batch, Tq)`` / ``(batch, Tv)``, filled from Keras masks automatically.
        return_attention_scores: also return the weights ``(batch, Tq, Tv)`` (rows sum to 1).

    Example:
        >>> import numpy as np
        >>> layer = LuongAttention(score="general")
        >>> tuple(layer(np.ones((1, 2, 8)), np.ones((1, 6, 8))).shape)
        (1, 2, 8)
    """

    SCORES = ("dot", "general")

    def __init__(self, score: str = "dot", **kwargs):
        super().__init__(**kwargs)
        if score not in self.SCORES:
            raise ValueError(f"Unknown Luong score {score!r}: choose one of {', '.join(self.SCORES)}.")
        self.score = score

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        if self.score == "dot" and query_shape[-1] != key_shape[-1]:
            raise ValueError(
                f"LuongAttention(score='dot') needs query and key of the same size; got "
                f"{query_shape[-1]} and {key_shape[-1]} (use score='general')."
            )
        if self.score == "general":
            self.kernel = self.add_weight(
                name="kernel", shape=(query_shape[-1], key_shape[-1]), initializer="glorot_uniform"
            )

    def _scores(self, query, key):
        if self.score == "general":
            query = ops.matmul(query, self.kernel)
        return ops.matmul(query, ops.transpose(key, (0, 2, 1)))

    def get_config(self):
        return {**super().get_config(), "score": self.score}


@keras.saving.register_keras_serializable(package="coursework")
class BahdanauAttention(_EncoderDecoderAttention):
    """Additive attention (Bahdanau et al., 2015): ``score = vᵀ tanh(W_q h_t + W_k s_k)``.

    Unlike ``keras.layers.AdditiveAttention`` (which expects query and key already projected), this
    layer owns the projections ``W_q``, ``W_k`` and the vector ``v``.

    Args:
        units: size of the hidden layer of the score (the width of ``W_q``, ``W_k`` and ``v``).
        **kwargs: passed to ``keras.layers.Layer``.

    Call arguments: as :class:`LuongAttention`.

    Example:
        >>> import numpy as np
        >>> layer = BahdanauAttention(units=16)
        >>> _, weights = layer(np.ones((1, 2, 8)), np.ones((1, 6, 4)), return_attention_scores=True)
        >>> tuple(weights.shape)
        (1, 2, 6)
    """

    def __init__(self, units: int = 128, **kwargs):
        super().__init__(**kwargs)
        if isinstance(units, bool) or not isinstance(units, int) or units < 1:
            raise ValueError(f"units must be a positive integer, got {units!r}.")
        self.units = units

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        self.query_kernel = self.add_weight(
            name="query_kernel", shape=(query_shape[-1], self.units), initializer="glorot_uniform"
        )
        self.key_kernel = self.add_weight(
            name="key_kernel", shape=(key_shape[-1], self.units), initializer="glorot_uniform"
        )
        self.scale = self.add_weight(name="scale", shape=(self.units,), initializer="glorot_uniform")

    def _scores(self, query, key):
        q = ops.expand_dims(ops.matmul(query, self.query_kernel), axis=-2)  # (B, Tq, 1, units)
        k = ops.expand_dims(ops.matmul(key, self.key_kernel), axis=-3)  # (B, 1, Tv, units)
        return ops.sum(self.scale * ops.tanh(q + k), axis=-1)

    def get_config(self):
        return {**super().get_config(), "units": self.units}
