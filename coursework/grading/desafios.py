"""Prove every desafío's checks: the reference passes them and every registered wrong answer fails.

A *desafío* is a code cell tagged ``solution`` (one ``### BEGIN SOLUTION`` region) followed by its
check cells (tagged ``check``) up to the next solution cell; code cells in between (they compute what
the checks compare) run with the checks. Its answers are, in order: the reference, the released
starter (derived with :func:`coursework.grading.release.release_source`, never stored) and the wrong
answers registered in the solution cell's ``metadata.coursework.wrong_answers`` (stripped by
``release``). A wrong answer's ``source`` replaces the lines of the solution region, so the cell's
other lines (imports, prints) stay as a student would leave them.

The notebook runs ONCE up to each desafío, in one kernel. Just before the solution cell the user
namespace is snapshotted; before each wrong answer it is restored (names bound since are removed,
rebound names get their old object back), so a wrong answer never sees what the reference defined.
The same functions serve ``python -m coursework check-desafios`` (its own kernel) and the test run
(``notebooks/conftest.py`` drives nbval's kernel, so the notebook is not executed twice).

Example:
    >>> from coursework.grading.desafios import answer_source
    >>> print(answer_source("import re\\n### BEGIN SOLUTION\\ny = 2\\n### END SOLUTION\\nprint(y)",
    ...                     "y = 0"), end="")
    import re
    y = 0
    print(y)
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
import queue
import subprocess
import textwrap
import time
from collections.abc import Callable, Iterable
from typing import Any

from coursework.grading.markers import (
    CHECK_TAG,
    SOLUTION_TAG,
    MarkerError,
    WrongAnswer,
    cell_source,
    cell_tags,
    describe_cell,
    solution_regions,
    validate_notebook,
    wrong_answers,
)

#: Registered wrong answers every desafío needs, besides the derived starter.
REQUIRED_KINDS = ("trivial", "conceptual")
_SNAPSHOTS = "__coursework_snapshots__"


@dataclasses.dataclass(frozen=True)
class Desafio:
    """One desafío of a notebook: its solution cell, the cells run after an answer, its answers."""

    notebook: str
    solution_index: int
    solution_id: str
    reference: str
    followers: tuple[int, ...]
    check_ids: tuple[str, ...]
    answers: tuple[WrongAnswer, ...]  # the starter first, then the registered ones


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What one answer did against the desafío's checks (``got`` is ``pass`` or ``fail``)."""

    notebook: str
    desafio: str
    answer: str
    kind: str
    expected: str
    got: str
    message: str

    @property
    def ok(self) -> bool:
        return self.expected == self.got

    def as_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "ok": self.ok}


@dataclasses.dataclass(frozen=True)
class Execution:
    """The result of executing one cell in the kernel."""

    status: str  # "ok" or "error"
    ename: str = ""
    evalue: str = ""
    printed: bool = False

    @property
    def message(self) -> str:
        """What the student reads: the assert message, or ``Type: value`` for other errors."""
        if self.status == "ok":
            return ""
        if self.ename == "AssertionError" and self.evalue:
            return self.evalue
        return f"{self.ename}: {self.evalue}" if self.evalue else self.ename


Runner = Callable[[str], Execution]


# ---- reading desafíos ------------------------------------------------------------------------


def answer_source(solution: str, answer: str) -> str:
    """The solution cell with its (single) solution region replaced by ``answer`` (re-indented)."""
    (region,) = solution_regions(solution)
    lines = solution.splitlines()
    body = textwrap.indent(textwrap.dedent(answer).strip("\n"), region.indent).splitlines()
    text = "\n".join(lines[: region.begin] + body + lines[region.end + 1 :])
    return text + "\n" if solution.endswith("\n") else text


def find_desafios(nb: Any, name: str = "notebook", require_regions: bool = True) -> list[Desafio]:
    """The desafíos of a reference notebook, in order, with their starter and wrong answers.

    With ``require_regions=False`` a released notebook (solution cells without a region) simply
    has no desafío instead of being an error.

    Raises:
        MarkerError: malformed markers, a solution cell with several regions or without check cells,
            or malformed wrong answers (naming notebook and cell).
    """
    from coursework.grading.release import release_source

    regions, _ = validate_notebook(nb, name, require_regions)
    cells = nb.get("cells", [])
    desafios: list[Desafio] = []
    for index in sorted(regions):
        cell = cells[index]
        where = f"{name}, {describe_cell(cell, index)}"
        if len(regions[index]) != 1:
            raise MarkerError(f"{where}: a desafío's solution cell holds exactly one solution region")
        followers, checks = [], []
        for later in range(index + 1, len(cells)):
            other = cells[later]
            if other.get("cell_type") != "code":
                continue
            if SOLUTION_TAG in cell_tags(other):
                break
            followers.append(later)
            if CHECK_TAG in cell_tags(other):
                checks.append(str(other.get("id")))
        if not checks:
            raise MarkerError(f"{where}: no check cell follows this solution cell")
        followers = followers[: followers.index(_index_of(cells, checks[-1])) + 1]
        reference = cell_source(cell)
        starter = WrongAnswer("starter", "starter", release_source(reference, where))
        desafios.append(
            Desafio(
                name,
                index,
                str(cell.get("id") or index),
                reference,
                tuple(followers),
                tuple(checks),
                (starter, *wrong_answers(cell, where)),
            )
        )
    return desafios


def _index_of(cells: list, cell_id: str) -> int:
    return next(i for i, c in enumerate(cells) if str(c.get("id")) == cell_id)


def missing_kinds(desafio: Desafio) -> list[str]:
    """The required kinds of wrong answer a desafío does not register yet."""
    kinds = {a.kind for a in desafio.answers}
    return [kind for kind in REQUIRED_KINDS if kind not in kinds]


# ---- running them in a kernel ----------------------------------------------------------------


def snapshot_code(key: str) -> str:
    """Kernel code that stores a shallow copy of the user namespace under ``key``."""
    return f"globals().setdefault({_SNAPSHOTS!r}, {{}})\n{_SNAPSHOTS}[{key!r}] = dict(globals())\n"


def restore_code(key: str) -> str:
    """Kernel code that brings the user namespace back to the snapshot ``key``."""
    return (
        f"def __coursework_restore__(key):\n"
        f"    g = globals()\n"
        f"    snapshot = g[{_SNAPSHOTS!r}][key]\n"
        f"    for name in [n for n in g if n not in snapshot and n != {_SNAPSHOTS!r}]:\n"
        f"        del g[name]\n"
        f"    g.update(snapshot)\n"
        f"__coursework_restore__({key!r})\n"
    )


def restore(run: Runner, key: str) -> None:
    """Restore the snapshot ``key`` in the kernel behind ``run``.

    Raises:
        RuntimeError: when the kernel has no such snapshot (the outcomes would not be trustworthy).
    """
    result = run(restore_code(key))
    if result.status != "ok":
        raise RuntimeError(f"could not restore the namespace snapshot {key!r}: {result.message}")


def kernel_runner(client: Any, interrupt: Callable[[], None], timeout: float) -> Runner:
    """A :data:`Runner` over a jupyter_client blocking client (nbval's or our own kernel's)."""

    def run(code: str) -> Execution:
        msg_id = client.execute(code, store_history=False, allow_stdin=False, stop_on_error=False)
        deadline = time.monotonic() + timeout
        reply = None
        while reply is None:
            try:
                msg = client.get_shell_msg(timeout=max(deadline - time.monotonic(), 1.0))
            except queue.Empty:
                interrupt()
                deadline = time.monotonic() + 60
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                reply = msg["content"]
        printed = False
        while True:
            try:
                msg = client.get_iopub_msg(timeout=30)
            except queue.Empty:
                break
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] in ("stream", "display_data", "execute_result"):
                printed = True
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        if reply.get("status") == "ok":
            return Execution("ok", printed=printed)
        return Execution("error", str(reply.get("ename", "")), str(reply.get("evalue", "")), printed)

    return run


def _try(
    run: Runner,
    desafio: Desafio,
    cells: list,
    source: str,
    expected: str,
    answer: WrongAnswer,
) -> Outcome:
    """Run ``source`` as the solution cell, then the followers; the first failing check decides."""
    run(source)
    message, printed = "", []
    for index in desafio.followers:
        result = run(cell_source(cells[index]))
        is_check = CHECK_TAG in cell_tags(cells[index])
        if is_check and result.status != "ok" and not message:
            message = result.message
        if is_check and result.printed:
            printed.append(str(cells[index].get("id")))
    got = "fail" if message else "pass"
    if expected == "pass" and printed and not message:
        got, message = "fail", f"check cells print output: {', '.join(printed)} (they must print nothing)"
    return Outcome(desafio.notebook, desafio.solution_id, answer.name, answer.kind, expected, got, message)


def wrong_answer_outcomes(run: Runner, desafio: Desafio, cells: list) -> list[Outcome]:
    """Each wrong answer against the checks, from the snapshot taken before the solution cell."""
    outcomes = []
    for answer in desafio.answers:
        restore(run, desafio.solution_id)
        source = (
            answer.source if answer.kind == "starter" else answer_source(desafio.reference, answer.source)
        )
        outcomes.append(_try(run, desafio, cells, source, "fail", answer))
    return outcomes


def check_desafios_in_kernel(run: Runner, nb: Any, name: str) -> list[Outcome]:
    """Execute ``nb`` once in the kernel behind ``run``; prove each desafío on the way.

    Cells outside desafíos run normally; at the solution cell the namespace is snapshotted, the
    reference and its followers run (expected: pass), then every wrong answer from the snapshot
    (expected: fail); the namespace left by the reference is restored before going on.
    """
    desafios = find_desafios(nb, name)
    cells = nb.cells
    by_index = {d.solution_index: d for d in desafios}
    skip: set[int] = set()
    outcomes: list[Outcome] = []
    # the cells after the last desafío run too: they may clean up (08a stops its server)
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code" or index in skip:
            continue
        desafio = by_index.get(index)
        if desafio is None:
            result = run(cell_source(cell))
            if result.status != "ok":  # the notebook itself is broken: say where
                outcomes.append(
                    Outcome(
                        name,
                        "-",
                        f"cell {cell.get('id') or index}",
                        "notebook",
                        "pass",
                        "fail",
                        result.message,
                    )
                )
            continue
        run(snapshot_code(desafio.solution_id))
        reference = WrongAnswer("reference", "reference", desafio.reference)
        outcomes.append(_try(run, desafio, cells, desafio.reference, "pass", reference))
        run(snapshot_code(desafio.solution_id + ":solved"))
        outcomes.extend(wrong_answer_outcomes(run, desafio, cells))
        restore(run, desafio.solution_id + ":solved")
        skip.update(desafio.followers)
    return outcomes


def check_notebook(path: str | os.PathLike, profile: str = "ci", timeout: float = 900.0) -> list[Outcome]:
    """Start a kernel in the notebook's folder (``COURSEWORK_PROFILE=profile``) and check it."""
    import nbformat
    from jupyter_client.manager import start_new_kernel

    from coursework.profiles import ENV_VAR

    path = pathlib.Path(path)
    nb = nbformat.read(path, as_version=4)
    find_desafios(nb, path.name)  # malformed markers: fail before starting a kernel
    env = {
        **os.environ,
        ENV_VAR: profile,
        "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3"),
    }
    manager, client = start_new_kernel(
        kernel_name="python3", cwd=str(path.parent.resolve()), env=env, stderr=subprocess.DEVNULL
    )  # kernel start-up logs
    try:
        return check_desafios_in_kernel(
            kernel_runner(client, manager.interrupt_kernel, timeout), nb, path.name
        )
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def check_notebooks(
    paths: Iterable[str | os.PathLike],
    profile: str = "ci",
    timeout: float = 900.0,
    progress: Callable[[str], None] | None = None,
) -> list[Outcome]:
    """:func:`check_notebook` for each notebook that has a desafío."""
    import nbformat

    outcomes: list[Outcome] = []
    for path in map(pathlib.Path, paths):
        if not find_desafios(nbformat.read(path, as_version=4), path.name):
            continue
        if progress:
            progress(path.name)
        outcomes.extend(check_notebook(path, profile, timeout))
    return outcomes
