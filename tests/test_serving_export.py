"""Export (.keras + SavedModel with a raw-string signature) and the Predictor around a loaded model."""

import json

import numpy as np
import pytest

from coursework.serving.demo import NEGATIVE, POSITIVE, demo_model_file
from coursework.serving.export import check_model_name, export_model
from coursework.serving.predictor import Predictor, UnscorableText

TEXTS = list(POSITIVE[:3]) + list(NEGATIVE[:3]) + ["an unseen zebra", "¡Qué buena película!"]


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    return demo_model_file(tmp_path_factory.getbasetemp() / "serving-demo")


@pytest.fixture(scope="module")
def exported(model_file, tmp_path_factory):
    return export_model(model_file, tmp_path_factory.mktemp("export"))


def test_export_writes_keras_and_tf_serving_layout(exported):
    assert exported.name == "sentiment"
    assert exported.keras_file.name == "sentiment.keras" and exported.keras_file.is_file()
    assert exported.saved_model == exported.base_path / "1"
    assert (exported.saved_model / "saved_model.pb").is_file()
    assert exported.max_abs_difference <= 1e-5


def test_saved_model_takes_raw_strings_and_matches_keras(exported, model_file):
    import keras
    import tensorflow as tf

    loaded = tf.saved_model.load(str(exported.saved_model))
    serve = loaded.signatures["serving_default"]
    (spec,) = serve.structured_input_signature[1].values()
    assert spec.dtype == tf.string
    (saved,) = serve(tf.constant(TEXTS)[:, None]).values()
    model = keras.saving.load_model(model_file)
    expected = model.predict(tf.constant(TEXTS)[:, None], verbose=0)
    np.testing.assert_allclose(np.asarray(saved), expected, atol=1e-6)
    # The demo model learned: positive sentences above 0.5, negative ones below.
    assert (expected[:3, 0] > 0.5).all() and (expected[3:6, 0] < 0.5).all()


def test_predictor_from_keras_and_saved_model_agree(exported):
    from_keras = Predictor.load(exported.keras_file)
    from_saved = Predictor.load(exported.base_path)  # TF Serving base folder: picks version 1
    np.testing.assert_allclose(from_keras.probabilities(TEXTS), from_saved.probabilities(TEXTS), atol=1e-6)
    predictions = from_keras.predict(TEXTS[:6])
    assert [p["label"] for p in predictions] == ["positive"] * 3 + ["negative"] * 3
    for p in predictions:
        assert 0.5 <= p["probability"] <= 1.0
        assert p["scores"][p["label"]] == p["probability"]
        assert sum(p["scores"].values()) == pytest.approx(1.0)
    assert from_keras.predict([]) == []


def test_cli_export_json_and_refuses_to_overwrite(model_file, tmp_path, capsys):
    from coursework.cli import main

    assert main(["export", "--model", str(model_file), "--out", str(tmp_path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["name"] == "sentiment" and summary["max_abs_difference"] <= 1e-5
    assert (tmp_path / "sentiment" / "1" / "saved_model.pb").is_file()
    assert main(["export", "--model", str(model_file), "--out", str(tmp_path)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert (
        main(
            ["export", "--model", str(model_file), "--out", str(tmp_path), "--overwrite", "--name", "reviews"]
        )
        == 0
    )
    assert (tmp_path / "reviews.keras").is_file()


def test_cli_export_missing_model(tmp_path, capsys):
    from coursework.cli import main

    assert main(["export", "--model", str(tmp_path / "nope.keras"), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error:") and "not found" in err and "Traceback" not in err


def test_export_refuses_a_model_without_string_input(tmp_path):
    import keras

    numeric = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    with pytest.raises(TypeError, match="not raw strings"):
        export_model(numeric, tmp_path)


@pytest.mark.parametrize("name", ["", "a b", "x/y", "ok:predict", "-x"])
def test_bad_model_names(name):
    with pytest.raises(ValueError, match="Invalid model name"):
        check_model_name(name)


def test_predictor_labels_and_nan_outputs():
    import tensorflow as tf

    def nan_for_empty(x):  # sigmoid-like output, NaN for an empty text (as a masked average gives)
        length = tf.cast(tf.strings.length(tf.reshape(x, (-1,))), tf.float32)
        return tf.reshape(tf.where(length > 0, 0.8, np.nan), (-1, 1))

    predictor = Predictor(nan_for_empty, input_rank=2, labels=("rotten", "fresh"))
    assert predictor.predict(["fine"])[0]["label"] == "fresh"
    with pytest.raises(UnscorableText) as info:
        predictor.predict(["fine", ""])
    assert info.value.index == 1
    with pytest.raises(ValueError, match="exactly two labels"):
        Predictor(nan_for_empty, input_rank=2, labels=("a", "b", "c"))
    with pytest.raises(ValueError, match="distinct"):
        Predictor(nan_for_empty, input_rank=2, labels=("a", "a"))


def test_predictor_load_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        Predictor.load(tmp_path / "missing.keras")
    with pytest.raises(FileNotFoundError, match="No SavedModel"):
        Predictor.load(tmp_path)
    (tmp_path / "model.h5").write_text("x")
    with pytest.raises(ValueError, match="expected a .keras file"):
        Predictor.load(tmp_path / "model.h5")


def test_overwrite_keeps_the_old_export_when_the_new_one_fails(exported, model_file, tmp_path, monkeypatch):
    import errno
    import shutil

    import keras

    out = tmp_path / "out"
    shutil.copytree(exported.keras_file.parent, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def disk_full(self, filepath, *args, **kwargs):  # half a SavedModel, then the disk is full
        import pathlib

        pathlib.Path(filepath).mkdir(parents=True)
        (pathlib.Path(filepath) / "saved_model.pb").write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(keras.Model, "export", disk_full)
    with pytest.raises(OSError, match="No space left"):
        export_model(model_file, out, overwrite=True)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # same files, same bytes: no partial file, no temporary left over


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: (d / "m.keras").write_text("not a model"), "is not a .keras model (not a zip archive)"),
        (lambda d: (d / "m.keras").write_bytes(b""), "is not a .keras model (the file is empty)"),
        (lambda d: (d / "m.keras").mkdir(), "is a folder, not a .keras model file"),
        (lambda d: None, "not found"),
    ],
)
def test_cli_export_tells_bad_model_paths_apart(tmp_path, capsys, make, message):
    from coursework.cli import main

    make(tmp_path)
    assert main(["export", "--model", str(tmp_path / "m.keras"), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error:") and message in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "flags, fragment",
    [
        (["--version", "0"], "--version"),
        (["--version", "x"], "--version"),
        (["--name", "a b"], "Invalid model name"),
    ],
)
def test_cli_export_flags_are_checked_while_parsing(model_file, tmp_path, capsys, flags, fragment):
    from coursework.cli import main

    assert main(["export", "--model", str(model_file), "--out", str(tmp_path), *flags]) == 2
    assert fragment in capsys.readouterr().err


def test_export_targets_are_checked_before_the_model_loads(model_file, tmp_path, monkeypatch):
    import coursework.persistence

    def no_loading(path):
        raise AssertionError("the model was loaded before the targets were checked")

    monkeypatch.setattr(coursework.persistence, "load_model", no_loading)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="it is a file, not a folder"):
        export_model(model_file, tmp_path / "file")
    (tmp_path / "o" / "sentiment").mkdir(parents=True)
    (tmp_path / "o" / "sentiment.keras").write_text("old")
    with pytest.raises(ValueError, match="already exists"):
        export_model(model_file, tmp_path / "o")
    assert (tmp_path / "o" / "sentiment.keras").read_text() == "old"
