"""Small shared pieces: tables, plots, path checks, notebook discovery, recipe registry."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from coursework import plots  # noqa: E402
from coursework.notebooks import find_notebooks  # noqa: E402
from coursework.persistence import check_writable_model_path, load_model  # noqa: E402
from coursework.recipes import Recipe, all_recipes, get_recipe, register  # noqa: E402
from coursework.reporting import format_table  # noqa: E402


def test_format_table_aligns_columns():
    text = format_table(["task", "value"], [["addition", 0.99512], ["x", 12]])
    lines = text.splitlines()
    assert lines[0].startswith("task      value") and set(lines[1]) <= {"-", " "}
    assert lines[2] == "addition  0.9951" and lines[3] == "x         12"


def test_plot_history_labels_everything():
    axes = plots.plot_history(
        {"loss": [1.0, 0.5], "val_loss": [1.2, 0.8], "acc": [0.5, 0.7]}, ["loss", "acc"]
    )
    assert [ax.get_xlabel() for ax in axes] == ["época", "época"]
    assert axes[0].get_title() and len(axes[0].get_lines()) == 2 and len(axes[1].get_lines()) == 1
    legend = [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert legend == ["entrenamiento", "validación"]
    (val_only,) = plots.plot_history({"val_exact_match": [0.5, 0.9]}, ["val_exact_match"])
    assert [t.get_text() for t in val_only.get_legend().get_texts()] == ["validación"]
    with pytest.raises(KeyError, match="not in history"):
        plots.plot_history({"loss": [1.0]}, ["accuracy"])


def test_heatmap_and_confusion_matrix():
    ax = plots.plot_heatmap(np.eye(2, 3), ["a", "b", "c"], ["x", "y"], "t", "source", "target")
    assert ax.get_xlabel() == "source" and ax.get_title() == "t"
    with pytest.raises(ValueError, match="does not match labels"):
        plots.plot_heatmap(np.eye(3), ["a"], ["x"], "t", "s", "t")
    counts = plots.confusion_matrix([0, 1, 1, 1], [0, 1, 0, 1])
    assert counts.tolist() == [[1, 0], [1, 2]]
    ax = plots.plot_confusion_matrix([0, 1, 1], [0, 1, 0], ["neg", "pos"])
    assert ax.get_ylabel() == "etiqueta real"


def test_model_path_checks(tmp_path):
    assert check_writable_model_path(tmp_path / "m.keras").name == "m.keras"
    with pytest.raises(ValueError, match=".keras"):
        check_writable_model_path(tmp_path / "m.h5")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        check_writable_model_path(tmp_path / "missing" / "m.keras")
    with pytest.raises(FileNotFoundError, match="not found"):
        load_model(tmp_path / "absent.keras")
    (tmp_path / "bad.keras").write_text("not a model")
    with pytest.raises(ValueError, match="is not a .keras model"):  # told apart from "not found"
        load_model(tmp_path / "bad.keras")
    with pytest.raises(IsADirectoryError, match="is a folder"):
        load_model(tmp_path)


def test_find_notebooks(tmp_path):
    (tmp_path / "01a_x.ipynb").write_text("{}")
    (tmp_path / "06a_y.ipynb").write_text("{}")
    assert [p.name for p in find_notebooks([], tmp_path)] == ["01a_x.ipynb", "06a_y.ipynb"]
    assert [p.name for p in find_notebooks(["06"], tmp_path)] == ["06a_y.ipynb"]
    with pytest.raises(FileNotFoundError, match="No notebook matches"):
        find_notebooks(["07"], tmp_path)
    with pytest.raises(FileNotFoundError, match="not found"):
        find_notebooks([], tmp_path / "nope")


def test_registry_rejects_duplicates_and_names_known_tasks():
    recipe = get_recipe("addition")
    assert recipe in all_recipes()
    assert register(recipe) is recipe  # registering the same object again is harmless
    impostor = type("Impostor", (Recipe,), {"name": "addition"})()
    with pytest.raises(ValueError, match="registered twice"):
        register(impostor)
    with pytest.raises(TypeError, match="Recipe instance"):
        register(type(recipe))
    with pytest.raises(KeyError, match="Known tasks: .*addition"):
        get_recipe("additon")
