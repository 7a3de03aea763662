"""check-desafios: each desafío's reference passes its checks and every registered wrong answer fails.

The course notebooks are checked statically here (every desafío registers its wrong answers, each one
is valid code in its cell, release strips them). Executing them happens in the nbval pass:
``notebooks/conftest.py`` runs each desafío's wrong answers in nbval's kernel right after its checks.
The engine itself is exercised on tiny synthetic notebooks (one kernel, a few seconds).
"""

from __future__ import annotations

import ast
import json
import pathlib
import re
import shutil
import subprocess
import sys

import nbformat
import nbformat.v4 as v4
import pytest

from coursework.grading.desafio_report import problems
from coursework.grading.desafios import REQUIRED_KINDS, answer_source, check_notebook, find_desafios
from coursework.grading.markers import CHECK_TAG, SOLUTION_TAG, MarkerError, wrong_answers
from coursework.grading.release import PLACEHOLDER_RAISE, release_notebook

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _notebook(wrong, check="assert y == 4, 'y debe valer 4 (el doble de x)'", between=None):
    cells = [
        v4.new_code_cell("x = 2", id="setup"),
        v4.new_code_cell(
            "### BEGIN SOLUTION\ny = x * 2\n### END SOLUTION",
            id="sol",
            metadata={"tags": [SOLUTION_TAG], "coursework": {"wrong_answers": wrong}},
        ),
    ]
    if between:
        cells.append(v4.new_code_cell(between, id="between"))
    cells += [
        v4.new_code_cell(check, id="check-y", metadata={"tags": [CHECK_TAG]}),
        v4.new_code_cell("z = y + 1", id="after"),
    ]
    return v4.new_notebook(
        cells=cells,
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


WRONG = [
    {"name": "cero", "kind": "trivial", "source": "y = 0"},
    {"name": "suma", "kind": "conceptual", "source": "y = x + x + 1"},
]


# ---- the course notebooks (static, fast) ------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_desafio_registers_its_wrong_answers(path):
    from coursework.grading.release import _python_source

    nb = nbformat.read(path, as_version=4)
    desafios = find_desafios(nb, path.name)
    assert desafios, f"{path.name} has no desafío"
    for desafio in desafios:
        kinds = [a.kind for a in desafio.answers]
        assert kinds[0] == "starter" and PLACEHOLDER_RAISE in desafio.answers[0].source
        assert len(kinds) >= 3 and all(k in kinds for k in REQUIRED_KINDS), (desafio.solution_id, kinds)
        for answer in desafio.answers[1:]:
            source = answer_source(desafio.reference, answer.source)
            assert "### BEGIN SOLUTION" not in source
            ast.parse(_python_source(source))  # a wrong answer that does not even parse proves nothing
    released = release_notebook(nb, path.name)
    assert all("coursework" not in cell.metadata for cell in released.cells), "release must strip them"


# ---- the engine -------------------------------------------------------------------------------


def test_answer_source_replaces_the_region_and_keeps_indentation():
    cell = "def f(h):\n    ### BEGIN SOLUTION\n    return h * 2\n    ### END SOLUTION\nprint(f(1))\n"
    assert answer_source(cell, "return 0\n") == "def f(h):\n    return 0\nprint(f(1))\n"
    with pytest.raises(ValueError):
        answer_source("y = 1", "y = 2")  # no region


@pytest.mark.parametrize(
    "entry, problem",
    [
        ({"name": "a", "kind": "starter", "source": "y = 1"}, "kind 'starter'"),
        ({"name": "", "kind": "trivial", "source": "y = 1"}, "needs a 'name'"),
        ({"name": "a", "kind": "trivial", "source": ""}, "needs a 'name'"),
    ],
)
def test_malformed_wrong_answers_are_rejected(entry, problem):
    cell = _notebook([entry]).cells[1]
    with pytest.raises(MarkerError, match=problem):
        wrong_answers(cell, "nb.ipynb, cell 1")


def test_desafio_collects_followers_and_requires_a_check():
    (desafio,) = find_desafios(_notebook(WRONG, between="doble = y"), "nb.ipynb")
    assert desafio.followers == (2, 3) and desafio.check_ids == ("check-y",)
    assert [a.name for a in desafio.answers] == ["starter", "cero", "suma"]
    nb = _notebook(WRONG)
    del nb.cells[2]
    with pytest.raises(MarkerError, match="no check cell follows"):
        find_desafios(nb, "nb.ipynb")


def test_check_notebook_reference_passes_wrong_answers_fail_from_a_clean_namespace(tmp_path):
    path = tmp_path / "01_doble.ipynb"
    # the check reads `doble`, computed by a cell between the solution and the check
    nbformat.write(
        _notebook(
            WRONG + [{"name": "pasa", "kind": "conceptual", "source": "y = 4"}],
            check="assert doble == 4, 'y debe valer 4 (el doble de x)'",
            between="doble = y",
        ),
        path,
    )
    outcomes = check_notebook(path, timeout=60)
    got = {o.answer: (o.expected, o.got, o.message) for o in outcomes}
    assert got["reference"] == ("pass", "pass", "")
    # the starter raises before binding y: the check must not see the reference's y (or doble)
    assert got["starter"] == ("fail", "fail", "NameError: name 'doble' is not defined")
    assert got["cero"] == ("fail", "fail", "y debe valer 4 (el doble de x)")
    assert got["pasa"][1] == "pass"  # a wrong answer the check cannot tell apart
    assert problems(outcomes) == ["01_doble.ipynb sol: wrong answer 'pasa' passes"]
    # a cell outside the desafío that fails is reported too (here after the desafío: the solved
    # namespace is back, so only a real error shows up)
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].source = "assert y == 4 and doble == 4\nroto = 1 / 0"
    nbformat.write(nb, path)
    broken = [o for o in check_notebook(path, timeout=60) if o.kind == "notebook"]
    assert [(o.answer, o.got, o.message) for o in broken] == [
        ("cell after", "fail", "ZeroDivisionError: division by zero")
    ]


def test_cli_json_and_exit_status(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    nbformat.write(_notebook(WRONG), folder / "01_doble.ipynb")
    ok = subprocess.run(
        [sys.executable, "-m", "coursework", "check-desafios", "--dir", str(folder), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    document = json.loads(ok.stdout)
    assert document["problems"] == []
    assert [(o["answer"], o["expected"], o["got"]) for o in document["outcomes"]] == [
        ("reference", "pass", "pass"),
        ("starter", "fail", "fail"),
        ("cero", "fail", "fail"),
        ("suma", "fail", "fail"),
    ]
    nbformat.write(_notebook(WRONG[:1]), folder / "01_doble.ipynb")  # no conceptual mistake
    table = subprocess.run(
        [sys.executable, "-m", "coursework", "check-desafios", "--dir", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert table.returncode == 1
    assert "problem: 01_doble.ipynb sol: no registered conceptual wrong answer" in table.stdout
    assert "cero (trivial)" in table.stdout and "y debe valer 4 (el doble de x)" in table.stdout


def test_nbval_pass_runs_wrong_answers_in_the_same_kernel(tmp_path):
    shutil.copy(ROOT / "notebooks" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    nbformat.write(_notebook(WRONG), tmp_path / "01_bien.ipynb")
    nbformat.write(
        _notebook(WRONG + [{"name": "pasa", "kind": "conceptual", "source": "y = 4"}]),
        tmp_path / "02_mal.ipynb",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "--nbval-current-env",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-v",
            "--rootdir",
            str(tmp_path),
            "-c",
            str(tmp_path / "pytest.ini"),
            str(tmp_path / "01_bien.ipynb"),
            str(tmp_path / "02_mal.ipynb"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )
    names = re.findall(
        r"^01_bien\S*::(Cell \d+|desafío sol: wrong answers) (?:PASSED|FAILED)",
        result.stdout,
        flags=re.MULTILINE,
    )
    # the wrong answers run right after the check cell, before the rest of the notebook
    assert names[:5] == ["Cell 0", "Cell 1", "Cell 2", "desafío sol: wrong answers", "Cell 3"], result.stdout
    assert "01_bien.ipynb::desafío sol: wrong answers PASSED" in result.stdout
    assert re.search(r"01_bien\S*::Cell 3 PASSED", result.stdout)  # z = y + 1: solved namespace is back
    assert "02_mal.ipynb::desafío sol: wrong answers FAILED" in result.stdout
    assert "pasa (conceptual)" in result.stdout
