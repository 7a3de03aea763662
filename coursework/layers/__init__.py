"""Keras 3 layers written with ``keras.ops`` only (backend-agnostic), all serialisable.

Importing this package registers every serialisable object of ``coursework`` (layers and metrics)
with Keras, so that a saved model loads with plain ``keras.saving.load_model(path)`` once
``import coursework.layers`` has run (``coursework.persistence.load_model`` does it for you).
"""

import coursework.metrics  # noqa: F401  (registers SequenceExactMatch for compiled models)
from coursework.layers.sequence import ReverseTime

__all__ = ["ReverseTime"]
