"""Repetition penalty and minimum length: the processors and their use by the one sampler and beam search."""

import numpy as np
import pytest

from coursework.generation.processors import (
    apply_min_length,
    apply_repetition_penalty,
    process_log_probs,
)
from coursework.generation.search import beam_search_steps, sample_steps

END = 0
# A "model" that always prefers token 1, then the end token, then token 2, then 3.
PROBS = np.array([0.3, 0.4, 0.2, 0.1])


def constant_step(tokens, state):
    return np.tile(PROBS, (len(tokens), 1)), state


def test_penalty_one_is_a_no_op():
    log_probs = np.log(np.array([PROBS, PROBS[::-1]]))
    generated = np.array([[1, 2], [3, 3]])
    np.testing.assert_array_equal(apply_repetition_penalty(log_probs, generated, 1.0), log_probs)
    np.testing.assert_array_equal(process_log_probs(log_probs, generated), log_probs)
    plain = beam_search_steps(constant_step, None, 5, beam_width=3, max_length=6, end_token=END)
    same = beam_search_steps(
        constant_step, None, 5, beam_width=3, max_length=6, end_token=END, repetition_penalty=1.0
    )
    assert plain == same


def test_repeated_token_scores_lower_and_others_unchanged():
    log_probs = np.log(np.array([PROBS, PROBS]))
    out = apply_repetition_penalty(log_probs, np.array([[1, 1], [2, 3]]), 1.5)
    assert out[0, 1] == pytest.approx(1.5 * log_probs[0, 1]) and out[0, 1] < log_probs[0, 1]
    np.testing.assert_array_equal(out[0, [0, 2, 3]], log_probs[0, [0, 2, 3]])  # only beam 0's token 1
    np.testing.assert_allclose(out[1, [2, 3]], 1.5 * log_probs[1, [2, 3]])
    np.testing.assert_array_equal(out[1, [0, 1]], log_probs[1, [0, 1]])


def test_greedy_stops_repeating_with_a_penalty():
    plain = sample_steps(constant_step, None, 5, 4, temperature=1e-6, stop_token=None)
    assert plain == [1, 1, 1, 1]
    penalised = sample_steps(constant_step, None, 5, 3, temperature=1e-6, repetition_penalty=3.0)
    assert len(set(penalised)) == 3  # every token once the earlier ones are penalised


def test_min_length_forbids_the_end_token_before_it():
    log_probs = np.log(np.array([PROBS]))
    assert apply_min_length(log_probs, 1, 2, END)[0, END] == -np.inf
    assert apply_min_length(log_probs, 2, 2, END)[0, END] == log_probs[0, END]  # allowed from min_length on
    end_first = lambda tokens, state: (np.tile([0.9, 0.05, 0.03, 0.02], (len(tokens), 1)), state)  # noqa: E731
    assert sample_steps(end_first, None, 5, 6, temperature=1e-6, stop_token=END) == [END]
    assert sample_steps(end_first, None, 5, 6, temperature=1e-6, stop_token=END, min_length=3) == [
        1,
        1,
        1,
        END,
    ]
    for ids, _ in beam_search_steps(end_first, None, 5, 3, 6, end_token=END, min_length=3):
        assert END not in ids[:3]
    best, _ = beam_search_steps(end_first, None, 5, 3, 6, end_token=END, min_length=3)[0]
    assert best == [1, 1, 1, END]


def test_beam_search_penalty_uses_each_beams_own_history():
    results = beam_search_steps(
        constant_step, None, 5, beam_width=2, max_length=3, end_token=None, repetition_penalty=4.0
    )
    for ids, _ in results:
        assert len(set(ids)) == len(ids), ids  # no beam repeats a token under a strong penalty


@pytest.mark.parametrize(
    "kwargs",
    [{"repetition_penalty": 0.5}, {"repetition_penalty": True}, {"min_length": -1}, {"min_length": 1.5}],
)
def test_bad_options_are_refused(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        beam_search_steps(constant_step, None, 5, 2, 3, end_token=END, **kwargs)
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        sample_steps(constant_step, None, 5, 3, **kwargs)
