"""Small sequence utilities as layers, so that preprocessing travels inside saved models."""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="coursework")
class ReverseTime(keras.layers.Layer):
    """Reverse the time axis of a ``(batch, time, features)`` tensor.

    Reversing the query of a seq2seq model puts the first input symbols next to the first output
    symbols (Sutskever et al., 2014); as a layer, the trick is saved with the model, so inference
    code never has to remember it. It has no weights; a Keras mask is reversed with the steps.

    Example:
        >>> import numpy as np
        >>> np.asarray(ReverseTime()(np.arange(3.0).reshape(1, 3, 1))).ravel().tolist()
        [2.0, 1.0, 0.0]
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return ops.flip(inputs, axis=1)

    def compute_mask(self, inputs, mask=None):
        # The padding moves with the steps it belongs to.
        return None if mask is None else ops.flip(mask, axis=1)

    def compute_output_shape(self, input_shape):
        return input_shape
