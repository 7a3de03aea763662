"""Decoding a Transformer translator: the :class:`~coursework.generation.seq2seq.Seq2SeqTranslator`
path (batched greedy, beam search through the one search, alignment) with a Transformer step.

Only how one step is computed changes. The encoder runs once per source sentence; the *step model*
runs the decoder blocks on the target prefix written so far (``(batch, max_target_length)`` ids, the
rest padding) and returns the next-token probabilities at every position and the last block's
cross-attention weights. Step ``t`` reads position ``t``: the causal mask makes it independent of the
padding after it. The prefix has a fixed shape, so the compiled step is traced once.

Example:
    >>> from coursework.models.transformer_translator import build_transformer_translator
    >>> model = build_transformer_translator(["", "[UNK]", "uno"], ["", "[UNK]", "[START]", "[END]", "one"],
    ...                                      4, 3, embed_dim=8, num_heads=2, intermediate_dim=16)
    >>> translator = TransformerTranslator(model)
    >>> translator.max_source_length, translator.num_layers, translator.attention
    (4, 1, 'cross-attention')
    >>> len(translator.translate(["uno"])[0].split()) <= 3
    True
"""

from __future__ import annotations

import re

import keras
import numpy as np

from coursework.generation.seq2seq import Seq2SeqTranslator
from coursework.models.transformer_translator import TRANSFORMER_LAYERS


class TransformerTranslator(Seq2SeqTranslator):
    """Greedy (batched) and beam-search decoding of a model from
    :func:`coursework.models.transformer_translator.build_transformer_translator`.

    Args:
        model: the trained (or loaded) Transformer translator.
        on_unknown: ``"error"`` (default) or ``"unk"`` for words outside the source vocabulary.
        on_long: ``"error"`` (default) or ``"truncate"`` for inputs longer than ``max_source_length``.

    :meth:`alignment` returns the last decoder block's cross-attention averaged over its heads;
    :meth:`cross_attention` returns every head.
    """

    required_layers = frozenset(TRANSFORMER_LAYERS)
    kind = "a Transformer translator"

    def _read_architecture(self, model, names):
        self.attention = "cross-attention"
        self.num_layers = sum(1 for name in names if re.fullmatch(r"decoder_\d+", name))

    def _build_inference_models(self):
        m = self.model
        source = keras.Input((None,), dtype="int32", name="source_ids")
        memory = embed_with_positions_reused(m, source, "source")
        for i in range(self.num_layers):
            memory = m.get_layer(f"encoder_{i}")(memory)
        if "encoder_norm" in {layer.name for layer in m.layers}:
            memory = m.get_layer("encoder_norm")(memory)
        self.encoder_model = keras.Model(source, memory, name="inference_encoder")

        prefix = keras.Input((self.max_target_length,), dtype="int32", name="prefix_ids")
        memory_in = keras.Input((None, memory.shape[-1]), name="encoder_outputs")
        memory_mask = keras.Input((None,), dtype="bool", name="source_mask")
        y = embed_with_positions_reused(m, prefix, "target")
        for i in range(self.num_layers):
            y, _, weights = m.get_layer(f"decoder_{i}")(
                y, memory_in, encoder_padding_mask=memory_mask, return_attention_scores=True
            )
        if "decoder_norm" in {layer.name for layer in m.layers}:
            y = m.get_layer("decoder_norm")(y)
        probs = m.get_layer("next_token")(y)
        self.decoder_model = keras.Model(
            [prefix, memory_in, memory_mask], [probs, weights], name="inference_step"
        )

    def _encoder_state(self, source_ids: np.ndarray):
        memory = self.encoder_model.predict_on_batch(source_ids)
        rows = len(source_ids)
        return {
            "memory": memory,
            "mask": source_ids != 0,
            "prefix": np.zeros((rows, self.max_target_length), dtype="int32"),
            "position": np.zeros(rows, dtype="int32"),
        }

    def _step(self, token_ids: np.ndarray, state):
        t = int(state["position"][0])
        prefix = state["prefix"].copy()
        prefix[:, t] = np.asarray(token_ids, dtype="int32").reshape(-1)
        probs, weights = self.decoder_model.predict_on_batch([prefix, state["memory"], state["mask"]])
        new_state = {**state, "prefix": prefix, "position": state["position"] + 1}
        return probs[:, t, :], new_state, weights[:, :, t, :].mean(axis=1)

    def cross_attention(self, text: str):
        """Greedy translation of one text with every head's cross-attention (last decoder block).

        Returns:
            ``(source_tokens, target_tokens, weights)`` with ``weights`` of shape
            ``(heads, len(target_tokens), len(source_tokens))``; ``target_tokens`` ends with ``[END]``.
        """
        source_tokens, target_tokens, _ = self.alignment(text)
        source_ids = self.encode([text])
        prefix = np.zeros((1, self.max_target_length), dtype="int32")
        ids = [self.start_id] + [self.target_vocabulary.index(t) for t in target_tokens[:-1]]
        prefix[0, : len(ids)] = ids
        memory = self.encoder_model.predict_on_batch(source_ids)
        _, weights = self.decoder_model.predict_on_batch([prefix, memory, source_ids != 0])
        return source_tokens, target_tokens, weights[0, :, : len(target_tokens), : len(source_tokens)]

    def _check_max_length(self, max_length):
        max_length = super()._check_max_length(max_length)
        if max_length > self.max_target_length:
            raise ValueError(
                f"max_length={max_length} is longer than this Transformer's target length "
                f"{self.max_target_length} (its decoder was trained on at most that many positions)."
            )
        return max_length


def embed_with_positions_reused(model: keras.Model, ids, side: str):
    """``embed_with_positions`` with the trained layers of ``model`` (``side``: source or target)."""
    tokens = model.get_layer(f"{side}_embedding")(ids)
    positions = model.get_layer(f"{side}_positions")(tokens)
    return model.get_layer(f"{side}_with_positions")([tokens, positions])
