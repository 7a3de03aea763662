"""A layer that carries a model's token vocabulary, so a saved language model can decode by itself."""

from __future__ import annotations

import keras
from keras import ops

LEVELS = ("char", "word", "subword")


@keras.saving.register_keras_serializable(package="coursework")
class TokenVocabulary(keras.layers.Layer):
    """Input layer of a language model: integer token ids in, one-hot vectors (or the ids) out.

    Its real job is to keep the vocabulary *inside* the model: ``vocabulary`` and ``level`` are part
    of the layer config, so ``keras.saving.load_model`` gives back a model that can encode a prompt
    and decode its own predictions in a fresh process (``coursework generate --model PATH``).

    Args:
        vocabulary: the tokens, in id order (characters for ``level="char"``, words for ``"word"``).
        level: ``"char"`` (tokens are joined with no separator), ``"word"`` (joined with spaces) or
            ``"subword"`` (WordPiece tokens, see :mod:`coursework.text.subword`).
        output_mode: ``"one_hot"`` (float vectors of width ``len(vocabulary)``, the seed's input) or
            ``"int"`` (the ids unchanged, for a following ``Embedding``).

    Example:
        >>> import numpy as np
        >>> layer = TokenVocabulary(["a", "b", "c"])
        >>> np.asarray(layer(np.array([[2, 0]]))).tolist()
        [[[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]]
    """

    def __init__(self, vocabulary, level: str = "char", output_mode: str = "one_hot", **kwargs):
        super().__init__(**kwargs)
        vocabulary = list(vocabulary)
        if not vocabulary or not all(isinstance(token, str) for token in vocabulary):
            raise ValueError("vocabulary must be a non-empty list of strings.")
        if len(set(vocabulary)) != len(vocabulary):
            raise ValueError("vocabulary has repeated tokens.")
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, got {level!r}.")
        if output_mode not in ("one_hot", "int"):
            raise ValueError(f"output_mode must be 'one_hot' or 'int', got {output_mode!r}.")
        self.vocabulary = vocabulary
        self.level = level
        self.output_mode = output_mode

    @property
    def vocab_size(self) -> int:
        return len(self.vocabulary)

    def call(self, inputs):
        ids = ops.cast(inputs, "int32")
        if self.output_mode == "int":
            return ids
        return ops.one_hot(ids, len(self.vocabulary), dtype=self.compute_dtype)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        return tuple(input_shape) + (len(self.vocabulary),)

    def compute_output_spec(self, inputs):
        if self.output_mode == "int":
            return keras.KerasTensor(inputs.shape, dtype="int32")
        return keras.KerasTensor(tuple(inputs.shape) + (len(self.vocabulary),), dtype=self.compute_dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary": list(self.vocabulary),
            "level": self.level,
            "output_mode": self.output_mode,
        }
