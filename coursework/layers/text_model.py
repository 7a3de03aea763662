"""A Functional model on raw strings that takes what a user passes: lists, NumPy arrays, tensors.

Keras 3's ``predict`` / ``evaluate`` / ``fit`` accept NumPy arrays, tensors and datasets, but not a
Python list of strings ("Unrecognized data type … list") nor a fixed-width NumPy string array
(``np.array(["…"])`` has dtype ``<U…``: "Invalid dtype: str416"). KerasHub's task models convert
such raw input before Keras sees it (``keras_hub.utils.convert_preprocessing_inputs``, applied by
their ``predict`` / ``evaluate`` / ``fit``). :class:`RawTextModel` does the same for a model whose
single input is a rank-1 string tensor: it is an ordinary Functional model (built and saved like
``keras.Model(inputs, outputs)``) whose entry points first turn a batch of texts into a NumPy
``object`` array, and reject an empty batch or a non-string item with a message naming it.
"""

from __future__ import annotations

import keras
import numpy as np

from coursework.text import as_text


def to_text_array(texts, name: str = "texts", allow_empty: bool = False) -> np.ndarray:
    """A 1-D batch of texts as a NumPy ``object`` array of ``str`` (``bytes`` decoded as UTF-8),
    each normalised to Unicode NFC (accents pasted as combining marks become the composed characters
    a vocabulary holds, so NFD text gets the same prediction as NFC text).

    Accepts a list or tuple of strings, a 1-D NumPy ``str`` / ``bytes`` / ``object`` array, or a
    rank-1 string tensor (anything with ``.numpy()``).

    Raises:
        TypeError: for a single string, a non-1-D array, or an item that is not a string (named).
        ValueError: for an empty batch, unless ``allow_empty``; an item that is not valid Unicode
            (bytes that are not UTF-8, a lone surrogate; named).

    Example:
        >>> to_text_array(["buena", b"mala"]).tolist()
        ['buena', 'mala']
        >>> to_text_array([])
        Traceback (most recent call last):
        ...
        ValueError: texts is empty: pass at least one text, e.g. ["a moving film"].
    """
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"{name} must be a batch of strings, not a single string: wrap it as [text].")
    if hasattr(texts, "numpy") and not isinstance(texts, np.ndarray):
        texts = texts.numpy()
    if isinstance(texts, np.ndarray) and texts.ndim != 1:
        raise TypeError(f"{name} must be a 1-D batch of strings, got an array of shape {texts.shape}.")
    try:
        items = list(texts)
    except TypeError:
        raise TypeError(f"{name} must be a list of strings, got {type(texts).__name__}.") from None
    if not items and not allow_empty:
        raise ValueError(f'{name} is empty: pass at least one text, e.g. ["a moving film"].')
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        if isinstance(item, bytes):
            try:
                item = item.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValueError(
                    f"{name}[{i}] is bytes that are not UTF-8 text ({exc.reason} at byte {exc.start})."
                ) from None
        if not isinstance(item, str):
            raise TypeError(f"{name}[{i}] is {type(item).__name__} ({item!r}), not a string.")
        try:
            item.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(
                f"{name}[{i}] is not valid Unicode text ({exc.reason} at character {exc.start})."
            ) from None
        out[i] = as_text(str(item))  # np.str_ → str
    return out


def _is_text_batch(x) -> bool:
    """Whether ``x`` is raw text this model should convert (not a dataset, generator or symbolic tensor).

    ``None`` and scalars count as text batches, so :func:`to_text_array` refuses them with a
    ``TypeError`` naming the type (Keras' own data adapters fail on them with a ``KeyError``).
    """
    if x is None or isinstance(x, (list, tuple, str, bytes, int, float, complex, np.generic)):
        return True
    if isinstance(x, np.ndarray):
        return x.dtype.kind in "USO" or x.size == 0
    dtype = getattr(x, "dtype", None)
    return hasattr(x, "numpy") and getattr(dtype, "name", None) == "string"


def _labels(y):
    return np.asarray(y) if isinstance(y, (list, tuple)) else y


@keras.saving.register_keras_serializable(package="coursework")
class RawTextModel(keras.Model):
    """A Functional model from one rank-1 string input; ``predict``, ``evaluate``, ``fit`` and direct
    calls accept a list of ``str``, a NumPy ``str`` or ``object`` array, or a string tensor.

    Build it like ``keras.Model``: ``RawTextModel(inputs, outputs, name=...)``. It saves and loads
    with ``keras.saving.load_model`` once ``import coursework.layers`` has registered it.

    Example:
        >>> inputs = keras.Input(shape=(), dtype="string")
        >>> lengths = keras.layers.TextVectorization(output_mode="count", vocabulary=["a", "b"])(inputs)
        >>> model = RawTextModel(inputs, lengths)
        >>> model.predict(["a b b", "zz"], verbose=0).tolist()
        [[0, 1, 2], [1, 0, 0]]
        >>> model.predict([None])
        Traceback (most recent call last):
        ...
        TypeError: x[0] is NoneType (None), not a string.
    """

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, (list, tuple, str, bytes, np.ndarray)) and _is_text_batch(inputs):
            inputs = to_text_array(inputs, "inputs")  # string tensors go through unchanged
        return super().__call__(inputs, *args, **kwargs)

    def predict(self, x, *args, **kwargs):
        return super().predict(to_text_array(x, "x") if _is_text_batch(x) else x, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        if _is_text_batch(x):
            x = to_text_array(x, "x")
        return super().evaluate(x, _labels(y), *args, **kwargs)

    def fit(self, x=None, y=None, *args, **kwargs):
        if _is_text_batch(x):
            x = to_text_array(x, "x")
        return super().fit(x, _labels(y), *args, **kwargs)
