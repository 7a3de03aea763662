"""Grading throughput: 20 synthetic submissions of a released set of two short notebooks.

Writes two tiny reference notebooks (a desafío each, numpy only), releases them, makes 20
submissions — solved, wrong, incomplete and every broken kind (invalid JSON, infinite loop, loop that
ignores interrupts, ``os._exit``, bounded memory bomb, deleted / edited check cells, renamed
notebook, bogus kernel name) — and grades the batch with ``--jobs 1`` and ``--jobs 2``. Checks that
every submission gets its expected status in both runs (a broken one affects nobody else), then
prints a table and one JSON line.

    python benchmarks/grading.py [--jobs 1 2] [--report grading-report.md]
"""

from __future__ import annotations

import _bootstrap  # noqa: F401  (first: TensorFlow's start-up lines stay off stderr)

# isort: split
import argparse
import json
import pathlib
import sys
import tempfile
import time

import nbformat
import nbformat.v4 as v4

from coursework.grading.grade import GradeOptions, grade_submissions, to_markdown
from coursework.grading.release import release_notebooks
from coursework.reporting import format_table

KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


def _code(source, cell_id, tags=()):
    return v4.new_code_cell(source, id=cell_id, metadata={"tags": list(tags)} if tags else {})


def suma(body="return a + b"):
    return v4.new_notebook(
        cells=[
            v4.new_markdown_cell("# Clase 1 · Suma\nObjetivos: sumar.", id="intro"),
            _code("import time\nimport numpy as np", "setup"),
            _code(
                f"def add(a, b):\n    ### BEGIN SOLUTION\n    {body}\n    ### END SOLUTION",
                "sol-add",
                ["solution"],
            ),
            _code("assert add(2, 3) == 5, 'add(2, 3) debe valer 5'", "check-add", ["check"]),
            _code(
                "assert np.allclose(add(np.ones(3), np.ones(3)), 2), 'también con arreglos'",
                "check-add-array",
                ["check"],
            ),
        ],
        metadata={"kernelspec": dict(KERNEL)},
    )


def texto(body="counts = {w: words.count(w) for w in set(words)}"):
    return v4.new_notebook(
        cells=[
            v4.new_markdown_cell("# Clase 2 · Contar palabras", id="intro"),
            _code("import time\nwords = 'la casa la mesa la'.split()", "setup"),
            _code(f"### BEGIN SOLUTION\n{body}\n### END SOLUTION", "sol-counts", ["solution"]),
            _code("assert counts['la'] == 3, 'la aparece 3 veces'", "check-counts", ["check"]),
        ],
        metadata={"kernelspec": dict(KERNEL)},
    )


BOMB = (
    "chunks = []\nfor _ in range(24):  # bounded: at most 24 x 50 MiB even unwatched\n"
    "    chunks.append(b'x' * (50 * 2**20))\ntime.sleep(30)\ncounts = {}"
)


def submissions(root: pathlib.Path, released: pathlib.Path) -> dict[str, tuple[str, int]]:
    """Write the 20 submissions; returns name -> (expected status of notebook 02, expected score)."""
    plan: dict[str, tuple[dict, str, int]] = {}
    for i in range(7):
        plan[f"solved-{i}"] = ({"01": suma(), "02": texto()}, "graded", 3)
    plan["wrong-0"] = ({"01": suma("return a - b"), "02": texto("counts = {}")}, "graded", 0)
    plan["wrong-1"] = ({"01": suma("return a * 1 + b"), "02": texto("counts = {'la': 2}")}, "graded", 2)
    plan["incomplete-0"] = ({}, "graded", 0)  # the released notebooks as they are
    plan["incomplete-1"] = ({"01": suma()}, "graded", 2)
    plan["invalid-json"] = ({"01": suma(), "02": '{"cells": ['}, "invalid", 2)
    plan["infinite-loop"] = ({"01": suma(), "02": texto("while True:\n    pass")}, "timeout", 2)
    plan["ignores-interrupt"] = (
        {
            "01": suma(),
            "02": texto("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"),
        },
        "timeout",
        2,
    )
    plan["os-exit"] = ({"01": suma(), "02": texto("import os\nos._exit(1)")}, "kernel-died", 2)
    plan["memory-bomb"] = ({"01": suma(), "02": texto(BOMB)}, "memory-limit", 2)
    deleted = texto("counts = {}")
    deleted.cells = [c for c in deleted.cells if c.id != "check-counts"]
    edited = texto("counts = {}")
    edited.cells[3].source = "assert True"
    plan["deleted-check"] = ({"01": suma(), "02": deleted}, "graded", 2)
    plan["edited-check"] = ({"01": suma(), "02": edited}, "graded", 2)
    bogus = texto()
    bogus.metadata["kernelspec"] = {"name": "no-such-kernel", "display_name": "?", "language": "?"}
    plan["bogus-kernel"] = ({"01": suma(), "02": bogus}, "graded", 3)
    plan["renamed"] = ({"01": suma(), "renamed": texto()}, "missing", 2)
    names = {"01": "01_suma.ipynb", "02": "02_texto.ipynb", "renamed": "mi_texto.ipynb"}
    expected = {}
    for name, (files, status, score) in plan.items():
        folder = root / name / "notebooks"
        folder.mkdir(parents=True)
        for key in ("01", "02"):
            (folder / names[key]).write_bytes((released / names[key]).read_bytes())
        for key, content in files.items():
            if key == "renamed":
                (folder / names["02"]).unlink()
            target = folder / names[key]
            if isinstance(content, str):
                target.write_text(content, encoding="utf-8")
            else:
                nbformat.write(content, target)
        expected[name] = (status, score)
    assert len(expected) == 20, len(expected)
    return expected


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--report", default=None, help="write the Markdown report of the last run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="grading-bench-") as tmp:
        root = pathlib.Path(tmp)
        (root / "ref").mkdir()
        nbformat.write(suma(), root / "ref" / "01_suma.ipynb")
        nbformat.write(texto(), root / "ref" / "02_texto.ipynb")
        released = root / "released"
        release_notebooks(sorted((root / "ref").glob("*.ipynb")), released)
        expected = submissions(root / "subs", released)
        paths = [root / "subs" / name for name in expected]
        rows, record, wrong = [], {"submissions": len(paths)}, []
        for jobs in args.jobs:
            options = GradeOptions(
                cell_timeout=5, kill_grace=5, submission_timeout=120, memory_mb=400, jobs=jobs
            )
            start = time.perf_counter()
            results = grade_submissions(paths, released, options)
            seconds = time.perf_counter() - start
            for result in results:
                status, score = expected[result.name]
                got = (result.notebooks[1].status, result.score)
                if got != (status, score) or result.notebooks[0].status != "graded":
                    wrong.append(f"jobs={jobs} {result.name}: expected {(status, score)}, got {got}")
            per_minute = len(paths) / seconds * 60
            rows.append([jobs, f"{seconds:.1f}", f"{per_minute:.1f}"])
            record[f"jobs{jobs}_seconds"] = round(seconds, 1)
            record[f"jobs{jobs}_per_minute"] = round(per_minute, 1)
            if args.report:
                pathlib.Path(args.report).write_text(to_markdown(results), encoding="utf-8")
        record["isolation"] = results[0].isolation
        record["all_statuses_as_expected"] = not wrong
    print(format_table(["jobs", "seconds", "submissions/min"], rows))
    print(f"isolation: {record['isolation']}")
    for line in wrong:
        print("WRONG:", line)
    print(json.dumps(record, ensure_ascii=False))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
