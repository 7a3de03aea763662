"""The package's one sampler and one beam search equal KerasHub's samplers on a toy next-token
function: ``GreedySampler`` and ``BeamSampler`` exactly (length normalisation off), ``RandomSampler``
in distribution (the two libraries draw from different random generators)."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")
keras_hub = pytest.importorskip("keras_hub")

from coursework.generation.search import beam_search_steps, sample_next, sample_steps  # noqa: E402

VOCAB = 7
LOGITS = np.random.default_rng(3).normal(0.0, 1.5, size=(VOCAB, VOCAB)).astype("float32")
START = 2


def softmax(x, temperature=1.0):
    z = np.asarray(x, dtype="float64") / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def hub_next(prompt, cache, index):
    """KerasHub's ``next(prompt, cache, index) -> (logits, hidden, cache)``: a bigram table."""
    last = keras.ops.take(prompt, index - 1, axis=1)
    return keras.ops.take(keras.ops.convert_to_tensor(LOGITS), last, axis=0), None, cache


def our_step(tokens, state):
    """The package's ``step(tokens, state) -> (probabilities, state)`` on the same table."""
    return softmax(LOGITS[np.asarray(tokens)]), state


def prompt_of(length, batch=1):
    prompt = np.zeros((batch, length + 1), dtype="int32")
    prompt[:, 0] = START
    return prompt


@pytest.mark.parametrize("length", [1, 6])
def test_greedy_equals_keras_hub_greedy_sampler(length):
    expected = keras.ops.convert_to_numpy(
        keras_hub.samplers.GreedySampler()(hub_next, prompt_of(length), index=1)
    )[0, 1:].tolist()
    assert sample_steps(our_step, None, START, length, temperature=1e-6) == expected
    [(beam_one, _)] = beam_search_steps(our_step, None, START, 1, length, length_normalization=False)
    assert beam_one == expected


@pytest.mark.parametrize("num_beams, length", [(2, 4), (3, 5), (5, 3)])
def test_beam_search_equals_keras_hub_beam_sampler(num_beams, length):
    sampler = keras_hub.samplers.BeamSampler(num_beams=num_beams, return_all_beams=True)
    prompts, log_probs = sampler(hub_next, prompt_of(length), index=1)
    hub = [
        (row[1:].tolist(), float(lp))
        for row, lp in zip(
            keras.ops.convert_to_numpy(prompts)[0], keras.ops.convert_to_numpy(log_probs)[0], strict=False
        )
    ]
    ours = beam_search_steps(our_step, None, START, num_beams, length, length_normalization=False)
    # Same beams with the same scores, best first. A bigram table gives exact ties (4 1 2 4 4 and
    # 4 4 1 2 4 use the same transitions), which either library may list in either order.
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in hub], rtol=1e-5, atol=1e-5)
    assert sorted(ids for ids, _ in ours) == sorted(ids for ids, _ in hub)
    for ids, score in ours:
        assert score == pytest.approx(dict((tuple(i), s) for i, s in hub)[tuple(ids)], abs=1e-5)


@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0])
def test_sampling_draws_the_distribution_of_keras_hub_random_sampler(temperature):
    n = 4000
    sampler = keras_hub.samplers.RandomSampler(temperature=temperature, seed=7)
    hub = keras.ops.convert_to_numpy(sampler(hub_next, prompt_of(1, batch=n), index=1))[:, 1]
    rng = np.random.default_rng(7)
    ours = [sample_next(LOGITS[START], temperature, rng, from_logits=True) for _ in range(n)]
    from_probs = [sample_next(softmax(LOGITS[START]), temperature, rng) for _ in range(n)]
    expected = softmax(LOGITS[START], temperature)
    frequencies = [np.bincount(draws, minlength=VOCAB) / n for draws in (hub, ours, from_probs)]
    # 4000 draws: the standard error of a frequency is at most 0.008; 0.03 is about four of them.
    for observed in frequencies:
        np.testing.assert_allclose(observed, expected, atol=0.03)
    np.testing.assert_allclose(frequencies[1], frequencies[0], atol=0.04)
