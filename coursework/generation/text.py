"""Fast text generation from a trained recurrent language model: sampling, beam search, top-k.

The seed's loop calls ``model.predict`` on a whole window for every new character (~11 characters/s
here). This module instead builds a :class:`RecurrentStepper` once from the trained weights: it reads
the prompt once and then advances the recurrent state **one token per step** (NumPy, float32). The
next-token distribution it gives is the full model's on the same prefix (tested to 1e-5).

Why NumPy and not a compiled ``tf.function`` step: on the course machines (2 shared CPU cores) one
call of a compiled Keras step costs milliseconds of dispatch overhead, while one NumPy step of an
LSTM 128 costs tens of microseconds; NumPy is also backend-agnostic. ``benchmarks/generation.py``
measures both loops against the seed's.

Characters (``level="char"``): prompts are lowercased if the model's vocabulary has no upper-case
letters, whitespace runs become one space, rare characters map to their base letter
(``"à"`` → ``"a"``); any other character outside the vocabulary raises ``ValueError`` listing it.
Words (``level="word"``): prompts are standardised like ``TextVectorization`` (lowercase, no
punctuation) and unknown words become ``"[UNK]"``; generation never emits ``""`` (padding) or
``"[UNK]"``. An empty prompt raises ``ValueError``.

Example:
    >>> from coursework.generation.text import generate, beam_search     # doctest: +SKIP
    >>> generate(model, "señorías, ", length=200, temperature=0.5, seed=0)  # doctest: +SKIP
    >>> beam_search(model, "señorías, ", beam_width=5, max_length=40)      # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from coursework.generation.search import (
    DEFAULT_TEMPERATURE,
    ProgressFn,
    beam_search_steps,
    check_limits,
    sample_steps,
)
from coursework.generation.stepper import RecurrentStepper, stepper_for

__all__ = ["RecurrentStepper", "beam_search", "generate", "next_token_probs", "stepper_for", "top_k_next"]


def next_token_probs(model, prompt: str) -> np.ndarray:
    """Probabilities of the token that follows ``prompt`` (shape ``(vocab,)``)."""
    stepper = stepper_for(model)
    return stepper.read(stepper.encode(prompt))[0]


def top_k_next(
    model, prompt: str, k: int = 5, skip: Sequence[str] = ("", "[UNK]")
) -> list[tuple[str, float]]:
    """The ``k`` most probable next tokens after ``prompt`` with their probabilities, best first.

    ``skip`` leaves out the padding and unknown-word tokens of word models.
    """
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}.")
    stepper = stepper_for(model)
    probs = next_token_probs(stepper, prompt)
    ranked = [i for i in np.argsort(-probs, kind="stable") if stepper.vocabulary[i] not in skip]
    return [(stepper.vocabulary[i], float(probs[i])) for i in ranked[:k]]


def generate(
    model,
    prompt: str,
    length: int = 200,
    temperature: float = DEFAULT_TEMPERATURE,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    stop_token=None,
    progress: ProgressFn | None = None,
    top_k: int | None = None,
    top_p: float | None = None,
) -> str:
    """Sample ``length`` tokens after ``prompt`` at ``temperature`` and return them (without the prompt).

    Args:
        model: a language model built by :mod:`coursework.models.generator` (or its
            :class:`RecurrentStepper`, to skip rebuilding it).
        prompt: text to continue (see the module docstring for how it is normalised).
        length: number of tokens to generate (at most :data:`~coursework.generation.search.MAX_LENGTH`).
        temperature: > 0; below 1e-3 it is greedy (argmax). Each token is drawn by
            :func:`~coursework.generation.search.sample_next` from the logits (no softmax per step).
        seed / rng: a seed or a ``numpy.random.Generator`` for repeatable samples.
        stop_token: stop early after generating this token (e.g. ``"\\n"``, the end of a speech).
        progress: called with ``1`` after each token (quiet when ``None``).
        top_k / top_p: sample only among the most probable tokens (:mod:`coursework.generation.filters`).

    Example:
        >>> generate(model, "el gobierno ", length=100, temperature=0.5, seed=1)  # doctest: +SKIP
    """
    check_limits(length=length)
    stepper = stepper_for(model)
    stop = None if stop_token is None else stepper.token_id(stop_token)
    rng = rng if rng is not None else np.random.default_rng(seed)
    ids = stepper.encode(prompt)
    state = stepper.zero_state(1)
    for token in ids[:-1]:
        _, state = stepper.logits(token[None], state)
    banned = stepper.banned

    def step(token_ids, step_state):
        logits, step_state = stepper.logits(token_ids, step_state)
        if banned.size:
            logits[:, banned] = -np.inf
        return logits, step_state

    out = sample_steps(
        step,
        state,
        int(ids[-1]),
        length,
        temperature,
        rng,
        stop_token=stop,
        from_logits=True,
        progress=progress,
        top_k=top_k,
        top_p=top_p,
    )
    return stepper.decode(out)


def beam_search(
    model,
    prompt: str,
    beam_width: int = 5,
    max_length: int = 100,
    length_normalization: bool = True,
    end_token=None,
    progress: ProgressFn | None = None,
    sample: bool = False,
    temperature: float = 1.0,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
) -> list[tuple[str, float]]:
    """The seed's beam search: the ``beam_width`` most probable continuations of ``prompt``.

    All beams advance in one batched step per position (:func:`beam_search_steps`). Scores are
    mean log-probabilities per token with ``length_normalization`` (the seed), sums otherwise.

    Args:
        end_token: a token (text such as ``"\\n"`` or ``"."``, or an id) that finishes a beam.
        progress: called with ``1`` after each position (quiet when ``None``).
        sample: stochastic beam search: at each position the ``beam_width`` candidates are drawn
            without replacement, in proportion to their probability re-weighted by ``temperature``
            (below 1e-3: the deterministic search).
        seed / rng: a seed or a ``numpy.random.Generator`` for repeatable stochastic searches.

    Raises:
        ValueError: for a ``beam_width``, ``max_length`` or their product over the limits of
            :mod:`coursework.generation.search`.

    Returns:
        Up to ``beam_width`` ``(continuation, score)`` pairs, best first; width 1 is greedy decoding.

    Example:
        >>> beam_search(model, "señor presidente", beam_width=3, max_length=30)  # doctest: +SKIP
    """
    check_limits(beam_width, max_length, length_name="max_length")
    stepper = stepper_for(model)
    end = None if end_token is None else stepper.token_id(end_token)
    probs, state = stepper.read(stepper.encode(prompt))
    results = beam_search_steps(
        stepper.allowed_step,
        state,
        last_token=-1,
        beam_width=beam_width,
        max_length=max_length,
        end_token=end,
        length_normalization=length_normalization,
        first_probs=stepper.allowed(probs),
        progress=progress,
        sample=sample,
        temperature=temperature,
        rng=rng if rng is not None else np.random.default_rng(seed),
    )
    return [(stepper.decode(ids), float(score)) for ids, score in results]
