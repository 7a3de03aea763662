"""pytest plugin used by the grader: one JSON line per nbval cell event, written as it happens.

Loaded with ``-p coursework.grading._nbval_events``; the file comes from ``$COURSEWORK_GRADE_EVENTS``.
Writing (and flushing) each event at once means that when the grader kills a hung or exploding
notebook from outside, every cell that finished is still known, and so is the one that was running.
Cells are identified by their notebook cell ``id`` (never by nbval's "Cell N", whose base changed
between nbval versions).
"""

from __future__ import annotations

import json
import os
import re
import time

import pytest

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


_PATH: str | None = None


def pytest_configure(config):  # noqa: D103 - pytest hook
    # Read the events file name once and remove it from the environment before the kernel starts,
    # so student code does not inherit it.
    global _PATH
    _PATH = os.environ.pop("COURSEWORK_GRADE_EVENTS", None)


def _emit(record: dict) -> None:
    path = _PATH
    if not path:
        return
    record["time"] = time.time()
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        handle.flush()


def _cell_id(item) -> str | None:
    cell = getattr(item, "cell", None)
    try:
        return cell.get("id") if cell is not None else None
    except AttributeError:  # pragma: no cover - defensive
        return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):  # noqa: D103 - pytest hook
    _emit({"event": "start", "cell_id": _cell_id(item), "nodeid": item.nodeid})


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: D103 - pytest hook
    report = yield
    record = {
        "event": "report",
        "when": report.when,
        "outcome": report.outcome,
        "cell_id": _cell_id(item),
        "nodeid": item.nodeid,
        "duration": round(float(getattr(report, "duration", 0.0)), 3),
    }
    if hasattr(report, "wasxfail"):
        record["xfail"] = str(report.wasxfail)
    if report.failed or report.skipped:
        for output in getattr(item, "test_outputs", None) or []:
            if output.get("output_type") == "error":
                record["ename"] = _ANSI.sub("", str(output.get("ename", "")))
                record["evalue"] = _ANSI.sub("", str(output.get("evalue", "")))
        text = _ANSI.sub("", str(report.longrepr or ""))
        record["longrepr"] = text[-4000:]
    _emit(record)
    return report


def pytest_collectreport(report):  # noqa: D103 - pytest hook
    if report.failed:
        _emit(
            {
                "event": "collect-error",
                "nodeid": report.nodeid,
                "longrepr": _ANSI.sub("", str(report.longrepr or ""))[-4000:],
            }
        )
