"""Student versions of the reference notebooks: solutions out, checks kept, outputs cleared.

Each ``### BEGIN SOLUTION`` … ``### END SOLUTION`` region of a ``solution`` cell becomes a Spanish
placeholder comment plus ``raise NotImplementedError(...)`` at the region's indentation; every
output and execution count is cleared (so nbval compares nothing and the notebook is clean to
start); check cells are kept byte-identical (source, id, metadata). The output is deterministic:
releasing twice writes identical files.

Example:
    >>> from coursework.grading.release import release_source
    >>> print(release_source("x = 1\\n### BEGIN SOLUTION\\ny = x + 1\\n### END SOLUTION\\n"), end="")
    x = 1
    # TU SOLUCIÓN AQUÍ: escribe tu código en lugar de la línea `raise` de abajo.
    raise NotImplementedError("Desafío sin resolver: completa esta celda.")
"""

from __future__ import annotations

import copy
import os
import pathlib
from typing import Any, Iterable

from coursework.grading.markers import describe_cell, solution_regions, validate_notebook

PLACEHOLDER_COMMENT = "# TU SOLUCIÓN AQUÍ: escribe tu código en lugar de la línea `raise` de abajo."
PLACEHOLDER_RAISE = 'raise NotImplementedError("Desafío sin resolver: completa esta celda.")'

#: Cell metadata that only records a past execution (timings, scroll state): dropped on release.
_VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")
#: Notebook metadata that only records a past session: dropped on release.
_VOLATILE_NB_METADATA = ("widgets", "toc-autonumbering", "varInspector")


def release_source(source: str, where: str = "cell") -> str:
    """Replace every solution region of a cell's source by the placeholder (keeps the indentation).

    Raises:
        MarkerError: for nested or unterminated regions (``where`` names the cell).
    """
    regions = solution_regions(source, where)
    if not regions:
        return source
    lines = source.splitlines()
    out: list[str] = []
    cursor = 0
    for region in regions:
        out.extend(lines[cursor:region.begin])
        out.append(region.indent + PLACEHOLDER_COMMENT)
        out.append(region.indent + PLACEHOLDER_RAISE)
        cursor = region.end + 1
    out.extend(lines[cursor:])
    text = "\n".join(out)
    return text + "\n" if source.endswith("\n") else text


def release_notebook(nb: Any, name: str = "notebook") -> Any:
    """The student version of a reference notebook (a new object; ``nb`` is not modified).

    Raises:
        MarkerError: naming ``name`` and the cell, for malformed markers or check cells.
    """
    regions, _ = validate_notebook(nb, name)
    student = copy.deepcopy(nb)
    for index, cell in enumerate(student.cells):
        for key in _VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        if index in regions:
            where = f"{name}, {describe_cell(cell, index)}"
            cell.source = release_source("".join(cell.source) if isinstance(cell.source, list)
                                         else cell.source, where)
    for key in _VOLATILE_NB_METADATA:
        student.metadata.pop(key, None)
    return student


def release_notebooks(paths: Iterable[str | os.PathLike], out: str | os.PathLike) -> list[pathlib.Path]:
    """Write the student version of each notebook into folder ``out`` (same file names).

    Every notebook is validated before anything is written, so a malformed one leaves ``out``
    untouched.

    Raises:
        MarkerError: for malformed markers (names notebook and cell).
        ValueError: if ``out`` is the folder of a reference notebook (it would be overwritten).
        FileNotFoundError: for a missing notebook.
    """
    import nbformat

    out_dir = pathlib.Path(out)
    released: list[tuple[pathlib.Path, str]] = []
    for path in map(pathlib.Path, paths):
        if not path.is_file():
            raise FileNotFoundError(f"Notebook {str(path)!r} not found.")
        if out_dir.exists() and path.resolve().parent == out_dir.resolve():
            raise ValueError(f"--out {str(out_dir)!r} is the folder of the reference notebook "
                             f"{path.name}: choose another folder (the release would overwrite it).")
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # nbformat raises several types for broken JSON
            raise ValueError(f"{path.name}: not a readable notebook ({exc})") from None
        text = nbformat.writes(release_notebook(nb, path.name))
        released.append((out_dir / path.name, text if text.endswith("\n") else text + "\n"))
    names = [target.name for target, _ in released]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"Two notebooks would be released as {', '.join(duplicates)}.")
    out_dir.mkdir(parents=True, exist_ok=True)
    for target, text in released:
        target.write_text(text, encoding="utf-8", newline="\n")
    return [target for target, _ in released]
