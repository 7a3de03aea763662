"""Attention-based text classifiers over word ids (class 7; seed decks 003 and 004).

- :func:`build_self_attention_classifier`: seed deck 003's network — Embedding → Dense q, Dense k →
  ``keras.layers.Attention`` → Dropout → GlobalAveragePooling → Dropout → Dense(100) → Dropout →
  Dense(sigmoid) — (``variant="seed"``), or the same idea on this package's layers (``variant=
  "package"``): Embedding → :class:`MultiHeadSelfAttention` → :class:`AttentionPooling` (HAN) → Dense;
- :func:`build_han_classifier`: the slides' HAN word encoder — Embedding → BiLSTM (sequences) →
  :class:`AttentionPooling` → Dropout → Dense(sigmoid): one learned weight α per word;
- :func:`build_transformer_classifier`: token + position embedding → N
  :class:`TransformerEncoderBlock` → masked average pooling → Dropout → Dense(sigmoid);
- :func:`attention_maps`: the attention weights of any of these models for given word ids (for the
  heat-maps of the notebooks).

Every builder returns an uncompiled ``keras.Model`` from word ids ``(batch, time)`` (0 = padding) to a
probability ``(batch, 1)``; wrap it with :func:`coursework.models.text_input.text_classifier` to feed
raw strings. Sequences longer than ``max_len`` must be truncated before (the vectoriser's
``sequence_length`` does it); :func:`truncation_report` warns how many texts lose tokens.

Example:
    >>> model = build_transformer_classifier(vocab_size=100, max_len=8, num_layers=1, num_heads=2,
    ...                                      embed_dim=8, intermediate_dim=16)
    >>> model.output_shape
    (None, 1)
"""

from __future__ import annotations

import warnings

import numpy as np

VARIANTS = ("seed", "package")


def _check_positive(**values) -> None:
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")


def _check_dropout(dropout) -> None:
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}.")


def build_self_attention_classifier(
    vocab_size: int,
    embedding_dim: int = 60,
    dense_units: int = 100,
    dropout: float = 0.1,
    variant: str = "seed",
    num_heads: int = 2,
    pooling_units: int = 32,
    name: str | None = None,
):
    """Self-attention sentiment classifier over word ids.

    Args:
        vocab_size: rows of the embedding (the vectoriser's vocabulary size, padding included).
        embedding_dim: width of the word vectors (and of the query / key projections).
        dense_units: units of the hidden Dense layer.
        dropout: rate of the Dropout layers.
        variant: ``"seed"`` (deck 003: ``keras.layers.Attention`` on Dense q / k, average pooling) or
            ``"package"`` (``MultiHeadSelfAttention`` + ``AttentionPooling`` from this package).
        num_heads: heads of the package variant (must divide ``embedding_dim``).
        pooling_units: size of ``AttentionPooling``'s hidden projection (package variant).

    Example:
        >>> build_self_attention_classifier(50, 8, dense_units=4).count_params()
        585
    """
    import keras

    from coursework.layers.attention import AttentionPooling, MultiHeadSelfAttention

    _check_positive(vocab_size=vocab_size, embedding_dim=embedding_dim, dense_units=dense_units)
    _check_dropout(dropout)
    if variant not in VARIANTS:
        raise ValueError(f"Unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}.")
    ids = keras.Input(shape=(None,), dtype="int32", name="word_ids")
    e = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True, name="embedding")(ids)
    if variant == "seed":
        q = keras.layers.Dense(embedding_dim, name="query")(e)
        k = keras.layers.Dense(embedding_dim, name="key")(e)
        x = keras.layers.Attention(name="self_attention")([q, k])
        x = keras.layers.Dropout(dropout)(x)
        x = keras.layers.GlobalAveragePooling1D(name="average")(x)
    else:
        if embedding_dim % num_heads:
            raise ValueError(f"num_heads={num_heads} does not divide embedding_dim={embedding_dim}.")
        x = MultiHeadSelfAttention(num_heads, dropout=dropout, name="self_attention")(e)
        x = keras.layers.Dropout(dropout)(x)
        x = AttentionPooling(pooling_units, name="attention_pooling")(x)
    x = keras.layers.Dropout(dropout)(x)
    x = keras.layers.Dense(dense_units, name="hidden")(x)
    x = keras.layers.Dropout(dropout)(x)
    out = keras.layers.Dense(1, activation="sigmoid", name="probability")(x)
    return keras.Model(ids, out, name=name or f"self_attention_{variant}_classifier")


def build_han_classifier(
    vocab_size: int,
    embedding_dim: int = 64,
    units: int = 64,
    pooling_units: int = 64,
    dropout: float = 0.3,
    temperature: float = 1.0,
    name: str = "han_classifier",
):
    """HAN's word level (Yang et al., 2016): Embedding → BiLSTM → ``AttentionPooling`` → sigmoid.

    Each word's BiLSTM state ``h_t`` gets a weight ``α_t`` (softmax over the real words); the review
    is ``s = Σ α_t h_t``. Padding (id 0) is masked and gets ``α = 0``.

    Args:
        vocab_size: rows of the embedding (0 = padding).
        embedding_dim: width of the word vectors.
        units: LSTM units per direction (``h_t`` has ``2 * units`` features).
        pooling_units: size of ``AttentionPooling``'s hidden projection ``u``.
        dropout: rate of the Dropout layers (after the embedding and after the pooling).
        temperature: ``AttentionPooling``'s softmax temperature (below 1: sharper, faster-learning α).

    Example:
        >>> build_han_classifier(50, 8, units=4, pooling_units=4).count_params()
        865
    """
    import keras

    from coursework.layers.attention import AttentionPooling

    _check_positive(
        vocab_size=vocab_size, embedding_dim=embedding_dim, units=units, pooling_units=pooling_units
    )
    _check_dropout(dropout)
    ids = keras.Input(shape=(None,), dtype="int32", name="word_ids")
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True, name="embedding")(ids)
    x = keras.layers.Dropout(dropout)(x)
    h = keras.layers.Bidirectional(keras.layers.LSTM(units, return_sequences=True), name="bilstm")(x)
    x = AttentionPooling(pooling_units, temperature=temperature, name="attention_pooling")(h)
    x = keras.layers.Dropout(dropout)(x)
    out = keras.layers.Dense(1, activation="sigmoid", name="probability")(x)
    return keras.Model(ids, out, name=name)


def build_transformer_classifier(
    vocab_size: int,
    max_len: int,
    num_layers: int = 1,
    num_heads: int = 2,
    embed_dim: int = 64,
    intermediate_dim: int = 128,
    dropout: float = 0.1,
    normalize_first: bool = False,
    positions: str = "learned",
    name: str = "transformer_classifier",
):
    """A Transformer-encoder classifier: embeddings with positions → ``num_layers`` blocks → pooling.

    Args:
        vocab_size: token ids ``0 .. vocab_size-1`` (0 = padding, masked).
        max_len: longest sequence (positions learned up to it); longer input raises ``ValueError``.
        num_layers: number of :class:`TransformerEncoderBlock`.
        num_heads: attention heads per block; must divide ``embed_dim``.
        embed_dim: model dimension.
        intermediate_dim: feed-forward hidden size.
        dropout: dropout inside the blocks and before the output.
        normalize_first: pre-LN blocks instead of post-LN.
        positions: ``"learned"`` or ``"sinusoidal"``.

    Example:
        >>> build_transformer_classifier(100, 8, num_heads=3, embed_dim=8)
        Traceback (most recent call last):
        ...
        ValueError: num_heads=3 does not divide embed_dim=8.
    """
    import keras

    from coursework.layers.positional import TokenAndPositionEmbedding
    from coursework.layers.transformer import TransformerEncoderBlock

    _check_positive(
        vocab_size=vocab_size,
        max_len=max_len,
        num_layers=num_layers,
        num_heads=num_heads,
        embed_dim=embed_dim,
        intermediate_dim=intermediate_dim,
    )
    _check_dropout(dropout)
    if embed_dim % num_heads:
        raise ValueError(f"num_heads={num_heads} does not divide embed_dim={embed_dim}.")
    ids = keras.Input(shape=(max_len,), dtype="int32", name="word_ids")
    x = TokenAndPositionEmbedding(
        vocab_size, max_len, embed_dim, positions=positions, name="token_and_position"
    )(ids)
    for i in range(num_layers):
        x = TransformerEncoderBlock(
            num_heads, intermediate_dim, dropout=dropout, normalize_first=normalize_first, name=f"encoder_{i}"
        )(x)
    x = keras.layers.GlobalAveragePooling1D(name="average")(x)
    x = keras.layers.Dropout(dropout)(x)
    out = keras.layers.Dense(1, activation="sigmoid", name="probability")(x)
    return keras.Model(ids, out, name=name)


def attention_maps(model, word_ids) -> dict[str, np.ndarray]:
    """Attention weights of a classifier of this module for a batch of word ids.

    Returns a dict ``layer name → weights``: ``(batch, T, T)`` for ``keras.layers.Attention``,
    ``(batch, heads, T, T)`` for multi-head layers and encoder blocks, ``(batch, T)`` for
    ``AttentionPooling``. Padded positions get weight 0 as keys.

    Raises:
        ValueError: if the model has none of these layers.

    Example:
        >>> maps = attention_maps(model, ids)            # doctest: +SKIP
        >>> maps["encoder_0"].shape                      # doctest: +SKIP
        (1, 2, 64, 64)
    """
    import keras
    from keras import ops

    from coursework.layers.attention import AttentionPooling, MultiHeadSelfAttention
    from coursework.layers.transformer import TransformerEncoderBlock

    ids = np.asarray(word_ids)
    if ids.ndim == 1:
        ids = ids[None, :]
    layers = {layer.name: layer for layer in model.layers}
    maps: dict[str, np.ndarray] = {}
    if "token_and_position" in layers:  # transformer classifier
        emb = layers["token_and_position"]
        x, mask = emb(ids), emb.compute_mask(ids)
        for layer in model.layers:
            if isinstance(layer, TransformerEncoderBlock):
                x, w = layer(x, padding_mask=mask, return_attention_scores=True)
                maps[layer.name] = np.asarray(w)
    elif "embedding" in layers:
        emb = layers["embedding"]
        e, mask = emb(ids), ops.not_equal(ids, 0)
        att = layers.get("self_attention")
        if isinstance(att, keras.layers.Attention):
            q, k = layers["query"](e), layers["key"](e)
            _, w = att([q, k], mask=[mask, mask], return_attention_scores=True)
            maps[att.name] = np.asarray(w) * np.asarray(mask)[:, :, None]
        elif isinstance(att, MultiHeadSelfAttention):
            _, w = att(e, mask=mask, return_attention_scores=True)
            maps[att.name] = np.asarray(w)
        pool = layers.get("attention_pooling")
        if isinstance(pool, AttentionPooling):  # α of HAN pooling, over whatever comes before it
            before = pool.input[0] if isinstance(pool.input, (list, tuple)) else pool.input  # [h, mask]
            h = keras.Model(model.input, before)(ids, training=False)
            _, alpha = pool(h, padding_mask=mask, return_attention_scores=True)
            maps[pool.name] = np.asarray(alpha)
    if not maps:
        raise ValueError(
            f"Model {model.name!r} has no attention layer this function knows "
            "(build it with build_self_attention_classifier, build_han_classifier or "
            "build_transformer_classifier)."
        )
    return maps


def truncation_report(lengths, max_len: int, what: str = "texts") -> float:
    """Warn (``UserWarning``) when some sequences are longer than ``max_len``; return that fraction.

    Example:
        >>> truncation_report([3, 5, 9], max_len=8)   # doctest: +SKIP
        UserWarning: 1 of 3 texts (33.3 %) are longer than 8 tokens and will be truncated.
    """
    lengths = np.asarray(lengths)
    too_long = int((lengths > max_len).sum())
    if too_long:
        warnings.warn(
            f"{too_long} of {len(lengths)} {what} ({100 * too_long / len(lengths):.1f} %) are "
            f"longer than {max_len} tokens and will be truncated (the first {max_len} kept).",
            UserWarning,
            stacklevel=2,
        )
    return too_long / max(len(lengths), 1)


def plot_word_weights(words, weights, title: str, ax=None):
    """Bar chart of one weight per word (e.g. ``AttentionPooling``'s α), words on the x axis.

    Example:
        >>> plot_word_weights(["muy", "buena"], [0.3, 0.7], "α por palabra")   # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    weights = np.asarray(weights, dtype=float)
    if len(words) != len(weights):
        raise ValueError(f"{len(words)} words but {len(weights)} weights.")
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4, 0.55 * len(words) + 1.5), 3))
    ax.bar(range(len(words)), weights, color="tab:orange")
    ax.set_xticks(range(len(words)), words, rotation=60, ha="right")
    ax.set_title(title)
    ax.set_xlabel("palabra")
    ax.set_ylabel("peso de atención α")
    ax.grid(axis="y", alpha=0.3)
    return ax
