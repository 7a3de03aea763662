"""The command line as a user meets it: real subprocesses, exit codes, one-line errors."""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cli(*args, timeout=600):
    env = {**os.environ, "COURSEWORK_PROFILE": "ci"}
    return subprocess.run(
        [sys.executable, "-m", "coursework", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
    )


def assert_one_line_error(result, *fragments, code=None):
    assert result.returncode != 0
    if code is not None:
        assert result.returncode == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_tasks_lists_every_recipe_with_its_metric():
    result = cli("tasks", "--json")
    assert result.returncode == 0, result.stderr
    tasks = {t["task"]: t for t in json.loads(result.stdout)}
    assert tasks["addition"]["metric"] == "exact_match"
    assert tasks["addition"]["notebook"] == "06a_suma_seq2seq.ipynb"
    assert tasks["addition"]["model"].endswith("(205,324 params)")  # counted on the built model
    assert tasks["word-lm"]["profile"] == "ci" and "2,000 words" in tasks["word-lm"]["model"]
    table = cli("tasks", "--profile", "full").stdout
    assert "addition" in table and "headline metric" in table and "3,000 words" in table


@pytest.mark.parametrize(
    "args, fragments, code",
    [
        (("train", "nope"), ["Unknown task 'nope'", "addition"], 1),
        (("train", "addition", "--epochs", "0"), ["--epochs", "positive integer"], 2),
        (("train", "addition", "--profile", "huge"), ["--profile", "invalid choice"], 2),
        (("train", "addition", "--save", "/nonexistent-dir/m.keras"), ["does not exist"], 1),
        (("train", "addition", "--save", "model.h5"), ["must end in '.keras'"], 1),
        (("frobnicate",), ["invalid choice"], 2),
        (("run-notebooks", "99z"), ["No notebook matches '99z'"], 1),
    ],
)
def test_user_errors_are_one_clear_line(args, fragments, code):
    assert_one_line_error(cli(*args), *fragments, code=code)


def test_train_json_then_load_in_a_fresh_process(tmp_path):
    path = tmp_path / "addition.keras"
    result = cli("train", "addition", "--profile", "ci", "--json", "--epochs", "2", "--save", str(path))
    assert result.returncode == 0, result.stderr
    [summary] = json.loads(result.stdout)["results"]  # stdout is one JSON document
    assert summary["task"] == "addition" and summary["epochs"] == 2
    assert 0 <= summary["exact_match"] <= 1 and 0 <= summary["char_accuracy"] <= 1
    assert summary["seconds"] > 0 and summary["headline_metric"] == "exact_match"
    code = (
        "import keras, coursework.layers; from coursework.recipes.addition import solve; "
        f"m = keras.saving.load_model({str(path)!r}); print(solve(m, ['12+3', '999+999']))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert loaded.returncode == 0, loaded.stderr
    answers = eval(loaded.stdout.strip().splitlines()[-1])  # a list of two strings of digits
    assert len(answers) == 2 and all(a.isdigit() for a in answers)


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["generate", "--beam", "1000000"], ["--beam", "MAX_BEAM_WIDTH"]),
        (["generate", "--length", "10000000"], ["--length", "MAX_LENGTH"]),
        (
            ["generate", "--beam", "100", "--length", "5000"],
            ["--beam 100", "--length 5000", "MAX_BEAM_TOKENS"],
        ),
        (["generate", "--seed", "-5"], ["--seed"]),
        (["translate", "uno", "--beam", "1000000"], ["--beam", "MAX_BEAM_WIDTH"]),
        (["translate", "uno", "--beam", "100", "--max-length", "5000"], ["MAX_BEAM_TOKENS"]),
        (["translate", "uno", "--max-length", "0"], ["--max-length"]),
        (["translate", "uno", "--beam", "-2"], ["--beam"]),
        (["translate", "uno", "--unknown", "ignore"], ["--unknown"]),
    ],
)
def test_generation_limits_are_refused_while_parsing(args, fragments, tmp_path):
    """Refused before any model loads: the model path does not even exist (that error would be 1)."""
    model = ["--model", str(tmp_path / "missing.keras")]
    extra = [] if args[0] == "translate" else ["--prompt", "hola"]
    assert_one_line_error(cli(*args, *model, *extra), *fragments, code=2)
