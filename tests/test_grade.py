"""Grading: broken submissions each get their own status and never spoil the others.

Tiny synthetic notebooks (no TensorFlow) written by the tests; the whole batch is graded once
(module fixture, two jobs) so the file runs in about a minute.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import tempfile

import nbformat
import nbformat.v4 as v4
import pytest

from coursework.grading.grade import (
    GradeOptions,
    build_graded_notebook,
    collect_results,
    grade_submissions,
    load_reference,
    strip_ansi,
    to_csv,
    to_markdown,
    write_report,
)
from coursework.grading.release import release_notebooks

NAME = "01_suma.ipynb"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def _code(source, cell_id, tags=()):
    return v4.new_code_cell(source, id=cell_id, metadata={"tags": list(tags)} if tags else {})


def reference_notebook(add_body="return a + b", total_body="total = add(1, 1)"):
    return v4.new_notebook(
        cells=[
            v4.new_markdown_cell("# Suma\nObjetivos: sumar.", id="intro"),
            _code("import time\nfactor = 1", "setup"),
            _code(
                f"def add(a, b):\n    ### BEGIN SOLUTION\n    {add_body}\n    ### END SOLUTION",
                "sol-add",
                ["solution"],
            ),
            _code("assert add(2, 3) == 5, 'add(2, 3) debe valer 5'", "check-add", ["check"]),
            v4.new_markdown_cell("## Parte 2", id="part2"),
            _code(f"### BEGIN SOLUTION\n{total_body}\n### END SOLUTION", "sol-total", ["solution"]),
            _code("assert total == 2, 'total debe ser 2'", "check-total", ["check"]),
            v4.new_markdown_cell("## Conclusiones", id="end"),
        ],
        metadata={"kernelspec": dict(KERNELSPEC)},
    )


def _solved(add_body="return a + b", total_body="total = add(1, 1)"):
    """A student's notebook: the reference with the solution regions' bodies replaced."""
    return reference_notebook(add_body, total_body)


def _drop(nb, cell_id):
    nb.cells = [c for c in nb.cells if c.get("id") != cell_id]
    return nb


def _edit(nb, cell_id, source):
    for cell in nb.cells:
        if cell.get("id") == cell_id:
            cell.source = source
    return nb


MEMORY_BOMB = (
    "chunks = []\nfor _ in range(24):  # bounded: at most 24 x 50 MiB even unwatched\n"
    "    chunks.append(b'x' * (50 * 2**20))\ntime.sleep(30)\ntotal = 2"
)

# submission name -> (notebook or raw text or None, expected notebook status, expected check statuses)
CASES = {
    "correct": (_solved(), "graded", ["passed", "passed"]),
    "wrong": (_solved("return a - b"), "graded", ["failed", "failed"]),
    "infinite-loop": (_solved(total_body="while True:\n    pass"), "timeout", ["passed", "timeout"]),
    "ignores-interrupt": (
        _solved(
            total_body="import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
        ),
        "timeout",
        ["passed", "timeout"],
    ),
    "os-exit": (_solved(total_body="import os\nos._exit(3)"), "kernel-died", ["passed", "error"]),
    "memory-bomb": (_solved(total_body=MEMORY_BOMB), "memory-limit", ["passed", "error"]),
    "invalid-json": ('{"cells": [ {"cell_type": "code", "source": "x = ', "invalid", ["error", "error"]),
    "deleted-check": (_drop(_solved("return a - b"), "check-add"), "graded", ["failed", "failed"]),
    "edited-check": (
        _edit(_solved("return a - b"), "check-add", "assert True"),
        "graded",
        ["failed", "failed"],
    ),
    "renamed": (None, "missing", ["missing", "missing"]),
    "bogus-kernel": (None, "graded", ["passed", "passed"]),
    "tampered": (
        _solved(total_body="import numpy as np\nnp.allclose = lambda *a, **k: True\ntotal = 2"),
        "tampered",
        ["passed", "tampered"],
    ),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading")
    ref_dir = root / "reference"
    ref_dir.mkdir()
    nbformat.write(reference_notebook(), ref_dir / NAME)
    released = release_notebooks([ref_dir / NAME], root / "released")
    subs = []
    for name, (content, _, _) in CASES.items():
        folder = root / "subs" / name / "notebooks"
        folder.mkdir(parents=True)
        if isinstance(content, str):
            (folder / NAME).write_text(content, encoding="utf-8")
        elif content is not None:
            nbformat.write(content, folder / NAME)
        subs.append(root / "subs" / name)
    nbformat.write(_solved(), root / "subs" / "renamed" / "notebooks" / "mi_suma.ipynb")
    bogus = _solved()
    bogus.metadata["kernelspec"] = {"name": "no-such-kernel-xyz", "display_name": "?", "language": "?"}
    nbformat.write(bogus, root / "subs" / "bogus-kernel" / "notebooks" / NAME)
    incomplete = root / "subs" / "incomplete"
    incomplete.mkdir()
    (incomplete / NAME).write_bytes(released[0].read_bytes())
    subs.append(incomplete)
    options = GradeOptions(
        cell_timeout=4, kill_grace=6, submission_timeout=90, memory_mb=400, jobs=2, kernel_startup_timeout=60
    )
    system_tmp = root / "system-tmp"  # the grader's temporary folder, checked empty afterwards
    system_tmp.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(system_tmp))
        patch.setattr(tempfile, "tempdir", str(system_tmp))
        results = grade_submissions(subs, root / "released", options)
    return root, {r.name: r for r in results}


def test_no_kernel_connection_file_survives_any_exit(graded):
    """Killed kernels (os._exit, timeouts, memory) never shut down cleanly: their connection files
    (with the HMAC key) lived in the system temporary folder. They now live in a private folder."""
    root, results = graded
    assert results["os-exit"].notebooks[0].status == "kernel-died"
    assert sorted(p.name for p in (root / "system-tmp").iterdir()) == []


@pytest.mark.parametrize("name", list(CASES))
def test_each_submission_gets_its_own_status(graded, name):
    _, results = graded
    _, nb_status, check_statuses = CASES[name]
    result = results[name]
    (notebook,) = result.notebooks
    assert notebook.status == nb_status, to_markdown([result])
    assert [c.status for c in notebook.checks] == check_statuses, to_markdown([result])
    assert result.score == check_statuses.count("passed")
    assert result.max_score == 2
    assert result.graded == (nb_status == "graded")


def test_incomplete_submission_reports_placeholder_and_cascade(graded):
    checks = graded[1]["incomplete"].notebooks[0].checks
    assert [c.status for c in checks] == ["error", "error"]
    assert checks[0].message.startswith("NotImplementedError: Desafío sin resolver")
    assert checks[1].message == "NameError: name 'total' is not defined"


def test_failed_checks_carry_the_assertion_message_without_colours(graded):
    checks = graded[1]["wrong"].notebooks[0].checks
    assert checks[0].message == "add(2, 3) debe valer 5"
    assert checks[1].message == "total debe ser 2"
    assert all("\x1b" not in c.message for c in checks)


def test_deleted_and_edited_checks_come_back_from_the_reference(graded):
    results = graded[1]
    deleted = results["deleted-check"].notebooks[0]
    edited = results["edited-check"].notebooks[0]
    assert [c.origin for c in deleted.checks] == ["restored", "kept"]
    assert [c.origin for c in edited.checks] == ["edited", "kept"]
    assert "check-add (edited)" in edited.note


def test_kill_messages_name_the_cause(graded):
    results = graded[1]
    assert "kernel died" in results["os-exit"].notebooks[0].checks[1].message
    assert "MiB limit" in results["memory-bomb"].notebooks[0].checks[1].message
    assert "renamed" in results["renamed"].notebooks[0].note
    assert "mi_suma.ipynb" in results["renamed"].notebooks[0].note
    assert results["invalid-json"].notebooks[0].note.startswith("not a valid notebook")


def test_reports_in_three_formats_and_collect(graded, tmp_path):
    root, results = graded
    batch = [results["correct"], results["os-exit"]]
    md = write_report(batch, tmp_path / "r.md").read_text(encoding="utf-8")
    assert "| correct | 2/2 | 2 | 0 | 0 | 0 | 0 | 0 | yes |" in md
    assert "| os-exit | 1/2 | 1 | 0 | 1 | 0 | 0 | 0 | NO |" in md
    rows = to_csv(batch).splitlines()
    assert rows[0].startswith("submission,notebook,notebook_status,check,status")
    assert rows[1].startswith("correct,01_suma.ipynb,graded,check-add,passed")
    write_report([results["correct"]], tmp_path / "a" / "grade.json")
    write_report([results["wrong"]], tmp_path / "b" / "grade.json")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "grade.json").write_text("{not json", encoding="utf-8")
    merged, problems = collect_results([tmp_path / "a", tmp_path / "b", tmp_path / "c"])
    assert [r.name for r in merged[:2]] == ["correct", "wrong"]
    assert [r.score for r in merged[:2]] == [2, 0]
    assert len(problems) == 1 and "c/grade.json" in problems[0]
    assert not merged[2].graded
    with pytest.raises(ValueError, match=r"\.md, \.csv or \.json"):
        write_report(batch, tmp_path / "r.txt")


def test_cli_grade_exit_status_and_collect(graded, tmp_path):
    root, results = graded
    write_report([results["correct"]], tmp_path / "ok.json")
    write_report([results["os-exit"]], tmp_path / "dead.json")

    def run(*a):
        return subprocess.run(
            [sys.executable, "-m", "coursework", "grade", *a], capture_output=True, text=True, timeout=120
        )

    ok = run("--collect", str(tmp_path / "ok.json"), "--report", str(tmp_path / "m.csv"))
    assert ok.returncode == 0, ok.stderr
    assert "| correct | 2/2 |" in ok.stdout
    assert (tmp_path / "m.csv").read_text().count("\n") == 3
    bad = run("--collect", str(tmp_path / "ok.json"), str(tmp_path / "dead.json"), "--quiet")
    assert bad.returncode == 1 and "not fully graded: os-exit" in bad.stderr
    usage = run(str(tmp_path), "--report", "x.txt")
    assert usage.returncode == 2 and "argument --report: report 'x.txt'" in usage.stderr
    no_reference = run(str(tmp_path), "--reference", str(tmp_path / "nope"))
    assert no_reference.returncode == 2 and "argument --reference" in no_reference.stderr
    # an existing report is refused before anything is graded or collected, naming the file
    exists = run("--collect", str(tmp_path / "ok.json"), "--report", str(tmp_path / "m.csv"))
    assert exists.returncode == 1 and "m.csv': it already exists" in exists.stderr
    assert exists.stdout == ""
    missing = run("--collect", str(tmp_path / "ok.json"), "--report", str(tmp_path / "no" / "r.md"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    again = run(
        "--collect", str(tmp_path / "ok.json"), "--report", str(tmp_path / "m.csv"), "--overwrite", "--quiet"
    )
    assert again.returncode == 0 and (tmp_path / "m.csv").read_text().count("\n") == 3


def test_tampering_is_its_own_status_and_counts_no_points(graded):
    result = graded[1]["tampered"]
    check = result.notebooks[0].checks[1]
    assert check.status == "tampered" and "numpy.allclose was re-bound" in check.message
    assert "tampering detected" in result.notebooks[0].note
    assert result.score == 1 and not result.graded
    assert "| tampered | 1/2 | 1 | 0 | 0 | 0 | 0 | 1 | NO |" in to_markdown([result])


def test_a_report_that_cannot_be_written_does_not_stop_the_others(graded, tmp_path, monkeypatch):
    from coursework import atomic
    from coursework.cli import main

    root, results = graded
    write_report([results["correct"]], tmp_path / "ok.json")
    real = atomic.write_bytes

    def disk_full_for_md(path, data):
        if str(path).endswith(".md"):
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(atomic, "write_bytes", disk_full_for_md)
    (tmp_path / "out.md").write_text("previous report")
    code = main(
        [
            "grade",
            "--collect",
            str(tmp_path / "ok.json"),
            "--quiet",
            "--overwrite",
            "--report",
            str(tmp_path / "out.md"),
            "--report",
            str(tmp_path / "out.csv"),
        ]
    )
    assert code == 1
    assert (tmp_path / "out.md").read_text() == "previous report"
    assert (tmp_path / "out.csv").read_text().startswith("submission,notebook")


def test_submission_wall_clock_limit_kills_from_outside(tmp_path):
    ref = tmp_path / "ref"
    ref.mkdir()
    nbformat.write(reference_notebook(), ref / NAME)
    sub = tmp_path / "slow"
    sub.mkdir()
    nbformat.write(_solved(total_body="time.sleep(60)"), sub / NAME)
    options = GradeOptions(cell_timeout=120, submission_timeout=12, memory_mb=400)
    (result,) = grade_submissions([sub], ref, options)
    notebook = result.notebooks[0]
    assert notebook.status == "timeout"
    # check-add passes unless the loaded machine took the whole 12 s just to start the kernel
    assert notebook.checks[0].status in ("passed", "timeout")
    assert notebook.checks[1].status == "timeout"
    assert "wall-clock limit" in notebook.checks[1].message
    assert notebook.seconds < 40


def test_graded_notebook_uses_reference_checks_and_ignores_student_metadata():
    reference = _reference_from(reference_notebook())
    student = _solved("return 0")
    student.metadata["kernelspec"] = {"name": "evil"}
    _edit(student, "check-total", "assert True")
    student.cells.append(_code("x = 1", "extra", ["check"]))  # a student-made "check" is dropped
    student.cells[2].outputs = [v4.new_output("stream", text="old output")]
    student.cells[2].execution_count = None
    graded, origins = build_graded_notebook(student, reference)
    sources = {c.id: c.source for c in graded.cells}
    assert sources["check-total"] == "assert total == 2, 'total debe ser 2'"
    assert "extra" not in sources
    assert origins == {"check-add": "kept", "check-total": "edited"}
    assert graded.metadata["kernelspec"]["name"] == "python3"
    assert all(c.outputs == [] and c.execution_count is None for c in graded.cells if c.cell_type == "code")
    order = [c.id for c in graded.cells]
    assert order.index("check-add") == order.index("sol-add") + 1


def test_checks_without_any_anchor_are_missing():
    reference = _reference_from(reference_notebook())
    student = v4.new_notebook(cells=[_code("print('otra cosa')", "unrelated")])
    _, origins = build_graded_notebook(student, reference)
    assert origins == {"check-add": "missing", "check-total": "missing"}


def test_notebooks_without_cell_ids_are_matched_by_content():
    reference = _reference_from(reference_notebook())
    student = _solved()
    for cell in student.cells:
        del cell["id"]
    graded, origins = build_graded_notebook(student, reference)
    assert origins == {"check-add": "kept", "check-total": "kept"}
    assert len({c.id for c in graded.cells}) == len(graded.cells)


def test_bad_options_are_value_errors():
    with pytest.raises(ValueError, match="cell_timeout"):
        GradeOptions(cell_timeout=0)
    with pytest.raises(ValueError, match="jobs"):
        GradeOptions(jobs=0)


def test_strip_ansi():
    assert strip_ansi("\x1b[0;31mAssertionError\x1b[0m: mal") == "AssertionError: mal"


def _reference_from(nb):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / NAME
        nbformat.write(nb, path)
        return load_reference(path)


def test_odd_notebooks_become_statuses_without_running(tmp_path):
    ref = tmp_path / "ref"
    ref.mkdir()
    nbformat.write(reference_notebook(), ref / NAME)
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / NAME).write_text(
        json.dumps({"cells": ["not a cell"], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    unrelated = tmp_path / "unrelated"
    unrelated.mkdir()
    nbformat.write(v4.new_notebook(cells=[_code("print(1)", "otra")]), unrelated / NAME)
    results = grade_submissions(
        [garbage, unrelated, tmp_path / "does-not-exist"], ref, GradeOptions(network="none")
    )
    assert [r.notebooks[0].status for r in results] == ["invalid", "missing", "missing"]
    assert [c.status for c in results[1].notebooks[0].checks] == ["missing", "missing"]
    assert not any(r.graded for r in results)
