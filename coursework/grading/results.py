"""Grading results: one record per check, per notebook and per submission, and their statuses.

Statuses per check: ``passed``, ``failed`` (an ``AssertionError``, with its message), ``error``
(any other exception, a dead kernel, a memory kill), ``timeout``, ``missing`` and ``tampered`` (the
grader's guard found re-bound ``numpy``/``math`` functions or shadowed builtins before the check
ran; never scored). Per notebook: ``graded``, ``missing``, ``invalid``, ``timeout``,
``kernel-died``, ``memory-limit``, ``grader-error`` and ``tampered`` (it ran through, but at least
one check was ``tampered``).

Example:
    >>> result = SubmissionResult("ana", "subs/ana", [NotebookResult("01.ipynb", "graded", [
    ...     CheckResult("check-a", "passed"), CheckResult("check-b", "failed", "wrong sum")])])
    >>> result.score, result.max_score, result.graded
    (1.0, 2.0, True)
    >>> strip_ansi("\x1b[31mAssertionError\x1b[0m")
    'AssertionError'
"""

from __future__ import annotations

import dataclasses
import re

CHECK_STATUSES = ("passed", "failed", "error", "timeout", "missing", "tampered")
NOTEBOOK_STATUSES = (
    "graded",
    "missing",
    "invalid",
    "timeout",
    "kernel-died",
    "memory-limit",
    "grader-error",
    "tampered",
)
RESULT_FORMAT = "coursework-grade/1"

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def strip_ansi(text: str) -> str:
    """``text`` without terminal colour codes (kernel tracebacks carry them)."""
    return _ANSI.sub("", text)


@dataclasses.dataclass
class CheckResult:
    """One check cell of one notebook of one submission."""

    id: str
    status: str
    message: str = ""
    origin: str = "kept"  # kept | edited (restored from the reference) | restored (was deleted)
    points: float = 1.0
    seconds: float | None = None


@dataclasses.dataclass
class NotebookResult:
    """One reference notebook as found (or not) in one submission."""

    name: str
    status: str
    checks: list[CheckResult]
    path: str | None = None
    note: str = ""
    seconds: float = 0.0


@dataclasses.dataclass
class SubmissionResult:
    """All the notebooks of one submission, with its score."""

    name: str
    path: str
    notebooks: list[NotebookResult]
    seconds: float = 0.0
    isolation: str = ""

    @property
    def score(self) -> float:
        return sum(c.points for nb in self.notebooks for c in nb.checks if c.status == "passed")

    @property
    def max_score(self) -> float:
        return sum(c.points for nb in self.notebooks for c in nb.checks)

    @property
    def graded(self) -> bool:
        """True when every notebook ran to completion (failed checks still count as graded)."""
        return all(nb.status == "graded" for nb in self.notebooks)

    def counts(self) -> dict[str, int]:
        counts = {status: 0 for status in CHECK_STATUSES}
        for nb in self.notebooks:
            for check in nb.checks:
                counts[check.status] = counts.get(check.status, 0) + 1
        return counts

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "path": self.path,
            "score": self.score,
            "max_score": self.max_score,
            "graded": self.graded,
            "counts": self.counts(),
            "seconds": round(self.seconds, 2),
            "isolation": self.isolation,
            "notebooks": [dataclasses.asdict(nb) for nb in self.notebooks],
        }

    @classmethod
    def from_dict(cls, data: dict) -> SubmissionResult:
        notebooks = [
            NotebookResult(
                name=nb["name"],
                status=nb["status"],
                path=nb.get("path"),
                note=nb.get("note", ""),
                seconds=float(nb.get("seconds", 0.0)),
                checks=[
                    CheckResult(**{k: c[k] for k in c if k in CheckResult.__dataclass_fields__})
                    for c in nb["checks"]
                ],
            )
            for nb in data["notebooks"]
        ]
        return cls(
            name=data["name"],
            path=data.get("path", ""),
            notebooks=notebooks,
            seconds=float(data.get("seconds", 0.0)),
            isolation=data.get("isolation", ""),
        )
