"""A small GPT (decoder-only Transformer) over sub-word tokens: the class-7 language model.

``token ids → TokenVocabulary → TokenAndPositionEmbedding → N × TransformerDecoderBlock (causal
self-attention, no cross-attention) → LayerNorm (pre-LN) → Dense logits``. Every position predicts
the next token (a causal language model); the output is *logits* (train with
``SparseCategoricalCrossentropy(from_logits=True)``).

The :class:`~coursework.layers.vocabulary.TokenVocabulary` layer (``level="subword"``) carries the
WordPiece vocabulary inside the saved model, so ``coursework generate --model gpt.keras`` can
tokenise a prompt in a fresh process.

:func:`cached_logits` runs the same network one new token at a time over each block's key/value cache
(what incremental generation uses); it gives the logits of the full recomputation (tested).

Example:
    >>> model = build_gpt(vocab_size=50, context_length=16, embed_dim=16, num_layers=1, num_heads=2,
    ...                   intermediate_dim=32)
    >>> import numpy as np
    >>> tuple(model(np.ones((2, 5), "int32")).shape), model.count_params()
    ((2, 5, 50), 4162)
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import ops

from coursework.layers.positional import TokenAndPositionEmbedding
from coursework.layers.transformer_decoder import TransformerDecoderBlock
from coursework.layers.vocabulary import TokenVocabulary


def _check_positive(**values) -> None:
    for label, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{label} must be a positive integer, got {value!r}.")


def build_gpt(
    vocabulary: Sequence[str] | None = None,
    context_length: int = 128,
    embed_dim: int = 128,
    num_layers: int = 2,
    num_heads: int = 4,
    intermediate_dim: int = 256,
    dropout: float = 0.1,
    vocab_size: int | None = None,
    name: str = "gpt",
) -> keras.Model:
    """An untrained GPT over ``vocabulary`` (or ``vocab_size`` placeholder tokens).

    Args:
        vocabulary: the sub-word tokens in id order (see :mod:`coursework.text.subword`).
        context_length: longest input (the learned position embedding has this many rows).
        embed_dim: model width; ``num_heads`` must divide it.
        num_layers: decoder blocks (pre-LN, causal self-attention only).
        intermediate_dim: hidden units of each block's feed-forward network.
        dropout: dropout inside the blocks (training only).
        vocab_size: with ``vocabulary=None``, the number of placeholder tokens.

    Returns:
        An uncompiled ``keras.Model``: ``(batch, T)`` int ids → ``(batch, T, vocab)`` logits.
    """
    if vocabulary is None:
        _check_positive(vocab_size=vocab_size)
        vocabulary = [f"t{i}" for i in range(vocab_size)]
    vocabulary = list(vocabulary)
    _check_positive(
        context_length=context_length,
        embed_dim=embed_dim,
        num_layers=num_layers,
        num_heads=num_heads,
        intermediate_dim=intermediate_dim,
    )
    if embed_dim % num_heads:
        raise ValueError(f"num_heads ({num_heads}) must divide embed_dim ({embed_dim}).")
    inputs = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    ids = TokenVocabulary(vocabulary, level="subword", output_mode="int", name="vocabulary")(inputs)
    x = TokenAndPositionEmbedding(
        len(vocabulary), context_length, embed_dim, mask_zero=False, name="embedding"
    )(ids)
    for index in range(num_layers):
        x = TransformerDecoderBlock(
            num_heads, intermediate_dim, dropout=dropout, normalize_first=True, name=f"decoder_{index + 1}"
        )(x)
    x = keras.layers.LayerNormalization(epsilon=1e-5, name="final_norm")(x)
    logits = keras.layers.Dense(len(vocabulary), name="next_token_logits")(x)
    return keras.Model(inputs, logits, name=name)


def gpt_parts(model: keras.Model):
    """``(embedding, blocks, final_norm, head)`` of a model built by :func:`build_gpt`.

    Raises:
        TypeError: if ``model`` does not have that structure.
    """
    try:
        embedding = model.get_layer("embedding")
        final_norm = model.get_layer("final_norm")
        head = model.get_layer("next_token_logits")
    except (ValueError, AttributeError):
        raise TypeError(
            f"Model {getattr(model, 'name', '?')!r} is not a GPT built by coursework.models.gpt.build_gpt."
        ) from None
    blocks = [layer for layer in model.layers if isinstance(layer, TransformerDecoderBlock)]
    if not isinstance(embedding, TokenAndPositionEmbedding) or not blocks:
        raise TypeError("The GPT needs a TokenAndPositionEmbedding named 'embedding' and decoder blocks.")
    return embedding, blocks, final_norm, head


def init_caches(model: keras.Model, batch_size: int):
    """All-zero key/value caches, one per block: a tuple of ``(batch, 2, context, heads, head_dim)`` (the
    batch first, so a beam search can reorder them like any other state)."""
    embedding, blocks, _, _ = gpt_parts(model)
    return tuple(block.init_cache(batch_size, embedding.max_len) for block in blocks)


def cached_logits(model: keras.Model, token_ids, caches, index):
    """Logits of ``token_ids`` ``(batch, n)`` placed at positions ``index … index + n - 1``, reading and
    writing each block's key/value cache (no dropout).

    Args:
        token_ids: the new tokens, ``(batch, n)`` int.
        caches: from :func:`init_caches` or the previous call: one ``(batch, 2, context, heads, dim)``
            per block.
        index: position of the first new token (scalar int; a tensor inside a compiled step).

    Returns:
        ``(logits (batch, n, vocab), updated caches)``.
    """
    embedding, blocks, final_norm, head = gpt_parts(model)
    token_ids = ops.cast(token_ids, "int32")
    positions = ops.arange(ops.shape(token_ids)[1]) + ops.cast(index, "int32")
    x = embedding.token_embedding(token_ids) + ops.expand_dims(embedding.position_embedding(positions), 0)
    updated = []
    for block, cache in zip(blocks, caches, strict=True):
        x, cache = block(
            x, self_attention_cache=cache, self_attention_cache_update_index=index, training=False
        )
        updated.append(cache)
    return head(final_norm(x)), tuple(updated)
