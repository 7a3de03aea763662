"""Release: student versions lose their solutions, keep their checks, and come out identical twice.

The course notebooks in ``notebooks/`` are checked statically here (seconds), and the instructor's
path is run as an instructor runs it: the whole folder released with the documented command, two
synthetic students (every starter untouched; the reference solutions) graded on two light notebooks.
Grading every released notebook is opt-in: ``COURSEWORK_RELEASE_EXECUTE=1 pytest tests/test_release.py``
(see docs/grading.md); every desafío is executed, with its wrong answers, in the nbval pass.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import nbformat
import nbformat.v4 as v4
import pytest

from coursework.grading.markers import (
    CHECK_TAG,
    SOLUTION_TAG,
    MarkerError,
    check_cells,
    solution_regions,
    validate_notebook,
)
from coursework.grading.release import (
    PLACEHOLDER_COMMENT,
    PLACEHOLDER_RAISE,
    release_notebook,
    release_notebooks,
    release_source,
    unsolved_check_dependencies,
)

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"


def _code(source, cell_id, tags=(), **kw):
    return v4.new_code_cell(source, id=cell_id, metadata={"tags": list(tags)} if tags else {}, **kw)


def _notebook(*cells):
    return v4.new_notebook(
        cells=list(cells),
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


def _course_notebooks():
    found = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if any(SOLUTION_TAG in (c.metadata.get("tags") or []) for c in nb.cells):
            found.append(path)
    return found


def test_placeholder_keeps_indentation_and_surrounding_code():
    source = (
        "# NBVAL_IGNORE_OUTPUT\ndef f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n"
        "    ### END SOLUTION\n\n### BEGIN SOLUTION\nz = f(2)\n### END SOLUTION\nprint('fin')"
    )
    released = release_source(source)
    assert released == (
        "# NBVAL_IGNORE_OUTPUT\ndef f(x):\n    y = 1\n"
        f"    {PLACEHOLDER_COMMENT}\n    {PLACEHOLDER_RAISE}\n\n"
        f"{PLACEHOLDER_COMMENT}\n{PLACEHOLDER_RAISE}\nprint('fin')"
    )
    namespace = {}
    with pytest.raises(NotImplementedError, match="Desafío sin resolver"):
        exec(released, namespace)
    assert "TU SOLUCIÓN AQUÍ" in PLACEHOLDER_COMMENT


@pytest.mark.parametrize(
    "source, problem",
    [
        ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n### END SOLUTION", "nested"),
        ("x = 1\n### END SOLUTION", "without a matching"),
        ("x = 1  ### BEGIN SOLUTION\n", "not alone on its line"),
    ],
)
def test_malformed_regions_name_notebook_and_cell(tmp_path, source, problem):
    path = tmp_path / "07_roto.ipynb"
    nbformat.write(
        _notebook(v4.new_markdown_cell("# t", id="t"), _code(source, "sol-roto", [SOLUTION_TAG])), path
    )
    with pytest.raises(MarkerError, match=problem) as info:
        release_notebooks([path], tmp_path / "out")
    assert "07_roto.ipynb, cell 1 (id 'sol-roto')" in str(info.value)
    assert not (tmp_path / "out").exists()  # nothing written for a malformed set


@pytest.mark.parametrize(
    "cells, problem",
    [
        ([_code("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "a")], "not tagged 'solution'"),
        ([_code("x = 1", "a", [SOLUTION_TAG])], "has no '### BEGIN SOLUTION'"),
        ([_code("assert 1", "c", [CHECK_TAG]), _code("assert 2", "d", [CHECK_TAG])], "also used by"),
        ([_code("### BEGIN SOLUTION\n### END SOLUTION", "a", [SOLUTION_TAG, CHECK_TAG])], "both"),
        ([v4.new_markdown_cell("texto", id="m", metadata={"tags": [CHECK_TAG]})], "only code cells"),
    ],
)
def test_marker_rules(cells, problem):
    nb = _notebook(*cells)
    if problem == "also used by":
        nb.cells[1]["id"] = "c"  # nbformat would "correct" a duplicate given to new_notebook
    with pytest.raises(MarkerError, match=problem):
        validate_notebook(nb, "nb.ipynb")


def test_release_clears_outputs_keeps_checks_and_is_deterministic(tmp_path):
    reference = _notebook(
        v4.new_markdown_cell("# Título", id="titulo"),
        _code(
            "x = 2",
            "setup",
            execution_count=3,
            outputs=[v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=3)],
        ),
        _code("### BEGIN SOLUTION\ny = x * 2\n### END SOLUTION", "sol", [SOLUTION_TAG], execution_count=4),
        _code("assert y == 4, 'y debe valer 4'", "check-y", [CHECK_TAG], execution_count=5),
    )
    reference.cells[2].metadata["coursework"] = {
        "wrong_answers": [{"name": "cero", "kind": "trivial", "source": "y = 0"}],
        "other": 1,
    }
    reference.cells[1].metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00"}
    path = tmp_path / "ref" / "01_x.ipynb"
    path.parent.mkdir()
    nbformat.write(reference, path)
    (first,) = release_notebooks([path], tmp_path / "a")
    (second,) = release_notebooks([path], tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    student = nbformat.read(first, as_version=4)
    code = [c for c in student.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert "execution" not in student.cells[1].metadata
    assert PLACEHOLDER_RAISE in student.cells[2].source and "x * 2" not in student.cells[2].source
    assert student.cells[2].metadata["coursework"] == {"other": 1}  # wrong answers stripped, the rest kept
    assert reference.cells[2].metadata["coursework"]["wrong_answers"]  # the reference is not modified
    ref_check, rel_check = reference.cells[3], student.cells[3]
    assert (rel_check.id, rel_check.source, rel_check.metadata) == (
        ref_check.id,
        ref_check.source,
        ref_check.metadata,
    )
    assert unsolved_check_dependencies(reference) == {"check-y": ["y"]}
    with pytest.raises(ValueError, match="would overwrite"):
        release_notebooks([path], tmp_path / "ref")


def test_release_never_replaces_a_different_file_silently(tmp_path):
    path = tmp_path / "ref" / "01_x.ipynb"
    path.parent.mkdir()
    nbformat.write(
        _notebook(
            _code("### BEGIN SOLUTION\ny = 4\n### END SOLUTION", "sol", [SOLUTION_TAG]),
            _code("assert y == 4, 'y'", "check-y", [CHECK_TAG]),
        ),
        path,
    )
    out = tmp_path / "out"
    (released,) = release_notebooks([path], out)
    assert release_notebooks([path], out) == [released]  # identical: releasing again is a no-op
    released.write_text("the student's solved notebook")
    with pytest.raises(ValueError, match="already exists.*--overwrite"):
        release_notebooks([path], out)
    assert released.read_text() == "the student's solved notebook"
    release_notebooks([path], out, overwrite=True)
    assert PLACEHOLDER_RAISE in nbformat.read(released, as_version=4).cells[0].source
    assert sorted(out.iterdir()) == [released]  # no temporary file left
    with pytest.raises(ValueError, match="is a file"):
        release_notebooks([path], released)


def test_check_that_ignores_the_solution_is_detected():
    reference = _notebook(
        _code("### BEGIN SOLUTION\ny = 4\n### END SOLUTION", "sol", [SOLUTION_TAG]),
        _code("x = 1", "x"),
        _code("assert x == 1, 'no depende de la solución'", "check-x", [CHECK_TAG]),
        _code("z = y + 1\n%time w = 3", "derived"),
        _code("assert z == 5 and w == 3, 'depende'", "check-z", [CHECK_TAG]),
    )
    assert unsolved_check_dependencies(reference) == {"check-x": [], "check-z": ["z"]}


def test_cli_release_and_error_line(tmp_path):
    ref = tmp_path / "ref"
    ref.mkdir()
    nbformat.write(
        _notebook(_code("### BEGIN SOLUTION\ny = 1\n### END SOLUTION", "s", [SOLUTION_TAG])),
        ref / "01_a.ipynb",
    )
    ok = subprocess.run(
        [sys.executable, "-m", "coursework", "release", "--dir", str(ref), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "out" / "01_a.ipynb").is_file()
    nbformat.write(_notebook(_code("### BEGIN SOLUTION\ny = 1\n", "s", [SOLUTION_TAG])), ref / "02_b.ipynb")
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "coursework",
            "release",
            "02",
            "--dir",
            str(ref),
            "--out",
            str(tmp_path / "out2"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1
    assert bad.stderr.strip() == (
        "error: 02_b.ipynb, cell 0 (id 's'): '### BEGIN SOLUTION' on "
        "line 1 is never closed with '### END SOLUTION'"
    )


# ---- the course notebooks --------------------------------------------------------------------

COURSE = _course_notebooks()


@pytest.mark.skipif(not COURSE, reason="no course notebook with a desafío yet")
@pytest.mark.parametrize("path", COURSE, ids=[p.stem for p in COURSE])
def test_course_notebook_release_removes_solutions_and_keeps_checks(path):
    reference = nbformat.read(path, as_version=4)
    regions, checks = validate_notebook(reference, path.name)
    student = release_notebook(reference, path.name)
    assert checks, f"{path.name} has a solution but no check cell"
    for index in regions:
        source = student.cells[index].source
        assert PLACEHOLDER_RAISE in source and "### BEGIN SOLUTION" not in source
        assert solution_regions(reference.cells[index].source)  # the reference keeps its solution
    for check in check_cells(reference, path.name):
        ref_cell, rel_cell = reference.cells[check.index], student.cells[check.index]
        # identical except the record of the last execution (timings), cleared like the outputs
        ref_metadata = {k: v for k, v in ref_cell.metadata.items() if k not in ("execution", "ExecuteTime")}
        assert (rel_cell.id, rel_cell.source, rel_cell.metadata) == (
            ref_cell.id,
            ref_cell.source,
            ref_metadata,
        )
    # every check reads something that only a solution defines: it cannot pass unsolved
    dependencies = unsolved_check_dependencies(reference, path.name)
    independent = [check for check, names in dependencies.items() if not names]
    assert not independent, f"{path.name}: checks that pass without any solution: {independent}"


@pytest.mark.skipif(
    os.environ.get("COURSEWORK_RELEASE_EXECUTE") != "1" or not COURSE,
    reason="executes every course notebook twice: opt in with COURSEWORK_RELEASE_EXECUTE=1",
)
def test_released_course_notebooks_fail_their_checks_when_graded(tmp_path):
    from coursework.grading.grade import GradeOptions, grade_submissions, to_markdown

    released = tmp_path / "student"
    release_notebooks(COURSE, released)
    options = GradeOptions(cell_timeout=900, submission_timeout=3600, memory_mb=8192, jobs=2)
    unsolved, solved = grade_submissions([released, NOTEBOOKS], released, options)
    report = to_markdown([unsolved, solved])
    assert unsolved.graded and solved.graded, report
    assert all(c.status in ("failed", "error") for nb in unsolved.notebooks for c in nb.checks), report
    assert all(c.status == "passed" for nb in solved.notebooks for c in nb.checks), report


def test_instructor_path_release_the_whole_course_then_grade_two_students(tmp_path):
    """As docs/grading.md shows it: release every notebook, then grade an untouched and a solved student.

    The release covers the whole course every run. Executing notebooks is expensive, so only two light
    ones are graded here (01a, 07a); every desafío of the course is executed by the nbval pass, which
    also runs each one's starter and wrong answers (notebooks/conftest.py, `check-desafios`).
    """
    import json
    import shutil

    root = NOTEBOOKS.parent
    released = subprocess.run(
        [sys.executable, "-m", "coursework", "release", "--out", str(tmp_path / "student")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
    )
    assert released.returncode == 0, released.stderr
    course = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert sorted(p.name for p in (tmp_path / "student").glob("*.ipynb")) == course
    for name in course:
        student = nbformat.read(tmp_path / "student" / name, as_version=4)
        regions, checks = validate_notebook(student, name, require_regions=False)
        assert not regions and checks, name
        assert not any("coursework" in c.metadata for c in student.cells), f"{name}: wrong answers leaked"

    subset = ("01a_vectorizacion.ipynb", "07a_atencion_desde_cero.ipynb")
    folders = {
        "reference": tmp_path / "reference",
        "untouched": tmp_path / "subs" / "ana" / "notebooks",
        "solved": tmp_path / "subs" / "beto" / "notebooks",
    }
    for folder in folders.values():
        folder.mkdir(parents=True)
    for name in subset:
        shutil.copy(tmp_path / "student" / name, folders["reference"] / name)
        shutil.copy(tmp_path / "student" / name, folders["untouched"] / name)  # every starter untouched
        shutil.copy(NOTEBOOKS / name, folders["solved"] / name)  # the reference solutions
    report = tmp_path / "grades.json"
    graded = subprocess.run(
        [
            sys.executable,
            "-m",
            "coursework",
            "grade",
            str(tmp_path / "subs" / "ana"),
            str(tmp_path / "subs" / "beto"),
            "--reference",
            str(folders["reference"]),
            "--jobs",
            "2",
            "--report",
            str(report),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=1200,
        cwd=root,
    )
    assert graded.returncode == 0, graded.stderr
    results = {pathlib.Path(s["path"]).name: s for s in json.loads(report.read_text())["submissions"]}
    expected = sorted(
        c.id for name in subset for c in check_cells(nbformat.read(NOTEBOOKS / name, as_version=4))
    )
    for who, statuses in (("ana", ("failed", "error")), ("beto", ("passed",))):
        checks = [c for nb in results[who]["notebooks"] for c in nb["checks"]]
        assert sorted(c["id"] for c in checks) == expected, results[who]
        assert all(c["status"] in statuses for c in checks), (who, checks)


def test_portfolio_sections_come_from_saved_outputs(tmp_path):
    from coursework.grading.portfolio import course_table, render_portfolio

    nb = _notebook(
        v4.new_markdown_cell("# Clase 3 · Sentimiento con GloVe\nObjetivos", id="t"),
        _code(
            "print('exactitud (prueba): 81.20%')",
            "res",
            ["headline"],
            execution_count=1,
            outputs=[v4.new_output("stream", name="stdout", text="Epoch 1/2\nexactitud (prueba): 81.20%\n")],
        ),
        v4.new_markdown_cell("## Desafío: bigramas", id="d"),
        _code(
            "### BEGIN SOLUTION\nprint(0.83)\n### END SOLUTION",
            "sol",
            [SOLUTION_TAG],
            execution_count=2,
            outputs=[v4.new_output("stream", name="stdout", text="0.83\n")],
        ),
        _code("assert True, 'ok'", "check-b", [CHECK_TAG], execution_count=3),
    )
    (tmp_path / "nbs").mkdir()
    nbformat.write(nb, tmp_path / "nbs" / "03a_sentimiento.ipynb")
    text = render_portfolio(tmp_path / "nbs", student="Ana", repo="ana/pln")
    assert "# Portafolio de PLN — Ana" in text
    assert "### Clase 3 · Sentimiento con GloVe" in text
    assert "- **Resultado principal:** exactitud (prueba): 81.20%" in text
    assert "- **Desafío: bigramas:** ✅ comprobaciones superadas — `0.83`" in text
    assert "desaf%C3%ADos-1%2F1-brightgreen" in text
    assert "actions/workflows/notebooks.yml/badge.svg" in text and "$" not in text.split("```")[0]
    assert (
        "| 3 | [`03a_sentimiento.ipynb`](notebooks/03a_sentimiento.ipynb) | Sentimiento con GloVe "
        "| exactitud (prueba): 81.20% |" in course_table(tmp_path / "nbs")
    )
    nb.cells[4].outputs = [v4.new_output("error", ename="AssertionError", evalue="x", traceback=[])]
    nbformat.write(nb, tmp_path / "nbs" / "03a_sentimiento.ipynb")
    assert "❌ alguna comprobación falla" in render_portfolio(tmp_path / "nbs")


def test_portfolio_workflow_template_runs_nbval_and_grade():
    import yaml

    from coursework.grading.portfolio import TEMPLATE as root  # shipped inside the package

    workflow = yaml.safe_load((root / ".github" / "workflows" / "notebooks.yml").read_text())
    assert set(workflow[True]) >= {"push"}  # YAML 1.1 reads the key "on" as True
    steps = " ".join(str(s.get("run", "")) for s in workflow["jobs"]["notebooks"]["steps"])
    assert "pip install --no-deps -e" in steps and "--nbval-lax" in steps
    assert "coursework grade . --reference" in steps
    assert (root / "banner.svg").read_text().startswith("<svg")
