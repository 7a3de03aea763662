import warnings

import numpy as np
import pytest

from coursework.generation import beam_search_steps, sample_next

RNG = np.random.default_rng(0)
BIGRAMS = RNG.dirichlet(np.full(6, 0.4), size=6)  # next-token table of a toy "model"


def bigram_step(tokens, state):
    """A step function whose state counts calls per beam (to check that states follow beams)."""
    return BIGRAMS[tokens], state + 1


def greedy(start, length):
    out, token = [], start
    for _ in range(length):
        token = int(BIGRAMS[token].argmax())
        out.append(token)
    return out


@pytest.mark.parametrize("temperature", [0, -1, float("nan"), float("inf")])
def test_temperature_must_be_positive(temperature):
    with pytest.raises(ValueError, match="temperature"):
        sample_next([0.5, 0.5], temperature)


@pytest.mark.parametrize("probs", [[], [0, 0], [0.5, -0.1], [np.nan, 1]])
def test_bad_probabilities(probs):
    with pytest.raises(ValueError, match="probs"):
        sample_next(probs, 1.0)


def test_tiny_temperature_is_argmax_and_zeros_raise_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sample_next([0.0, 0.3, 0.7, 0.0], 1e-9) == 2
        draws = {sample_next([0.0, 0.5, 0.5], 0.5, np.random.default_rng(i)) for i in range(50)}
    assert draws == {1, 2}  # never the zero-probability token


def test_sampling_is_seedable_and_follows_temperature():
    p = np.array([0.6, 0.3, 0.1])
    a = [sample_next(p, 1.0, np.random.default_rng(5)) for _ in range(3)]
    b = [sample_next(p, 1.0, np.random.default_rng(5)) for _ in range(3)]
    assert a == b
    rng = np.random.default_rng(0)
    cold = np.mean([sample_next(p, 0.2, rng) == 0 for _ in range(2000)])
    hot = np.mean([sample_next(p, 5.0, rng) == 0 for _ in range(2000)])
    normal = np.mean([sample_next(p, 1.0, rng) == 0 for _ in range(2000)])
    assert cold > 0.95 and abs(normal - 0.6) < 0.04 and hot < 0.45


def test_beam_width_one_is_greedy():
    for start in range(6):
        [(tokens, _)] = beam_search_steps(bigram_step, np.zeros(1), start, 1, 8)
        assert tokens == greedy(start, 8)


def test_beams_are_sorted_scored_and_states_follow_their_beams():
    seen_states = []

    def step(tokens, state):
        seen_states.append(state.copy())
        return bigram_step(tokens, state)

    results = beam_search_steps(step, np.zeros(1), 0, 4, 5, length_normalization=False)
    scores = [s for _, s in results]
    assert scores == sorted(scores, reverse=True) and len(results) == 4
    for tokens, score in results:  # score = log-probability of the sequence under the table
        logp = sum(np.log(BIGRAMS[a, b]) for a, b in zip([0] + tokens[:-1], tokens, strict=False))
        assert score == pytest.approx(logp)
    assert all(np.all(s == i) for i, s in enumerate(seen_states))  # state = steps taken by every beam
    # wider beams never find a worse best sequence than greedy
    greedy_logp = beam_search_steps(bigram_step, np.zeros(1), 0, 1, 5, length_normalization=False)[0][1]
    assert scores[0] >= greedy_logp - 1e-12


def test_end_token_finishes_beams_and_normalisation_divides_by_length():
    results = beam_search_steps(bigram_step, np.zeros(1), 0, 3, 10, end_token=5)
    for tokens, score in results:
        assert 5 not in tokens[:-1]
        logp = sum(np.log(BIGRAMS[a, b]) for a, b in zip([0] + tokens[:-1], tokens, strict=False))
        assert score == pytest.approx(logp / len(tokens))


def test_bad_search_arguments():
    with pytest.raises(ValueError, match="beam_width"):
        beam_search_steps(bigram_step, np.zeros(1), 0, 0, 5)
    with pytest.raises(ValueError, match="max_length"):
        beam_search_steps(bigram_step, np.zeros(1), 0, 2, 0)


def test_finished_beams_do_not_cut_off_better_running_ones():
    # After two steps two short hypotheses have ended, but the running "a a" goes on to end with a
    # better mean log-probability; it must win (an early stop used to drop it).
    end, a = 0, 1
    tables = {1: [0.3, 0.5, 0.2], 2: [0.45, 0.5, 0.05], 3: [0.99, 0.005, 0.005]}

    def step(tokens, position):
        return np.array([tables[int(p) + 1] for p in position]), position + 1

    results = beam_search_steps(step, np.zeros(1), 9, beam_width=2, max_length=5, end_token=end)
    assert results[0][0] == [a, a, end]
    assert results[0][1] == pytest.approx(np.log(0.5 * 0.5 * 0.99) / 3)


# -- exactness against exhaustive search ---------------------------------------------------------
def exhaustive(tables, start, end, max_length):
    """Every hypothesis a search may return, with its total log-probability: sequences that end with
    ``end`` within ``max_length`` tokens, and sequences of ``max_length`` tokens without it.
    ``tables[i, a, b]`` is the probability of token ``b`` after ``a`` at position ``i``."""
    import itertools

    out = []
    for length in range(1, max_length + 1):
        for seq in itertools.product(range(tables.shape[-1]), repeat=length):
            if end in seq[:-1] or (length < max_length and seq[-1] != end):
                continue
            logp = sum(
                np.log(tables[i, a, b])
                for i, (a, b) in enumerate(zip((start,) + seq[:-1], seq, strict=False))
            )
            out.append((list(seq), float(logp)))
    return sorted(out, key=lambda item: -item[1])


@pytest.mark.parametrize("seed", range(4))
def test_wide_beam_with_end_token_equals_exhaustive_search(seed):
    # one table per position (the state counts positions), so no two hypotheses tie; token 0 ends
    tables = np.random.default_rng(seed).dirichlet(np.full(4, 0.5), size=(4, 4))

    def step(tokens, position):
        return tables[position, tokens], position + 1

    expected = exhaustive(tables, 1, 0, 4)
    results = beam_search_steps(step, np.zeros(1, int), 1, 4**3, 4, end_token=0, length_normalization=False)
    assert [ids for ids, _ in results[:10]] == [ids for ids, _ in expected[:10]]
    np.testing.assert_allclose([s for _, s in results[:10]], [s for _, s in expected[:10]])
    # a narrow beam returns true hypotheses with their exact scores, never beating the optimum
    scores = dict((tuple(i), s) for i, s in expected)
    for ids, score in beam_search_steps(
        step, np.zeros(1, int), 1, 2, 4, end_token=0, length_normalization=False
    ):
        assert score == pytest.approx(scores[tuple(ids)])
        assert score <= expected[0][1] + 1e-12


# -- limits, per-step cost, progress -------------------------------------------------------------
def test_limits_are_refused_by_name():
    from coursework.generation.search import MAX_BEAM_TOKENS, MAX_BEAM_WIDTH, MAX_LENGTH, sample_steps

    with pytest.raises(ValueError, match="MAX_BEAM_WIDTH"):
        beam_search_steps(bigram_step, np.zeros(1), 0, MAX_BEAM_WIDTH + 1, 5)
    with pytest.raises(ValueError, match="MAX_LENGTH"):
        beam_search_steps(bigram_step, np.zeros(1), 0, 2, MAX_LENGTH + 1)
    with pytest.raises(ValueError, match="MAX_BEAM_TOKENS"):
        beam_search_steps(bigram_step, np.zeros(1), 0, MAX_BEAM_WIDTH, MAX_BEAM_TOKENS // MAX_BEAM_WIDTH + 1)
    with pytest.raises(ValueError, match="MAX_LENGTH"):
        sample_steps(bigram_step, np.zeros(1), 0, MAX_LENGTH + 1)
    beam_search_steps(bigram_step, np.zeros(1), 0, MAX_BEAM_WIDTH, 2)  # at the limit: accepted


def test_progress_is_reported_per_position_and_quiet_by_default():
    from coursework.generation.search import sample_steps

    calls = []
    out = sample_steps(
        bigram_step, np.zeros(1), 0, 25, temperature=1.0, rng=np.random.default_rng(0), progress=calls.append
    )
    assert len(out) == 25 and calls == [1] * 25
    calls.clear()
    beam_search_steps(bigram_step, np.zeros(1), 0, 3, 12, progress=calls.append)
    assert calls == [1] * 12


def _stochastic(seed, width=4, length=6, temperature=1.0, start=2):
    rng = np.random.default_rng(seed)
    return beam_search_steps(
        bigram_step, np.zeros(1), start, width, length, sample=True, temperature=temperature, rng=rng
    )


def test_stochastic_beam_is_seeded_distinct_and_scored_like_the_deterministic_one():
    first, again = _stochastic(7), _stochastic(7)
    assert first == again  # same seed, same beams
    assert any(_stochastic(seed) != first for seed in range(1, 6))  # other seeds draw other beams
    for seed in range(5):
        beams = _stochastic(seed)
        assert len({tuple(tokens) for tokens, _ in beams}) == len(beams) == 4  # drawn without replacement
        for tokens, score in beams:  # the score is still the true mean log-probability of the beam
            logp = np.log(BIGRAMS[[2, *tokens[:-1]], tokens]).sum()
            assert score == pytest.approx(logp / len(tokens))


def test_stochastic_beam_at_low_temperature_is_the_deterministic_beam():
    deterministic = beam_search_steps(bigram_step, np.zeros(1), 2, 4, 6)
    for seed in range(3):
        assert _stochastic(seed, temperature=1e-4) == deterministic  # below 1e-3: no noise at all
        low = _stochastic(seed, temperature=1e-2)  # noise scaled by T: far smaller than the log-prob gaps
        assert [tokens for tokens, _ in low] == [tokens for tokens, _ in deterministic]


def test_stochastic_beam_draws_candidates_in_proportion_to_their_probability():
    # one position, beam width 1: the first token is drawn from softmax(log p / T)
    probs = BIGRAMS[0]
    for temperature in (1.0, 0.5):
        rng = np.random.default_rng(0)
        draws = [
            beam_search_steps(
                bigram_step, np.zeros(1), 0, 1, 1, sample=True, temperature=temperature, rng=rng
            )[0][0][0]
            for _ in range(4000)
        ]
        expected = probs ** (1 / temperature) / (probs ** (1 / temperature)).sum()
        frequencies = np.bincount(draws, minlength=probs.size) / len(draws)
        np.testing.assert_allclose(frequencies, expected, atol=0.03)
    with pytest.raises(ValueError, match="temperature"):
        beam_search_steps(bigram_step, np.zeros(1), 0, 2, 3, sample=True, temperature=0)
