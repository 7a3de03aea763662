"""The addition recipe end to end: model size, metrics, inference and its errors, save/load."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from coursework.datasets.addition import AdditionTask  # noqa: E402
from coursework.metrics import SequenceExactMatch, exact_match, sequence_exact_match  # noqa: E402
from coursework.models import build_addition_seq2seq  # noqa: E402
from coursework.recipes import TrainConfig, get_recipe  # noqa: E402
from coursework.recipes.addition import solve, task_of  # noqa: E402


def test_seed_parameter_count_with_and_without_reversal():
    assert build_addition_seq2seq().count_params() == 205_324
    reversed_model = build_addition_seq2seq(reverse_input=True)
    assert reversed_model.count_params() == 205_324
    assert reversed_model.input_shape == (None, 7, 12)
    assert reversed_model.output_shape == (None, 4, 12)
    assert build_addition_seq2seq(digits=4).count_params() == 205_324  # LSTMs do not grow with time


def test_bad_builder_arguments():
    with pytest.raises(ValueError, match="units"):
        build_addition_seq2seq(units=0)


def test_reverse_layer_feeds_the_encoder_the_reversed_query():
    model = build_addition_seq2seq(reverse_input=True)
    plain = build_addition_seq2seq(reverse_input=False)
    plain.set_weights(model.get_weights())
    x = AdditionTask(3).encode_queries(["12+345", "7+8"])
    np.testing.assert_allclose(model.predict(x, verbose=0), plain.predict(x[:, ::-1], verbose=0),
                               rtol=1e-5, atol=1e-6)


def test_exact_match_metric_agrees_with_numpy():
    rng = np.random.default_rng(0)
    y = np.eye(12)[rng.integers(0, 12, size=(64, 4))]
    p = y.copy()
    p[::3, 2] = np.roll(p[::3, 2], 1, axis=-1)  # every third sequence wrong in one position
    expected = 1 - len(range(0, 64, 3)) / 64
    assert float(sequence_exact_match(y, p)) == pytest.approx(expected)
    metric = SequenceExactMatch()
    metric.update_state(y[:32], p[:32])
    metric.update_state(y[32:], p[32:])
    assert float(metric.result()) == pytest.approx(expected)
    assert exact_match(["15", "253"], ["15", "252"]) == 0.5
    with pytest.raises(ValueError):
        exact_match(["1"], [])


@pytest.fixture(scope="module")
def trained():
    """The ci-profile recipe, trained once for this module (about 20 s on 2 cores)."""
    return get_recipe("addition").train(TrainConfig(profile="ci", seed=1, verbose=0))


def test_ci_recipe_learns_well_beyond_chance(trained):
    # chance exact match on 4 characters is ~0; always writing the commonest character gives ~0.30
    baseline = trained.extra["data"].majority_char_baseline("test")
    assert trained.metrics["exact_match"] > 0.05, trained.metrics
    assert trained.metrics["char_accuracy"] > baseline + 0.2, (trained.metrics, baseline)
    assert trained.history["loss"][-1] < trained.history["loss"][0]


def test_solve_answers_strings_and_names_bad_input(trained):
    answers = solve(trained.model, ["12+3", "129+124", " 5 + 5 "])
    assert len(answers) == 3 and all(a.isdigit() for a in answers)
    assert solve(trained.model, []) == []
    for query, problem in [("1234+1", "more than 3 digits"), ("", "empty"), ("1+2+3", "more than one"),
                           ("a+1", "unknown character"), ("12+", "missing operand")]:
        with pytest.raises(ValueError, match=problem):
            solve(trained.model, ["1+1", query])


def test_saved_model_loads_without_custom_objects(trained, tmp_path):
    path = tmp_path / "addition.keras"
    trained.model.save(path)
    loaded = keras.saving.load_model(path)
    queries = trained.extra["data"].queries["test"][:50]
    assert solve(loaded, queries) == solve(trained.model, queries)
    assert task_of(loaded) == AdditionTask(3)


def test_task_of_rejects_other_models():
    model = keras.Sequential([keras.Input((8, 12)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="Not an addition model"):
        task_of(model)


def test_splits_used_by_the_recipe_never_share_pairs(trained):
    splits = trained.extra["data"]
    train = set(splits.queries["train"])
    assert not train & set(splits.queries["test"])
    assert not train & set(splits.queries["validation"])
