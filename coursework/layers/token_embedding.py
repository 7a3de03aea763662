"""An ``Embedding`` that knows its tokens, so a saved model carries its own vocabulary.

Example:
    >>> layer = TokenEmbedding(["", "[UNK]", "hola", "mundo"], output_dim=8)
    >>> layer.input_dim, layer.token_index["hola"]
    (4, 2)
"""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="coursework")
class TokenEmbedding(keras.layers.Embedding):
    """``keras.layers.Embedding`` whose row ``i`` is the vector of ``vocabulary[i]``.

    The vocabulary is part of the layer's config, so ``model.save("x.keras")`` stores it and
    ``keras.saving.load_model`` brings it back: inference code never needs a separate file.
    Row 0 is padding (``mask_zero=True`` by default), so ``vocabulary[0]`` should be ``""``.

    Args:
        vocabulary: the tokens, in id order (unique strings).
        output_dim: embedding size.
        **kwargs: any other ``keras.layers.Embedding`` argument (``mask_zero``, ``trainable``…).

    Example:
        >>> import numpy as np
        >>> layer = TokenEmbedding(["", "[UNK]", "sí"], output_dim=4)
        >>> tuple(layer(np.array([[2, 1, 0]])).shape)
        (1, 3, 4)
    """

    def __init__(self, vocabulary, output_dim: int, **kwargs):
        vocabulary = list(vocabulary)
        if len(vocabulary) < 2 or not all(isinstance(t, str) for t in vocabulary):
            raise ValueError("vocabulary must be a list of at least 2 strings (row 0 is padding).")
        if len(set(vocabulary)) != len(vocabulary):
            raise ValueError("vocabulary has repeated tokens.")
        kwargs.pop("input_dim", None)
        kwargs.setdefault("mask_zero", True)
        super().__init__(input_dim=len(vocabulary), output_dim=output_dim, **kwargs)
        self.vocabulary = vocabulary
        self.token_index = {token: i for i, token in enumerate(vocabulary)}

    def get_config(self):
        config = super().get_config()
        config.pop("input_dim", None)
        config["vocabulary"] = list(self.vocabulary)
        return config
