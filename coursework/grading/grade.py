"""Grade submissions (students' clones) by running their notebooks through nbval, isolated.

For every reference notebook that has check cells, the student's notebook of the same name is
rebuilt with the *reference* check cells (matched by cell ``id``; a deleted or edited check is put
back after the cell that preceded it in the reference), every output cleared, and the student's
kernel metadata ignored. Each notebook then runs through ``pytest --nbval-lax --nbval-current-env``
in its own process group, inside a network namespace when one can be made, under a memory limit
and wall-clock limits enforced from outside. A small pytest plugin writes one JSON line per cell as
it happens, so a notebook killed half-way still reports the checks it reached.

This module is the orchestrator (find each reference notebook in a submission, grade it, collect
the results); the pieces live beside it: :mod:`~coursework.grading.results` (records, statuses),
:mod:`~coursework.grading.references` (reference notebooks, the rebuilt graded notebook),
:mod:`~coursework.grading.isolation` (network namespace, memory limit),
:mod:`~coursework.grading.runner` (one notebook through nbval, watched from outside) and
:mod:`~coursework.grading.reports` (Markdown / CSV / JSON, merging results). Their public names are
re-exported here.

Before the checks run, a guard cell (:mod:`~coursework.grading.tamper`) looks for simple tampering:
re-bound ``numpy``/``math`` functions and shadowed builtins make the check ``tampered``.

Statuses per check: ``passed``, ``failed`` (an ``AssertionError``, with its message), ``error``
(any other exception, a dead kernel, a memory kill), ``timeout``, ``missing`` and ``tampered``.
Per notebook: ``graded``, ``missing``, ``invalid``, ``timeout``, ``kernel-died``, ``memory-limit``,
``grader-error`` and ``tampered``. The run "could not grade" something when a notebook status is
not ``graded``.

Example:
    >>> from coursework.grading.grade import GradeOptions, grade_submissions  # doctest: +SKIP
    >>> results = grade_submissions(["subs/ana"], "notebooks", GradeOptions(jobs=2))  # doctest: +SKIP
    >>> results[0].score, results[0].max_score  # doctest: +SKIP
    (3.0, 4.0)
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import pathlib
import shutil
import tempfile
import time
from collections.abc import Sequence

from coursework.grading.isolation import Isolation, detect_isolation
from coursework.grading.references import (
    ReferenceCell,
    ReferenceNotebook,
    build_graded_notebook,
    load_reference,
    load_references,
)
from coursework.grading.reports import (
    CSV_COLUMNS,
    collect_results,
    to_csv,
    to_json,
    to_markdown,
    write_report,
)
from coursework.grading.results import (
    CHECK_STATUSES,
    NOTEBOOK_STATUSES,
    RESULT_FORMAT,
    CheckResult,
    NotebookResult,
    SubmissionResult,
    strip_ansi,
)
from coursework.grading.runner import (
    GradeOptions,
    NotebookRun,
    check_from_events,
    run_graded_notebook,
    short_message,
)
from coursework.grading.tamper import GUARD_CELL_ID, add_tamper_guard

__all__ = [  # the public names, re-exported so that `from coursework.grading.grade import …` works
    "CHECK_STATUSES",
    "CSV_COLUMNS",
    "NOTEBOOK_STATUSES",
    "RESULT_FORMAT",
    "CheckResult",
    "GradeOptions",
    "Isolation",
    "NotebookResult",
    "NotebookRun",
    "ReferenceCell",
    "ReferenceNotebook",
    "SubmissionResult",
    "build_graded_notebook",
    "collect_results",
    "detect_isolation",
    "grade_submission",
    "grade_submissions",
    "load_reference",
    "load_references",
    "run_graded_notebook",
    "strip_ansi",
    "to_csv",
    "to_json",
    "to_markdown",
    "write_report",
]

_SKIP_DIRS = {".git", ".ipynb_checkpoints", "__pycache__", ".venv", "venv", "node_modules"}


def _find_notebook(submission: pathlib.Path, name: str) -> pathlib.Path | None:
    for candidate in (submission / name, submission / "notebooks" / name):
        if candidate.is_file():
            return candidate
    found = [
        p
        for p in submission.rglob(name)
        if p.is_file() and not set(p.relative_to(submission).parts[:-1]) & _SKIP_DIRS
    ]
    return min(found, key=lambda p: (len(p.parts), str(p))) if found else None


def _renamed_hint(submission: pathlib.Path, reference: ReferenceNotebook, known: set[str]) -> str:
    ids = set(reference.check_ids)
    for path in sorted(submission.rglob("*.ipynb")):
        if path.name in known or set(path.relative_to(submission).parts[:-1]) & _SKIP_DIRS:
            continue
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (ValueError, OSError, AttributeError):
            continue
        if any(isinstance(c, dict) and c.get("id") in ids for c in cells):
            return (
                f"{path.relative_to(submission)} looks like this notebook renamed: "
                f"rename it back to {reference.name}"
            )
    return ""


def _ignore_for_copy(directory: str, names: list[str]) -> set[str]:
    return {n for n in names if n in _SKIP_DIRS}


def grade_submission(
    submission: str | os.PathLike,
    references: Sequence[ReferenceNotebook],
    options: GradeOptions,
    isolation: Isolation | None = None,
    name: str | None = None,
) -> SubmissionResult:
    """Grade one submission directory against the reference notebooks (never raises for the
    student's mistakes: every problem becomes a status)."""
    submission = pathlib.Path(submission)
    isolation = isolation or detect_isolation(options.network, options.memory_mb)
    start = time.monotonic()
    deadline = start + options.submission_timeout
    result = SubmissionResult(
        name=name or submission.name, path=str(submission), notebooks=[], isolation=isolation.describe()
    )
    if not submission.is_dir():
        for ref in references:
            result.notebooks.append(
                NotebookResult(
                    ref.name,
                    "missing",
                    [CheckResult(c, "missing", "submission folder not found") for c in ref.check_ids],
                    note="submission folder not found",
                )
            )
        return result
    known = {r.name for r in references}
    with tempfile.TemporaryDirectory(prefix="coursework-grade-") as tmp:
        tmp_path = pathlib.Path(tmp)
        work = tmp_path / "work"
        scratch = tmp_path / "scratch"
        scratch.mkdir()
        shutil.copytree(submission, work, symlinks=True, ignore=_ignore_for_copy)
        for ref in references:
            nb_start = time.monotonic()
            try:
                nb_result = _grade_one(work, ref, options, isolation, deadline, scratch, known)
            except Exception as exc:  # never let one odd submission stop the batch
                note = f"grader error: {type(exc).__name__}: {exc}"[:300]
                nb_result = NotebookResult(
                    ref.name,
                    "grader-error",
                    [CheckResult(c, "error", note, points=p) for c, p in _points(ref).items()],
                    note=note,
                )
            nb_result.seconds = round(time.monotonic() - nb_start, 2)
            result.notebooks.append(nb_result)
    result.seconds = time.monotonic() - start
    return result


def _points(ref: ReferenceNotebook) -> dict[str, float]:
    points = {}
    for cell in ref.cells:
        if cell.is_check:
            try:
                points[cell.id] = float((cell.node.get("metadata") or {}).get("points", 1.0))
            except (TypeError, ValueError):
                points[cell.id] = 1.0
    return points


def _grade_one(
    work: pathlib.Path,
    ref: ReferenceNotebook,
    options: GradeOptions,
    isolation: Isolation,
    deadline: float,
    scratch: pathlib.Path,
    known: set[str],
) -> NotebookResult:
    import nbformat

    points = _points(ref)

    def all_checks(status: str, message: str) -> list[CheckResult]:
        return [CheckResult(c, status, message, points=points[c]) for c in ref.check_ids]

    path = _find_notebook(work, ref.name)
    if path is None:
        hint = _renamed_hint(work, ref, known)
        note = f"{ref.name} not found in the submission" + (f" ({hint})" if hint else "")
        return NotebookResult(ref.name, "missing", all_checks("missing", note), note=note)
    relative = str(path.relative_to(work))
    try:
        with open(path, encoding="utf-8") as handle:
            student = nbformat.read(handle, as_version=4)
        if not isinstance(student.get("cells"), list) or not all(
            isinstance(c, dict) for c in student["cells"]
        ):
            raise ValueError("'cells' is not a list of cells")
        graded, origins = build_graded_notebook(student, ref)
    except Exception as exc:  # invalid JSON, not a notebook, bad encoding
        reason = strip_ansi(str(exc)).splitlines()[0][:200] if str(exc) else type(exc).__name__
        note = f"not a valid notebook: {reason}"
        return NotebookResult(ref.name, "invalid", all_checks("error", note), path=relative, note=note)
    if time.monotonic() >= deadline:
        note = "not run: the submission's wall-clock limit was already used up"
        return NotebookResult(ref.name, "timeout", all_checks("timeout", note), path=relative, note=note)

    if all(origins.get(c) == "missing" for c in ref.check_ids):
        note = "no cell of the reference was found in this notebook: the checks cannot be placed"
        return NotebookResult(
            ref.name,
            "missing",
            [CheckResult(c, "missing", note, origin="missing", points=points[c]) for c in ref.check_ids],
            path=relative,
            note=note,
        )
    add_tamper_guard(graded, [c for c in ref.check_ids if origins.get(c) != "missing"])
    nbformat.write(graded, path)  # over the student's copy, in the fresh working copy
    n_code = sum(1 for c in graded.cells if c.cell_type == "code")
    try:
        run = run_graded_notebook(path, n_code, options, isolation, deadline, scratch)
    except OSError as exc:
        note = f"grader could not start nbval: {exc}"
        return NotebookResult(ref.name, "grader-error", all_checks("error", note), path=relative, note=note)
    reports: dict[str, list[dict]] = {}
    collect_errors = [e for e in run.events if e.get("event") == "collect-error"]
    for event in run.events:
        if event.get("event") == "report" and event.get("cell_id"):
            reports.setdefault(event["cell_id"], []).append(event)

    checks = []
    for check_id in ref.check_ids:
        origin = origins.get(check_id, "missing")
        if origin == "missing":
            checks.append(
                CheckResult(
                    check_id,
                    "missing",
                    "could not be placed: no cell of the reference before it was found in the submission",
                    origin="missing",
                    points=points[check_id],
                )
            )
            continue
        got = reports.get(check_id, [])
        if any(r.get("when") == "call" or r.get("outcome") != "passed" for r in got):
            status, message, seconds = check_from_events(check_id, got)
        elif run.killed:
            status = "timeout" if run.killed == "timeout" else "error"
            where = "while it ran" if run.running_cell == check_id else "before it ran"
            message = f"{run.detail} ({where})"
            seconds = None
        elif collect_errors:
            status, message, seconds = "error", short_message(collect_errors[0].get("longrepr", "")), None
        else:
            status, message, seconds = "error", "no result from nbval", None
        if status == "tampered" and _guard_failed(reports):
            status, message = "error", "not checked: the grader's guard cell failed"
        checks.append(
            CheckResult(check_id, status, message, origin=origin, points=points[check_id], seconds=seconds)
        )

    if run.killed:
        status, note = run.killed, run.detail
    elif collect_errors or (run.returncode not in (0, 1)):
        status = "grader-error"
        note = (
            f"nbval/pytest exited with status {run.returncode}: {short_message(run.log_tail) or 'no output'}"
        )
    elif _guard_failed(reports):
        status = "grader-error"
        note = "the grader's guard cell failed: " + short_message(
            next(r for r in reports[GUARD_CELL_ID] if r.get("outcome") == "failed").get("longrepr", "")
        )
    elif any(c.status == "timeout" for c in checks):
        status, note = "timeout", "a cell ran past the per-cell limit (interrupted by nbval)"
    elif any(c.status == "tampered" for c in checks):
        status = "tampered"
        note = (
            f"tampering detected before {sum(c.status == 'tampered' for c in checks)} check(s): "
            "look at the notebook before trusting its score"
        )
    else:
        status, note = "graded", ""
    changed = sorted(c for c, o in origins.items() if o in ("edited", "restored"))
    if changed:
        note = (
            (note + "; " if note else "")
            + "check cells restored from the reference: "
            + ", ".join(f"{c} ({origins[c]})" for c in changed)
        )
    return NotebookResult(ref.name, status, checks, path=relative, note=note)


def _guard_failed(reports: dict[str, list[dict]]) -> bool:
    return any(r.get("outcome") == "failed" for r in reports.get(GUARD_CELL_ID, []))


def grade_submissions(
    submissions: Sequence[str | os.PathLike],
    reference: str | os.PathLike | Sequence[str | os.PathLike],
    options: GradeOptions | None = None,
) -> list[SubmissionResult]:
    """Grade several submission folders, ``options.jobs`` at a time; results in input order."""
    options = options or GradeOptions()
    references = load_references(reference)
    isolation = detect_isolation(options.network, options.memory_mb)
    names = [pathlib.Path(s).name for s in submissions]
    labels = [str(s) if names.count(n) > 1 else n for s, n in zip(submissions, names, strict=False)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=int(options.jobs)) as pool:
        futures = [
            pool.submit(grade_submission, s, references, options, isolation, label)
            for s, label in zip(submissions, labels, strict=False)
        ]
        return [f.result() for f in futures]
