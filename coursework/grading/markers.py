"""Solution regions and check cells: the markers every course notebook uses.

A *desafío* has solution lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` inside code
cells tagged ``solution``, and check cells tagged ``check`` (plain ``assert``s) with a stable cell
``id``. This module finds them and rejects malformed notebooks with an error naming the notebook and
the cell, so neither a release nor a grade ever works from a half-marked notebook.

Example:
    >>> import nbformat
    >>> from coursework.grading.markers import solution_regions
    >>> solution_regions("x = 1\\n### BEGIN SOLUTION\\ny = 2\\n### END SOLUTION\\n")
    [SolutionRegion(begin=1, end=3, indent='')]
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
SOLUTION_TAG = "solution"
CHECK_TAG = "check"


class MarkerError(ValueError):
    """A notebook whose solution or check markers are malformed (names notebook and cell)."""


@dataclasses.dataclass(frozen=True)
class SolutionRegion:
    """Lines ``begin`` (the BEGIN marker) to ``end`` (the END marker), 0-based, inclusive."""

    begin: int
    end: int
    indent: str


@dataclasses.dataclass(frozen=True)
class CheckCell:
    """A check cell of a notebook: its ``id``, position among all cells, and source."""

    id: str
    index: int
    source: str


def cell_source(cell: Any) -> str:
    """The source of a cell as one string (nbformat allows a list of lines on disk)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def cell_tags(cell: Any) -> list[str]:
    """The tags of a cell (``metadata.tags``), or an empty list."""
    tags = (cell.get("metadata") or {}).get("tags") or []
    return [str(t) for t in tags] if isinstance(tags, list) else []


def source_digest(source: str) -> str:
    """A short, stable fingerprint of a cell source (used to find unchanged cells without ids)."""
    return hashlib.sha256(source.strip().encode("utf-8")).hexdigest()[:16]


def describe_cell(cell: Any, index: int) -> str:
    """``cell 7 (id 'check-suma')`` — how errors name a cell."""
    cell_id = cell.get("id")
    return f"cell {index} (id {cell_id!r})" if cell_id else f"cell {index} (no id)"


def solution_regions(source: str, where: str = "cell") -> list[SolutionRegion]:
    """The solution regions of one cell's source, in order.

    Args:
        source: the cell source.
        where: how to name the cell in errors, e.g. ``"06a.ipynb, cell 4 (id 'sol')"``.

    Raises:
        MarkerError: for a region that is nested, unterminated, or an END without a BEGIN.
    """
    regions: list[SolutionRegion] = []
    begin: int | None = None
    indent = ""
    for number, line in enumerate(source.splitlines()):
        stripped = line.strip()
        if stripped == BEGIN_SOLUTION:
            if begin is not None:
                raise MarkerError(
                    f"{where}: nested '{BEGIN_SOLUTION}' on line {number + 1} (the region opened "
                    f"on line {begin + 1} is not closed yet)"
                )
            begin, indent = number, line[: len(line) - len(line.lstrip())]
        elif stripped == END_SOLUTION:
            if begin is None:
                raise MarkerError(
                    f"{where}: '{END_SOLUTION}' on line {number + 1} without a matching '{BEGIN_SOLUTION}'"
                )
            regions.append(SolutionRegion(begin, number, indent))
            begin = None
        elif BEGIN_SOLUTION in line or END_SOLUTION in line:
            raise MarkerError(
                f"{where}: line {number + 1} holds a solution marker that is not alone on its line"
            )
    if begin is not None:
        raise MarkerError(
            f"{where}: '{BEGIN_SOLUTION}' on line {begin + 1} is never closed with '{END_SOLUTION}'"
        )
    return regions


def validate_notebook(
    nb: Any,
    name: str = "notebook",
    require_regions: bool = True,
) -> tuple[dict[int, list[SolutionRegion]], list[CheckCell]]:
    """Check every marker of a notebook; return its solution regions (by cell index) and check cells.

    Rules: markers only in code cells tagged ``solution`` (and, with ``require_regions``, every such
    cell has a region — a released student notebook has none); a cell is not both ``solution`` and
    ``check``; check cells are code cells with a unique, non-empty id.

    Raises:
        MarkerError: naming the notebook and the cell for the first problem found.
    """
    regions: dict[int, list[SolutionRegion]] = {}
    checks: list[CheckCell] = []
    seen_ids: dict[str, int] = {}
    for index, cell in enumerate(nb.get("cells", [])):
        where = f"{name}, {describe_cell(cell, index)}"
        tags = cell_tags(cell)
        source = cell_source(cell)
        has_markers = BEGIN_SOLUTION in source or END_SOLUTION in source
        if cell.get("cell_type") != "code":
            if SOLUTION_TAG in tags or CHECK_TAG in tags:
                raise MarkerError(f"{where}: only code cells can be tagged '{SOLUTION_TAG}' or '{CHECK_TAG}'")
            if has_markers:
                raise MarkerError(f"{where}: solution markers in a {cell.get('cell_type')} cell")
            continue
        if SOLUTION_TAG in tags and CHECK_TAG in tags:
            raise MarkerError(f"{where}: a cell cannot be tagged both '{SOLUTION_TAG}' and '{CHECK_TAG}'")
        if SOLUTION_TAG in tags:
            found = solution_regions(source, where)
            if not found and require_regions:
                raise MarkerError(
                    f"{where}: tagged '{SOLUTION_TAG}' but has no "
                    f"'{BEGIN_SOLUTION}' … '{END_SOLUTION}' region"
                )
            if found:
                regions[index] = found
        elif has_markers:
            raise MarkerError(
                f"{where}: has solution markers but is not tagged '{SOLUTION_TAG}' "
                "(add the tag so the release removes the solution)"
            )
        if CHECK_TAG in tags:
            cell_id = str(cell.get("id") or "").strip()
            if not cell_id:
                raise MarkerError(f"{where}: check cells need a stable cell id (nbformat ≥ 4.5)")
            if cell_id in seen_ids:
                raise MarkerError(
                    f"{where}: check cell id {cell_id!r} is also used by cell {seen_ids[cell_id]}"
                )
            seen_ids[cell_id] = index
            checks.append(CheckCell(cell_id, index, source))
    return regions, checks


def check_cells(nb: Any, name: str = "notebook") -> list[CheckCell]:
    """The check cells of a notebook, in order (validating every marker first).

    Example:
        >>> import nbformat.v4 as v4
        >>> nb = v4.new_notebook(cells=[v4.new_code_cell("assert 1 == 1, 'uno'", id="check-uno",
        ...                                              metadata={"tags": ["check"]})])
        >>> [c.id for c in check_cells(nb)]
        ['check-uno']
    """
    return validate_notebook(nb, name)[1]


# --------------------------------------------------------------------------------------------
# Wrong answers registered beside a desafío (stripped by release)
# --------------------------------------------------------------------------------------------

#: Cell metadata key of the package; ``metadata.coursework.wrong_answers`` lists the wrong answers.
METADATA_KEY = "coursework"
WRONG_ANSWERS_KEY = "wrong_answers"
#: Kinds of registered wrong answers (the released starter is derived, never registered).
WRONG_ANSWER_KINDS = ("trivial", "conceptual")


@dataclasses.dataclass(frozen=True)
class WrongAnswer:
    """A wrong answer to a desafío: ``source`` replaces the lines of the solution region.

    ``kind`` is ``starter`` (the released placeholder, derived by :mod:`release`), ``trivial``
    (constant, random, identity, input copied) or ``conceptual`` (a typical mistake of the topic).
    """

    name: str
    kind: str
    source: str


def wrong_answers(cell: Any, where: str = "cell") -> list[WrongAnswer]:
    """The wrong answers registered in a solution cell's ``metadata.coursework.wrong_answers``.

    Example:
        >>> import nbformat.v4 as v4
        >>> cell = v4.new_code_cell("### BEGIN SOLUTION\\ny = 2\\n### END SOLUTION", metadata={
        ...     "tags": ["solution"], "coursework": {"wrong_answers": [
        ...         {"name": "cero", "kind": "trivial", "source": "y = 0"}]}})
        >>> wrong_answers(cell)
        [WrongAnswer(name='cero', kind='trivial', source='y = 0')]

    Raises:
        MarkerError: for an entry without a name or source, a repeated name, or an unknown kind.
    """
    entries = ((cell.get("metadata") or {}).get(METADATA_KEY) or {}).get(WRONG_ANSWERS_KEY) or []
    if not isinstance(entries, list):
        raise MarkerError(f"{where}: metadata.{METADATA_KEY}.{WRONG_ANSWERS_KEY} must be a list")
    answers: list[WrongAnswer] = []
    for number, entry in enumerate(entries):
        name = str((entry or {}).get("name") or "").strip()
        kind = str((entry or {}).get("kind") or "").strip()
        source = (entry or {}).get("source")
        source = "".join(source) if isinstance(source, list) else source
        if not name or not isinstance(source, str) or not source.strip():
            raise MarkerError(f"{where}: wrong answer {number} needs a 'name' and a 'source'")
        if kind not in WRONG_ANSWER_KINDS:
            raise MarkerError(
                f"{where}: wrong answer {name!r} has kind {kind!r}; use one of "
                f"{', '.join(WRONG_ANSWER_KINDS)} (the starter is derived by release)"
            )
        if name == "starter" or any(a.name == name for a in answers):
            raise MarkerError(f"{where}: wrong answer name {name!r} is reserved or repeated")
        answers.append(WrongAnswer(name, kind, source))
    return answers
