"""How much attention weights say: peakedness against uniform, and which words receive weight.

- :func:`attention_peakedness`: mean entropy of each attention distribution over the *real* (unmasked)
  tokens against the uniform entropy ``log n``, and the mean share of weight on the top token against
  the uniform share ``1 / n``. Uniform attention gives an entropy ratio of 1; one-hot attention, 0.
- :func:`received_attention`: per word, the weight it receives as a key, averaged over heads and over
  the real queries (turns word × word maps into one weight per word, like HAN's α).
- :func:`word_weight_table`: mean weight per word type across many texts, relative to uniform
  (``α · n``: 1 = the share every word would get under uniform attention), for types seen often enough.

Example:
    >>> import numpy as np
    >>> stats = attention_peakedness(np.array([[0.25, 0.25, 0.25, 0.25], [1.0, 0.0, 0.0, 0.0]]))
    >>> round(stats["entropy_ratio"], 3), stats["top_share"], stats["uniform_top_share"]
    (0.5, 0.625, 0.25)
"""

from __future__ import annotations

import numpy as np


def _rows(weights, mask):
    """Distributions ``(rows, T)`` and their key masks; rows of padded queries are dropped."""
    weights = np.asarray(weights, dtype="float64")
    if weights.ndim < 2:
        raise ValueError(f"weights must be (batch, [heads,] [queries,] keys); got shape {weights.shape}.")
    batch, keys = weights.shape[0], weights.shape[-1]
    mask = np.ones((batch, keys), bool) if mask is None else np.asarray(mask).astype(bool)
    if mask.shape != (batch, keys):
        raise ValueError(f"mask must be (batch, keys) = {(batch, keys)}; got {mask.shape}.")
    if weights.ndim == 2:
        return weights, mask
    if weights.shape[-2] != keys:
        raise ValueError(f"word × word weights must be square over time; got shape {weights.shape}.")
    middle = weights.shape[1:-2]  # heads, if any
    key_mask = np.broadcast_to(mask.reshape((batch,) + (1,) * (len(middle) + 1) + (keys,)), weights.shape)
    query_real = np.broadcast_to(mask.reshape((batch,) + (1,) * len(middle) + (keys,)), weights.shape[:-1])
    return weights[query_real], key_mask[query_real]


def attention_peakedness(weights, mask=None) -> dict[str, float]:
    """Entropy and top-token share of attention distributions over the real tokens.

    Args:
        weights: ``(batch, T)`` (pooling α), ``(batch, T, T)`` or ``(batch, heads, T, T)`` (rows =
            queries, each row a distribution over the keys).
        mask: ``(batch, T)``, True for real tokens (default: all real). Rows of padded queries and
            distributions over fewer than 2 real tokens are left out (their entropy is 0 by force).

    Returns:
        ``entropy`` (mean, nats), ``uniform_entropy`` (mean ``log n``), ``entropy_ratio`` (mean of
        entropy / ``log n``: 1 = uniform), ``top_share`` (mean largest weight), ``uniform_top_share``
        (mean ``1 / n``) and ``rows`` (how many distributions were averaged).

    Example:
        >>> attention_peakedness(np.array([[0.5, 0.5, 0.0]]), mask=np.array([[1, 1, 0]]))["entropy_ratio"]
        1.0
    """
    rows, keep = _rows(weights, mask)
    n = keep.sum(-1)
    rows, keep, n = rows[n >= 2], keep[n >= 2], n[n >= 2]
    if not len(rows):
        raise ValueError("No distribution has at least 2 real tokens.")
    p = np.where(keep, rows, 0.0)
    p = p / p.sum(-1, keepdims=True)
    entropy = -np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0), axis=-1)
    uniform = np.log(n)
    return {
        "entropy": float(entropy.mean()),
        "uniform_entropy": float(uniform.mean()),
        "entropy_ratio": float((entropy / uniform).mean()),
        "top_share": float(p.max(-1).mean()),
        "uniform_top_share": float((1.0 / n).mean()),
        "rows": int(len(rows)),
    }


def received_attention(weights, mask=None) -> np.ndarray:
    """Weight each word receives as a key: ``(batch, T)``, averaged over heads and real queries.

    ``(batch, T)`` weights (HAN's α) come back unchanged; each returned row sums to 1 over real words.

    Example:
        >>> w = np.array([[[0.9, 0.1], [0.7, 0.3]]])
        >>> received_attention(w).round(2).tolist()
        [[0.8, 0.2]]
    """
    weights = np.asarray(weights, dtype="float64")
    if weights.ndim == 2:
        return weights
    batch, keys = weights.shape[0], weights.shape[-1]
    mask = np.ones((batch, keys), bool) if mask is None else np.asarray(mask).astype(bool)
    per_query = weights.reshape((batch, -1, keys, keys)).mean(axis=1)  # average the heads
    queries = mask[:, :, None].astype("float64")
    return (per_query * queries).sum(1) / np.maximum(queries.sum(1), 1.0)


def word_weight_table(word_ids, weights, vocabulary, labels=None, min_count: int = 20, top: int = 15):
    """The words that receive most weight across texts, relative to uniform attention.

    Args:
        word_ids: ``(batch, T)`` ids, 0 = padding.
        weights: ``(batch, T)`` one weight per word (α, or :func:`received_attention`).
        vocabulary: id → word (``vectorizer.get_vocabulary()``).
        labels: optional ``(batch,)`` 0/1 labels: adds ``fresh`` (share of the word's occurrences in
            texts labelled 1), which tells sentiment words (far from the base rate) from neutral ones.
        min_count: leave out words seen fewer times (rare words give noisy means).
        top: rows returned.

    Returns:
        a ``pandas.DataFrame`` indexed by ``palabra`` with ``peso relativo`` (mean ``α · n``: 1 = the
        uniform share, 3 = three times it), ``α medio``, ``apariciones`` (and ``fresh``), sorted by
        relative weight.

    Example:
        >>> ids = np.array([[1, 2, 0], [2, 3, 0]]); w = np.array([[0.2, 0.8, 0.0], [0.6, 0.4, 0.0]])
        >>> word_weight_table(ids, w, ["", "a", "b", "c"], min_count=1)["peso relativo"].round(2).tolist()
        [1.4, 0.8, 0.4]
    """
    import pandas as pd

    ids = np.asarray(word_ids)
    weights = np.asarray(weights, dtype="float64")
    if ids.shape != weights.shape:
        raise ValueError(f"word_ids {ids.shape} and weights {weights.shape} must have the same shape.")
    real = ids != 0
    n = real.sum(-1, keepdims=True)
    frame = pd.DataFrame(
        {
            "id": ids[real],
            "relative": (weights * n)[real],
            "alpha": weights[real],
            "label": np.broadcast_to(
                np.zeros((len(ids), 1)) if labels is None else np.asarray(labels, dtype="float64")[:, None],
                ids.shape,
            )[real],
        }
    )
    stats = frame.groupby("id").agg(
        relative=("relative", "mean"),
        alpha=("alpha", "mean"),
        count=("alpha", "size"),
        fresh=("label", "mean"),
    )
    stats = stats[stats["count"] >= min_count].sort_values("relative", ascending=False).head(top)
    columns = {
        "peso relativo": stats["relative"].to_numpy(),
        "α medio": stats["alpha"].to_numpy(),
        "apariciones": stats["count"].to_numpy(),
    }
    if labels is not None:
        columns["fresh"] = stats["fresh"].to_numpy()
    vocabulary = np.asarray(vocabulary)
    return pd.DataFrame(columns, index=pd.Index(vocabulary[stats.index.to_numpy()], name="palabra"))
