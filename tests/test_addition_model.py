"""The addition recipe end to end: model size, metrics, inference and its errors, save/load."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    np.testing.assert_allclose(
        model.predict(x, verbose=0), plain.predict(x[:, ::-1], verbose=0), rtol=1e-5, atol=1e-6
    )


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
    for query, problem in [
        ("1234+1", "more than 3 digits"),
        ("", "empty"),
        ("1+2+3", "more than one"),
        ("a+1", "unknown character"),
        ("12+", "missing operand"),
    ]:
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


@pytest.fixture(scope="module")
def untrained():
    return build_addition_seq2seq()


def test_solve_names_a_wrong_queries_argument(untrained):
    for queries in (None, 12, {"12+3"}):
        with pytest.raises(TypeError, match="queries must be a string or a list of strings"):
            solve(untrained, queries)
    assert len(solve(untrained, np.array(["12+3", "1+1"]))) == 2


def test_solve_refuses_a_model_of_another_kind():
    # a sentiment-like model (one vector per text): before, input_shape[1] gave an IndexError
    flat = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1, activation="sigmoid")])
    texts = keras.Sequential([keras.Input((), dtype="string"), keras.layers.StringLookup(vocabulary=["a"])])
    wrong_width = keras.Sequential([keras.Input((7, 30)), keras.layers.Dense(12)])
    for model in (flat, texts, wrong_width, "not a model"):
        with pytest.raises(ValueError, match="Not an addition model"):
            solve(model, ["12+3"])


def test_a_space_inside_a_number_is_refused_not_joined(untrained):
    with pytest.raises(ValueError, match="a space inside a number"):
        solve(untrained, ["1 2+3"])
    assert AdditionTask(3).parse(" 12 + 3 ") == (12, 3)  # spaces around the operands are fine


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="0123456789+ \t"), st.none(), st.integers(), st.binary()))
def test_query_parser_returns_or_names_the_problem(query):
    """For any input, the parser behind solve() encodes it or raises ValueError/TypeError with a message."""
    task = AdditionTask(3)
    try:
        x = task.encode_queries([query])
    except (ValueError, TypeError) as error:
        assert str(error).strip()
    else:
        assert x.shape == (1, task.query_length, task.vocab_size)
        a, b = task.parse(query)
        assert 0 <= a < 1000 and 0 <= b < 1000


def test_splits_used_by_the_recipe_never_share_pairs(trained):
    splits = trained.extra["data"]
    train = set(splits.queries["train"])
    assert not train & set(splits.queries["test"])
    assert not train & set(splits.queries["validation"])
