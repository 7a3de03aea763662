"""The one sampler and the one beam search of the package, over a step function (seed deck 003).

Every model reaches generation through a *step function*
``step(token_ids (beams,), state) -> (probabilities or logits (beams, vocab), new_state)``.

Limits (each refused with a ``ValueError`` naming it, before any work starts):

- :data:`MAX_LENGTH` generated tokens per call;
- :data:`MAX_BEAM_WIDTH` beams;
- :data:`MAX_BEAM_TOKENS` for beam width × length (the total work of one beam search).

Beam search keeps back-pointers (one parent index and one token per beam and step), so the cost of
a step does not grow with the length already generated; sequences are rebuilt once, at the end.

Example:
    >>> import numpy as np
    >>> sample_next(np.array([0.1, 0.7, 0.2]), temperature=1e-6)   # very low temperature = argmax
    1
    >>> check_limits(beam_width=1000, length=5)
    Traceback (most recent call last):
    ...
    ValueError: beam width 1000 is over the limit MAX_BEAM_WIDTH = 128.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

import numpy as np

from coursework.generation.filters import check_top_k, check_top_p, filter_logits
from coursework.generation.processors import check_min_length, check_repetition_penalty, process_log_probs

# step(token_ids (beams,), state) -> (probabilities (beams, vocab), new_state)
StepFn = Callable[[np.ndarray, Any], tuple[np.ndarray, Any]]
# progress(tokens) is called after each generated position with the number of new positions (1).
ProgressFn = Callable[[int], Any]

DEFAULT_TEMPERATURE = 0.5
"""Temperature used when none is given: by the library, the ``generate`` command and the recipes."""
MAX_LENGTH = 100_000
"""Most tokens one call may generate (sampling or beam search)."""
MAX_BEAM_WIDTH = 128
"""Most beams of one beam search (each step scores width × vocabulary candidates)."""
MAX_BEAM_TOKENS = 100_000
"""Most beam width × length of one beam search."""

_GREEDY_BELOW = 1e-3  # temperatures under this are treated as argmax (no overflow in 1/T)


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_limits(
    beam_width: int | None = None, length: int | None = None, length_name: str = "length"
) -> None:
    """Refuse a beam width, a length or their product over the documented caps.

    Raises:
        ValueError: naming the argument, or the limit (:data:`MAX_BEAM_WIDTH`, :data:`MAX_LENGTH`,
            :data:`MAX_BEAM_TOKENS`) that was exceeded.
    """
    if beam_width is not None:
        if not _is_int(beam_width) or beam_width < 1:
            raise ValueError(f"beam_width must be a positive integer, got {beam_width!r}.")
        if beam_width > MAX_BEAM_WIDTH:
            raise ValueError(f"beam width {beam_width} is over the limit MAX_BEAM_WIDTH = {MAX_BEAM_WIDTH}.")
    if length is not None:
        if not _is_int(length) or length < 1:
            raise ValueError(f"{length_name} must be a positive integer, got {length!r}.")
        if length > MAX_LENGTH:
            raise ValueError(f"{length_name} {length} is over the limit MAX_LENGTH = {MAX_LENGTH}.")
    if beam_width is not None and length is not None and beam_width * length > MAX_BEAM_TOKENS:
        raise ValueError(
            f"beam width × length = {beam_width} × {length} = {beam_width * length} is over "
            f"the limit MAX_BEAM_TOKENS = {MAX_BEAM_TOKENS}."
        )


def _check_temperature(temperature) -> float:
    if (
        not np.isscalar(temperature)
        or isinstance(temperature, (bool, str))
        or not np.isfinite(temperature)
        or temperature <= 0
    ):
        raise ValueError(f"temperature must be a number > 0, got {temperature!r}.")
    return float(temperature)


def sample_next(
    probs,
    temperature: float = DEFAULT_TEMPERATURE,
    rng: np.random.Generator | None = None,
    from_logits: bool = False,
    top_k: int | None = None,
    top_p: float | None = None,
) -> int:
    """Draw one token id from ``probs`` re-weighted by ``temperature`` (the seed's ``sample()``).

    The draw is from ``softmax(log(probs) / T)`` (``probs ** (1/T)`` renormalised), or from
    ``softmax(logits / T)`` with ``from_logits=True`` (``-inf`` logits are never drawn). Numerically
    safe: zero probabilities never reach ``log``, the maximum is subtracted before ``exp``.
    ``temperature`` below 1e-3 returns the argmax. One uniform number of ``rng`` per draw.
    ``top_k`` / ``top_p`` keep only the most probable tokens of the tempered distribution before the
    draw (:mod:`coursework.generation.filters`, equal to KerasHub's ``TopKSampler`` / ``TopPSampler``).

    Raises:
        ValueError: if ``temperature <= 0``, ``top_k < 1``, ``top_p`` outside (0, 1], or ``probs`` is
            empty, negative or has no mass.
    """
    temperature = _check_temperature(temperature)
    check_top_k(top_k)
    top_p = check_top_p(top_p)
    if from_logits:
        logits = np.asarray(probs, dtype="float64").ravel()
        if logits.size == 0:
            raise ValueError("logits must be a non-empty vector of numbers with a finite maximum.")
    else:
        p = np.asarray(probs, dtype="float64").ravel()
        if p.size == 0 or not np.all(np.isfinite(p)) or np.any(p < 0) or p.sum() <= 0:
            raise ValueError("probs must be a non-empty vector of non-negative probabilities with mass > 0.")
        logits = np.full_like(p, -np.inf)
        positive = p > 0
        logits[positive] = np.log(p[positive])
    return _draw(logits, temperature, rng if rng is not None else np.random.default_rng(), top_k, top_p)


def _draw(
    logits: np.ndarray,
    temperature: float,
    rng: np.random.Generator,
    top_k: int | None = None,
    top_p: float | None = None,
) -> int:
    """The draw of :func:`sample_next` on a non-empty 1-D ``logits`` vector with a checked
    ``temperature`` (loops check once, then call this per token)."""
    top = logits.max()
    if not np.isfinite(top):  # the maximum is NaN as soon as one logit is NaN
        raise ValueError("logits must be a non-empty vector of numbers with a finite maximum.")
    if temperature < _GREEDY_BELOW:
        return int(np.argmax(logits))
    scaled = filter_logits((logits - top) * (1.0 / temperature), top_k, top_p)
    cdf = np.cumsum(np.exp(scaled))
    return min(int(cdf.searchsorted(rng.random() * cdf[-1], side="right")), cdf.size - 1)


def sample_steps(
    step: StepFn,
    state,
    last_token: int,
    length: int,
    temperature: float = DEFAULT_TEMPERATURE,
    rng: np.random.Generator | None = None,
    stop_token: int | None = None,
    from_logits: bool = False,
    progress: ProgressFn | None = None,
    top_k: int | None = None,
    top_p: float | None = None,
    repetition_penalty: float = 1.0,
    min_length: int = 0,
) -> list[int]:
    """Sample up to ``length`` tokens, one :func:`sample_next` per step (greedy below T = 1e-3).

    Args:
        step: advances a batch of one sequence by one token (see :data:`StepFn`).
        state: the state after reading the prompt but its last token.
        last_token: the prompt's last token id (fed at the first step).
        length: number of tokens to generate (≤ :data:`MAX_LENGTH`).
        stop_token: stop after generating this token (it is kept in the output).
        from_logits: ``step`` returns logits instead of probabilities.
        progress: called with ``1`` after each generated token (e.g. a tqdm bar's ``update``).
        top_k / top_p: sample only among the most probable tokens (see :func:`sample_next`).
        repetition_penalty / min_length: adjust each step's log-probabilities before the draw
            (:mod:`coursework.generation.processors`; ``min_length`` forbids ``stop_token``).

    Returns:
        The generated token ids.
    """
    check_limits(length=length)
    processing = check_repetition_penalty(repetition_penalty) != 1.0 or check_min_length(min_length) > 0
    temperature = _check_temperature(temperature)
    check_top_k(top_k)
    top_p = check_top_p(top_p)
    rng = rng if rng is not None else np.random.default_rng()
    token = np.array([last_token])
    out: list[int] = []
    for _ in range(length):
        scores, state = step(token, state)
        if processing:
            scores = np.asarray(scores, dtype="float64")[0]
            with np.errstate(divide="ignore"):
                logp = scores - np.logaddexp.reduce(scores) if from_logits else np.log(scores)
            logp = process_log_probs(logp[None], out, stop_token, repetition_penalty, min_length)[0]
            token[0] = _draw(logp, temperature, rng, top_k, top_p)
        elif from_logits:
            token[0] = _draw(np.asarray(scores)[0], temperature, rng, top_k, top_p)
        else:
            token[0] = sample_next(np.asarray(scores)[0], temperature, rng, top_k=top_k, top_p=top_p)
        out.append(int(token[0]))
        if progress is not None:
            progress(1)
        if token[0] == stop_token:
            break
    return out


def _take(state, index: np.ndarray):
    """Reorder every array of a (possibly nested) state along its first axis."""
    if state is None:
        return None
    if isinstance(state, (list, tuple)):
        return type(state)(_take(s, index) for s in state)
    if isinstance(state, dict):
        return {k: _take(v, index) for k, v in state.items()}
    return np.asarray(state)[index]


def _top_candidates(flat: np.ndarray, count: int) -> np.ndarray:
    """Indices of the ``count`` largest values of ``flat``, best first (ties: lower index first)."""
    if count < flat.size:
        part = np.argpartition(-flat, count - 1)[:count]
    else:
        part = np.arange(flat.size)
    return part[np.lexsort((part, -flat[part]))]


def _sampling_keys(log_probs: np.ndarray, temperature: float, rng: np.random.Generator) -> np.ndarray:
    """Keys whose ``k`` largest are a draw of ``k`` candidates without replacement, each in proportion
    to ``exp(log_probs / temperature)`` (Gumbel-top-k: the key of a candidate is its scaled
    log-probability plus independent Gumbel noise). Impossible candidates (``-inf``) keep ``-inf``;
    below T = 1e-3 the keys are the log-probabilities themselves (no noise: deterministic order)."""
    if temperature < _GREEDY_BELOW:
        return log_probs
    with np.errstate(invalid="ignore"):
        return log_probs / temperature + rng.gumbel(size=log_probs.shape)


def beam_search_steps(
    step: StepFn,
    state,
    last_token: int,
    beam_width: int,
    max_length: int,
    end_token: int | None = None,
    length_normalization: bool = True,
    first_probs: np.ndarray | None = None,
    progress: ProgressFn | None = None,
    sample: bool = False,
    temperature: float = 1.0,
    rng: np.random.Generator | None = None,
    repetition_penalty: float = 1.0,
    min_length: int = 0,
) -> list[tuple[list[int], float]]:
    """Beam search: keep the ``beam_width`` most probable continuations, all advanced in one batched
    ``step`` call per position.

    With ``sample=True`` it is a *stochastic* beam search: the ``beam_width`` candidates of each
    position are drawn without replacement, in proportion to their sequence probability re-weighted
    by ``temperature`` (see :func:`_sampling_keys`); below T = 1e-3 it is the deterministic search.

    Args:
        step: advances a batch of beams by one token (see :data:`StepFn`).
        state: the state after reading the prompt, for a batch of one (arrays with leading axis 1).
        last_token: the prompt's last token id, fed at the first step unless ``first_probs`` is given.
        beam_width: number of beams (1 = greedy decoding; ≤ :data:`MAX_BEAM_WIDTH`).
        max_length: maximum number of generated tokens (≤ :data:`MAX_LENGTH`, and
            ``beam_width * max_length`` ≤ :data:`MAX_BEAM_TOKENS`).
        end_token: a token that finishes a beam (it is kept in the output). Search stops after
            ``max_length`` tokens, or once ``beam_width`` beams have finished and no running beam
            scores better than them; running beams still compete in the final ranking.
        length_normalization: rank by mean log-probability per token (seed deck 003) instead of the
            sum, so longer sequences are not penalised.
        first_probs: the next-token distribution after the prompt, when already known.
        progress: called with ``1`` after each position (e.g. a tqdm bar's ``update``).
        sample / temperature / rng: draw the candidates instead of taking the most probable ones.
        repetition_penalty / min_length: adjust each step's log-probabilities given each beam's
            tokens so far (:mod:`coursework.generation.processors`; ``min_length`` forbids
            ``end_token``); scores are then sums of the adjusted log-probabilities.

    Returns:
        Up to ``beam_width`` ``(token_ids, score)`` pairs, best first; ``score`` is the (normalised)
        log-probability.
    """
    check_limits(beam_width, max_length, length_name="max_length")
    processing = check_repetition_penalty(repetition_penalty) != 1.0 or check_min_length(min_length) > 0
    history = np.zeros((1, 0), dtype="int64")  # each running beam's tokens, kept only when processing
    if sample:
        temperature = _check_temperature(temperature)
        rng = rng if rng is not None else np.random.default_rng()

    def score(logp: float, length: int) -> float:
        return logp / max(length, 1) if length_normalization else logp

    # Back-pointers: parents[t][b] is the row at step t - 1 that beam b of step t extends.
    parents: list[np.ndarray] = []
    chosen: list[np.ndarray] = []
    log_probs = np.zeros(1)
    # The best finished beams, kept sorted by -score: (-score, order, position, parent row, token).
    finished: list[tuple[float, int, int, int, int]] = []
    tokens = np.array([last_token])
    probs = None if first_probs is None else np.asarray(first_probs, dtype="float64").reshape(1, -1)
    for position in range(max_length):
        if probs is None:
            probs, state = step(tokens, state)
        with np.errstate(divide="ignore"):
            step_log_probs = np.log(np.asarray(probs, dtype="float64"))
        if processing:
            step_log_probs = process_log_probs(
                step_log_probs, history, end_token, repetition_penalty, min_length
            )
        candidates = log_probs[:, None] + step_log_probs
        vocab = candidates.shape[1]
        flat = candidates.ravel()
        keep_rows, keep_tokens, keep_logp = [], [], []
        keys = _sampling_keys(flat, temperature, rng) if sample else flat
        for flat_index in _top_candidates(keys, min(flat.size, beam_width * 2)):
            if not np.isfinite(flat[flat_index]):
                break
            row, token = divmod(int(flat_index), vocab)
            if end_token is not None and token == end_token:
                entry = (-score(float(flat[flat_index]), position + 1), len(parents), position, row, token)
                bisect.insort(finished, entry)
                del finished[beam_width:]
            else:
                keep_rows.append(row)
                keep_tokens.append(token)
                keep_logp.append(float(flat[flat_index]))
            if len(keep_rows) == beam_width:
                break
        if progress is not None:
            progress(1)
        if not keep_rows:
            log_probs = np.zeros(0)  # every continuation ended (or is impossible): none runs on
            break
        parents.append(np.array(keep_rows))
        chosen.append(np.array(keep_tokens))
        log_probs = np.array(keep_logp)
        if processing:
            history = np.concatenate([history[parents[-1]], chosen[-1][:, None]], axis=1)
        best_running = score(max(keep_logp), position + 1)
        if len(finished) == beam_width and best_running <= -finished[-1][0]:
            break  # exact for sums (they only fall as a beam grows); the usual bound when normalised
        state = _take(state, parents[-1])
        tokens = chosen[-1]
        probs = None

    def sequence(position: int, row: int) -> list[int]:
        """Tokens of beam ``row`` after ``position + 1`` steps, rebuilt through the back-pointers."""
        out = []
        for t in range(position, -1, -1):
            out.append(int(chosen[t][row]))
            row = int(parents[t][row])
        return out[::-1]

    results = [(sequence(position - 1, row) + [token], -neg) for neg, _, position, row, token in finished]
    # Beams still running at the end compete with the finished ones (they may score better).
    last = len(chosen) - 1
    results += [
        (sequence(last, row), score(float(lp), last + 1)) for row, lp in enumerate(log_probs) if last >= 0
    ]
    results.sort(key=lambda item: -item[1])
    return results[:beam_width]
