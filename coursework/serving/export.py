"""Export a raw-string text classifier for deployment: ``.keras`` + TensorFlow SavedModel.

The SavedModel is written by ``model.export()`` in TF Serving's folder layout
(``OUT/<name>/<version>/saved_model.pb``), so ``tensorflow_model_server --model_name=<name>
--model_base_path=OUT/<name>`` could serve it unchanged: its ``serving_default`` signature takes a
batch of raw strings and returns the model's probabilities. After writing, the SavedModel is loaded
back and its predictions are compared with the Keras model's on a few probe texts.

Example:
    >>> result = export_model("sentiment.keras", "exported")          # doctest: +SKIP
    >>> result.saved_model                                             # doctest: +SKIP
    PosixPath('exported/sentiment/1')
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
import re
import shutil

PROBE_TEXTS = ("a wonderful, moving film", "dull, predictable and far too long", "",
               "the cast is fine but the script is a mess", "¡qué película tan buena!")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclasses.dataclass(frozen=True)
class ExportResult:
    """Where the export went and how closely the SavedModel matches the Keras model."""

    name: str
    keras_file: pathlib.Path
    saved_model: pathlib.Path
    base_path: pathlib.Path
    max_abs_difference: float

    def summary(self) -> dict:
        """JSON-ready summary."""
        return {"name": self.name, "keras_file": str(self.keras_file),
                "saved_model": str(self.saved_model), "tf_serving_base_path": str(self.base_path),
                "max_abs_difference": self.max_abs_difference}


def check_model_name(name: str) -> str:
    """Check that ``name`` can appear in ``/v1/models/<name>:predict`` (letters, digits, ``_.-``)."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"Invalid model name {name!r}: use letters, digits, '_', '.' or '-' "
                         "(it appears in the URL /v1/models/<name>:predict).")
    return name


def export_model(model, out_dir: str | os.PathLike, name: str | None = None, version: int = 1,
                 overwrite: bool = False, atol: float = 1e-5) -> ExportResult:
    """Write ``OUT/<name>.keras`` and the SavedModel ``OUT/<name>/<version>/``; check they agree.

    Args:
        model: a ``keras.Model`` taking raw strings, or the path of a ``.keras`` file.
        out_dir: output folder (created if missing).
        name: model name (default: the ``.keras`` file's stem, else ``"model"``).
        version: TF Serving version folder (a positive integer).
        overwrite: replace an existing export of the same name and version.
        atol: largest accepted difference between the SavedModel's and the Keras model's outputs.

    Raises:
        ValueError: bad name or version, existing export without ``overwrite``, or outputs that differ.
        TypeError: if the model does not take raw strings.
    """
    import numpy as np
    import tensorflow as tf

    from coursework.serving.predictor import Predictor, _import_model_modules

    if isinstance(model, (str, os.PathLike)):
        source = pathlib.Path(model)
        if source.suffix != ".keras":
            raise ValueError(f"Cannot export {str(source)!r}: expected a .keras file.")
        if not source.is_file():
            raise FileNotFoundError(f"Model file {str(source)!r} not found.")
        from coursework.persistence import load_model

        _import_model_modules()
        name = name or source.stem
        model = load_model(source)
    name = check_model_name(name or "model")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"version must be a positive integer, got {version!r}.")

    keras_predictor = Predictor.from_model(model)  # also checks that it takes raw strings
    out = pathlib.Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"Cannot export to {str(out)!r}: it is a file, not a folder.")
    base_path = out / name
    keras_file = out / f"{name}.keras"
    saved_model = base_path / str(version)
    if not overwrite and (saved_model.exists() or keras_file.exists()):
        raise ValueError(f"{str(saved_model)!r} or {str(keras_file)!r} already exists: choose another "
                         "folder or name, or pass overwrite=True (--overwrite).")
    out.mkdir(parents=True, exist_ok=True)
    if saved_model.exists():
        shutil.rmtree(saved_model)

    model.save(keras_file)
    tf_logger = tf.get_logger()
    level = tf_logger.level
    tf_logger.setLevel("ERROR")  # keep "INFO: Assets written to ..." out of notebooks
    try:
        model.export(str(saved_model), format="tf_saved_model", verbose=False)
    finally:
        tf_logger.setLevel(level)

    reloaded = tf.saved_model.load(str(saved_model))
    serve = reloaded.signatures["serving_default"]
    (in_key, in_spec), = serve.structured_input_signature[1].items()
    probe = tf.constant(list(PROBE_TEXTS))
    if len(in_spec.shape) == 2:
        probe = tf.reshape(probe, (-1, 1))
    (saved_out,) = serve(**{in_key: probe}).values()
    expected = keras_predictor.probabilities(PROBE_TEXTS)
    saved_out = np.asarray(saved_out).reshape(expected.shape)
    if not np.array_equal(np.isnan(saved_out), np.isnan(expected)):
        raise ValueError("The SavedModel and the Keras model disagree on which probe texts give NaN.")
    finite = ~np.isnan(expected)
    difference = float(np.max(np.abs(saved_out[finite] - expected[finite]), initial=0.0))
    if not difference <= atol:
        raise ValueError(f"The SavedModel's outputs differ from the Keras model's by {difference:.3g} "
                         f"(more than atol={atol}).")
    return ExportResult(name=name, keras_file=keras_file, saved_model=saved_model,
                        base_path=base_path, max_abs_difference=difference)
