"""The Transformer encoder-decoder (Vaswani et al., 2017) for word-level translation (class 7).

Training model (teacher forcing), with the inputs and outputs of
:func:`coursework.models.translator.build_seq2seq_translator`, so the same arrays
(:func:`~coursework.models.translator.teacher_forcing_arrays`) train both::

    source ids ─ TokenEmbedding + sinusoidal positions ─ N × TransformerEncoderBlock ─► memory
    [START] y1 … yn ─ TokenEmbedding + sinusoidal positions
        ─ N × TransformerDecoderBlock (causal self-attention, cross-attention to the memory)
        ─ Dense softmax ► y1 … yn [END]

No recurrence: every position of the source (and, thanks to the causal mask, of the target) is
processed in parallel. The vocabularies travel inside the saved model (``TokenEmbedding``).
Decoding lives one layer up, in :class:`coursework.generation.seq2seq.TransformerTranslator`.

Example:
    >>> model = build_transformer_translator(["", "[UNK]", "uno"], ["", "[UNK]", "[START]", "[END]", "one"],
    ...                                      max_source_length=4, max_target_length=3, embed_dim=8,
    ...                                      num_heads=2, intermediate_dim=16)
    >>> model.output_shape
    (None, 3, 5)
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

from coursework.layers.positional import SinusoidalPositionalEncoding
from coursework.layers.token_embedding import TokenEmbedding
from coursework.layers.transformer import TransformerEncoderBlock
from coursework.layers.transformer_decoder import TransformerDecoderBlock
from coursework.models.translator import END, PAD, START

#: The layer every translator built here has (``model_kinds`` and the decoder read them by name).
TRANSFORMER_LAYERS = ("source_embedding", "target_embedding", "encoder_0", "decoder_0", "next_token")


def embed_with_positions(ids, embedding: TokenEmbedding, name: str):
    """``embedding(ids) + PE``: token vectors plus the sinusoidal position encoding (mask kept)."""
    tokens = embedding(ids)
    positions = SinusoidalPositionalEncoding(name=f"{name}_positions")(tokens)
    return keras.layers.Add(name=f"{name}_with_positions")([tokens, positions])


def build_transformer_translator(
    source_vocabulary: Sequence[str],
    target_vocabulary: Sequence[str],
    max_source_length: int,
    max_target_length: int,
    embed_dim: int = 64,
    num_heads: int = 4,
    intermediate_dim: int = 128,
    num_layers: int = 1,
    dropout: float = 0.1,
    normalize_first: bool = False,
    name: str = "transformer_translator",
) -> keras.Model:
    """Encoder-decoder Transformer trained with teacher forcing (not compiled).

    Args:
        source_vocabulary / target_vocabulary: tokens in id order (see
            :func:`coursework.models.translator.build_vocabulary`); the target one holds
            ``[START]`` and ``[END]``.
        max_source_length: source tokens (inputs ``(batch, max_source_length)``, 0 = padding).
        max_target_length: decoder steps (target tokens + ``[END]``).
        embed_dim: model dimension ``d_model``.
        num_heads: attention heads (must divide ``embed_dim``).
        intermediate_dim: hidden size of each block's feed-forward network.
        num_layers: encoder blocks and decoder blocks (the same number of each).
        dropout: dropout inside the blocks.
        normalize_first: pre-LN blocks (``True``) or post-LN, as in the paper (``False``).

    Returns:
        ``keras.Model`` with inputs ``[source_ids, decoder_input_ids]`` and the next-token
        probabilities ``(batch, max_target_length, len(target_vocabulary))``.
    """
    for label, value in (
        ("max_source_length", max_source_length),
        ("max_target_length", max_target_length),
        ("embed_dim", embed_dim),
        ("num_heads", num_heads),
        ("intermediate_dim", intermediate_dim),
        ("num_layers", num_layers),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{label} must be a positive integer, got {value!r}.")
    if embed_dim % num_heads:
        raise ValueError(f"num_heads={num_heads} must divide embed_dim={embed_dim}.")
    if list(source_vocabulary[:1]) != [PAD] or list(target_vocabulary[:1]) != [PAD]:
        raise ValueError("Vocabularies must start with the padding token '' (use build_vocabulary).")
    if START not in target_vocabulary or END not in target_vocabulary:
        raise ValueError(f"The target vocabulary must contain {START!r} and {END!r}.")

    source_ids = keras.Input((max_source_length,), dtype="int32", name="source_ids")
    decoder_ids = keras.Input((max_target_length,), dtype="int32", name="decoder_input_ids")
    block = dict(num_heads=num_heads, intermediate_dim=intermediate_dim, dropout=dropout)
    block["normalize_first"] = normalize_first

    # The embeddings' Keras masks (id 0 = padding) reach every block: padded keys get no attention.
    source_embedding = TokenEmbedding(source_vocabulary, embed_dim, name="source_embedding")
    memory = embed_with_positions(source_ids, source_embedding, "source")
    for i in range(num_layers):
        memory = TransformerEncoderBlock(**block, name=f"encoder_{i}")(memory)
    if normalize_first:
        memory = keras.layers.LayerNormalization(epsilon=1e-5, name="encoder_norm")(memory)

    target_embedding = TokenEmbedding(target_vocabulary, embed_dim, name="target_embedding")
    y = embed_with_positions(decoder_ids, target_embedding, "target")
    for i in range(num_layers):
        # Ask for the weights here too: a shared layer must return the same structure in every graph,
        # and the decoding step model (generation.transformer_translator) reads them.
        y, _, _ = TransformerDecoderBlock(**block, name=f"decoder_{i}")(
            y, memory, return_attention_scores=True
        )
    if normalize_first:
        y = keras.layers.LayerNormalization(epsilon=1e-5, name="decoder_norm")(y)
    probs = keras.layers.Dense(len(target_vocabulary), activation="softmax", name="next_token")(y)
    return keras.Model([source_ids, decoder_ids], probs, name=name)
