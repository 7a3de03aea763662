"""Position information for attention models, which otherwise see a bag of tokens.

- :class:`SinusoidalPositionalEncoding`: ``PE(pos, 2i) = sin(pos / 10000^(2i/d))``, ``PE(pos, 2i+1) =
  cos(pos / 10000^(2i/d))`` (Vaswani et al., 2017), equal to ``keras_hub.layers.SinePositionEncoding``;
- :class:`TokenAndPositionEmbedding`: token embedding + *learned* (or sinusoidal) position embedding.

Example:
    >>> import numpy as np
    >>> pe = SinusoidalPositionalEncoding()(np.zeros((1, 4, 6), "float32"))
    >>> np.round(np.asarray(pe)[0, 1, :2].astype(float), 4).tolist()   # position 1: sin(1), cos(1)
    [0.8415, 0.5403]
"""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="coursework")
class SinusoidalPositionalEncoding(keras.layers.Layer):
    """The fixed sine/cosine position encoding, same shape as its input (add it to the embeddings).

    Even features are ``sin(pos · ω_i)``, odd features ``cos(pos · ω_i)`` with
    ``ω_i = max_wavelength^(-2⌊j/2⌋/d)``. It has no weights and works for any length.

    Args:
        max_wavelength: the longest wavelength (10,000 in the paper).

    Example:
        >>> import numpy as np
        >>> tuple(SinusoidalPositionalEncoding()(np.zeros((2, 5, 8), "float32")).shape)
        (2, 5, 8)
    """

    def __init__(self, max_wavelength=10000, **kwargs):
        super().__init__(**kwargs)
        if not max_wavelength or max_wavelength <= 1:
            raise ValueError(f"max_wavelength must be > 1, got {max_wavelength!r}.")
        self.max_wavelength = max_wavelength
        self.supports_masking = True

    def call(self, inputs, start_index=0):
        shape = ops.shape(inputs)
        length, dim = shape[-2], shape[-1]
        dtype = self.compute_dtype
        positions = ops.cast(ops.arange(length) + start_index, dtype)
        index = ops.arange(dim)
        exponent = ops.cast(2 * (index // 2), dtype) / ops.cast(dim, dtype)
        frequencies = ops.power(ops.cast(1.0 / self.max_wavelength, dtype), exponent)
        angles = ops.expand_dims(positions, -1) * ops.expand_dims(frequencies, 0)  # (T, d)
        is_cos = ops.cast(index % 2, dtype)
        encoding = ops.sin(angles) * (1 - is_cos) + ops.cos(angles) * is_cos
        return ops.broadcast_to(encoding, shape)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"max_wavelength": self.max_wavelength})
        return config


@keras.saving.register_keras_serializable(package="coursework")
class TokenAndPositionEmbedding(keras.layers.Layer):
    """Token embedding plus position embedding; token id 0 is padding (masked downstream).

    Args:
        vocab_size: number of token ids (0 = padding).
        max_len: longest sequence accepted; longer inputs raise ``ValueError`` (truncate them before,
            e.g. with ``TextVectorization(output_sequence_length=max_len)``).
        embed_dim: size of the vectors.
        positions: ``"learned"`` (a trainable ``Embedding(max_len, embed_dim)``) or ``"sinusoidal"``.
        mask_zero: emit a Keras mask for token id 0.

    Example:
        >>> import numpy as np
        >>> layer = TokenAndPositionEmbedding(vocab_size=10, max_len=4, embed_dim=3)
        >>> y = layer(np.array([[5, 2, 0, 0]]))
        >>> tuple(y.shape), np.asarray(layer.compute_mask(np.array([[5, 2, 0, 0]]))).tolist()
        ((1, 4, 3), [[True, True, False, False]])
    """

    def __init__(
        self,
        vocab_size,
        max_len,
        embed_dim,
        positions="learned",
        mask_zero=True,
        embeddings_initializer="uniform",
        **kwargs,
    ):
        super().__init__(**kwargs)
        for name, value in (("vocab_size", vocab_size), ("max_len", max_len), ("embed_dim", embed_dim)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        if positions not in ("learned", "sinusoidal"):
            raise ValueError(f"positions must be 'learned' or 'sinusoidal', got {positions!r}.")
        self.vocab_size, self.max_len, self.embed_dim = vocab_size, max_len, embed_dim
        self.positions, self.mask_zero = positions, bool(mask_zero)
        self.embeddings_initializer = keras.initializers.get(embeddings_initializer)
        self.token_embedding = keras.layers.Embedding(
            vocab_size,
            embed_dim,
            embeddings_initializer=self.embeddings_initializer,
            name="token_embedding",
            dtype=self.dtype_policy,
        )
        if positions == "learned":
            self.position_embedding = keras.layers.Embedding(
                max_len,
                embed_dim,
                embeddings_initializer=self.embeddings_initializer,
                name="position_embedding",
                dtype=self.dtype_policy,
            )
        else:
            self.position_embedding = SinusoidalPositionalEncoding(
                name="position_encoding", dtype=self.dtype_policy
            )

    def _check_length(self, length):
        if length is not None and int(length) > self.max_len:
            raise ValueError(
                f"Sequence length {int(length)} exceeds max_len={self.max_len}; truncate "
                f"the token ids to {self.max_len} (TextVectorization's "
                "output_sequence_length does it) or build the layer with a larger max_len."
            )

    def __call__(self, inputs, *args, **kwargs):
        # Check a known length before Keras' call machinery, which would wrap the message in its own
        # "Exception encountered when calling …" text (with terminal colour codes) once built.
        shape = getattr(inputs, "shape", None)
        if shape is not None and len(shape) == 2 and isinstance(shape[1], int):
            self._check_length(shape[1])
        return super().__call__(inputs, *args, **kwargs)

    def build(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError(
                f"TokenAndPositionEmbedding expects token ids (batch, time); got {tuple(input_shape)}."
            )
        self._check_length(input_shape[1])
        self.token_embedding.build(input_shape)
        if self.positions == "learned":
            self.position_embedding.build((None,))
        self.built = True

    def call(self, inputs):
        shape = inputs.shape
        if len(shape) != 2:
            raise ValueError(
                f"TokenAndPositionEmbedding expects token ids (batch, time); got {tuple(shape)}."
            )
        self._check_length(shape[1])
        tokens = self.token_embedding(inputs)
        if self.positions == "learned":
            length = ops.shape(inputs)[-1]
            return tokens + ops.expand_dims(self.position_embedding(ops.arange(length)), 0)
        return tokens + self.position_embedding(tokens)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.embed_dim,)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "vocab_size": self.vocab_size,
                "max_len": self.max_len,
                "embed_dim": self.embed_dim,
                "positions": self.positions,
                "mask_zero": self.mask_zero,
                "embeddings_initializer": keras.initializers.serialize(self.embeddings_initializer),
            }
        )
        return config
