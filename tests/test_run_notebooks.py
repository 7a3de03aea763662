"""The notebook runner makes clean outputs by construction, and records each notebook's wall time."""

import json
import os
import re
import subprocess
import sys

import nbformat
import nbformat.v4 as v4
import pytest

from coursework.notebooks import read_timings, record_timing, run_notebooks

NOISY = [
    (
        "import sys\nimport warnings\n"
        "print('a stdout line')\n"
        "print('a stderr line', file=sys.stderr)\n"
        "warnings.warn('a warning')",
        "noise",
    ),
    (
        "import numpy as np\nimport tensorflow as tf\nimport keras\n"
        "from coursework.progress import fit_verbose\n"
        "keras.utils.set_random_seed(0)\n"
        "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
        "model.compile(optimizer='sgd', loss='mse')",
        "model",
    ),
    (
        "history = model.fit(np.ones((64, 3)), np.zeros(64), epochs=2, batch_size=8,\n"
        "                    verbose=fit_verbose())",
        "fit",
    ),
    ("from tqdm.auto import tqdm\ntotal = sum(i for i in tqdm(range(1000)))\nprint(total)", "tqdm"),
]


def _text(output) -> str:
    if output.output_type == "stream":
        return output.text
    return "".join(str(v) for k, v in output.get("data", {}).items() if k.startswith("text/"))


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebooks")
    path = folder / "99z_ruido.ipynb"
    cells = [v4.new_code_cell(source, id=cell_id) for source, cell_id in NOISY]
    nbformat.write(v4.new_notebook(cells=cells), path)
    timings = folder / "elsewhere" / "timings.json"
    timings.parent.mkdir()
    failures = run_notebooks([path], profile="ci", timeout=300, timings=timings, progress=False)
    assert failures == []
    nb = nbformat.read(path, as_version=4)
    return {cell.id: cell.outputs for cell in nb.cells}, timings


def test_outputs_have_no_stderr_ansi_backspaces_or_tensorflow_lines(executed):
    outputs, _ = executed
    every = [o for cell_outputs in outputs.values() for o in cell_outputs]
    assert every, "the notebook produced no output at all"
    assert all(o.output_type != "stderr" and o.get("name") != "stderr" for o in every)
    text = "".join(_text(o) for o in every)
    assert not re.search(r"[\x1b\x08\r]", text)
    for noise in ("absl", "oneDNN", "cuda", "Warning", "a stderr line"):
        assert noise not in text


def test_stdout_still_reaches_the_notebook(executed):
    outputs, _ = executed
    assert [_text(o) for o in outputs["noise"]] == ["a stdout line\n"]
    assert [_text(o) for o in outputs["tqdm"]] == ["499500\n"]  # the loop ran, its bar was not drawn


def test_training_prints_one_line_per_epoch(executed):
    outputs, _ = executed
    lines = "".join(_text(o) for o in outputs["fit"]).splitlines()
    epoch_lines = [line for line in lines if " - loss: " in line]
    assert len(epoch_lines) == 2, lines
    assert all(re.fullmatch(r"Epoch \d/2", line) for line in lines if line not in epoch_lines), lines


def test_timings_record_profile_seconds_and_date(executed):
    _, timings = executed
    entry = json.loads(timings.read_text())["99z_ruido.ipynb"]["ci"]
    assert entry["seconds"] > 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", entry["date"])
    assert [p.name for p in timings.parent.iterdir()] == ["timings.json"]  # no temporary file left


def test_record_timing_replaces_only_its_own_entry(tmp_path):
    path = tmp_path / "timings.json"
    record_timing("notebooks/06a_suma.ipynb", "full", 300.04, path)
    record_timing("notebooks/06a_suma.ipynb", "ci", 40, path)
    record_timing("notebooks/06a_suma.ipynb", "full", 250, path)
    record_timing("notebooks/01a.ipynb", "full", 60, path)
    data = read_timings(path)
    assert list(data) == ["01a.ipynb", "06a_suma.ipynb"]
    assert {p: e["seconds"] for p, e in data["06a_suma.ipynb"].items()} == {"full": 250.0, "ci": 40.0}


def test_default_timings_file_sits_beside_the_notebooks(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    assert record_timing(folder / "x.ipynb", "ci", 1.0) == folder / "results" / "timings.json"


def test_invalid_timings_file_stops_before_running_anything(tmp_path):
    path = tmp_path / "timings.json"
    path.write_text("{not json")
    notebook = tmp_path / "never_run.ipynb"
    nbformat.write(v4.new_notebook(cells=[v4.new_code_cell("1 / 0")]), notebook)
    with pytest.raises(ValueError, match="not valid JSON"):
        run_notebooks([notebook], profile="ci", timings=path, progress=False)
    assert nbformat.read(notebook, as_version=4).cells[0].outputs == []


def test_command_line_runs_a_folder_and_records_timings_where_asked(tmp_path):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    nbformat.write(
        v4.new_notebook(cells=[v4.new_code_cell("print(6 * 7)", id="answer")]), tmp_path / "01z_hola.ipynb"
    )
    timings = tmp_path / "timings.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "coursework",
            "run-notebooks",
            "--dir",
            str(tmp_path),
            "--profile",
            "ci",
            "--timings",
            str(timings),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "ok      01z_hola.ipynb" in result.stdout
    assert nbformat.read(tmp_path / "01z_hola.ipynb", as_version=4).cells[0].outputs[0].text == "42\n"
    assert list(read_timings(timings)) == ["01z_hola.ipynb"]
    assert not (tmp_path / "results").exists()
