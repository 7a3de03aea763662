"""Log-probability processors: adjust one decoding step's scores given the tokens generated so far.

Both are used by the package's one sampler and one beam search
(:func:`~coursework.generation.search.sample_steps`, :func:`~coursework.generation.search.beam_search_steps`)
through :func:`process_log_probs`; each works on a ``(beams, vocab)`` array of log-probabilities and
returns a new array (the input is never modified).

- :func:`apply_repetition_penalty`: the log-probability of every token a beam has already generated
  is multiplied by ``penalty`` (> 1 makes it more negative, so a repeated token scores lower; 1 is a
  no-op). Log-probabilities are ≤ 0, so this is the CTRL penalty (Keskar et al., 2019) for the
  negative side, without the sign split that raw logits need.
- :func:`apply_min_length`: the end token gets ``-inf`` while fewer than ``min_length`` tokens have
  been generated, so every output has at least ``min_length`` tokens before the end token.

Example:
    >>> import numpy as np
    >>> log_probs = np.log([[0.5, 0.3, 0.2]])
    >>> np.round(apply_repetition_penalty(log_probs, np.array([[1]]), 2.0), 3)
    array([[-0.693, -2.408, -1.609]])
    >>> apply_min_length(log_probs, generated_length=0, min_length=1, end_token=2)[0, 2]
    np.float64(-inf)
"""

from __future__ import annotations

import numpy as np


def check_repetition_penalty(penalty) -> float:
    """``penalty`` as a float ≥ 1, or a ``ValueError`` naming it."""
    if (
        isinstance(penalty, (bool, str))
        or not np.isscalar(penalty)
        or not np.isfinite(penalty)
        or penalty < 1
    ):
        raise ValueError(f"repetition_penalty must be a number ≥ 1 (1 = no penalty), got {penalty!r}.")
    return float(penalty)


def check_min_length(min_length) -> int:
    """``min_length`` as an int ≥ 0, or a ``ValueError`` naming it."""
    if isinstance(min_length, bool) or not isinstance(min_length, (int, np.integer)) or min_length < 0:
        raise ValueError(f"min_length must be an integer ≥ 0, got {min_length!r}.")
    return int(min_length)


def apply_repetition_penalty(log_probs, generated, penalty: float) -> np.ndarray:
    """Multiply by ``penalty`` the log-probability of each token already in that beam's ``generated``
    row (``(beams, length)`` token ids; each token is penalised once, however often it appeared)."""
    out = np.array(log_probs, dtype="float64", copy=True)
    generated = np.asarray(generated)
    if penalty == 1.0 or generated.size == 0:
        return out
    rows = np.repeat(np.arange(out.shape[0]), generated.shape[1])
    seen = np.zeros(out.shape, dtype=bool)
    seen[rows, generated.ravel()] = True
    out[seen] *= penalty
    return out


def apply_min_length(log_probs, generated_length: int, min_length: int, end_token: int | None) -> np.ndarray:
    """Forbid ``end_token`` (log-probability ``-inf``) while ``generated_length < min_length``."""
    out = np.array(log_probs, dtype="float64", copy=True)
    if end_token is not None and generated_length < min_length:
        out[:, end_token] = -np.inf
    return out


def process_log_probs(
    log_probs, generated, end_token: int | None = None, repetition_penalty: float = 1.0, min_length: int = 0
) -> np.ndarray:
    """Both processors in order: repetition penalty, then minimum length (``generated`` is
    ``(beams, length)``: the tokens each beam has generated so far)."""
    generated = np.asarray(generated, dtype="int64").reshape(np.shape(log_probs)[0], -1)
    out = apply_repetition_penalty(log_probs, generated, repetition_penalty)
    return apply_min_length(out, generated.shape[1], min_length, end_token)
