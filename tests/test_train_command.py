"""`coursework train` in-process, with training replaced by a stub: flags, --save checks, JSON, progress."""

import json

import pytest

from coursework.cli import main
from coursework.progress import ENV_VAR
from coursework.recipes import Recipe, TrainResult


class Saved:
    def save(self, path):
        with open(path, "w") as file:
            file.write("new model")


@pytest.fixture
def trainings(monkeypatch):
    """Replace Recipe.train by a stub that records each (task, config) and trains nothing."""
    calls = []

    def fake_train(self, config=None):
        calls.append((self.name, config))
        return TrainResult(task=self.name, model=Saved(), metrics={self.metric: 0.5}, epochs=1, seconds=0.1)

    monkeypatch.setattr(Recipe, "train", fake_train)
    monkeypatch.delenv(ENV_VAR, raising=False)
    return calls


def error_line(capsys):
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    return lines[0]


def test_json_is_one_document_for_several_tasks(trainings, capsys):
    assert main(["train", "intent-bot", "addition", "--profile", "ci", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)  # the whole of stdout parses as one JSON value
    assert [r["task"] for r in document["results"]] == ["intent-bot", "addition"]
    assert document["results"][1]["headline_metric"] == "exact_match"
    assert document["results"][1]["exact_match"] == 0.5 and document["results"][0]["profile"] == "ci"


def test_progress_one_line_per_epoch_under_the_runner_live_bar_elsewhere(trainings, monkeypatch, capsys):
    main(["train", "addition"])
    main(["train", "addition", "--json"])
    monkeypatch.setenv(ENV_VAR, "lines")
    main(["train", "addition"])
    assert [config.verbose for _, config in trainings] == ["auto", 0, 2]
    assert "== addition" in capsys.readouterr().out


@pytest.mark.parametrize(
    "flag, value, fragment",
    [
        ("--seed", "-5", "non-negative integer, got '-5'"),
        ("--seed", "1.5", "non-negative integer"),
        ("--epochs", "-1", "positive integer"),
        ("--epochs", "two", "positive integer"),
    ],
)
def test_numeric_flags_are_checked_while_parsing(trainings, capsys, flag, value, fragment):
    assert main(["train", "addition", flag, value]) == 2
    line = error_line(capsys)
    assert flag in line and fragment in line and not trainings


def test_seed_zero_is_accepted(trainings, capsys):
    assert main(["train", "addition", "--seed", "0", "--json"]) == 0
    assert trainings[0][1].seed == 0


def test_save_refuses_an_existing_file_before_training_unless_overwrite(trainings, tmp_path, capsys):
    target = tmp_path / "m.keras"
    target.write_text("old model")
    assert main(["train", "addition", "--save", str(target)]) == 1
    line = error_line(capsys)
    assert str(target) in line and "exists" in line and "--overwrite" in line
    assert not trainings and target.read_text() == "old model"
    assert main(["train", "addition", "--save", str(target), "--overwrite", "--json"]) == 0
    assert target.read_text() == "new model"
    assert json.loads(capsys.readouterr().out)["results"][0]["saved_to"] == str(target)


def test_save_refuses_bad_places_before_training(trainings, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "models.keras"
    folder.mkdir()
    cases = [
        (folder, "it is a folder"),
        (tmp_path / "missing" / "m.keras", "does not exist"),
        (tmp_path / "m.h5", "must end in '.keras'"),
    ]
    for path, fragment in cases:
        assert main(["train", "addition", "--save", str(path)]) == 1
        line = error_line(capsys)
        assert str(path) in line and fragment in line
    import coursework.atomic

    monkeypatch.setattr(coursework.atomic.os, "access", lambda *args: False)  # a read-only folder
    assert main(["train", "addition", "--save", str(tmp_path / "m.keras")]) == 1
    assert "no write permission" in error_line(capsys)
    assert not trainings
    assert main(["train", "addition", "intent-bot", "--save", str(tmp_path / "x.keras")]) == 1
    assert "exactly one task" in error_line(capsys)


def test_a_save_that_fails_midway_keeps_the_old_model_and_leaves_no_temporary_file(
    trainings, tmp_path, monkeypatch, capsys
):
    import errno

    target = tmp_path / "m.keras"
    target.write_text("old model")

    def disk_full(self, path):
        with open(path, "w") as file:
            file.write("half a mod")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Saved, "save", disk_full)
    assert main(["train", "addition", "--save", str(target), "--overwrite"]) == 1
    assert "No space left" in error_line(capsys)
    assert target.read_text() == "old model"
    assert [p.name for p in tmp_path.iterdir()] == ["m.keras"]
