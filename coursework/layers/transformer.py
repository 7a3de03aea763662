"""The Transformer encoder block (Vaswani et al., 2017), built on :class:`MultiHeadSelfAttention`.

Post-LN (the paper): ``x = LN(x + Drop(MHA(x)))``, ``x = LN(x + Drop(FFN(x)))``.
Pre-LN (``normalize_first=True``, easier to train deep): ``x = x + Drop(MHA(LN(x)))``,
``x = x + Drop(FFN(LN(x)))``. ``FFN(x) = W₂ act(W₁ x + b₁) + b₂``.

Numerically equal to ``keras_hub.layers.TransformerEncoder`` with the same weights (see
:func:`copy_weights_from_keras_hub`).

Example:
    >>> import numpy as np
    >>> block = TransformerEncoderBlock(num_heads=2, intermediate_dim=16)
    >>> tuple(block(np.zeros((1, 5, 8), "float32")).shape)
    (1, 5, 8)
"""

from __future__ import annotations

import keras

from coursework.layers.attention import MultiHeadSelfAttention, _check_mask_shape, _static_shape


class TransformerBlock(keras.layers.Layer):
    """What the encoder and decoder blocks share: their constructor arguments, checks and config."""

    def __init__(
        self,
        num_heads,
        intermediate_dim,
        dropout=0.0,
        normalize_first=False,
        activation="relu",
        layer_norm_epsilon=1e-5,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(num_heads, int) or isinstance(num_heads, bool) or num_heads < 1:
            raise ValueError(f"num_heads must be a positive integer, got {num_heads!r}.")
        if not isinstance(intermediate_dim, int) or intermediate_dim < 1:
            raise ValueError(f"intermediate_dim must be a positive integer, got {intermediate_dim!r}.")
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")
        self.num_heads = num_heads
        self.intermediate_dim = intermediate_dim
        self.dropout = float(dropout)
        self.normalize_first = bool(normalize_first)
        self.activation = keras.activations.get(activation)
        self.layer_norm_epsilon = layer_norm_epsilon
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.supports_masking = True

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "intermediate_dim": self.intermediate_dim,
            "dropout": self.dropout,
            "normalize_first": self.normalize_first,
            "activation": keras.activations.serialize(self.activation),
            "layer_norm_epsilon": self.layer_norm_epsilon,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }


@keras.saving.register_keras_serializable(package="coursework")
class TransformerEncoderBlock(TransformerBlock):
    """Self-attention + residual + LayerNorm, then feed-forward + residual + LayerNorm.

    Args:
        num_heads: attention heads; must divide the model dimension (the input's last axis).
        intermediate_dim: hidden size of the feed-forward network.
        dropout: dropout rate on attention weights and after each sub-layer.
        normalize_first: ``False`` = post-LN (paper), ``True`` = pre-LN.
        activation: feed-forward activation (default ``"relu"``).
        layer_norm_epsilon: LayerNorm's epsilon (``1e-5``, as KerasHub).

    Call args:
        inputs: ``(batch, T, d_model)``; a Keras mask on it hides padded keys.
        padding_mask: ``(batch, T)``, True / 1 for real tokens (overrides the Keras mask).
        attention_mask: ``(batch, T, T)``.
        return_attention_scores: also return the weights ``(batch, heads, T, T)``.

    Example:
        >>> import numpy as np
        >>> block = TransformerEncoderBlock(2, 16, normalize_first=True)
        >>> y, w = block(np.ones((1, 3, 8), "float32"), return_attention_scores=True)
        >>> tuple(w.shape)
        (1, 2, 3, 3)
    """

    def build(self, inputs_shape):
        if len(inputs_shape) != 3:
            raise ValueError(
                f"TransformerEncoderBlock expects (batch, time, d_model); got {tuple(inputs_shape)}."
            )
        d_model = inputs_shape[-1]
        if d_model % self.num_heads:
            raise ValueError(
                f"num_heads={self.num_heads} does not divide the model dimension "
                f"{d_model}: each head gets d_model / num_heads features."
            )
        init = dict(
            kernel_initializer=keras.initializers.get(keras.initializers.serialize(self.kernel_initializer)),
            bias_initializer=keras.initializers.get(keras.initializers.serialize(self.bias_initializer)),
        )
        self.attention = MultiHeadSelfAttention(
            self.num_heads,
            d_model // self.num_heads,
            dropout=self.dropout,
            name="self_attention",
            dtype=self.dtype_policy,
            **init,
        )
        self.attention.build(inputs_shape)
        self.attention_norm = keras.layers.LayerNormalization(
            epsilon=self.layer_norm_epsilon, name="self_attention_layer_norm", dtype=self.dtype_policy
        )
        self.attention_norm.build(inputs_shape)
        self.attention_dropout = keras.layers.Dropout(self.dropout, dtype=self.dtype_policy)
        self.ffn_norm = keras.layers.LayerNormalization(
            epsilon=self.layer_norm_epsilon, name="feedforward_layer_norm", dtype=self.dtype_policy
        )
        self.ffn_norm.build(inputs_shape)
        self.ffn_intermediate = keras.layers.Dense(
            self.intermediate_dim,
            activation=self.activation,
            name="feedforward_intermediate_dense",
            dtype=self.dtype_policy,
            **init,
        )
        self.ffn_intermediate.build(inputs_shape)
        self.ffn_output = keras.layers.Dense(
            d_model, name="feedforward_output_dense", dtype=self.dtype_policy, **init
        )
        self.ffn_output.build(tuple(inputs_shape[:-1]) + (self.intermediate_dim,))
        self.ffn_dropout = keras.layers.Dropout(self.dropout, dtype=self.dtype_policy)
        self.built = True

    def call(
        self,
        inputs,
        padding_mask=None,
        attention_mask=None,
        mask=None,
        training=None,
        return_attention_scores=False,
    ):
        shape = _static_shape(inputs)
        keep = padding_mask if padding_mask is not None else mask
        if keep is not None:
            _check_mask_shape(keep, shape[:2], "padding_mask (batch, time)")
            if len(_static_shape(keep)) != 2:
                raise ValueError(f"padding_mask must be (batch, time); got {_static_shape(keep)}.")
        x = inputs
        residual = x
        if self.normalize_first:
            x = self.attention_norm(x)
        x, scores = self.attention(
            x,
            padding_mask=keep,
            attention_mask=attention_mask,
            return_attention_scores=True,
            training=training,
        )
        x = self.attention_dropout(x, training=training) + residual
        if not self.normalize_first:
            x = self.attention_norm(x)
        residual = x
        if self.normalize_first:
            x = self.ffn_norm(x)
        x = self.ffn_dropout(self.ffn_output(self.ffn_intermediate(x)), training=training) + residual
        if not self.normalize_first:
            x = self.ffn_norm(x)
        if return_attention_scores:
            return x, scores
        return x

    def compute_mask(self, inputs, mask=None, **kwargs):
        return mask


def copy_weights_from_keras_hub(block: TransformerEncoderBlock, reference) -> TransformerEncoderBlock:
    """Copy a built ``keras_hub.layers.TransformerEncoder``'s weights into a built ``block``.

    Example:
        >>> import numpy as np, keras_hub
        >>> ref = keras_hub.layers.TransformerEncoder(16, 2); x = np.ones((1, 3, 8), "float32")
        >>> mine = TransformerEncoderBlock(2, 16); _ = ref(x), mine(x)
        >>> _ = copy_weights_from_keras_hub(mine, ref)
        >>> bool(np.allclose(mine(x), ref(x), atol=1e-6))
        True
    """
    if not (block.built and reference.built):
        raise ValueError("Call both layers once (to build them) before copying weights.")
    pairs = [
        (block.attention, reference._self_attention_layer),
        (block.attention_norm, reference._self_attention_layer_norm),
        (block.ffn_norm, reference._feedforward_layer_norm),
        (block.ffn_intermediate, reference._feedforward_intermediate_dense),
        (block.ffn_output, reference._feedforward_output_dense),
    ]
    for mine, theirs in pairs:
        mine.set_weights(theirs.get_weights())
    return block
