"""The Transformer decoder block (Vaswani et al., 2017), built on :class:`MultiHeadSelfAttention`.

Post-LN (the paper)::

    x = LN(x + Drop(CausalSelfMHA(x)))
    x = LN(x + Drop(CrossMHA(x, encoder)))      # only with an encoder sequence
    x = LN(x + Drop(FFN(x)))

Pre-LN (``normalize_first=True``, GPT-2 style) moves each LayerNorm to the sub-layer's input:
``x = x + Drop(Sub(LN(x)))``. The causal mask lets position ``t`` attend only to positions ``≤ t``.

Numerically equal to ``keras_hub.layers.TransformerDecoder`` with the same weights (see
:func:`copy_decoder_weights_from_keras_hub`), and its key/value cache has the same layout:
``(batch, 2, max_len, heads, head_dim)`` (keys at index 0, values at index 1).

Example:
    >>> import numpy as np
    >>> block = TransformerDecoderBlock(num_heads=2, intermediate_dim=16)
    >>> tuple(block(np.zeros((1, 5, 8), "float32"), np.zeros((1, 3, 8), "float32")).shape)
    (1, 5, 8)
"""

from __future__ import annotations

import keras
from keras import ops

from coursework.layers.attention import (
    MultiHeadSelfAttention,
    _check_mask_shape,
    _static_shape,
    scaled_dot_product_attention,
)
from coursework.layers.transformer import TransformerBlock


def causal_mask(query_length, key_length, start=0):
    """Boolean ``(query_length, key_length)``: query ``i`` (at position ``start + i``) sees keys ``≤`` it.

    ``start`` is the position of the first query, so one new token at position ``t`` during cached
    decoding is ``causal_mask(1, max_len, t)``.

    Example:
        >>> import numpy as np
        >>> np.asarray(causal_mask(3, 3)).astype(int).tolist()
        [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
        >>> np.asarray(causal_mask(1, 4, start=2)).astype(int).tolist()
        [[1, 1, 1, 0]]
    """
    rows = ops.expand_dims(ops.arange(query_length, dtype="int32") + ops.cast(start, "int32"), 1)
    cols = ops.expand_dims(ops.arange(key_length, dtype="int32"), 0)
    return ops.greater_equal(rows, cols)


def _and(*masks):
    """Logical AND of the masks that are not ``None`` (``None`` if all are)."""
    result = None
    for m in masks:
        if m is None:
            continue
        m = ops.cast(m, "bool")
        result = m if result is None else ops.logical_and(result, m)
    return result


def _key_padding(mask, batch_and_keys, name):
    """A ``(batch, keys)`` padding mask as ``(batch, 1, keys)`` for the attention, after checking it."""
    if mask is None:
        return None
    shape = _static_shape(mask)
    if shape is not None and len(shape) != 2:
        raise ValueError(f"{name} must be (batch, length); got {shape}.")
    _check_mask_shape(mask, batch_and_keys, f"{name} (batch, length)")
    return ops.expand_dims(ops.cast(mask, "bool"), 1)


@keras.saving.register_keras_serializable(package="coursework")
class TransformerDecoderBlock(TransformerBlock):
    """Causal self-attention, optional cross-attention, feed-forward; each with residual + LayerNorm.

    Called as ``block(decoder_sequence)`` it is a decoder-only (GPT) block; called as
    ``block(decoder_sequence, encoder_sequence)`` it also attends to the encoder (translation). The
    first call decides which, as in KerasHub.

    Args:
        num_heads: attention heads; must divide the model dimension (the input's last axis).
        intermediate_dim: hidden size of the feed-forward network.
        dropout: dropout rate on attention weights and after each sub-layer.
        normalize_first: ``False`` = post-LN (paper), ``True`` = pre-LN.
        activation: feed-forward activation (default ``"relu"``).
        layer_norm_epsilon: LayerNorm's epsilon (``1e-5``, as KerasHub).

    Call args:
        decoder_sequence: ``(batch, T, d_model)``; its Keras mask hides padded decoder keys.
        encoder_sequence: ``(batch, S, d_model)`` or ``None``; its Keras mask hides padded encoder keys.
        decoder_padding_mask: ``(batch, T)`` (or ``(batch, max_len)`` with a cache), True / 1 for real
            tokens; overrides the Keras mask.
        encoder_padding_mask: ``(batch, S)``; overrides the encoder's Keras mask.
        decoder_attention_mask: ``(batch, T, T)``, combined with the causal mask.
        use_causal_mask: ``True`` (default) hides future positions.
        self_attention_cache: ``(batch, 2, max_len, heads, head_dim)`` keys and values of the steps
            decoded so far (incremental decoding, inference only).
        self_attention_cache_update_index: position of ``decoder_sequence``'s first step; its keys and
            values are written into the cache there.
        cross_attention_cache: ``(batch, 2, S, heads, head_dim)``, the projected encoder keys and values.
        cross_attention_cache_update_index: ``0`` computes the cross-attention cache from
            ``encoder_sequence``; ``None`` reuses the one given.
        return_attention_scores: also return the attention weights ``(batch, heads, T, keys)``.

    Returns:
        ``outputs``; then, with a cache, the updated self-attention cache (and cross-attention cache);
        then, with ``return_attention_scores``, the self-attention weights (and cross-attention weights).

    Example:
        >>> import numpy as np
        >>> block = TransformerDecoderBlock(2, 16, normalize_first=True)
        >>> y, w = block(np.ones((1, 3, 8), "float32"), return_attention_scores=True)
        >>> np.asarray(w[0, 0]).astype(float).round(2).tolist()
        [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.33, 0.33, 0.33]]
    """

    def __init__(self, num_heads, intermediate_dim, **kwargs):
        super().__init__(num_heads, intermediate_dim, **kwargs)
        self.cross_attention = None

    def _init(self):
        return dict(
            kernel_initializer=keras.initializers.get(keras.initializers.serialize(self.kernel_initializer)),
            bias_initializer=keras.initializers.get(keras.initializers.serialize(self.bias_initializer)),
        )

    def _attention(self, name):
        return MultiHeadSelfAttention(
            self.num_heads,
            self.head_dim,
            dropout=self.dropout,
            name=name,
            dtype=self.dtype_policy,
            **self._init(),
        )

    def _norm(self, name, shape):
        norm = keras.layers.LayerNormalization(
            epsilon=self.layer_norm_epsilon, name=name, dtype=self.dtype_policy
        )
        norm.build(shape)
        return norm

    def build(self, decoder_sequence_shape, encoder_sequence_shape=None):
        shape = tuple(decoder_sequence_shape)
        if len(shape) != 3:
            raise ValueError(f"TransformerDecoderBlock expects (batch, time, d_model); got {shape}.")
        d_model = shape[-1]
        if d_model % self.num_heads:
            raise ValueError(
                f"num_heads={self.num_heads} does not divide the model dimension "
                f"{d_model}: each head gets d_model / num_heads features."
            )
        self.head_dim = d_model // self.num_heads
        self.self_attention = self._attention("self_attention")
        self.self_attention.build(shape)
        self.self_attention_norm = self._norm("self_attention_layer_norm", shape)
        self.self_attention_dropout = keras.layers.Dropout(self.dropout, dtype=self.dtype_policy)
        if encoder_sequence_shape is not None:
            encoder_shape = tuple(encoder_sequence_shape)
            if len(encoder_shape) != 3:
                raise ValueError(f"encoder_sequence must be (batch, time, features); got {encoder_shape}.")
            self.cross_attention = self._attention("cross_attention")
            self.cross_attention.build(shape, encoder_shape)
            self.cross_attention_norm = self._norm("cross_attention_layer_norm", shape)
            self.cross_attention_dropout = keras.layers.Dropout(self.dropout, dtype=self.dtype_policy)
        self.ffn_intermediate = keras.layers.Dense(
            self.intermediate_dim,
            activation=self.activation,
            name="feedforward_intermediate_dense",
            dtype=self.dtype_policy,
            **self._init(),
        )
        self.ffn_intermediate.build(shape)
        self.ffn_output = keras.layers.Dense(
            d_model, name="feedforward_output_dense", dtype=self.dtype_policy, **self._init()
        )
        self.ffn_output.build(shape[:-1] + (self.intermediate_dim,))
        self.ffn_norm = self._norm("feedforward_layer_norm", shape)
        self.ffn_dropout = keras.layers.Dropout(self.dropout, dtype=self.dtype_policy)
        self.built = True

    def _before(self, x, norm):
        return norm(x) if self.normalize_first else x

    def _after(self, h, residual, norm, dropout, training):
        x = dropout(h, training=training) + residual
        return x if self.normalize_first else norm(x)

    # -- key/value cache -------------------------------------------------------------------------

    def _project_kv(self, attention, x):
        """Keys and values of ``x`` for ``attention``, stacked as ``(batch, 2, time, heads, head_dim)``."""
        keys = attention._project(x, attention.key_kernel, attention.key_bias)
        values = attention._project(x, attention.value_kernel, attention.value_bias)
        return ops.stack([keys, values], axis=1)

    def _attend_cached(self, attention, x, cache, mask):
        """``attention`` of queries ``x`` over the cached keys/values (the layer's weights, no dropout)."""
        q = attention._project(x, attention.query_kernel, attention.query_bias)  # (B, T, h, k)
        heads_first = [ops.transpose(t, (0, 2, 1, 3)) for t in (q, cache[:, 0], cache[:, 1])]
        context, weights = scaled_dot_product_attention(
            *heads_first, mask=None if mask is None else ops.expand_dims(mask, 1)
        )
        output = ops.einsum("bhtv,hvo->bto", context, attention.output_kernel)
        if attention.output_bias is not None:
            output = output + attention.output_bias
        return output, weights

    def init_cache(self, batch_size, max_length):
        """An all-zero self-attention cache ``(batch, 2, max_length, heads, head_dim)`` to decode into.

        Example:
            >>> import numpy as np
            >>> block = TransformerDecoderBlock(2, 8); _ = block(np.zeros((1, 2, 4), "float32"))
            >>> tuple(block.init_cache(3, 10).shape)
            (3, 2, 10, 2, 2)
        """
        if not self.built:
            raise ValueError("Call the block once (to build it) before asking for a cache.")
        return ops.zeros((batch_size, 2, max_length, self.num_heads, self.head_dim), dtype=self.compute_dtype)

    # -- forward ---------------------------------------------------------------------------------

    def call(
        self,
        decoder_sequence,
        encoder_sequence=None,
        decoder_padding_mask=None,
        decoder_attention_mask=None,
        encoder_padding_mask=None,
        self_attention_cache=None,
        self_attention_cache_update_index=None,
        cross_attention_cache=None,
        cross_attention_cache_update_index=None,
        use_causal_mask=True,
        return_attention_scores=False,
        training=None,
        mask=None,
        decoder_sequence_mask=None,
        encoder_sequence_mask=None,
    ):
        has_cross = self.cross_attention is not None
        if has_cross and encoder_sequence is None and cross_attention_cache is None:
            raise ValueError(
                "This block was built with cross-attention: call it as block(decoder_sequence, "
                "encoder_sequence) (or pass cross_attention_cache)."
            )
        if not has_cross and (encoder_sequence is not None or cross_attention_cache is not None):
            raise ValueError(
                "This block was built without cross-attention (decoder-only): call it as "
                "block(decoder_sequence), without encoder_sequence."
            )
        if self_attention_cache is None and self_attention_cache_update_index is not None:
            raise ValueError("self_attention_cache_update_index needs a self_attention_cache.")
        cached = self_attention_cache is not None
        if has_cross and cached and cross_attention_cache is None:
            raise ValueError(
                "With cross-attention, pass self_attention_cache and cross_attention_cache together "
                "(cross_attention_cache_update_index=0 computes the cross cache from the encoder)."
            )
        shape = _static_shape(decoder_sequence)
        if shape is None or len(shape) != 3:
            raise ValueError(f"decoder_sequence must be (batch, time, d_model); got {shape}.")
        batch, length = shape[0], ops.shape(decoder_sequence)[1]
        static_keys = _static_shape(self_attention_cache)[2] if cached else shape[1]
        key_length = ops.shape(self_attention_cache)[2] if cached else length
        start = 0 if self_attention_cache_update_index is None else self_attention_cache_update_index

        # Causal self-attention.
        keep = decoder_padding_mask if decoder_padding_mask is not None else decoder_sequence_mask
        keep = keep if keep is not None else mask
        self_mask = _and(
            _key_padding(keep, (batch, static_keys), "decoder_padding_mask"),
            None if decoder_attention_mask is None else ops.cast(decoder_attention_mask, "bool"),
            ops.expand_dims(causal_mask(length, key_length, start), 0) if use_causal_mask else None,
        )
        h = self._before(decoder_sequence, self.self_attention_norm)
        if not cached:
            h, self_scores = self.self_attention(
                h, attention_mask=self_mask, return_attention_scores=True, training=training
            )
        else:
            if self_attention_cache_update_index is not None:
                update = self._project_kv(self.self_attention, h)
                self_attention_cache = ops.slice_update(self_attention_cache, [0, 0, start, 0, 0], update)
            h, self_scores = self._attend_cached(self.self_attention, h, self_attention_cache, self_mask)
        x = self._after(h, decoder_sequence, self.self_attention_norm, self.self_attention_dropout, training)

        cross_scores = None
        if has_cross:  # cross-attention to the encoder (its keys/values cached once when decoding)
            enc_keep = encoder_padding_mask if encoder_padding_mask is not None else encoder_sequence_mask
            h = self._before(x, self.cross_attention_norm)
            if cross_attention_cache is not None and cross_attention_cache_update_index is not None:
                cross_attention_cache = self._project_kv(self.cross_attention, encoder_sequence)
            keys = cross_attention_cache if cross_attention_cache is not None else encoder_sequence
            enc_len = _static_shape(keys)[2 if cross_attention_cache is not None else 1]
            enc_mask = _key_padding(enc_keep, (batch, enc_len), "encoder_padding_mask")
            if cross_attention_cache is not None:
                h, cross_scores = self._attend_cached(
                    self.cross_attention, h, cross_attention_cache, enc_mask
                )
            else:
                h, cross_scores = self.cross_attention(
                    h,
                    encoder_sequence,
                    attention_mask=enc_mask,
                    return_attention_scores=True,
                    training=training,
                )
            x = self._after(h, x, self.cross_attention_norm, self.cross_attention_dropout, training)

        h = self.ffn_output(self.ffn_intermediate(self._before(x, self.ffn_norm)))
        x = self._after(h, x, self.ffn_norm, self.ffn_dropout, training)

        outputs = [x] + ([self_attention_cache, cross_attention_cache] if cached else [])
        outputs += [self_scores, cross_scores] if return_attention_scores else []
        outputs = [o for o in outputs if o is not None]
        return outputs[0] if len(outputs) == 1 else tuple(outputs)

    def compute_mask(self, decoder_sequence, mask=None, **kwargs):
        return mask


def copy_decoder_weights_from_keras_hub(block: TransformerDecoderBlock, reference) -> TransformerDecoderBlock:
    """Copy a built ``keras_hub.layers.TransformerDecoder``'s weights into a built ``block``.

    Example:
        >>> import numpy as np, keras_hub
        >>> ref = keras_hub.layers.TransformerDecoder(16, 2); x = np.ones((1, 3, 8), "float32")
        >>> mine = TransformerDecoderBlock(2, 16); _ = ref(x), mine(x)
        >>> _ = copy_decoder_weights_from_keras_hub(mine, ref)
        >>> bool(np.allclose(mine(x), ref(x), atol=1e-6))
        True
    """
    if not (block.built and reference.built):
        raise ValueError("Call both layers once (to build them) before copying weights.")
    if (block.cross_attention is None) != (reference._cross_attention_layer is None):
        raise ValueError("Both layers must have cross-attention, or neither.")
    pairs = [
        (block.self_attention, reference._self_attention_layer),
        (block.self_attention_norm, reference._self_attention_layer_norm),
        (block.ffn_intermediate, reference._feedforward_intermediate_dense),
        (block.ffn_output, reference._feedforward_output_dense),
        (block.ffn_norm, reference._feedforward_layer_norm),
    ]
    if block.cross_attention is not None:
        pairs += [
            (block.cross_attention, reference._cross_attention_layer),
            (block.cross_attention_norm, reference._cross_attention_layer_norm),
        ]
    for mine, theirs in pairs:
        mine.set_weights(theirs.get_weights())
    return block
