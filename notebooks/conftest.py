"""check-desafios folded into the nbval pass: wrong answers run in nbval's kernel, right after the checks.

nbval executes each notebook once, one pytest item per code cell. For every desafío this plugin
snapshots the kernel's namespace just before the solution cell runs, and adds one item right after
the desafío's last check cell: it runs the released starter and every registered wrong answer
(``metadata.coursework.wrong_answers``) from that snapshot, each followed by the desafío's check cells,
fails if any of them passes (or if a required kind of wrong answer is missing), and restores the
solved namespace so the rest of the notebook runs as before. The reference itself is proven by
nbval's own items for the solution and check cells. Same code as ``python -m coursework
check-desafios`` (:mod:`coursework.grading.desafios`), without executing any notebook twice.
"""

from __future__ import annotations

import pytest

from coursework.grading.desafio_report import to_table
from coursework.grading.desafios import (
    Desafio,
    find_desafios,
    kernel_runner,
    missing_kinds,
    restore,
    snapshot_code,
    wrong_answer_outcomes,
)


def _is_cell_item(item) -> bool:
    return item.__class__.__name__ == "IPyNbCell" and getattr(item, "cell", None) is not None


def _desafios(notebook_file) -> list[Desafio]:
    found = getattr(notebook_file, "_coursework_desafios", None)
    if found is None:
        # a student's clone holds released notebooks: no solution region, nothing to prove
        found = find_desafios(notebook_file.nb, notebook_file.path.name, require_regions=False)
        notebook_file._coursework_desafios = found
    return found


def _runner(notebook_file):
    kernel = notebook_file.kernel
    if kernel is None or not kernel.is_alive():
        raise RuntimeError("the notebook's kernel is not running")
    return kernel_runner(kernel.kc, kernel.interrupt, notebook_file.config.option.nbval_cell_timeout)


class WrongAnswersItem(pytest.Item):
    """Runs one desafío's starter and wrong answers against its checks in nbval's kernel."""

    def __init__(self, *, desafio: Desafio, **kwargs):
        super().__init__(**kwargs)
        self.desafio = desafio

    def runtest(self):
        desafio, notebook_file = self.desafio, self.parent
        missing = missing_kinds(desafio)
        if missing:
            pytest.fail(f"{desafio.notebook} {desafio.solution_id}: register at least one "
                        f"{' and one '.join(missing)} wrong answer (metadata.coursework.wrong_answers)",
                        pytrace=False)
        run = _runner(notebook_file)
        taken = run(f"assert {desafio.solution_id!r} in globals().get('__coursework_snapshots__', {{}})")
        if taken.status != "ok":
            pytest.fail("no snapshot from before the solution cell (was its item deselected?)", pytrace=False)
        solved = desafio.solution_id + ":solved"
        run(snapshot_code(solved))
        try:
            outcomes = wrong_answer_outcomes(run, desafio, notebook_file.nb.cells)
        finally:
            restore(run, solved)
        if not all(o.ok for o in outcomes):
            pytest.fail("a wrong answer passes the checks:\n" + to_table(outcomes), pytrace=False)

    def reportinfo(self):
        return self.path, None, self.name


def pytest_collection_modifyitems(session, config, items):
    """After each desafío's last check cell, insert the item that runs its wrong answers."""
    ordered = []
    for item in items:
        ordered.append(item)
        if not _is_cell_item(item):
            continue
        for desafio in _desafios(item.parent):
            if item.cell is item.parent.nb.cells[desafio.followers[-1]]:
                ordered.append(WrongAnswersItem.from_parent(
                    item.parent, name=f"desafío {desafio.solution_id}: wrong answers", desafio=desafio))
    items[:] = ordered


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    """Just before a desafío's solution cell runs, snapshot the kernel's namespace."""
    if not _is_cell_item(item):
        return
    for desafio in _desafios(item.parent):
        if item.cell is item.parent.nb.cells[desafio.solution_index]:
            _runner(item.parent)(snapshot_code(desafio.solution_id))
