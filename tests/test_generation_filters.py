"""Top-k and top-p filtering equal KerasHub's ``TopKSampler`` / ``TopPSampler``: the distribution each
sampler draws from is read off KerasHub's own code (:func:`keras_hub_distribution` intercepts its
``random.categorical`` call),
and compared with :func:`filtered_probs` and with the draws of :func:`sample_next`."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")
keras_hub = pytest.importorskip("keras_hub")

from coursework.generation.filters import filtered_probs, keras_hub_distribution  # noqa: E402
from coursework.generation.search import sample_next, sample_steps  # noqa: E402


def softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


PROBS = [
    softmax(np.random.default_rng(seed).normal(0, 2, size=12)).astype("float32") for seed in range(4)
] + [np.array([0.5, 0.25, 0.125, 0.0625, 0.0625], "float32")]  # exact sums: the p boundary matters


@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("index", range(len(PROBS)))
def test_top_k_equals_keras_hub_top_k_sampler(k, index):
    probs = PROBS[index]
    expected = keras_hub_distribution(keras_hub.samplers.TopKSampler(k=k, seed=1), probs)
    np.testing.assert_allclose(filtered_probs(probs, top_k=k), expected, atol=1e-6)


@pytest.mark.parametrize("p", [0.05, 0.5, 0.75, 0.8, 0.9, 0.875, 1.0])
@pytest.mark.parametrize("index", range(len(PROBS)))
def test_top_p_equals_keras_hub_top_p_sampler(p, index):
    probs = PROBS[index]
    expected = keras_hub_distribution(keras_hub.samplers.TopPSampler(p=p, seed=1), probs)
    np.testing.assert_allclose(filtered_probs(probs, top_p=p), expected, atol=1e-6)


@pytest.mark.parametrize("p, k", [(0.5, 3), (0.9, 2), (0.75, 4)])
def test_top_p_with_k_cutoff_equals_keras_hub(p, k):
    for probs in PROBS:
        expected = keras_hub_distribution(keras_hub.samplers.TopPSampler(p=p, k=k, seed=1), probs)
        np.testing.assert_allclose(filtered_probs(probs, top_k=k, top_p=p), expected, atol=1e-6)


def test_boundary_keeps_the_token_that_reaches_p():
    # 0.5 + 0.25 = 0.75 exactly: the token after them is kept too (mass before it is ≤ p)
    assert np.count_nonzero(filtered_probs(PROBS[-1], top_p=0.75)) == 3
    assert np.count_nonzero(filtered_probs(PROBS[-1], top_p=0.74)) == 2


@pytest.mark.parametrize("temperature", [1.0, 0.7])
def test_sample_next_draws_from_the_filtered_distribution(temperature):
    """The sampler's draws follow the filtered, tempered distribution (chi-square-like bound)."""
    logits = np.log(PROBS[0].astype("float64"))
    tempered = softmax(logits / temperature)
    rng = np.random.default_rng(0)
    for kwargs in ({"top_k": 3}, {"top_p": 0.8}, {"top_k": 4, "top_p": 0.6}):
        expected = filtered_probs(tempered, **kwargs)
        draws = [sample_next(logits, temperature, rng, from_logits=True, **kwargs) for _ in range(4000)]
        counts = np.bincount(draws, minlength=logits.size) / len(draws)
        assert set(np.flatnonzero(counts)) <= set(np.flatnonzero(expected))
        np.testing.assert_allclose(counts, expected, atol=0.03)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"top_k": 0}, "top_k"),
        ({"top_k": 1.5}, "top_k"),
        ({"top_p": 0.0}, "top_p"),
        ({"top_p": 1.01}, "top_p"),
        ({"top_p": float("nan")}, "top_p"),
    ],
)
def test_bad_top_k_top_p_name_the_option(kwargs, name):
    with pytest.raises(ValueError, match=name):
        sample_next([0.5, 0.5], 1.0, **kwargs)
    with pytest.raises(ValueError, match=name):
        sample_steps(lambda t, s: (np.array([[0.5, 0.5]]), s), None, 0, 3, **kwargs)


def test_top_k_one_is_greedy():
    step = lambda tokens, state: (np.array([[0.2, 0.5, 0.3]]), state)  # noqa: E731
    assert sample_steps(step, None, 0, 5, temperature=2.0, top_k=1, rng=np.random.default_rng(1)) == [1] * 5
