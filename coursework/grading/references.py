"""Reference notebooks, and the student's notebook rebuilt with the reference check cells.

For every reference notebook that has check cells, the student's notebook of the same name is
rebuilt with the *reference* check cells (matched by cell ``id``; a deleted or edited check is put
back after the cell that preceded it in the reference), every output cleared, and the student's
kernel metadata ignored.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import pathlib
import re
from collections.abc import Sequence
from typing import Any

from coursework.grading.markers import (
    CHECK_TAG,
    SOLUTION_TAG,
    cell_source,
    cell_tags,
    source_digest,
    validate_notebook,
)


@dataclasses.dataclass
class ReferenceCell:
    id: str | None
    cell_type: str
    digest: str
    is_check: bool
    is_solution: bool
    node: Any  # the nbformat cell (kept whole for check cells)


@dataclasses.dataclass
class ReferenceNotebook:
    """The graded skeleton of a reference (or released) notebook: its cells and check cells."""

    name: str
    cells: list[ReferenceCell]
    metadata: dict

    @property
    def check_ids(self) -> list[str]:
        return [c.id for c in self.cells if c.is_check]


def load_reference(path: str | os.PathLike) -> ReferenceNotebook:
    """Read one reference notebook (solved or released: both have the same check cells).

    Raises:
        MarkerError / ValueError: for a malformed or unreadable notebook.
    """
    import nbformat

    path = pathlib.Path(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:
        raise ValueError(f"Reference notebook {path.name} is not readable: {exc}") from None
    _, checks = validate_notebook(nb, path.name, require_regions=False)
    check_ids = {c.id for c in checks}
    cells = []
    for cell in nb.cells:
        source = cell_source(cell)
        cell_id = cell.get("id")
        cells.append(
            ReferenceCell(
                id=cell_id,
                cell_type=cell.cell_type,
                digest=source_digest(source),
                is_check=cell_id in check_ids and CHECK_TAG in cell_tags(cell),
                is_solution=SOLUTION_TAG in cell_tags(cell),
                node=cell,
            )
        )
    return ReferenceNotebook(name=path.name, cells=cells, metadata=dict(nb.metadata))


def load_references(reference: str | os.PathLike | Sequence[str | os.PathLike]) -> list[ReferenceNotebook]:
    """The reference notebooks that have at least one check cell, sorted by name.

    ``reference`` is a folder of notebooks (the solved references or a student release) or a list
    of notebook files.

    Raises:
        FileNotFoundError: if nothing is found; ValueError if no notebook has check cells.
    """
    if isinstance(reference, (str, os.PathLike)):
        base = pathlib.Path(reference)
        if base.is_dir():
            paths = sorted(base.glob("*.ipynb"))
        elif base.is_file():
            paths = [base]
        else:
            raise FileNotFoundError(f"Reference {str(base)!r} not found.")
    else:
        paths = [pathlib.Path(p) for p in reference]
    if not paths:
        raise FileNotFoundError(f"No reference notebooks in {reference!s}.")
    loaded = [load_reference(p) for p in paths]
    graded = [r for r in loaded if r.check_ids]
    if not graded:
        raise ValueError(f"No reference notebook in {reference!s} has check cells (tag 'check').")
    return sorted(graded, key=lambda r: r.name)


# --------------------------------------------------------------------------------------------
# Rebuilding a student's notebook with the reference check cells
# --------------------------------------------------------------------------------------------


def build_graded_notebook(student_nb: Any, reference: ReferenceNotebook) -> tuple[Any, dict[str, str]]:
    """The notebook that is actually run: the student's cells plus the reference check cells.

    Returns ``(notebook, origins)`` where ``origins[check_id]`` is ``kept`` (the student's copy was
    identical), ``edited`` (changed by the student: replaced by the reference), ``restored``
    (deleted by the student: re-inserted after the cell that preceded it in the reference) or
    ``missing`` (no preceding reference cell was found in the submission, so it could not be placed).
    Every output and execution count is cleared and the kernel metadata is the reference's.
    """
    import nbformat

    ref_checks = {c.id: c for c in reference.cells if c.is_check}
    check_digests = {c.digest: c.id for c in ref_checks.values()}
    seen: dict[str, str] = {}
    kept_cells: list[Any] = []
    for cell in student_nb.get("cells", []):
        cell_id = cell.get("id")
        source = cell_source(cell)
        if cell_id in ref_checks:
            seen[cell_id] = "kept" if source_digest(source) == ref_checks[cell_id].digest else "edited"
            continue
        if cell.get("cell_type") == "code" and (
            CHECK_TAG in cell_tags(cell) or source_digest(source) in check_digests
        ):
            match = check_digests.get(source_digest(source))
            if match and match not in seen:
                seen[match] = "kept"
            continue  # any other check-like cell is replaced by the reference checks
        kept_cells.append(cell)

    by_id: dict[str, int] = {}
    by_digest: dict[str, list[int]] = {}
    for index, cell in enumerate(kept_cells):
        if cell.get("id"):
            by_id.setdefault(str(cell["id"]), index)
        by_digest.setdefault(source_digest(cell_source(cell)), []).append(index)

    after: dict[int, list[Any]] = {}
    origins: dict[str, str] = {}
    anchor: int | None = None
    for position, ref_cell in enumerate(reference.cells):
        if ref_cell.is_check:
            if anchor is None and position > 0:
                origins[ref_cell.id] = "missing"
                continue
            after.setdefault(-1 if anchor is None else anchor, []).append(copy.deepcopy(ref_cell.node))
            origins[ref_cell.id] = seen.get(ref_cell.id, "restored")
            continue
        found = by_id.get(ref_cell.id) if ref_cell.id else None
        if found is None and not ref_cell.is_solution:
            candidates = by_digest.get(ref_cell.digest, [])
            found = candidates[0] if len(candidates) == 1 else None
        if found is not None:
            anchor = found

    cells = list(after.get(-1, []))
    for index, cell in enumerate(kept_cells):
        cells.append(copy.deepcopy(cell))
        cells.extend(after.get(index, []))

    graded = nbformat.v4.new_notebook()
    graded.metadata = copy.deepcopy(reference.metadata) or {}
    graded.metadata.setdefault(
        "kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"}
    )
    used: set[str] = set()
    for number, cell in enumerate(cells):
        node = nbformat.from_dict(dict(cell))
        node.setdefault("metadata", {})
        if node.get("cell_type") == "code":
            node["outputs"] = []
            node["execution_count"] = None
        elif node.get("cell_type") not in ("markdown", "raw"):
            node = nbformat.v4.new_raw_cell(cell_source(cell))
        cell_id = str(node.get("id") or "")
        if not cell_id or cell_id in used or not re.fullmatch(r"[a-zA-Z0-9-_]{1,64}", cell_id):
            cell_id = f"graded-cell-{number}"
        used.add(cell_id)
        node["id"] = cell_id
        node["source"] = cell_source(node)
        cells[number] = node
    graded.cells = cells
    graded.nbformat, graded.nbformat_minor = 4, 5
    return graded, origins
