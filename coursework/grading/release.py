"""Student versions of the reference notebooks: solutions out, checks kept, outputs cleared.

Each ``### BEGIN SOLUTION`` … ``### END SOLUTION`` region of a ``solution`` cell becomes a Spanish
placeholder comment plus ``raise NotImplementedError(...)`` at the region's indentation; every
output and execution count is cleared (so nbval compares nothing and the notebook is clean to
start); the wrong answers registered in ``metadata.coursework.wrong_answers`` are removed; check
cells are kept byte-identical (source, id, metadata). The output is deterministic: releasing twice
writes identical files.

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
from collections.abc import Iterable
from typing import Any

from coursework.grading.markers import (
    METADATA_KEY,
    WRONG_ANSWERS_KEY,
    describe_cell,
    solution_regions,
    validate_notebook,
    wrong_answers,
)

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
        out.extend(lines[cursor : region.begin])
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
        own = cell.metadata.get(METADATA_KEY)
        if isinstance(own, dict) and WRONG_ANSWERS_KEY in own:
            wrong_answers(cell, f"{name}, {describe_cell(cell, index)}")  # malformed: say so
            own.pop(WRONG_ANSWERS_KEY)  # the wrong answers would tell students what not to write
            if not own:
                cell.metadata.pop(METADATA_KEY)
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        if index in regions:
            where = f"{name}, {describe_cell(cell, index)}"
            cell.source = release_source(
                "".join(cell.source) if isinstance(cell.source, list) else cell.source, where
            )
    for key in _VOLATILE_NB_METADATA:
        student.metadata.pop(key, None)
    return student


def release_notebooks(
    paths: Iterable[str | os.PathLike], out: str | os.PathLike, overwrite: bool = False
) -> list[pathlib.Path]:
    """Write the student version of each notebook into folder ``out`` (same file names).

    Every notebook is validated, and every target checked, before anything is written, so a
    malformed notebook or a refused target leaves ``out`` untouched. A file of ``out`` that differs
    from its new version (a student's solved notebook, an older release) is replaced only with
    ``overwrite``; one that is already identical is left as it is. Each file is written to a
    temporary sibling and renamed into place.

    Raises:
        MarkerError: for malformed markers (names notebook and cell).
        ValueError: if ``out`` is the folder of a reference notebook (it would be overwritten), is a
            file, or holds a different file of the same name and ``overwrite`` is false.
        FileNotFoundError: for a missing notebook.
    """
    import nbformat

    from coursework.atomic import check_output_path, write_text

    out_dir = pathlib.Path(out)
    released: list[tuple[pathlib.Path, str]] = []
    for path in map(pathlib.Path, paths):
        if not path.is_file():
            raise FileNotFoundError(f"Notebook {str(path)!r} not found.")
        if out_dir.exists() and path.resolve().parent == out_dir.resolve():
            raise ValueError(
                f"--out {str(out_dir)!r} is the folder of the reference notebook "
                f"{path.name}: choose another folder (the release would overwrite it)."
            )
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
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"--out {str(out_dir)!r} is a file, not a folder.")
    changed = [
        (target, text)
        for target, text in released
        if not (target.is_file() and target.read_text(encoding="utf-8") == text)
    ]
    for target, _ in changed:
        if out_dir.is_dir():
            check_output_path(target, overwrite, what="released notebook")
    out_dir.mkdir(parents=True, exist_ok=True)
    for target, text in changed:
        write_text(target, text)
    return [target for target, _ in released]


# --------------------------------------------------------------------------------------------
# Static proof that a released notebook fails its checks until solved
# --------------------------------------------------------------------------------------------


def _python_source(source: str) -> str:
    """Cell source with IPython syntax (``%pip``, ``!ls``) turned into Python, for :mod:`ast`."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return source
    return TransformerManager().transform_cell(source)


def _module_bindings(statement) -> set[str]:
    """Names a top-level statement binds in the module namespace (not inside functions)."""
    import ast

    names: set[str] = set()
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {statement.name}
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in statement.names if a.name != "*"}
    stack = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= _module_bindings(node)
        stack.extend(ast.iter_child_nodes(node))
    return names


def _loads(node) -> set[str]:
    import ast

    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _has_placeholder(node) -> bool:
    import ast

    return any(
        isinstance(n, ast.Raise) and n.exc is not None and "NotImplementedError" in _loads(n.exc)
        for n in ast.walk(node)
    )


def _cell_bindings(cell: Any) -> set[str]:
    import ast

    from coursework.grading.markers import cell_source

    try:
        tree = ast.parse(_python_source(cell_source(cell)))
    except SyntaxError:
        return set()
    return set().union(*(_module_bindings(s) for s in tree.body)) if tree.body else set()


def _walk_bindings(
    nb: Any,
    removed: dict[int, set[str]] | None = None,
) -> dict[str, tuple[set[str], set[str], set[str]]]:
    """Per check id: (names defined before it, names unsolved before it, names it reads).

    ``removed[index]``: names the reference version of solution cell ``index`` binds; they become
    unsolved when that cell raises the placeholder.
    """
    import ast

    from coursework.grading.markers import CHECK_TAG, SOLUTION_TAG, cell_source, cell_tags

    defined: set[str] = set()
    unsolved: set[str] = set()
    result: dict[str, tuple[set[str], set[str], set[str]]] = {}
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse(_python_source(cell_source(cell)))
        except SyntaxError as exc:
            raise SyntaxError(f"cell {index} (id {cell.get('id')!r}) is not valid Python: {exc}") from None
        tags = cell_tags(cell)
        if CHECK_TAG in tags:
            result[str(cell.get("id"))] = (set(defined), set(unsolved), _loads(tree))
            continue
        stopped = False
        for statement in tree.body:
            bound = _module_bindings(statement)
            if stopped:
                continue  # never runs: its names stay undefined
            if SOLUTION_TAG in tags and _has_placeholder(statement):
                unsolved |= bound | (removed or {}).get(index, set())
                defined |= bound
                if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    stopped = True  # execution of this cell ends at the raise
            elif _loads(statement) & unsolved:
                unsolved |= bound
                defined |= bound
            else:
                unsolved -= bound
                defined |= bound
    return result


def unsolved_check_dependencies(reference_nb: Any, name: str = "notebook") -> dict[str, list[str]]:
    """For each check cell, the names it reads that only the (removed) solutions provide.

    The reference is released and both versions are read statically (:mod:`ast`, IPython syntax
    allowed). A name counts when the reference defines it before the check but the student version
    does not (the code after a top-level ``raise NotImplementedError`` never runs), when it is a
    function or class whose body raises the placeholder, or when an intermediate cell computes it
    from such a name. A check reading at least one of them cannot pass until the student solves the
    desafío; an empty list means the check does not depend on any solution.

    Raises:
        SyntaxError: when a cell is not valid Python (naming the cell).
    """
    from coursework.grading.markers import SOLUTION_TAG, cell_tags

    reference = _walk_bindings(reference_nb)
    removed = {
        index: _cell_bindings(cell)
        for index, cell in enumerate(reference_nb.cells)
        if cell.get("cell_type") == "code" and SOLUTION_TAG in cell_tags(cell)
    }
    released = _walk_bindings(release_notebook(reference_nb, name), removed)
    result = {}
    for check_id, (defined_ref, _, loads) in reference.items():
        defined_rel, unsolved_rel, _ = released[check_id]
        result[check_id] = sorted(loads & ((defined_ref - defined_rel) | unsolved_rel))
    return result
