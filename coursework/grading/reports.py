"""Grading reports (Markdown, CSV, JSON) and merging JSON results from several runs.

Example:
    >>> from coursework.grading.results import CheckResult, NotebookResult, SubmissionResult
    >>> result = SubmissionResult("ana", "subs/ana", [NotebookResult("01.ipynb", "graded", [
    ...     CheckResult("check-a", "passed")])])
    >>> print(to_csv([result]).splitlines()[1])
    ana,01.ipynb,graded,check-a,passed,,kept,1,1,1
"""

from __future__ import annotations

import csv
import io
import json
import os
import pathlib
from collections.abc import Iterable, Sequence

from coursework.atomic import check_output_path, write_text
from coursework.grading.results import RESULT_FORMAT, NotebookResult, SubmissionResult


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def to_markdown(results: Sequence[SubmissionResult], title: str = "Grading report") -> str:
    """A Markdown report: a summary table, then each submission's notebooks and checks."""
    lines = [f"# {title}", ""]
    isolations = sorted({r.isolation for r in results if r.isolation})
    if isolations:
        lines += [f"Isolation: {i}" for i in isolations] + [""]
    lines += [
        "| submission | score | passed | failed | error | timeout | missing | tampered | graded |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        c = r.counts()
        lines.append(
            f"| {_md_escape(r.name)} | {r.score:g}/{r.max_score:g} | {c['passed']} | "
            f"{c['failed']} | {c['error']} | {c['timeout']} | {c['missing']} | "
            f"{c['tampered']} | {'yes' if r.graded else 'NO'} |"
        )
    for r in results:
        lines += ["", f"## {_md_escape(r.name)} — {r.score:g}/{r.max_score:g}", ""]
        for nb in r.notebooks:
            status = nb.status + (f": {_md_escape(nb.note)}" if nb.note else "")
            lines += [
                f"**{nb.name}** ({nb.path or 'not found'}) — {status}",
                "",
                "| check | status | message |",
                "|---|---|---|",
            ]
            for check in nb.checks:
                origin = "" if check.origin == "kept" else f" ({check.origin})"
                lines.append(f"| `{check.id}`{origin} | {check.status} | {_md_escape(check.message)} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


CSV_COLUMNS = [
    "submission",
    "notebook",
    "notebook_status",
    "check",
    "status",
    "message",
    "origin",
    "points",
    "submission_score",
    "submission_max_score",
]


def to_csv(results: Sequence[SubmissionResult]) -> str:
    """One row per check cell of every submission (see :data:`CSV_COLUMNS`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in results:
        for nb in r.notebooks:
            for check in nb.checks:
                writer.writerow(
                    [
                        r.name,
                        nb.name,
                        nb.status,
                        check.id,
                        check.status,
                        check.message,
                        check.origin,
                        f"{check.points:g}",
                        f"{r.score:g}",
                        f"{r.max_score:g}",
                    ]
                )
    return buffer.getvalue()


def to_json(results: Sequence[SubmissionResult]) -> str:
    """The full results as JSON (what ``grade --collect`` reads back)."""
    return (
        json.dumps(
            {"format": RESULT_FORMAT, "submissions": [r.to_dict() for r in results]},
            ensure_ascii=False,
            indent=1,
        )
        + "\n"
    )


REPORT_SUFFIXES = (".md", ".csv", ".json")


def check_report_path(path: str | os.PathLike, overwrite: bool = False) -> pathlib.Path:
    """Check a report path before grading starts: a known suffix, and a writable, new target.

    Raises:
        ValueError: another suffix, or an existing report without ``overwrite``.
        FileNotFoundError / IsADirectoryError / PermissionError: see
            :func:`coursework.atomic.check_output_path`.
    """
    path = pathlib.Path(path)
    if path.suffix.lower() not in REPORT_SUFFIXES:
        raise ValueError(f"Report {str(path)!r}: use a .md, .csv or .json file name.")
    return check_output_path(path, overwrite=overwrite, what="report")


def write_report(
    results: Sequence[SubmissionResult], path: str | os.PathLike, overwrite: bool = False
) -> pathlib.Path:
    """Write a report whose format follows the suffix: ``.md``, ``.csv`` or ``.json``.

    A missing parent folder is created. The file is written atomically (temporary file in the same
    folder, then a rename): a full disk or an interruption leaves any previous report intact.

    Raises:
        ValueError: for another suffix, or when the report exists and ``overwrite`` is false.
    """
    path = pathlib.Path(path)
    writers = {".md": to_markdown, ".csv": to_csv, ".json": to_json}
    if path.suffix.lower() not in writers:
        raise ValueError(f"Report {str(path)!r}: use a .md, .csv or .json file name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    check_report_path(path, overwrite=overwrite)
    return write_text(path, writers[path.suffix.lower()](results))


def collect_results(paths: Iterable[str | os.PathLike]) -> tuple[list[SubmissionResult], list[str]]:
    """Merge JSON results (``grade --report x.json``, e.g. from each student's CI run).

    Folders are searched for ``*.json``. Returns ``(results, problems)``: an unreadable or foreign
    file becomes a problem line (and an ungraded entry), never an exception.
    """
    files: list[pathlib.Path] = []
    for item in map(pathlib.Path, paths):
        files.extend(sorted(item.rglob("*.json")) if item.is_dir() else [item])
    results: list[SubmissionResult] = []
    problems: list[str] = []
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            if data.get("format") != RESULT_FORMAT:
                raise ValueError(f"not a {RESULT_FORMAT} result")
            loaded = [SubmissionResult.from_dict(s) for s in data["submissions"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            problems.append(f"{file}: {exc}")
            results.append(
                SubmissionResult(
                    name=str(file),
                    path=str(file),
                    notebooks=[
                        NotebookResult("(result file)", "invalid", [], note=f"could not be collected: {exc}")
                    ],
                )
            )
            continue
        for sub in loaded:
            if sub.name in ("", ".") or any(r.name == sub.name for r in results):
                sub.name = f"{sub.name} ({file})"
            results.append(sub)
    return results, problems
