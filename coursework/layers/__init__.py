"""Keras 3 layers written with ``keras.ops`` only (backend-agnostic), all serialisable.

Importing this package registers every layer with Keras' serialisation, so saved models load with
plain ``keras.saving.load_model``.
"""

from coursework.layers.sequence import ReverseTime

__all__ = ["ReverseTime"]
