"""Portfolio README: one section per desafío, each with its headline result from the executed notebooks.

The template (:data:`TEMPLATE` ``/ "README.md"``, shipped inside the package as
``coursework/grading/templates/portfolio/``) has ``$placeholders`` filled by :func:`render_portfolio`.
Results are read from the notebooks' saved outputs, never recomputed:

- the **headline result** of a notebook is the last output line of a code cell tagged ``headline``;
  without such a tag, the last output line naming the notebook's headline metric (``metrics``, a
  mapping from notebook file name to metric name such as ``exact match``, which the ``portfolio``
  command builds from the recipes), skipping training-log lines;
- the **desafío result** is the last output line of its solution cell(s), and its status comes from
  its check cells: ✅ all ran without error, ❌ one raised, ⏳ not executed yet.

Example:
    >>> from coursework.grading.portfolio import render_portfolio  # doctest: +SKIP
    >>> text = render_portfolio("notebooks", student="Ana Pérez", repo="ana/nlp-portfolio")  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import os
import pathlib
import re
import string
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from coursework.grading.markers import CHECK_TAG, SOLUTION_TAG, cell_source, cell_tags

HEADLINE_TAG = "headline"
#: The portfolio template folder shipped with the package (README, banner, GitHub workflow).
TEMPLATE = importlib.resources.files("coursework.grading") / "templates" / "portfolio"
_LOG_LINE = re.compile(r"^(Epoch \d+|\d+/\d+ |.*\bstep\b.*- loss)", re.IGNORECASE)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


@dataclasses.dataclass
class Desafio:
    """One desafío of a notebook as the executed notebook shows it."""

    title: str
    result: str
    status: str  # passed | failed | not-run


@dataclasses.dataclass
class NotebookSummary:
    """What the portfolio (and the course table) shows for one notebook."""

    file: str
    title: str
    headline: str
    desafios: list[Desafio]


def _output_lines(cell: Any) -> list[str]:
    lines: list[str] = []
    for output in cell.get("outputs", []) or []:
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            text = output.get("text", "")
        elif output.get("output_type") in ("execute_result", "display_data"):
            text = (output.get("data") or {}).get("text/plain", "")
        else:
            continue
        text = "".join(text) if isinstance(text, list) else str(text)
        lines.extend(_ANSI.sub("", line).strip() for line in text.splitlines())
    return [line for line in lines if line]


def _clean(text: str) -> str:
    text = re.sub(r"^#+\s*", "", text.strip())
    return " ".join(text.split())


def summarize_notebook(path: str | os.PathLike, metrics: Mapping[str, str] | None = None) -> NotebookSummary:
    """Title, headline result and desafíos of one executed notebook (read from saved outputs).

    ``metrics`` maps a notebook file name to its headline metric, used when no cell is tagged
    ``headline``.
    """
    import nbformat

    path = pathlib.Path(path)
    nb = nbformat.read(path, as_version=4)
    title = next(
        (
            _clean(cell_source(c).splitlines()[0])
            for c in nb.cells
            if c.cell_type == "markdown" and cell_source(c).strip()
        ),
        path.stem,
    )
    headline = ""
    tagged = [c for c in nb.cells if c.cell_type == "code" and HEADLINE_TAG in cell_tags(c)]
    if tagged:
        lines = [line for c in tagged for line in _output_lines(c)]
        headline = lines[-1] if lines else ""
    else:
        metric = (metrics or {}).get(path.name)
        if metric:
            pattern = re.compile(re.escape(metric).replace("_", "[ _]"), re.IGNORECASE)
            for cell in nb.cells:
                tags = cell_tags(cell)
                if cell.cell_type != "code" or SOLUTION_TAG in tags or CHECK_TAG in tags:
                    continue
                for line in _output_lines(cell):
                    if pattern.search(line) and re.search(r"\d", line) and not _LOG_LINE.match(line):
                        headline = line
    desafios: list[Desafio] = []
    heading = "Desafío"
    current: Desafio | None = None
    for cell in nb.cells:
        tags = cell_tags(cell)
        if cell.cell_type == "markdown":
            first = cell_source(cell).strip().splitlines()[0] if cell_source(cell).strip() else ""
            if first.startswith("#"):
                heading, current = _clean(first), None
            continue
        if SOLUTION_TAG in tags:
            if current is None:
                current = Desafio(title=heading, result="", status="not-run")
                desafios.append(current)
            lines = _output_lines(cell)
            current.result = lines[-1] if lines else current.result
        elif CHECK_TAG in tags and current is not None:
            errors = any(o.get("output_type") == "error" for o in cell.get("outputs", []) or [])
            if errors:
                current.status = "failed"
            elif cell.get("execution_count") is not None and current.status != "failed":
                current.status = "passed"
            elif cell.get("execution_count") is None:
                current.status = "not-run" if current.status != "failed" else "failed"
    return NotebookSummary(file=path.name, title=title, headline=headline, desafios=desafios)


_STATUS = {
    "passed": "✅ comprobaciones superadas",
    "failed": "❌ alguna comprobación falla",
    "not-run": "⏳ sin ejecutar",
}


def _badge(label: str, message: str, color: str) -> str:
    def esc(text: str) -> str:
        return quote(text.replace("-", "--").replace("_", "__"), safe="")

    return f"![{label}](https://img.shields.io/badge/{esc(label)}-{esc(message)}-{color})"


def render_portfolio(
    notebooks: str | os.PathLike | Sequence[str | os.PathLike],
    student: str = "",
    repo: str = "TU-USUARIO/TU-REPO",
    template: str | os.PathLike | None = None,
    metrics: Mapping[str, str] | None = None,
) -> str:
    """The portfolio README: the template with its badges and one section per desafío.

    Args:
        notebooks: a folder of executed notebooks or a list of notebook files.
        student: the name shown in the banner line.
        repo: ``owner/name`` on GitHub, for the workflow and Colab badges.
        template: a template file (default: the package's ``README.md`` in :data:`TEMPLATE`).
        metrics: notebook file name → headline metric name (see :func:`summarize_notebook`).

    Raises:
        FileNotFoundError: for a missing folder or template.
    """
    if isinstance(notebooks, (str, os.PathLike)):
        folder = pathlib.Path(notebooks)
        if not folder.is_dir():
            raise FileNotFoundError(f"Notebook folder {str(folder)!r} not found.")
        paths = sorted(folder.glob("*.ipynb"))
    else:
        paths = [pathlib.Path(p) for p in notebooks]
    template_path = pathlib.Path(template) if template else TEMPLATE / "README.md"
    if not template_path.is_file():
        raise FileNotFoundError(f"Portfolio template {str(template_path)!r} not found.")
    summaries = [summarize_notebook(p, metrics) for p in paths]
    desafios = [d for s in summaries for d in s.desafios]
    done = sum(d.status == "passed" for d in desafios)
    color = "brightgreen" if desafios and done == len(desafios) else "orange"
    badges = " ".join(
        [
            f"[![notebooks](https://github.com/{repo}/actions/workflows/notebooks.yml/badge.svg)]"
            f"(https://github.com/{repo}/actions/workflows/notebooks.yml)",
            _badge("desafíos", f"{done}/{len(desafios)}", color),
            _badge("Keras", "3", "D00000"),
        ]
    )
    sections: list[str] = []
    for summary in summaries:
        colab = f"https://colab.research.google.com/github/{repo}/blob/main/notebooks/{quote(summary.file)}"
        sections += [
            f"### {summary.title}",
            "",
            f"[`{summary.file}`](notebooks/{quote(summary.file)}) · "
            f"[![Abrir en Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({colab})",
            "",
            f"- **Resultado principal:** {summary.headline or 'sin resultado guardado'}",
        ]
        for desafio in summary.desafios:
            result = f" — `{desafio.result}`" if desafio.result else ""
            sections.append(f"- **{desafio.title}:** {_STATUS[desafio.status]}{result}")
        sections.append("")
    return string.Template(template_path.read_text(encoding="utf-8")).safe_substitute(
        student=student or "Tu nombre",
        repo=repo,
        badges=badges,
        sections="\n".join(sections).rstrip() + "\n",
        done=done,
        total=len(desafios),
    )


def course_table(notebooks: str | os.PathLike, metrics: Mapping[str, str] | None = None) -> str:
    """Markdown table for the project README: class → notebook → what it teaches → headline metric."""
    rows = ["| clase | notebook | qué enseña | resultado principal |", "|---|---|---|---|"]
    for path in sorted(pathlib.Path(notebooks).glob("*.ipynb")):
        summary = summarize_notebook(path, metrics)
        number = re.match(r"(\d+)", path.name)
        teaches = re.sub(r"^Clase \d+\s*·\s*", "", summary.title)
        rows.append(
            f"| {int(number.group(1)) if number else '-'} | [`{path.name}`](notebooks/"
            f"{quote(path.name)}) | {teaches} | {summary.headline or '—'} |"
        )
    return "\n".join(rows) + "\n"
