"""Running a BERT backbone or classifier on tokenised texts in length-sorted, trimmed batches.

Snippets of similar length go together and each batch is cut to the padded width it needs (a
multiple of 16), so short texts cost less; rows come back in input order.
"""

from __future__ import annotations

import weakref

import numpy as np

INPUT_KEYS = ("token_ids", "padding_mask", "segment_ids")


def length_batches(padding_mask: np.ndarray, batch_size: int, multiple: int = 16):
    """Index batches of similar length, each with the padded length it needs (a multiple of 16).

    Example:
        >>> mask = np.array([[1] * 20 + [0] * 12, [1] * 3 + [0] * 29, [1] * 5 + [0] * 27])
        >>> [(idx.tolist(), width) for idx, width in length_batches(mask, 2)]
        [([1, 2], 16), ([0], 32)]
    """
    lengths = padding_mask.sum(axis=1)
    order = np.argsort(lengths, kind="stable")
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        width = int(min(padding_mask.shape[1], -(-int(lengths[idx].max()) // multiple) * multiple))
        yield idx, width


def slice_tokens(tokens: dict, idx, width: int) -> dict:
    """Rows ``idx`` of the backbone inputs in ``tokens``, cut to ``width`` positions."""
    return {k: v[idx, :width] for k, v in tokens.items() if k in INPUT_KEYS}


def mean_pool(sequence, padding_mask):
    """Average of the vectors of real tokens (``padding_mask`` True): the sentence-transformers pooling."""
    from keras import ops

    m = ops.expand_dims(ops.cast(padding_mask, sequence.dtype), -1)
    return ops.sum(sequence * m, axis=1) / ops.maximum(ops.sum(m, axis=1), 1.0)


def _graph_call(fn):
    """``fn`` as a ``tf.function`` that accepts any batch size and length (traced once, not per shape).

    Eager calls of a BERT backbone cost several times more than the same call in a graph.
    """
    import tensorflow as tf

    spec = {k: tf.TensorSpec((None, None), tf.int32) for k in INPUT_KEYS}
    return tf.function(fn, input_signature=[spec])


def _batched(fn, tokens: dict, width_out, batch_size: int, progress: bool, desc: str) -> np.ndarray:
    """Run ``fn`` on length-sorted, trimmed batches; rows come back in input order."""
    from tqdm.auto import tqdm

    out = np.zeros((len(tokens["token_ids"]), width_out), dtype="float32")
    batches = list(length_batches(tokens["padding_mask"], batch_size))
    for idx, width in tqdm(batches, desc=desc, disable=not progress):
        part = {k: v.astype("int32") for k, v in slice_tokens(tokens, idx, width).items()}
        out[idx] = np.asarray(fn(part)).reshape(len(idx), width_out)
    return out


# One traced graph per (model, purpose), kept as long as the model lives: a new tf.function per call
# would be traced again every time (and TensorFlow warns about the retracing on stdout).
_GRAPHS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _cached_graph(model, purpose: str, fn):
    graphs = _GRAPHS.setdefault(model, {})
    if purpose not in graphs:
        graphs[purpose] = _graph_call(fn)
    return graphs[purpose]


def encode(backbone, tokens: dict, batch_size: int = 64, progress: bool = False) -> np.ndarray:
    """Mean-pooled ``sequence_output`` of a (frozen) backbone for tokenised texts, in input order."""
    fn = _cached_graph(
        backbone,
        "encode",
        lambda x: mean_pool(backbone(x, training=False)["sequence_output"], x["padding_mask"]),
    )
    return _batched(fn, tokens, backbone.hidden_dim, batch_size, progress, "encoding")


def predict_tokens(model, tokens: dict, batch_size: int = 64, progress: bool = False) -> np.ndarray:
    """Probabilities ``(n,)`` of a classifier on tokenised texts (length-sorted, trimmed batches)."""
    fn = _cached_graph(model, "predict", lambda x: model(x, training=False))
    return _batched(fn, tokens, 1, batch_size, progress, "predicting").reshape(-1)
