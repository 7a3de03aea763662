"""Sentence pairs in the tab-separated Anki / Tatoeba format (``spa-eng`` from manythings.org).

Each line of ``spa.txt`` is ``English<TAB>Spanish[<TAB>attribution]``. The file is not on any
package registry, so it is only reachable for students who are online (:func:`download_spa_eng`);
the loader itself works on any local file of that format.

Example:
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "spa.txt"
    >>> _ = path.write_text("Go.\\tVe.\\tCC-BY 2.0\\nHi.\\tHola.\\tCC-BY 2.0\\n", encoding="utf-8")
    >>> load_spa_eng_pairs(path)
    [('Ve.', 'Go.'), ('Hola.', 'Hi.')]
"""

from __future__ import annotations

import os
import pathlib

SPA_ENG_URL = "https://www.manythings.org/anki/spa-eng.zip"


def load_tab_separated_pairs(
    path: str | os.PathLike, limit: int | None = None, columns: tuple[int, int] = (0, 1)
) -> list[tuple[str, str]]:
    """Read ``(column a, column b)`` pairs from a tab-separated text file (UTF-8).

    Blank lines are skipped; extra columns (the Tatoeba attribution) are ignored.

    Args:
        path: the file.
        limit: keep only the first ``limit`` pairs.
        columns: which two columns to return, in that order.

    Raises:
        FileNotFoundError: if the file does not exist.
        ValueError: naming the line number of a line with fewer columns than needed, or a bad limit.
    """
    source = pathlib.Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"Translation file {str(source)!r} not found.")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a positive integer or None, got {limit!r}.")
    first, second = columns
    needed = max(first, second) + 1
    pairs: list[tuple[str, str]] = []
    with open(source, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) < needed:
                raise ValueError(
                    f"{source.name}, line {number}: expected at least {needed} "
                    f"tab-separated columns, found {len(fields)}: {line[:60]!r}."
                )
            pairs.append((fields[first].strip(), fields[second].strip()))
            if limit is not None and len(pairs) >= limit:
                break
    return pairs


def load_spa_eng_pairs(path: str | os.PathLike, limit: int | None = None) -> list[tuple[str, str]]:
    """``(spanish, english)`` pairs from an Anki ``spa.txt`` file (English first in the file)."""
    return load_tab_separated_pairs(path, limit=limit, columns=(1, 0))


def download_spa_eng(cache_dir: str | os.PathLike | None = None) -> pathlib.Path:  # pragma: no cover
    """Download and unzip manythings.org's ``spa-eng.zip``; returns the path of ``spa.txt``.

    Needs Internet access (it is not available offline, nor on the course's build machines).
    """
    import keras

    folder = keras.utils.get_file(
        "spa-eng.zip", SPA_ENG_URL, extract=True, cache_dir=None if cache_dir is None else str(cache_dir)
    )
    matches = sorted(pathlib.Path(folder).rglob("spa.txt"))
    if not matches:
        raise FileNotFoundError(f"spa.txt not found after extracting {SPA_ENG_URL} into {folder}.")
    return matches[0]
