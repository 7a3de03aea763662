"""Tamper signs in graded notebooks: arm a guard first, verify it at the top of every check cell.

:func:`add_tamper_guard` puts a grader cell first in the graded notebook; it runs the source of
:mod:`coursework.grading._tamper_guard` as the module ``__coursework_guard__`` and remembers
``math``/``numpy`` and the builtins before any student code. Each check cell gets one first line that
calls the guard with the identifiers the check uses; when something changed, the guard raises
``TamperingDetected`` and :func:`tamper_message` turns that report into the check status
``tampered``. What this does not catch is listed in docs/grading.md ("Tamper signs").

Example:
    >>> import nbformat.v4 as v4
    >>> nb = v4.new_notebook(cells=[v4.new_code_cell("assert len(x) == 2", id="check-x",
    ...                                              metadata={"tags": ["check"]})])
    >>> nb = add_tamper_guard(nb, ["check-x"])
    >>> [c.id for c in nb.cells]
    ['coursework-grader-guard', 'check-x']
    >>> print(nb.cells[1].source.splitlines()[0])
    import __coursework_guard__; __coursework_guard__.verify(('len', 'x')); del __coursework_guard__
"""

from __future__ import annotations

import ast
import importlib.resources
from collections.abc import Iterable

GUARD_CELL_ID = "coursework-grader-guard"
GUARD_MODULE = "__coursework_guard__"
TAMPER_ERROR = "TamperingDetected"


def _guard_source() -> str:
    return (
        importlib.resources.files("coursework.grading")
        .joinpath("_tamper_guard.py")
        .read_text(encoding="utf-8")
    )


def guard_cell_source() -> str:
    """The grader's first cell: load the guard as a module of its own and arm it (nothing is left in
    the notebook's namespace)."""
    return (
        "# Inserted by the grader: remembers math, numpy and the builtins before the notebook runs.\n"
        f"def _coursework_arm(source={_guard_source()!r}):\n"
        "    import sys, types\n"
        f"    module = types.ModuleType({GUARD_MODULE!r})\n"
        f"    exec(compile(source, '<grader guard>', 'exec'), module.__dict__)\n"
        f"    sys.modules[{GUARD_MODULE!r}] = module\n"
        "    module.arm()\n"
        "_coursework_arm()\n"
        "del _coursework_arm\n"
    )


def used_names(source: str) -> tuple[str, ...] | None:
    """Identifiers a cell's code reads (``np.allclose(x)`` → ``np``, ``x``); ``None`` if it does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    return tuple(sorted({node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}))


def guard_line(check_source: str) -> str:
    """The first line given to a check cell."""
    names = used_names(check_source)
    return f"import {GUARD_MODULE}; {GUARD_MODULE}.verify({names!r}); del {GUARD_MODULE}"


def add_tamper_guard(nb, check_ids: Iterable[str]):
    """Put the guard cell first in ``nb`` and a verify line at the top of each check cell (in place)."""
    import nbformat.v4 as v4

    check_ids = set(check_ids)
    for cell in nb.cells:
        if cell.get("cell_type") == "code" and cell.get("id") in check_ids:
            source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
            cell.source = guard_line(source) + "\n" + source
    nb.cells.insert(0, v4.new_code_cell(guard_cell_source(), id=GUARD_CELL_ID))
    return nb


def tamper_message(report: dict) -> str | None:
    """The ``tampered`` message of a check's failed report, or ``None`` if it is not a tamper sign."""
    ename, evalue = report.get("ename") or "", str(report.get("evalue") or "")
    if ename == TAMPER_ERROR:
        return evalue.strip() or "tampering detected"
    if ename == "ModuleNotFoundError" and GUARD_MODULE in evalue:
        return "tampering detected: the grader's guard module was removed from sys.modules"
    return None
