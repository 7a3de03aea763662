"""The GPT's one-token step in NumPy over the blocks' key/value caches (the fast generation path).

Why NumPy, as for the recurrent models (:mod:`coursework.generation.stepper`): on the course machines
(2 shared CPU cores) one call of a compiled Keras step costs about a millisecond of dispatch, about
what recomputing a 256-token prefix of this small model costs, so the cache would hardly pay off.
One NumPy step of the same network is a few small matrix products. :class:`NumpyGPTStep` reads the
trained weights once; its caches have the layout of
:class:`~coursework.layers.transformer_decoder.TransformerDecoderBlock`'s (``(batch, 2, context,
heads, head_dim)`` per block) and its logits are the Keras model's (tested to 1e-4).

Example:
    >>> step = NumpyGPTStep(model)                                       # doctest: +SKIP
    >>> logits, caches = step(np.array([5]), step.init_caches(1), position=0)  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np


def _layer_norm(x: np.ndarray, gamma, beta, epsilon: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(-1, keepdims=True)
    out = centred / np.sqrt(variance + epsilon)
    if gamma is not None:
        out = out * gamma
    return out + beta if beta is not None else out


def _norm_weights(layer):
    gamma = np.asarray(layer.gamma, "float32") if layer.scale else None
    beta = np.asarray(layer.beta, "float32") if layer.center else None
    return gamma, beta, float(layer.epsilon)


def _array(variable):
    return None if variable is None else np.asarray(variable, "float32")


class NumpyGPTStep:
    """A trained GPT (:func:`coursework.models.gpt.build_gpt`) advanced one token at a time in NumPy.

    Raises:
        ValueError: for blocks this step does not reproduce (post-LN, cross-attention, an activation
            other than ReLU).
    """

    def __init__(self, model):
        import keras

        from coursework.models.gpt import gpt_parts

        embedding, blocks, final_norm, head = gpt_parts(model)
        self.context_length = int(embedding.max_len)
        self.token_table = np.asarray(embedding.token_embedding.embeddings, "float32")
        self.position_table = np.asarray(embedding.position_embedding.embeddings, "float32")
        self.blocks = []
        for block in blocks:
            activation = keras.activations.serialize(block.activation)
            activation = (
                activation if isinstance(activation, str) else activation.get("config", {}).get("name")
            )
            if not block.normalize_first or block.cross_attention is not None or activation != "relu":
                raise ValueError(
                    f"Block {block.name!r}: the NumPy step reproduces pre-LN decoder-only blocks with ReLU."
                )
            attention = block.self_attention
            self.blocks.append(
                {
                    "norm1": _norm_weights(block.self_attention_norm),
                    "q": (_array(attention.query_kernel), _array(attention.query_bias)),
                    "k": (_array(attention.key_kernel), _array(attention.key_bias)),
                    "v": (_array(attention.value_kernel), _array(attention.value_bias)),
                    "o": (_array(attention.output_kernel), _array(attention.output_bias)),
                    "norm2": _norm_weights(block.ffn_norm),
                    "ff1": (_array(block.ffn_intermediate.kernel), _array(block.ffn_intermediate.bias)),
                    "ff2": (_array(block.ffn_output.kernel), _array(block.ffn_output.bias)),
                }
            )
        self.heads, self.head_dim = self.blocks[0]["q"][0].shape[1:]
        self.final_norm = _norm_weights(final_norm)
        self.head = (_array(head.kernel), _array(head.bias))

    def init_caches(self, batch: int) -> tuple[np.ndarray, ...]:
        """Zero caches, one ``(batch, 2, context, heads, head_dim)`` array per block."""
        shape = (batch, 2, self.context_length, self.heads, self.head_dim)
        return tuple(np.zeros(shape, "float32") for _ in self.blocks)

    @staticmethod
    def _project(x, weights):
        kernel, bias = weights
        out = np.einsum("bd,dhk->bhk", x, kernel)
        return out + bias if bias is not None else out

    def __call__(self, token_ids, caches, position: int):
        """Logits ``(batch, vocab)`` of one new token per row at ``position``; the caches are written in
        place (a beam search reorders copies of them) and returned."""
        ids = np.asarray(token_ids, dtype="int64").reshape(-1)
        x = self.token_table[ids] + self.position_table[position]
        scale = np.float32(1.0 / np.sqrt(self.head_dim))
        for block, cache in zip(self.blocks, caches, strict=True):
            h = _layer_norm(x, *block["norm1"])
            cache[:, 0, position] = self._project(h, block["k"])
            cache[:, 1, position] = self._project(h, block["v"])
            query = self._project(h, block["q"]) * scale
            scores = np.einsum("bhk,bthk->bht", query, cache[:, 0, : position + 1])
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = np.einsum("bht,bthk->bhk", scores, cache[:, 1, : position + 1])
            kernel, bias = block["o"]
            out = np.einsum("bhk,hkd->bd", context, kernel)
            x = x + (out + bias if bias is not None else out)
            h = _layer_norm(x, *block["norm2"])
            kernel, bias = block["ff1"]
            h = np.maximum(h @ kernel + bias, 0.0)
            kernel, bias = block["ff2"]
            x = x + h @ kernel + bias
        kernel, bias = self.head
        return _layer_norm(x, *self.final_norm) @ kernel + bias, caches
