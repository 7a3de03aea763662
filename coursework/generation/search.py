"""Temperature sampling and batched beam search over a step function (seed deck 003).

Example:
    >>> import numpy as np
    >>> sample_next(np.array([0.1, 0.7, 0.2]), temperature=1e-6)   # very low temperature = argmax
    1
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

# step(token_ids (beams,), state) -> (probabilities (beams, vocab), new_state)
StepFn = Callable[[np.ndarray, Any], tuple[np.ndarray, Any]]

_GREEDY_BELOW = 1e-3  # temperatures under this are treated as argmax (no overflow in 1/T)


def sample_next(probs, temperature: float = 1.0, rng: np.random.Generator | None = None) -> int:
    """Draw the next token id from ``probs`` re-weighted by ``temperature`` (the seed's ``sample()``).

    Numerically safe: zero probabilities are not passed to ``log`` (no warnings), and the softmax is
    computed with the maximum subtracted. ``temperature`` below 1e-3 returns the argmax.

    Raises:
        ValueError: if ``temperature <= 0`` or ``probs`` is empty, negative or has no mass.
    """
    if not np.isscalar(temperature) or not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a number > 0, got {temperature!r}.")
    p = np.asarray(probs, dtype="float64").ravel()
    if p.size == 0 or not np.all(np.isfinite(p)) or np.any(p < 0) or p.sum() <= 0:
        raise ValueError("probs must be a non-empty vector of non-negative probabilities with mass > 0.")
    if temperature < _GREEDY_BELOW:
        return int(np.argmax(p))
    logits = np.full_like(p, -np.inf)
    positive = p > 0
    logits[positive] = np.log(p[positive]) / temperature
    logits -= logits.max()
    weights = np.exp(logits)
    weights /= weights.sum()
    rng = rng if rng is not None else np.random.default_rng()
    return int(rng.choice(p.size, p=weights))


def _take(state, index: np.ndarray):
    """Reorder every array of a (possibly nested) state along its first axis."""
    if state is None:
        return None
    if isinstance(state, (list, tuple)):
        return type(state)(_take(s, index) for s in state)
    if isinstance(state, dict):
        return {k: _take(v, index) for k, v in state.items()}
    return np.asarray(state)[index]


def _settled(finished, beam_width: int, best_running_score: float) -> bool:
    """True once ``beam_width`` beams have finished and none still running scores better than the
    worst of them. Exact for summed log-probabilities (they only fall as a beam grows); for
    length-normalised scores it is the usual heuristic bound."""
    if len(finished) < beam_width:
        return False
    kth_best = sorted((s for _, s in finished), reverse=True)[beam_width - 1]
    return best_running_score <= kth_best


def beam_search_steps(step: StepFn, state, last_token: int, beam_width: int, max_length: int,
                      end_token: int | None = None, length_normalization: bool = True,
                      first_probs: np.ndarray | None = None) -> list[tuple[list[int], float]]:
    """Beam search: keep the ``beam_width`` most probable continuations, all advanced in one batched
    ``step`` call per position.

    Args:
        step: advances a batch of beams by one token (see :data:`StepFn`).
        state: the state after reading the prompt, for a batch of one (arrays with leading axis 1).
        last_token: the prompt's last token id, fed at the first step unless ``first_probs`` is given.
        beam_width: number of beams (1 = greedy decoding).
        max_length: maximum number of generated tokens.
        end_token: a token that finishes a beam (it is kept in the output). Search stops after
            ``max_length`` tokens, or once ``beam_width`` beams have finished and no running beam
            scores better than them; running beams still compete in the final ranking.
        length_normalization: rank by mean log-probability per token (seed deck 003) instead of the
            sum, so longer sequences are not penalised.
        first_probs: the next-token distribution after the prompt, when already known.

    Returns:
        Up to ``beam_width`` ``(token_ids, score)`` pairs, best first; ``score`` is the (normalised)
        log-probability.
    """
    if not isinstance(beam_width, (int, np.integer)) or beam_width < 1:
        raise ValueError(f"beam_width must be a positive integer, got {beam_width!r}.")
    if not isinstance(max_length, (int, np.integer)) or max_length < 1:
        raise ValueError(f"max_length must be a positive integer, got {max_length!r}.")

    def score(logp: float, length: int) -> float:
        return logp / max(length, 1) if length_normalization else logp

    sequences: list[list[int]] = [[]]
    log_probs = np.zeros(1)
    finished: list[tuple[list[int], float]] = []
    tokens = np.array([last_token])
    probs = None if first_probs is None else np.asarray(first_probs, dtype="float64").reshape(1, -1)
    for position in range(max_length):
        if probs is None:
            probs, state = step(tokens, state)
        with np.errstate(divide="ignore"):
            candidates = log_probs[:, None] + np.log(np.asarray(probs, dtype="float64"))
        vocab = candidates.shape[1]
        flat = candidates.ravel()
        order = np.argsort(-flat, kind="stable")[: beam_width * 2]
        keep_rows, keep_tokens, keep_logp = [], [], []
        for flat_index in order:
            row, token = divmod(int(flat_index), vocab)
            if not np.isfinite(flat[flat_index]):
                break
            new_sequence = sequences[row] + [token]
            if end_token is not None and token == end_token:
                finished.append((new_sequence, score(float(flat[flat_index]), len(new_sequence))))
            else:
                keep_rows.append(row)
                keep_tokens.append(token)
                keep_logp.append(float(flat[flat_index]))
            if len(keep_rows) == beam_width:
                break
        sequences = [sequences[r] + [t] for r, t in zip(keep_rows, keep_tokens)]
        log_probs = np.array(keep_logp)
        if not keep_rows or _settled(finished, beam_width, score(max(keep_logp), position + 1)):
            break
        state = _take(state, np.array(keep_rows))
        tokens = np.array(keep_tokens)
        probs = None
    # Beams still running at the end compete with the finished ones (they may score better).
    finished += [(s, score(float(lp), len(s))) for s, lp in zip(sequences, log_probs)]
    finished.sort(key=lambda item: -item[1])
    return finished[:beam_width]
