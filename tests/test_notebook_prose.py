"""Prose from the run: every number written in a notebook's markdown appears in one of its outputs.

Reads the committed .ipynb files; executes nothing. A result stated in prose ("83,6 % de exactitud",
"12.808 fragmentos") must be printed by the notebook's code, so the two cannot drift apart when the
notebook is re-run. Numbers are compared after normalising the Spanish and English ways of writing
them ("12.808" = "12,808" = "12 808"; "21,45" = "21.45"); a number with decimals or a percentage may be
the rounding of a more precise output ("83,6 %" matches ``0.836233`` and "83.62 %"; "22,7 millones"
matches 22,713,601), an integer must appear as an integer.

Not checked: code (fenced or inline), formulas (``$…$``), link targets, HTML tags, short quoted
examples, and the constants of :data:`ALLOWED`. Notebooks not yet written this way sit on
:data:`PENDING` with their reason; a pending notebook that passes fails too, so the list only shrinks.
"""

import bisect
import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

#: notebook → the numbers of its prose that no output shows. Only ever shrinks.
PENDING = {}

#: Constants a notebook may write without printing them (kept short on purpose).
ALLOWED = [
    r"(?m)^\s*#+\s*\d+(?:\.\d+)*\.?",  # section numbers: "## 3. Datos"
    r"(?m)^\s*\d+[.)]\s",  # numbered list items
    r"\b[Cc]lases?\s+\d+(?:\s*[–-]\s*\d+)?",  # class numbers: "Clase 7", "clases 1–3"
    r"(?<![\d.,])(?:19|20)\d\d(?![\d.,]|\s?%)",  # years, citations: "(Vaswani et al., 2017)"
    r"\b\d+\s+(?:núcleos|cores)\b",  # "2 núcleos de CPU"
    r"\b15\s?%",  # BERT's masking rate
    r"\b(?:Python|Keras|TensorFlow|KerasHub)\s+\d+(?:\.\d+)+",  # library versions
]
_NOT_PROSE = [
    (r"```.*?```", " "),
    (r"`[^`\n]*`", " "),
    (r"\$\$.*?\$\$", " "),
    (r"\$[^$\n]*\$", " "),
    (r"!?\[([^\]]*)\]\([^)]*\)", r"\1"),
    (r"<[^>]+>", " "),
    (r"https?://\S+", " "),
    (r'"[^"\n]{1,40}"|“[^”\n]{1,40}”|«[^»\n]{1,40}»', " "),  # short quoted examples: "1.500"
]
_SEPARATOR = r"[.,\u00a0\u202f ]"
NUMBER = re.compile(r"(?<![\w.,])\d+(?:(?:[.,]|[\u00a0\u202f ](?=\d{3}(?!\d)))\d+)*(?!\w)")
_PERCENT = re.compile(r"[\u00a0\u202f ]?%")
_SCALE = re.compile(r"\s+(mil|millón|millones)\b")
SCALES = {"mil": 1e3, "millón": 1e6, "millones": 1e6}


def readings(token: str) -> list[tuple[float, int]]:
    """The values a written number may mean, each with its count of decimals.

    >>> readings("12.808"), readings("21,45"), readings("1,234,567"), readings("7")
    ([(12808.0, 0), (12.808, 3)], [(21.45, 2)], [(1234567.0, 0)], [(7.0, 0)])
    """
    parts, separators = re.split(_SEPARATOR, token), re.findall(_SEPARATOR, token)
    if len(parts) == 1:
        return [(float(token), 0)]
    found = []
    if 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:]) and len(set(separators)) == 1:
        found.append((float("".join(parts)), 0))  # thousands separators
    if len(parts) == 2 and separators[0] in ".,":
        found.append((float(f"{parts[0]}.{parts[1]}"), len(parts[1])))  # decimal point or comma
    return found


def prose(markdown: str) -> str:
    """The markdown without code, formulas, links, tags, quoted examples and allowed constants."""
    for pattern, replacement in _NOT_PROSE:
        markdown = re.sub(pattern, replacement, markdown, flags=re.S)
    for pattern in ALLOWED:
        markdown = re.sub(pattern, " ", markdown)
    return markdown


class OutputNumbers:
    """Every number of a notebook's outputs, as integers, as decimals and as percentages."""

    def __init__(self, texts):
        self.integers, decimals, percents = set(), [], []
        for text in texts:
            for match in NUMBER.finditer(text):
                is_percent = bool(_PERCENT.match(text, match.end()))
                for value, places in readings(match.group(0)):
                    decimals.append(value)
                    if places == 0:
                        self.integers.add(value)
                    if is_percent:
                        percents.append(value)
                    if places and 0 <= value <= 1:
                        percents.append(100 * value)  # a fraction printed as 0.836 is 83.6 %
        self.decimals, self.percents = sorted(decimals), sorted(percents)

    def show(self, token: str, percent: bool = False, scale: float = 1) -> bool:
        """Whether a number written in prose is one of these (or their rounding).

        ``scale`` is 1,000 for "250 mil", 1,000,000 for "22,7 millones": the rounding of a count.
        """
        for value, places in readings(token):
            tolerance = 0.5 * 10**-places * scale + 1e-9
            value *= scale
            if percent:
                pool = self.percents
            elif places or scale > 1:
                pool = self.decimals
            else:
                if value in self.integers:
                    return True
                continue
            i = bisect.bisect_left(pool, value - tolerance)
            if i < len(pool) and pool[i] <= value + tolerance:
                return True
        return False


def output_texts(nb):
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            if output["output_type"] == "stream":
                yield "".join(output["text"])
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/"):
                    yield "".join(value) if isinstance(value, list) else str(value)


def unprinted_numbers(nb) -> list[str]:
    """Numbers of the markdown cells that no output shows, each with its context."""
    numbers = OutputNumbers(output_texts(nb))
    missing = []
    for number, cell in enumerate(nb["cells"], start=1):
        if cell["cell_type"] != "markdown":
            continue
        text = prose("".join(cell["source"]))
        for match in NUMBER.finditer(text):
            percent = bool(_PERCENT.match(text, match.end()))
            scale = _SCALE.match(text, match.end())
            if not numbers.show(match.group(0), percent, SCALES[scale.group(1)] if scale else 1):
                context = text[max(0, match.start() - 30) : match.end() + 15].replace("\n", " ")
                missing.append(f"cell {number}: {match.group(0)}{' %' if percent else ''} in '…{context}…'")
    return missing


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_numbers_in_prose_come_from_the_run(notebook):
    missing = unprinted_numbers(json.loads(notebook.read_text(encoding="utf-8")))
    if notebook.name in PENDING:
        assert missing, (
            f"{notebook.name} now passes: delete its PENDING entry "
            f"({PENDING[notebook.name]!r}) from {__file__}"
        )
    else:
        assert not missing, (
            f"{notebook.name}: numbers in markdown that no output shows (print them, "
            "render the conclusion from the values, or fix the prose):\n" + "\n".join(missing)
        )


def test_pending_entries_name_real_notebooks():
    assert NOTEBOOKS and set(PENDING) <= {p.name for p in NOTEBOOKS}


def _nb(markdown, *printed):
    outputs = [{"output_type": "stream", "name": "stdout", "text": text} for text in printed]
    return {
        "cells": [
            {"cell_type": "markdown", "source": markdown, "metadata": {}},
            {"cell_type": "code", "source": "", "metadata": {}, "outputs": outputs},
        ]
    }


@pytest.mark.parametrize(
    "markdown, printed",
    [
        ("Usamos 12.808 fragmentos.", "n_train: 12,808"),
        ("Usamos 12 808 fragmentos.", "12808 textos"),
        ("La exactitud es 83,6 %.", "accuracy: 0.836232980332829"),
        ("La exactitud es 21,45 %.", "exact match 21.45 %"),
        ("La pérdida baja a 0,52.", "val_loss: 0.5213"),
        (
            "MiniLM tiene 22,7 millones de parámetros y el corpus 250 mil palabras.",
            "parámetros: 22,713,601; palabras: 250,394",
        ),
        ("## 3. Datos\nClase 7 (Vaswani et al., 2017), en 2 núcleos, con `epochs=30` y $d_k = 64$.", "nada"),
        ("Se tapa el 15 % de las piezas; [ver](https://x.org/a/12345) con Keras 3.15.", "nada"),
    ],
)
def test_numbers_that_the_outputs_show_pass(markdown, printed):
    assert unprinted_numbers(_nb(markdown, printed)) == []


@pytest.mark.parametrize(
    "markdown, printed",
    [
        ("La exactitud es ~30 %.", "exact match: 21.45 %"),
        ("Se equivoca en 6 sumas.", "errores: 7"),
        ("La exactitud es 83 %.", "accuracy: 0.836"),  # 83.6 % rounds to 84 %
        ("Entrenamos 30 épocas.", "Epoch 3/3"),
        ("Con 250 mil palabras.", "palabras: 251,000"),
    ],
)
def test_numbers_that_no_output_shows_fail(markdown, printed):
    assert len(unprinted_numbers(_nb(markdown, printed))) == 1
