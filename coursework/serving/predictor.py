"""A loaded text classifier that maps raw strings to labels and probabilities.

The model must take raw strings (its text vectoriser travels inside it) and end in a sigmoid (one
output unit: probability of the positive class) or a softmax (one unit per label). It is loaded once,
wrapped in a ``tf.function`` with a fixed input signature (traced once, then every batch size reuses
the same graph) and warmed up, so a request costs one graph call.

Example:
    >>> predictor = Predictor.load("sentiment.keras")             # doctest: +SKIP
    >>> predictor.predict(["a wonderful, moving film"])            # doctest: +SKIP
    [{'label': 'positive', 'probability': 0.93, 'scores': {'negative': 0.07, 'positive': 0.93}}]
"""

from __future__ import annotations

import importlib
import os
import pathlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

DEFAULT_LABELS = ("negative", "positive")  # index = class id; for Rotten Tomatoes 1 = fresh = positive


def _import_model_modules() -> None:
    """Import the modules that register the package's serialisable layers (if present)."""
    for module in ("coursework.layers", "coursework.models.classifiers"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def _find_saved_model(folder: pathlib.Path) -> pathlib.Path | None:
    """The SavedModel inside ``folder``: itself, or its highest numeric version (TF Serving layout)."""
    if (folder / "saved_model.pb").is_file():
        return folder
    versions = [
        p for p in folder.iterdir() if p.is_dir() and p.name.isdigit() and (p / "saved_model.pb").is_file()
    ]
    return max(versions, key=lambda p: int(p.name)) if versions else None


class UnscorableText(ValueError):
    """The model gave a non-finite probability (NaN) for text number ``index``.

    Happens for texts with no tokens left after the vectoriser's standardisation (``""``, ``"!!!"``)
    when the model averages over a mask: the service answers 422 instead of an invalid JSON ``NaN``.
    """

    def __init__(self, index: int):
        super().__init__(
            f"The model cannot score text {index}: it gave NaN (is the text empty or "
            "without words after preprocessing?)."
        )
        self.index = index


class Predictor:
    """Raw texts in, labels and probabilities out, from a model loaded once.

    Args:
        fn: batched callable, string tensor of shape ``(n,)`` or ``(n, 1)`` → array ``(n, k)``.
        input_rank: 1 if the model takes ``(n,)`` strings, 2 if it takes ``(n, 1)``.
        labels: class names, index = class id (two names for a sigmoid output).
        source: where the model came from (shown by ``/health``).

    Use :meth:`load` (a path) or :meth:`from_model` (a ``keras.Model``) rather than the constructor.
    """

    def __init__(
        self,
        fn: Callable[[Any], Any],
        input_rank: int,
        labels: Sequence[str] = DEFAULT_LABELS,
        source: str = "<memory>",
    ):
        if input_rank not in (1, 2):
            raise ValueError(f"input_rank must be 1 or 2, got {input_rank}.")
        labels = tuple(str(label) for label in labels)
        if len(labels) < 2 or len(set(labels)) != len(labels):
            raise ValueError(f"labels must be at least two distinct names, got {list(labels)}.")
        self._fn, self.input_rank, self.labels, self.source = fn, input_rank, labels, source
        self.output_units = int(self.probabilities([""]).shape[1])  # traces the graph once (warm-up)
        if self.output_units == 1 and len(labels) != 2:
            raise ValueError(f"A sigmoid model needs exactly two labels, got {list(labels)}.")
        if self.output_units > 1 and self.output_units != len(labels):
            raise ValueError(
                f"The model has {self.output_units} outputs but {len(labels)} labels "
                f"were given: {list(labels)}."
            )

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_model(cls, model, labels: Sequence[str] = DEFAULT_LABELS, source: str = "<memory>") -> Predictor:
        """Wrap a ``keras.Model`` with one string input.

        Raises:
            TypeError: if the model does not take raw strings.
            ValueError: if it has several inputs or an input shape other than ``(None,)``/``(None, 1)``.
        """
        import tensorflow as tf

        try:
            inputs = list(model.inputs)
        except (AttributeError, ValueError):
            raise ValueError(
                "The model has no declared inputs: build it with keras.Input(shape=(1,), "
                "dtype='string') so it takes raw strings."
            ) from None
        if len(inputs) != 1:
            raise ValueError(f"The model must have exactly one (text) input, it has {len(inputs)}.")
        spec = inputs[0]
        if str(spec.dtype) not in ("string", "tf.string", "<dtype: 'string'>"):
            raise TypeError(
                f"The model takes {spec.dtype} inputs, not raw strings: put the text "
                "vectoriser inside the model (keras.Input(shape=(1,), dtype='string'))."
            )
        shape = tuple(spec.shape)
        if shape not in ((None,), (None, 1)):
            raise ValueError(f"The text input must have shape (None,) or (None, 1), got {shape}.")
        fn = tf.function(
            lambda x: model(x, training=False),
            input_signature=[tf.TensorSpec([None] + [1] * (len(shape) - 1), tf.string)],
        )
        return cls(fn, input_rank=len(shape), labels=labels, source=source)

    @classmethod
    def from_saved_model(cls, path: str | os.PathLike, labels: Sequence[str] = DEFAULT_LABELS) -> Predictor:
        """Load a TensorFlow SavedModel folder (or a TF Serving base folder with numeric versions)."""
        folder = pathlib.Path(path)
        found = _find_saved_model(folder) if folder.is_dir() else None
        if found is None:
            raise FileNotFoundError(f"No SavedModel (saved_model.pb) in {str(folder)!r}.")
        import tensorflow as tf

        loaded = tf.saved_model.load(str(found))
        if "serving_default" not in loaded.signatures:
            raise ValueError(f"The SavedModel {str(found)!r} has no 'serving_default' signature.")
        signature = loaded.signatures["serving_default"]
        inputs = signature.structured_input_signature[1]
        outputs = signature.structured_outputs
        if len(inputs) != 1 or len(outputs) != 1:
            raise ValueError("The serving signature must have exactly one input and one output.")
        ((in_key, in_spec),) = inputs.items()
        (out_key,) = outputs
        if in_spec.dtype != tf.string:
            raise TypeError(f"The SavedModel takes {in_spec.dtype.name} inputs, not raw strings.")
        rank = len(in_spec.shape)

        def fn(x):
            return signature(**{in_key: x})[out_key]

        predictor = cls(fn, input_rank=rank, labels=labels, source=str(found))
        predictor._keep_alive = loaded  # the signature needs the loaded object's variables
        return predictor

    @classmethod
    def load(cls, path: str | os.PathLike, labels: Sequence[str] = DEFAULT_LABELS) -> Predictor:
        """Load a ``.keras`` file or a SavedModel folder, with a clear error when it cannot be used.

        Raises:
            FileNotFoundError: if nothing is at ``path`` (or a folder holds no SavedModel).
            ValueError: if the file is not a ``.keras`` model (wrong suffix, empty, not a Keras zip).
            ValueError / TypeError: if it is not a model that takes raw strings.
        """
        source = pathlib.Path(path)
        if source.is_dir():
            return cls.from_saved_model(source, labels=labels)
        from coursework.paths import check_model_file
        from coursework.persistence import load_model

        check_model_file(source)  # before the slow imports: not found / not a .keras model
        _import_model_modules()
        return cls.from_model(load_model(source), labels=labels, source=str(source))

    # ------------------------------------------------------------------ prediction
    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """The model's raw outputs for ``texts``, shape ``(n, k)`` (``k = 1`` for a sigmoid).

        Non-finite outputs are returned as they are (see :meth:`predict`, which refuses them).
        """
        import tensorflow as tf

        texts = list(texts)
        if not texts:
            return np.zeros((0, getattr(self, "output_units", 1)), dtype="float32")
        batch = tf.constant(texts, dtype=tf.string)
        if self.input_rank == 2:
            batch = tf.reshape(batch, (-1, 1))
        out = np.asarray(self._fn(batch), dtype="float32")
        return out.reshape(len(texts), -1)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of every label, shape ``(n, len(labels))``; rows sum to 1."""
        out = self.probabilities(texts)
        if out.shape[1] == 1:
            return np.concatenate([1.0 - out, out], axis=1)
        return out

    def predict(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """One ``{"label", "probability", "scores"}`` per text.

        ``probability`` is the probability of the returned ``label`` (the most likely one), **not**
        of the positive class; ``scores`` holds every label's probability. For the course's
        sentiment models ``scores["positive"]`` is P(fresh), the model's sigmoid output.

        Example:
            >>> predictor.predict(["dull and far too long"])   # doctest: +SKIP
            [{'label': 'negative', 'probability': 0.81, 'scores': {'negative': 0.81, 'positive': 0.19}}]
        """
        results = []
        scores = self.scores(texts)
        bad = np.flatnonzero(~np.isfinite(scores).all(axis=1))
        if bad.size:
            raise UnscorableText(int(bad[0]))
        for row in scores:
            best = int(np.argmax(row))
            results.append(
                {
                    "label": self.labels[best],
                    "probability": float(row[best]),
                    "scores": {label: float(p) for label, p in zip(self.labels, row, strict=False)},
                }
            )
        return results
