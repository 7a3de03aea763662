"""Telling apart what stands at a model path: nothing, a folder, a file that is not a model, a model.

Example:
    >>> import pathlib, tempfile
    >>> notes = pathlib.Path(tempfile.mkdtemp()) / "notas.keras"
    >>> _ = notes.write_text("no soy un modelo")
    >>> check_model_file(notes)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Model file '...notas.keras' is not a .keras model (not a zip archive).
"""

from __future__ import annotations

import os
import pathlib
import zipfile

__all__ = ["check_model_file"]


def check_model_file(path: str | os.PathLike) -> pathlib.Path:
    """Check that ``path`` is a readable ``.keras`` model file (cheap: reads the zip directory only).

    Raises:
        FileNotFoundError: nothing is at ``path``.
        IsADirectoryError: ``path`` is a folder (e.g. a SavedModel export), not a ``.keras`` file.
        ValueError: the name does not end in ``.keras``, or the file is not a Keras archive (a renamed
            text file, an empty or truncated file, another zip).
        PermissionError: the file cannot be read.
    """
    source = pathlib.Path(path)
    shown = repr(str(source))
    if source.is_dir():
        hint = " (a SavedModel folder?)" if (source / "saved_model.pb").exists() else ""
        raise IsADirectoryError(f"Model {shown} is a folder{hint}, not a .keras model file.")
    if not source.exists():
        raise FileNotFoundError(f"Model file {shown} not found.")
    if source.suffix != ".keras":
        raise ValueError(f"Model file {shown}: expected a .keras file.")
    with open(source, "rb"):  # PermissionError names the file
        pass
    if source.stat().st_size == 0:
        raise ValueError(f"Model file {shown} is not a .keras model (the file is empty).")
    if not zipfile.is_zipfile(source):
        raise ValueError(f"Model file {shown} is not a .keras model (not a zip archive).")
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"Model file {shown} is not a .keras model (damaged zip archive: {exc}).") from None
    if "config.json" not in names:
        raise ValueError(f"Model file {shown} is not a .keras model (the zip archive has no config.json).")
    return source
