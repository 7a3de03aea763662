"""The committed notebooks render cleanly: read from the .ipynb files, nothing is executed.

Each notebook is checked for: no stderr output, no error output, no ANSI escapes / backspaces /
carriage-return progress bars, no TensorFlow/absl/CUDA start-up lines, no warnings, no paths of the
machine that ran it, and a file of at most 300 KB. ``python -m coursework run-notebooks`` produces
such outputs by construction (see ``coursework/notebooks.py``).

Notebooks whose committed outputs predate the runner's guarantees sit on :data:`PENDING`, one entry
per (notebook, check) with the reason. A pending check that now passes fails too, so the list only
shrinks: re-run the notebook with ``python -m coursework run-notebooks NN`` and delete its entries.
"""

import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MAX_BYTES = 300_000

#: (notebook, check) → why its committed outputs still fail that check. Only ever shrinks.
PENDING: dict = {}

_CONTROL = re.compile(r"[\x1b\x08]|\r(?!\n)")
_STARTUP = re.compile(
    r"absl::InitializeLog|^[IWEF]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ \S+:\d+\]|oneDNN custom operations"
    r"|cuda drivers|cuInit|cpu_feature_guard|This TensorFlow binary is optimized"
    r"|^(?:WARNING|INFO|ERROR):(?:absl|tensorflow):",
    re.MULTILINE,
)
_WARNING = re.compile(r"\b\w*Warning\b|\bWARNING\b")
_MACHINE_PATH = re.compile(
    r"/root/|/home/|/Users/|/tmp/|/var/folders/|site-packages|dist-packages|\.venv\b|[A-Z]:\\\\Users"
    r"|(?<![\w:/.])/(?:[\w.-]+/)+[\w.-]+\.py\b"  # any absolute path to a Python file
    + "|"
    + re.escape(str(ROOT))
)


def texts(output):
    """(kind, text) pairs of one output: what a viewer may render, plus error tracebacks."""
    if output["output_type"] == "stream":
        return [(f"stream:{output['name']}", "".join(output["text"]))]
    if output["output_type"] == "error":
        return [("error", "\n".join(output.get("traceback", [])))]
    data = output.get("data", {})
    return [
        (mime, "".join(value) if isinstance(value, list) else str(value))
        for mime, value in data.items()
        if mime.startswith("text/")
    ]


def outputs(notebook):
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for number, cell in enumerate(nb["cells"], start=1):
        for output in cell.get("outputs", []):
            yield number, output


def _matches(notebook, pattern, skip=lambda output, kind: False):
    found = []
    for number, output in outputs(notebook):
        for kind, text in texts(output):
            if not skip(output, kind):
                found += [f"cell {number} ({kind}): {m.group(0)!r}" for m in pattern.finditer(text)][:3]
    return found


def _rich_fallback(output, kind):
    # Keras' model.summary() in Jupyter (rich) stores HTML for viewers and an ANSI-styled text/plain
    # fallback that no notebook viewer shows when HTML is there.
    return kind == "text/plain" and "text/html" in output.get("data", {})


def _not_rendered(output, kind):
    return kind == "error" or _rich_fallback(output, kind)  # errors have their own check


CHECKS = {
    "stderr": lambda nb: [
        f"cell {n}: {''.join(o['text'])[:80]!r}"
        for n, o in outputs(nb)
        if o["output_type"] == "stream" and o["name"] == "stderr"
    ],
    "errors": lambda nb: [
        f"cell {n}: {o.get('ename')}: {o.get('evalue', '')[:80]}"
        for n, o in outputs(nb)
        if o["output_type"] == "error"
    ],
    "ansi": lambda nb: _matches(nb, _CONTROL, skip=_not_rendered),
    "startup": lambda nb: _matches(nb, _STARTUP),
    "warnings": lambda nb: _matches(nb, _WARNING, skip=lambda o, kind: kind == "error"),
    "paths": lambda nb: _matches(nb, _MACHINE_PATH),
    "size": lambda nb: [f"{nb.stat().st_size:,} bytes"] if nb.stat().st_size > MAX_BYTES else [],
}


def test_pending_entries_name_real_notebooks_and_checks():
    names = {p.name for p in NOTEBOOKS}
    assert NOTEBOOKS, "no notebooks found"
    assert {name for name, _ in PENDING} <= names
    assert {check for _, check in PENDING} <= set(CHECKS)


@pytest.mark.parametrize("check", sorted(CHECKS))
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_notebook_is_clean(notebook, check):
    problems = CHECKS[check](notebook)
    reason = PENDING.get((notebook.name, check))
    if reason is not None:
        assert problems, (
            f"{notebook.name} now passes {check!r}: delete its PENDING entry ({reason!r}) from {__file__}"
        )
    else:
        assert not problems, f"{notebook.name} fails {check!r}:\n" + "\n".join(problems)


def test_checks_catch_what_they_are_for(tmp_path):
    def nb_with(*outs, padding=0):
        cell = {
            "cell_type": "code",
            "source": "",
            "metadata": {},
            "outputs": list(outs),
            "execution_count": 1,
        }
        nb = {"cells": [cell], "metadata": {"pad": "x" * padding}, "nbformat": 4, "nbformat_minor": 5}
        path = tmp_path / "case.ipynb"
        path.write_text(json.dumps(nb), encoding="utf-8")
        return path

    def stream(text, name="stdout"):
        return {"output_type": "stream", "name": name, "text": text}

    summary = {
        "output_type": "display_data",
        "metadata": {},
        "data": {"text/plain": "\x1b[1mModel\x1b[0m", "text/html": "<pre>Model</pre>"},
    }
    cases = {
        "stderr": stream("hola\n", name="stderr"),
        "errors": {"output_type": "error", "ename": "ValueError", "evalue": "x", "traceback": []},
        "ansi": stream("\r 3/10 \x1b[1m━━\x1b[0m\x08\x08"),
        "startup": stream("I0000 00:00:1795971793.810192    9287 port.cc:153] oneDNN custom operations\n"),
        "warnings": stream("x.py:3: UserWarning: careful\n"),
        "paths": stream("guardado en /tmp/tmpab12/modelo.keras\n"),
    }
    for check, output in cases.items():
        assert CHECKS[check](nb_with(output)), check
        clean = nb_with(stream("exactitud: 0,83\n"), summary)
        assert not CHECKS[check](clean), check
    assert CHECKS["size"](nb_with(padding=MAX_BYTES))
