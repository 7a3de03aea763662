"""Attention from scratch with ``keras.ops``: scaled dot-product, multi-head self-attention, HAN pooling.

- :func:`scaled_dot_product_attention`: ``softmax(QKᵀ/√d_k) V`` (Vaswani et al., 2017), returning the
  weights too, so a notebook can draw them;
- :class:`MultiHeadSelfAttention`: numerically equal to ``keras.layers.MultiHeadAttention`` with the
  same weights (same weight shapes and order, so ``set_weights(mha.get_weights())`` copies them);
- :class:`AttentionPooling`: the feed-forward attention of Hierarchical Attention Networks (Yang et
  al., 2016): ``u = tanh(W h + b)``, ``α = softmax(uᵀ u_w)``, ``s = Σ α h``.

Masks: a boolean/0-1 ``padding_mask`` of shape ``(batch, key_len)`` hides padded *keys*; an
``attention_mask`` of shape ``(batch, query_len, key_len)`` hides any pair; the Keras mask carried by
the inputs (``Embedding(mask_zero=True)``) hides padded queries and keys, as Keras' own layer does.

Example:
    >>> import numpy as np
    >>> q = np.ones((1, 2, 4), "float32")
    >>> out, w = scaled_dot_product_attention(q, q, q)
    >>> tuple(out.shape), tuple(w.shape)
    ((1, 2, 4), (1, 2, 2))
"""

from __future__ import annotations

import math
import numbers

import keras
from keras import ops

_NEG_INF = -1e9


def _static_shape(x):
    """The shape of ``x`` with every dimension that is not a known integer as ``None``.

    A symbolic dimension (JAX traces the batch axis as a ``_DimExpr``) is unknown, not an error.
    """
    shape = getattr(x, "shape", None)
    if shape is None:
        return None
    return tuple(int(d) if isinstance(d, numbers.Integral) else None for d in shape)


def _check_mask_shape(mask, target, name):
    """Raise ``ValueError`` unless ``mask`` broadcasts to the (static) ``target`` shape."""
    shape = _static_shape(mask)
    if shape is None:
        return
    if len(shape) > len(target):
        raise ValueError(
            f"{name} has shape {shape} but the attention scores have shape {target}: "
            f"it may have at most {len(target)} axes."
        )
    for m_dim, t_dim in zip(shape[::-1], target[::-1], strict=False):  # trailing axes align
        if m_dim not in (None, 1) and t_dim is not None and m_dim != t_dim:
            raise ValueError(
                f"{name} has shape {shape}, which does not broadcast to the attention "
                f"scores' shape {target} (batch, [heads,] queries, keys)."
            )


def masked_softmax(scores, mask=None, axis=-1):
    """Softmax over ``axis`` where ``mask`` is False gets weight 0 (rows fully masked give zeros).

    Same rule as ``keras.layers.Softmax`` with a mask: masked scores become -1e9 before the softmax
    and the result is zeroed there afterwards.

    Example:
        >>> import numpy as np
        >>> np.asarray(masked_softmax(np.zeros((1, 3), "float32"), np.array([[1, 1, 0]]))).tolist()
        [[0.5, 0.5, 0.0]]
    """
    scores = ops.convert_to_tensor(scores)
    if mask is None:
        return ops.softmax(scores, axis=axis)
    mask = ops.cast(mask, "bool")
    # float16 cannot hold -1e9 (it becomes -inf, and a fully masked row then gives NaN gradients).
    neg = -6.0e4 if keras.backend.standardize_dtype(scores.dtype) == "float16" else _NEG_INF
    weights = ops.softmax(ops.where(mask, scores, ops.cast(neg, scores.dtype)), axis=axis)
    return ops.where(mask, weights, ops.zeros_like(weights))


def scaled_dot_product_attention(query, key, value, mask=None):
    """``softmax(Q Kᵀ / √d_k) V`` and the weights.

    Args:
        query: ``(..., T_q, d_k)``.
        key: ``(..., T_k, d_k)``.
        value: ``(..., T_k, d_v)``.
        mask: optional, broadcastable to ``(..., T_q, T_k)``; True / 1 = may attend.

    Returns:
        ``(output, weights)`` with shapes ``(..., T_q, d_v)`` and ``(..., T_q, T_k)``.

    Raises:
        ValueError: if query and key differ in their last axis, key and value in their length, the
            ranks differ, or the mask does not broadcast to the weights' shape.

    Example:
        >>> import numpy as np
        >>> q = np.array([[[1.0, 0.0]]], "float32"); k = np.array([[[1.0, 0.0], [0.0, 1.0]]], "float32")
        >>> _, w = scaled_dot_product_attention(q, k, k)
        >>> np.round(np.asarray(w).astype(float), 3).tolist()
        [[[0.67, 0.33]]]
    """
    query, key, value = (ops.convert_to_tensor(t) for t in (query, key, value))
    qs, ks, vs = _static_shape(query), _static_shape(key), _static_shape(value)
    if not (len(qs) == len(ks) == len(vs)) or len(qs) < 2:
        raise ValueError(
            f"query, key and value must have the same rank (at least 2); got shapes {qs}, {ks}, {vs}."
        )
    if qs[-1] is not None and ks[-1] is not None and qs[-1] != ks[-1]:
        raise ValueError(f"query and key must have the same last dimension d_k; got query {qs} and key {ks}.")
    if ks[-2] is not None and vs[-2] is not None and ks[-2] != vs[-2]:
        raise ValueError(f"key and value must have the same length (axis -2); got key {ks} and value {vs}.")
    for i, (a, b, c) in enumerate(zip(qs[:-2], ks[:-2], vs[:-2], strict=True)):
        known = {d for d in (a, b, c) if d is not None}
        if len(known) > 1:
            raise ValueError(f"query, key and value disagree on batch axis {i}: {qs}, {ks}, {vs}.")
    d_k = qs[-1] if qs[-1] is not None else ops.shape(query)[-1]
    scores = ops.matmul(query, ops.swapaxes(key, -1, -2))
    scores = scores / ops.sqrt(ops.cast(d_k, scores.dtype))
    if mask is not None:
        _check_mask_shape(mask, qs[:-1] + (ks[-2],), "mask")
    weights = masked_softmax(scores, mask)
    return ops.matmul(weights, value), weights


@keras.saving.register_keras_serializable(package="coursework")
class MultiHeadSelfAttention(keras.layers.Layer):
    """Multi-head attention written out: project, split heads, scaled dot-product, concatenate, project.

    ``MultiHead(Q, K, V) = Concat(head_1..head_h) W^O`` with ``head_i = Attention(Q W_i^Q, K W_i^K,
    V W_i^V)``. The weights have the shapes and order of ``keras.layers.MultiHeadAttention`` (query,
    key, value kernels ``(d_model, heads, key_dim)``, output kernel ``(heads, value_dim, d_model)``),
    so the two layers are interchangeable. Called with one tensor it is *self*-attention; ``value``
    (and ``key``) make it cross-attention.

    Args:
        num_heads: number of heads ``h``.
        key_dim: size of each head's queries and keys; ``None`` = ``d_model // num_heads`` (then
            ``num_heads`` must divide ``d_model``).
        value_dim: size of each head's values (default ``key_dim``).
        dropout: dropout rate on the attention weights (training only).
        use_bias: whether the projections have biases.
        output_dim: size of the output (default: the query's last dimension).
        kernel_initializer, bias_initializer: initialisers of the projections.

    Call args:
        query: ``(batch, T, d_model)``; value / key: ``(batch, S, d)`` (default: ``query``).
        padding_mask: ``(batch, S)``, True / 1 for real tokens (hides padded keys).
        attention_mask: ``(batch, T, S)``.
        return_attention_scores: also return the weights ``(batch, heads, T, S)``.

    Example:
        >>> import numpy as np
        >>> layer = MultiHeadSelfAttention(num_heads=2, key_dim=4)
        >>> out, scores = layer(np.ones((1, 3, 8), "float32"), return_attention_scores=True)
        >>> tuple(out.shape), tuple(scores.shape)
        ((1, 3, 8), (1, 2, 3, 3))
    """

    def __init__(
        self,
        num_heads,
        key_dim=None,
        value_dim=None,
        dropout=0.0,
        use_bias=True,
        output_dim=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(num_heads, int) or isinstance(num_heads, bool) or num_heads < 1:
            raise ValueError(f"num_heads must be a positive integer, got {num_heads!r}.")
        for name, value in (("key_dim", key_dim), ("value_dim", value_dim), ("output_dim", output_dim)):
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ValueError(f"{name} must be a positive integer or None, got {value!r}.")
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.value_dim = value_dim
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        self.output_dim = output_dim
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.supports_masking = True
        self._dropout_layer = keras.layers.Dropout(self.dropout, dtype=self.dtype_policy)

    def build(self, query_shape, value_shape=None, key_shape=None):
        d_model = query_shape[-1]
        value_shape = query_shape if value_shape is None else value_shape
        key_shape = value_shape if key_shape is None else key_shape
        key_dim = self.key_dim
        if key_dim is None:
            if d_model % self.num_heads:
                raise ValueError(
                    f"num_heads={self.num_heads} does not divide the model dimension "
                    f"{d_model}; choose a divisor of {d_model} or pass key_dim."
                )
            key_dim = d_model // self.num_heads
        value_dim = self.value_dim or key_dim
        self._key_dim, self._value_dim = key_dim, value_dim
        out_dim = self.output_dim or d_model
        h = self.num_heads

        def weight(name, shape, bias=False):
            return self.add_weight(
                name=name, shape=shape, initializer=self.bias_initializer if bias else self.kernel_initializer
            )

        self.query_kernel = weight("query_kernel", (d_model, h, key_dim))
        self.query_bias = weight("query_bias", (h, key_dim), True) if self.use_bias else None
        self.key_kernel = weight("key_kernel", (key_shape[-1], h, key_dim))
        self.key_bias = weight("key_bias", (h, key_dim), True) if self.use_bias else None
        self.value_kernel = weight("value_kernel", (value_shape[-1], h, value_dim))
        self.value_bias = weight("value_bias", (h, value_dim), True) if self.use_bias else None
        self.output_kernel = weight("output_kernel", (h, value_dim, out_dim))
        self.output_bias = weight("output_bias", (out_dim,), True) if self.use_bias else None
        self.built = True

    def _project(self, x, kernel, bias):
        y = ops.einsum("btd,dhk->bthk", x, kernel)
        return y + bias if bias is not None else y

    def call(
        self,
        query,
        value=None,
        key=None,
        padding_mask=None,
        attention_mask=None,
        mask=None,
        return_attention_scores=False,
        training=None,
    ):
        self_attention = value is None
        value = query if value is None else value
        key = value if key is None else key
        qs, ks, vs = _static_shape(query), _static_shape(key), _static_shape(value)
        if len(qs) != 3 or len(ks) != 3 or len(vs) != 3:
            raise ValueError(f"query, key and value must be (batch, time, features); got {qs}, {ks}, {vs}.")
        if ks[1] is not None and vs[1] is not None and ks[1] != vs[1]:
            raise ValueError(f"key and value must have the same length; got key {ks} and value {vs}.")
        t_q, t_k = qs[1], ks[1]
        combined = None
        if mask is not None and self_attention:  # Keras mask of the inputs: queries and keys
            m = ops.cast(mask, "bool")
            _check_mask_shape(m, (qs[0], t_q), "the inputs' Keras mask")
            combined = ops.logical_and(ops.expand_dims(m, -1), ops.expand_dims(m, -2))
        if padding_mask is not None:
            _check_mask_shape(padding_mask, (qs[0], t_k), "padding_mask (batch, key_len)")
            if len(_static_shape(padding_mask)) != 2:
                raise ValueError(f"padding_mask must be (batch, key_len); got {_static_shape(padding_mask)}.")
            pm = ops.expand_dims(ops.cast(padding_mask, "bool"), 1)
            combined = pm if combined is None else ops.logical_and(combined, pm)
        if attention_mask is not None:
            _check_mask_shape(attention_mask, (qs[0], t_q, t_k), "attention_mask (batch, query_len, key_len)")
            am = ops.cast(attention_mask, "bool")
            combined = am if combined is None else ops.logical_and(combined, am)

        q = self._project(query, self.query_kernel, self.query_bias)  # (B, T, h, k)
        k = self._project(key, self.key_kernel, self.key_bias)  # (B, S, h, k)
        v = self._project(value, self.value_kernel, self.value_bias)  # (B, S, h, v)
        q = q * ops.cast(1.0 / math.sqrt(float(self._key_dim)), q.dtype)
        scores = ops.einsum("bshk,bthk->bhts", k, q)  # (B, h, T, S)
        weights = masked_softmax(scores, None if combined is None else ops.expand_dims(combined, 1))
        dropped = self._dropout_layer(weights, training=training) if self.dropout > 0 else weights
        context = ops.einsum("bhts,bshv->bthv", dropped, v)  # (B, T, h, v)
        output = ops.einsum("bthv,hvo->bto", context, self.output_kernel)
        if self.output_bias is not None:
            output = output + self.output_bias
        if return_attention_scores:
            return output, weights
        return output

    def compute_mask(self, query, mask=None, **kwargs):
        # Keras passes the first input's mask positionally; the output has the query's time steps.
        return mask

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_heads": self.num_heads,
                "key_dim": self.key_dim,
                "value_dim": self.value_dim,
                "dropout": self.dropout,
                "use_bias": self.use_bias,
                "output_dim": self.output_dim,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            }
        )
        return config


@keras.saving.register_keras_serializable(package="coursework")
class AttentionPooling(keras.layers.Layer):
    """Feed-forward attention pooling (HAN, Yang et al. 2016): a learned weighted average over time.

    ``u_t = tanh(W h_t + b)``, ``α_t = softmax_t(u_tᵀ u_w / T)``, ``s = Σ_t α_t h_t``. Padded steps
    (Keras mask or ``padding_mask``) get ``α = 0``.

    Args:
        units: size of the hidden projection ``u`` (and of the context vector ``u_w``).
        temperature: ``T`` divides the scores before the softmax (default 1: the paper's formula). A
            value below 1 sharpens the weights and multiplies the gradient the scores receive, so the
            attention learns to single out words within a few epochs.

    Call args:
        inputs: ``(batch, time, features)``.
        padding_mask: optional ``(batch, time)``.
        return_attention_scores: also return ``α`` ``(batch, time)``.

    Example:
        >>> import numpy as np
        >>> s, alpha = AttentionPooling(8)(np.ones((2, 5, 3), "float32"), return_attention_scores=True)
        >>> tuple(s.shape), tuple(alpha.shape), round(float(np.asarray(alpha[0]).sum()), 4)
        ((2, 3), (2, 5), 1.0)
    """

    def __init__(self, units=64, kernel_initializer="glorot_uniform", temperature=1.0, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, int) or units < 1:
            raise ValueError(f"units must be a positive integer, got {units!r}.")
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not temperature > 0:
            raise ValueError(f"temperature must be a positive number, got {temperature!r}.")
        self.units = units
        self.temperature = float(temperature)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"AttentionPooling expects (batch, time, features); got {tuple(input_shape)}.")
        d = input_shape[-1]
        self.kernel = self.add_weight(
            name="kernel", shape=(d, self.units), initializer=self.kernel_initializer
        )
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")
        self.context = self.add_weight(
            name="context", shape=(self.units,), initializer=self.kernel_initializer
        )
        self.built = True

    def call(self, inputs, padding_mask=None, mask=None, return_attention_scores=False):
        shape = _static_shape(inputs)
        if len(shape) != 3:
            raise ValueError(f"AttentionPooling expects (batch, time, features); got {shape}.")
        keep = mask if padding_mask is None else padding_mask
        if keep is not None:
            _check_mask_shape(keep, shape[:2], "padding_mask (batch, time)")
            if len(_static_shape(keep)) != 2:
                raise ValueError(f"padding_mask must be (batch, time); got {_static_shape(keep)}.")
        u = ops.tanh(ops.einsum("btd,du->btu", inputs, self.kernel) + self.bias)
        logits = ops.einsum("btu,u->bt", u, self.context)
        if self.temperature != 1.0:
            logits = logits / ops.cast(self.temperature, logits.dtype)
        alpha = masked_softmax(logits, keep)
        pooled = ops.einsum("bt,btd->bd", alpha, inputs)
        if return_attention_scores:
            return pooled, alpha
        return pooled

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "temperature": self.temperature,
            }
        )
        return config
