"""Top-k and top-p (nucleus) filters of a next-token distribution, for :mod:`~coursework.generation.search`.

Both keep a set of candidate tokens and drop the rest (their logit becomes ``-inf``); the draw that
follows renormalises over what is kept. They act on the distribution *after* the temperature, as
``keras_hub.samplers.TopKSampler`` and ``TopPSampler`` do (tested equal to them):

- **top-k** keeps the ``k`` most probable tokens (ties: the lower id first);
- **top-p** sorts the tokens by probability and keeps the shortest prefix whose *previous* mass is
  ``≤ p``: a token is kept while the tokens before it add up to at most ``p``, so the most probable
  token is always kept and the token that crosses ``p`` is kept too.

With both, top-p is applied to the ``k`` tokens top-k keeps, with their original probabilities (the
``TopPSampler(p, k=k)`` rule).

Example:
    >>> import numpy as np
    >>> probs = np.array([0.5, 0.25, 0.125, 0.125])
    >>> top_p_keep(probs, 0.5).tolist(), top_p_keep(probs, 0.75).tolist()
    ([True, True, False, False], [True, True, True, False])
    >>> top_k_keep(probs, 3).tolist()
    [True, True, True, False]
    >>> check_top_p(1.5)
    Traceback (most recent call last):
    ...
    ValueError: top_p must be a number in (0, 1], got 1.5.
"""

from __future__ import annotations

import numpy as np


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_top_k(top_k, name: str = "top_k"):
    """``top_k`` unchanged if it is ``None`` or an integer ≥ 1, else a ``ValueError`` naming ``name``."""
    if top_k is not None and (not _is_int(top_k) or top_k < 1):
        raise ValueError(f"{name} must be an integer >= 1, got {top_k!r}.")
    return top_k


def check_top_p(top_p, name: str = "top_p"):
    """``top_p`` unchanged if it is ``None`` or a number in (0, 1], else a ``ValueError`` naming ``name``."""
    if top_p is None:
        return None
    if (
        not np.isscalar(top_p)
        or isinstance(top_p, (bool, str, bytes))
        or not np.isfinite(top_p)
        or not 0 < top_p <= 1
    ):
        raise ValueError(f"{name} must be a number in (0, 1], got {top_p!r}.")
    return float(top_p)


def top_k_keep(scores: np.ndarray, k: int) -> np.ndarray:
    """Boolean mask of the ``k`` highest ``scores`` (probabilities or logits) of a 1-D vector."""
    scores = np.asarray(scores)
    keep = np.zeros(scores.shape, dtype=bool)
    keep[np.argsort(-scores, kind="stable")[:k]] = True
    return keep


def top_p_keep(probs: np.ndarray, p: float) -> np.ndarray:
    """Boolean mask of the nucleus of a 1-D probability vector: sorted by probability (ties: lower id
    first), a token is kept while the mass of the tokens before it is ``≤ p``."""
    probs = np.asarray(probs)
    order = np.argsort(-probs, kind="stable")
    keep = np.zeros(probs.shape, dtype=bool)
    if probs.size:
        mass_before = np.cumsum(probs[order])[:-1]  # mass of the tokens ranked above each one
        keep[order] = np.concatenate([[True], mass_before <= p])
    return keep


def filter_logits(logits: np.ndarray, top_k: int | None = None, top_p: float | None = None) -> np.ndarray:
    """``logits`` (1-D, already divided by the temperature) with the tokens outside top-k / top-p set
    to ``-inf``; unchanged when both are ``None``. Top-p uses ``softmax(logits)`` in float32, the
    precision of KerasHub's samplers."""
    if top_k is None and top_p is None:
        return logits
    keep = np.ones(logits.shape, dtype=bool)
    if top_k is not None:
        keep &= top_k_keep(logits, top_k)
    if top_p is not None:
        shifted = (logits - logits.max()).astype("float32")
        probs = np.exp(shifted)
        probs /= probs.sum()
        # restricted to the top-k tokens but with their full-distribution probabilities (TopPSampler)
        keep &= top_p_keep(np.where(keep, probs, -1.0).astype("float32"), top_p)
    return np.where(keep, logits, -np.inf)


def filtered_probs(probs, top_k: int | None = None, top_p: float | None = None) -> np.ndarray:
    """The distribution a filtered draw samples from: ``probs`` outside top-k / top-p zeroed, the rest
    renormalised (what the notebook plots).

    Example:
        >>> filtered_probs([0.5, 0.3, 0.2], top_k=2).round(3).tolist()
        [0.625, 0.375, 0.0]
    """
    check_top_k(top_k)
    check_top_p(top_p)
    probs = np.asarray(probs, dtype="float64").ravel()
    keep = np.ones(probs.shape, dtype=bool)
    if top_k is not None:
        keep &= top_k_keep(probs, top_k)
    if top_p is not None:
        keep &= top_p_keep(np.where(keep, probs, -1.0), top_p)
    out = np.where(keep, probs, 0.0)
    return out / out.sum()


def keras_hub_distribution(sampler, probs) -> np.ndarray:
    """The distribution a ``keras_hub.samplers.TopKSampler`` or ``TopPSampler`` draws the next token
    from, given next-token ``probs`` (1-D): its own code runs, with the final random draw intercepted.

    Used by the tests and by notebook 07d's check to compare a filter with KerasHub's.

    Example:
        >>> import keras_hub                                                   # doctest: +SKIP
        >>> keras_hub_distribution(keras_hub.samplers.TopPSampler(p=0.5), [0.5, 0.3, 0.2])  # doctest: +SKIP
        array([1., 0., 0.])
    """
    import importlib

    import keras

    module = importlib.import_module(type(sampler).__module__)
    probs = np.asarray(probs, dtype="float32").reshape(1, -1)
    seen = {}

    class _Intercept:  # stands for keras.random inside the sampler's module
        @staticmethod
        def categorical(logits, num_samples, seed=None, dtype="int32"):
            seen["logits"] = keras.ops.convert_to_numpy(logits)[0].astype("float64")
            return keras.ops.zeros((1, 1), dtype=dtype)

    original = module.random
    module.random = _Intercept
    try:
        sampler.get_next_token(keras.ops.convert_to_tensor(probs))
    finally:
        module.random = original
    logits = seen["logits"]
    # the ids of the candidates, in the order the sampler drew over them (sorted for TopPSampler)
    top = keras.ops.top_k(probs, k=logits.size, sorted=hasattr(sampler, "p"))[1]
    order = keras.ops.convert_to_numpy(top)[0]
    weights = np.exp(logits - logits[np.isfinite(logits)].max())
    out = np.zeros(probs.shape[1])
    out[order] = weights / weights.sum()
    return out
