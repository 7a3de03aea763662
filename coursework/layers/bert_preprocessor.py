"""Raw strings → BERT inputs, as a layer whose config carries the vocabulary (so it reloads anywhere).

KerasHub's ``BertTextClassifierPreprocessor`` gets its vocabulary only after a model graph is rebuilt
from its assets, which fails inside a plain ``keras.saving.load_model`` of a Functional model; this
layer wraps one and saves the word-piece list in its own config instead.
"""

from __future__ import annotations

import keras

#: The reserved word pieces every BERT vocabulary has.
SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


@keras.saving.register_keras_serializable(package="coursework")
class BertTextPreprocessor(keras.layers.Layer):
    """Raw strings → ``[CLS] text [SEP]`` word-piece ids, padded / truncated to ``sequence_length``.

    Outputs a dict of int32 ``token_ids``, ``padding_mask`` and ``segment_ids`` of shape
    ``(batch, sequence_length)``. String tensors are a TensorFlow feature: this layer runs on the
    TensorFlow backend.

    Args:
        vocabulary: the word pieces (must contain :data:`SPECIAL_TOKENS`).
        sequence_length: padded length, at least 3 (``[CLS]``, one piece, ``[SEP]``).
        lowercase: lower-case the text before splitting it (``True`` for uncased models).

    Example:
        >>> import numpy as np
        >>> layer = BertTextPreprocessor(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good"], 6)
        >>> np.asarray(layer(np.array(["good"], dtype=object))["token_ids"]).tolist()
        [[2, 5, 3, 0, 0, 0]]
    """

    def __init__(self, vocabulary, sequence_length=64, lowercase=True, **kwargs):
        import keras_hub

        super().__init__(**kwargs)
        missing = [t for t in SPECIAL_TOKENS if t not in vocabulary]
        if missing:
            raise ValueError(f"The vocabulary lacks BERT's special tokens {missing}.")
        if not isinstance(sequence_length, int) or sequence_length < 3:
            raise ValueError(f"sequence_length must be an integer >= 3, got {sequence_length!r}.")
        self.vocabulary, self.sequence_length = list(vocabulary), int(sequence_length)
        self.lowercase = bool(lowercase)
        tokenizer = keras_hub.models.BertTokenizer(vocabulary=self.vocabulary, lowercase=self.lowercase)
        self.preprocessor = keras_hub.models.BertTextClassifierPreprocessor(
            tokenizer, sequence_length=self.sequence_length
        )

    def build(self, input_shape):
        self.built = True  # no weights: the vocabulary lives in the config

    def call(self, inputs):
        from keras import ops

        out = self.preprocessor(inputs)
        return {key: ops.cast(out[key], "int32") for key in ("token_ids", "padding_mask", "segment_ids")}

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "vocabulary": self.vocabulary,
                "sequence_length": self.sequence_length,
                "lowercase": self.lowercase,
            }
        )
        return config
