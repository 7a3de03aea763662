"""Saving and loading models: path checks that fail early with a clear message.

Example:
    >>> check_writable_model_path("/tmp/model.keras")
    PosixPath('/tmp/model.keras')
"""

from __future__ import annotations

import os
import pathlib

from coursework.paths import check_model_file


def check_writable_model_path(path: str | os.PathLike) -> pathlib.Path:
    """Check that a ``.keras`` file can be written at ``path`` (before spending time on training).

    Raises:
        ValueError: if the suffix is not ``.keras``.
        PermissionError / FileNotFoundError: if the folder is missing or not writable.
    """
    target = pathlib.Path(path)
    if target.suffix != ".keras":
        raise ValueError(f"Cannot save to {str(target)!r}: the file name must end in '.keras'.")
    if target.is_dir():
        raise IsADirectoryError(f"Cannot save to {str(target)!r}: it is a directory.")
    folder = target.parent if str(target.parent) else pathlib.Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"Cannot save to {str(target)!r}: folder {str(folder)!r} does not exist.")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise PermissionError(f"Cannot save to {str(target)!r}: no write permission.")
    return target


def load_model(path: str | os.PathLike):
    """Load a ``.keras`` file saved by this package, with a clear error when it is missing or invalid.

    Raises:
        FileNotFoundError: nothing is at ``path``.
        IsADirectoryError: ``path`` is a folder (a SavedModel export?), not a ``.keras`` file.
        ValueError: the file is not a ``.keras`` model (wrong suffix, empty, not a Keras zip), or
            Keras cannot rebuild it.
        PermissionError: the file cannot be read.
    """
    import keras

    import coursework.layers  # noqa: F401  (registers every serialisable layer and model of the package)

    source = check_model_file(path)
    try:
        return keras.saving.load_model(source)
    except (ValueError, OSError) as exc:
        raise ValueError(f"Could not load model {str(source)!r}: {exc}") from exc
