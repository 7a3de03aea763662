"""Count-based n-gram baselines for language models: the perplexity a neural model must beat.

Example:
    >>> import numpy as np
    >>> train = [np.array([0, 1, 0, 1, 0, 1])]
    >>> round(ngram_perplexity(train, train, vocab_size=2, order=2, alpha=1e-3), 3)  # 0→1→0 always
    1.0
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_ALPHAS = (1e-3, 1e-2, 0.1, 0.5, 1.0)


def _counts(blocks: Sequence[np.ndarray], vocab_size: int, order: int) -> np.ndarray:
    counts = np.zeros(vocab_size**order, dtype="float64")
    for ids in blocks:
        ids = np.asarray(ids, dtype="int64")
        if len(ids) < order:
            continue
        flat = np.zeros(len(ids) - order + 1, dtype="int64")
        for k in range(order):
            flat = flat * vocab_size + ids[k : len(ids) - order + 1 + k]
        np.add.at(counts, flat, 1.0)
    return counts.reshape((vocab_size,) * order)


def ngram_perplexity(
    train_blocks: Sequence[np.ndarray],
    val_blocks: Sequence[np.ndarray],
    vocab_size: int,
    order: int = 2,
    alpha: float | None = None,
) -> float:
    """Per-token perplexity on ``val_blocks`` of an add-``alpha`` n-gram model counted on ``train_blocks``.

    Each token is predicted from the ``order - 1`` tokens before it inside its block (the first
    ``order - 1`` tokens of a block are not scored). With ``alpha=None`` the best of a small grid
    is used — chosen on the validation text itself, which flatters the baseline, never the model.

    Raises:
        ValueError: for ``order`` outside 1..3, a table too large, or no scored token.
    """
    if order not in (1, 2, 3):
        raise ValueError(f"order must be 1, 2 or 3, got {order!r}.")
    if vocab_size**order > 50_000_000:
        raise ValueError(f"A {order}-gram table over {vocab_size} tokens is too large.")
    counts = _counts(train_blocks, vocab_size, order)
    val_counts = _counts(val_blocks, vocab_size, order)
    total = val_counts.sum()
    if total == 0:
        raise ValueError("No validation token to score (blocks shorter than the n-gram order).")
    best = np.inf
    for a in [alpha] if alpha is not None else _ALPHAS:
        if a <= 0:
            raise ValueError(f"alpha must be > 0, got {a!r}.")
        probs = (counts + a) / (counts.sum(axis=-1, keepdims=True) + a * vocab_size)
        nll = -(val_counts * np.log(probs)).sum() / total
        best = min(best, float(np.exp(nll)))
    return best
