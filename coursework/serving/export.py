"""Export a raw-string text classifier for deployment: ``.keras`` + TensorFlow SavedModel.

The SavedModel is written by ``model.export()`` in TF Serving's folder layout
(``OUT/<name>/<version>/saved_model.pb``), so ``tensorflow_model_server --model_name=<name>
--model_base_path=OUT/<name>`` could serve it unchanged: its ``serving_default`` signature takes a
batch of raw strings and returns the model's probabilities. After writing, the SavedModel is loaded
back and its predictions are compared with the Keras model's on a few probe texts.

Nothing is lost: the targets are checked before the model loads; the ``.keras`` file and the
SavedModel folder are written beside their targets under temporary names, the SavedModel is
checked there, and only then are they renamed into place (:mod:`coursework.atomic`). With
``overwrite`` the old export is removed only after the new one is complete and verified.

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

from coursework.atomic import replace_dir, write_with

PROBE_TEXTS = (
    "a wonderful, moving film",
    "dull, predictable and far too long",
    "",
    "the cast is fine but the script is a mess",
    "¡qué película tan buena!",
)
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
        return {
            "name": self.name,
            "keras_file": str(self.keras_file),
            "saved_model": str(self.saved_model),
            "tf_serving_base_path": str(self.base_path),
            "max_abs_difference": self.max_abs_difference,
        }


def check_model_name(name: str) -> str:
    """Check that ``name`` can appear in ``/v1/models/<name>:predict`` (letters, digits, ``_.-``)."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            f"Invalid model name {name!r}: use letters, digits, '_', '.' or '-' "
            "(it appears in the URL /v1/models/<name>:predict)."
        )
    return name


def check_export_targets(
    out_dir: str | os.PathLike, name: str, version: int = 1, overwrite: bool = False
) -> tuple[pathlib.Path, pathlib.Path]:
    """Check, before any model loads, that ``OUT/<name>.keras`` and ``OUT/<name>/<version>/`` can be
    written; returns ``(keras_file, saved_model)``.

    Raises:
        ValueError: bad name or version, an existing export without ``overwrite``, or a file where
            a folder is expected.
        IsADirectoryError: a folder where the ``.keras`` file goes.
        PermissionError: the nearest existing folder is not writable.
    """
    name = check_model_name(name)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"version must be a positive integer, got {version!r}.")
    out = pathlib.Path(out_dir)
    keras_file, saved_model = out / f"{name}.keras", out / name / str(version)
    for folder in (out, out / name):
        if folder.exists() and not folder.is_dir():
            raise ValueError(f"Cannot export to {str(folder)!r}: it is a file, not a folder.")
    if keras_file.is_dir():
        raise IsADirectoryError(f"Cannot export to {str(keras_file)!r}: it is a folder, not a file.")
    if saved_model.exists() and not saved_model.is_dir():
        raise ValueError(f"Cannot export to {str(saved_model)!r}: it is a file, not a folder.")
    if not overwrite and (saved_model.exists() or keras_file.exists()):
        raise ValueError(
            f"{str(saved_model)!r} or {str(keras_file)!r} already exists: choose another "
            "folder or name, or pass overwrite=True (--overwrite)."
        )
    existing = next(p for p in (saved_model, *saved_model.parents) if p.exists())
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(f"Cannot export to {str(out)!r}: no write permission in {str(existing)!r}.")
    return keras_file, saved_model


def _check_saved_model(saved_model: pathlib.Path, keras_predictor, atol: float) -> float:
    """Load the SavedModel back and compare it with the Keras model on the probe texts."""
    import numpy as np
    import tensorflow as tf

    reloaded = tf.saved_model.load(str(saved_model))
    serve = reloaded.signatures["serving_default"]
    ((in_key, in_spec),) = serve.structured_input_signature[1].items()
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
        raise ValueError(
            f"The SavedModel's outputs differ from the Keras model's by {difference:.3g} "
            f"(more than atol={atol})."
        )
    return difference


def export_model(
    model,
    out_dir: str | os.PathLike,
    name: str | None = None,
    version: int = 1,
    overwrite: bool = False,
    atol: float = 1e-5,
) -> ExportResult:
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
    import tensorflow as tf

    from coursework.serving.predictor import Predictor, _import_model_modules

    source = None
    if isinstance(model, (str, os.PathLike)):
        source = pathlib.Path(model)
        if source.suffix != ".keras" and not source.is_dir():
            raise ValueError(f"Cannot export {str(source)!r}: expected a .keras file.")
        from coursework.paths import check_model_file

        check_model_file(source)  # not found / a folder / not a .keras model, told apart
        name = name or source.stem
    name = check_model_name(name or "model")
    keras_file, saved_model = check_export_targets(out_dir, name, version, overwrite)
    if source is not None:  # only now, once the targets are known to be writable
        from coursework.persistence import load_model

        _import_model_modules()
        model = load_model(source)

    keras_predictor = Predictor.from_model(model)  # also checks that it takes raw strings
    saved_model.parent.mkdir(parents=True, exist_ok=True)
    result = {}

    def export_and_check(folder: pathlib.Path) -> None:
        tf_logger = tf.get_logger()
        level = tf_logger.level
        tf_logger.setLevel("ERROR")  # keep "INFO: Assets written to ..." out of notebooks
        try:
            model.export(str(folder), format="tf_saved_model", verbose=False)
        finally:
            tf_logger.setLevel(level)
        result["difference"] = _check_saved_model(folder, keras_predictor, atol)

    def save_keras_then_export(temp_keras: pathlib.Path) -> None:
        model.save(temp_keras)
        replace_dir(saved_model, export_and_check)  # the old export goes only once this one checks out

    write_with(keras_file, save_keras_then_export)
    return ExportResult(
        name=name,
        keras_file=keras_file,
        saved_model=saved_model,
        base_path=saved_model.parent,
        max_abs_difference=result["difference"],
    )
