"""Portfolio: the template ships inside the package and the headline metric comes from the caller."""

import pathlib
import subprocess
import sys

import nbformat
import nbformat.v4 as v4

from coursework.grading.portfolio import TEMPLATE, render_portfolio, summarize_notebook


def _results_notebook(path):
    nb = v4.new_notebook(
        cells=[
            v4.new_markdown_cell("# Clase 6 · Suma con seq2seq", id="t"),
            v4.new_code_cell(
                "print(...)",
                id="log",
                execution_count=1,
                outputs=[
                    v4.new_output(
                        "stream",
                        name="stdout",
                        text="Epoch 3/3 - exact match: 0.10\nexact match (prueba): 97.5%\n",
                    )
                ],
            ),
        ]
    )
    nbformat.write(nb, path)
    return path


def test_headline_metric_is_given_by_the_caller(tmp_path):
    path = _results_notebook(tmp_path / "06a_suma.ipynb")
    assert summarize_notebook(path).headline == ""
    assert (
        summarize_notebook(path, {"06a_suma.ipynb": "exact_match"}).headline == "exact match (prueba): 97.5%"
    )
    text = render_portfolio([path], metrics={"06a_suma.ipynb": "exact_match"})
    assert "- **Resultado principal:** exact match (prueba): 97.5%" in text


def test_template_is_package_data_found_without_the_repository_layout():
    import coursework.grading

    package = pathlib.Path(coursework.grading.__file__).parent
    assert str(TEMPLATE).startswith(str(package))
    for name in ("README.md", "banner.svg", ".github/workflows/notebooks.yml"):
        assert (TEMPLATE / name).is_file(), name
    assert "$sections" in (TEMPLATE / "README.md").read_text(encoding="utf-8")


def test_portfolio_does_not_import_the_recipes():
    code = (
        "import sys, coursework.grading.portfolio; "
        "print(sorted(m for m in sys.modules if m.startswith('coursework.recipes')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_pyproject_ships_every_template_file():
    import tomllib

    root = pathlib.Path(__file__).resolve().parent.parent
    package_data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for package, folder in [("coursework.grading", "templates"), ("coursework.serving", "templates")]:
        base = root / package.replace(".", "/")
        shipped = {p for pattern in package_data[package] for p in base.glob(pattern) if p.is_file()}
        present = {p for p in (base / folder).rglob("*") if p.is_file()}
        assert present and shipped == present, sorted(map(str, present - shipped))
