"""Word-level encoder-decoder with optional attention, for translation and chat bots (class 6).

Training model (teacher forcing)::

    source ids ─ TokenEmbedding ─ GRU/LSTM encoder ──► encoder states (all steps) + final state
    [START] y1 … yn ─ TokenEmbedding ─ GRU/LSTM decoder (initial state = encoder's final state)
        └─ attention(query = decoder states, value = encoder states)  (if any)
        └─ concat(decoder state, context) ─ Dense tanh ─ Dense softmax  ► y1 … yn [END]

Without attention the decoder only sees the encoder's final state: the *bottleneck* of seed deck
002. With attention (Luong's architecture: the score is computed after the decoder RNN, so teacher
forcing stays one parallel pass) each output word looks back at every source word; the weights are
the alignment heat-map.

Decoding (greedy, beam search, alignment) is not here: it lives one layer up, in
:class:`coursework.generation.seq2seq.Seq2SeqTranslator` (models never import generation).

Vocabularies travel inside the saved model (:class:`coursework.layers.token_embedding.TokenEmbedding`
keeps its tokens in its config), so ``keras.saving.load_model`` then ``Seq2SeqTranslator(model)``
is all a fresh process needs.

Example:
    >>> model = build_seq2seq_translator(["", "[UNK]", "uno"], ["", "[UNK]", "[START]", "[END]", "one"],
    ...                                  max_source_length=4, max_target_length=3, units=8,
    ...                                  attention="dot")
    >>> model.output_shape
    (None, 3, 5)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import keras
import numpy as np

from coursework.layers.seq2seq_attention import BahdanauAttention, LuongAttention
from coursework.layers.token_embedding import TokenEmbedding
from coursework.text import Vocabulary, seq2seq_detokenize, seq2seq_tokenize

PAD, UNK, START, END = "", "[UNK]", "[START]", "[END]"
SOURCE_SPECIALS = (PAD, UNK)
TARGET_SPECIALS = (PAD, UNK, START, END)
ATTENTIONS = (None, "dot", "general", "additive")
CELLS = ("gru", "lstm")

# The seq2seq tokeniser lives in coursework.text (one tokeniser module); these names are the
# translator's vocabulary of it.
tokenize = seq2seq_tokenize
detokenize = seq2seq_detokenize


# --------------------------------------------------------------------------------------------
# Text <-> tokens <-> ids
# --------------------------------------------------------------------------------------------
def build_vocabulary(
    texts: Iterable[str],
    specials: Sequence[str] = SOURCE_SPECIALS,
    max_size: int | None = None,
    min_count: int = 1,
) -> list[str]:
    """Tokens of ``texts`` by decreasing frequency (ties alphabetical), after the special tokens.

    Args:
        texts: the training texts.
        specials: tokens placed first (padding ``""`` must be id 0).
        max_size: total size, specials included (course limit for the bot: 8000).
        min_count: drop tokens seen fewer times.

    Example:
        >>> build_vocabulary(["b a a", "c a"], max_size=4)
        ['', '[UNK]', 'a', 'b']
    """
    if max_size is not None and max_size <= len(specials):
        raise ValueError(f"max_size must be larger than the {len(specials)} special tokens.")
    return list(
        Vocabulary.build(
            [seq2seq_tokenize(text) for text in texts],
            specials=specials,
            min_count=min_count,
            max_size=max_size,
        )
    )


def vocabulary_lookup(vocabulary: Sequence[str]) -> keras.layers.StringLookup:
    """A ``keras.layers.StringLookup`` for a vocabulary of :func:`build_vocabulary`: padding ``""``
    is id 0 (the mask token) and ``[UNK]`` id 1 (where unknown tokens go).

    Example:
        >>> lookup = vocabulary_lookup(["", "[UNK]", "uno", "dos"])
        >>> keras.ops.convert_to_numpy(lookup(np.array([["dos", "siete", ""]], dtype=object))).tolist()
        [[3, 1, 0]]
    """
    vocabulary = list(vocabulary)
    if vocabulary[:2] != [PAD, UNK]:
        raise ValueError(
            f"A vocabulary must start with the padding token {PAD!r} and {UNK!r}; "
            f"this one starts with {vocabulary[:2]!r} (use build_vocabulary)."
        )
    return keras.layers.StringLookup(vocabulary=vocabulary, mask_token=PAD, oov_token=UNK)


def encode_texts(
    texts: Sequence[str],
    vocabulary: Sequence[str] | keras.layers.StringLookup,
    length: int,
    add_start: bool = False,
    add_end: bool = False,
    on_unknown: str = "unk",
    on_long: str = "error",
) -> np.ndarray:
    """Token ids ``(n, length)`` right-padded with 0: :func:`tokenize`, then a ``StringLookup``
    (:func:`vocabulary_lookup`), then ``[START]`` / ``[END]``, padding and truncation (what
    KerasHub's ``StartEndPacker`` does; a test proves the arrays equal).

    Args:
        vocabulary: the tokens in id order, or their :func:`vocabulary_lookup` (to build it once).
        on_unknown: ``"unk"`` maps unknown words to ``[UNK]`` (documented OOV handling);
            ``"error"`` raises a ``ValueError`` naming them.
        on_long: ``"error"`` (``ValueError`` naming the text) or ``"truncate"`` (keep the first
            tokens; the ``[END]`` token, if asked for, is kept).

    Raises:
        ValueError: for an empty text, unknown words (``on_unknown="error"``) or a text longer than
            ``length`` (``on_long="error"``).
    """
    if on_unknown not in ("unk", "error"):
        raise ValueError(f"on_unknown must be 'unk' or 'error', got {on_unknown!r}.")
    if on_long not in ("error", "truncate"):
        raise ValueError(f"on_long must be 'error' or 'truncate', got {on_long!r}.")
    if isinstance(vocabulary, keras.layers.StringLookup):
        lookup = vocabulary
    else:
        lookup = vocabulary_lookup(vocabulary)
    tokens = [tokenize(text) for text in texts]
    if not tokens:
        return np.zeros((0, length), dtype="int32")
    for text, row in zip(texts, tokens, strict=False):
        if not row:
            raise ValueError(f"Empty input {text!r}: write at least one word.")
    dense = np.full((len(tokens), max(map(len, tokens))), PAD, dtype=object)
    for i, row in enumerate(tokens):
        dense[i, : len(row)] = row
    ids = keras.ops.convert_to_numpy(lookup(dense))
    unk = 1  # StringLookup's out-of-vocabulary id (after the mask token "")
    room = length - int(add_start) - int(add_end)
    for text, row, row_ids in zip(texts, tokens, ids, strict=False):
        unknown = [t for t, i in zip(row, row_ids, strict=False) if i == unk and t != UNK]
        if unknown and on_unknown == "error":
            raise ValueError(
                f"Unknown word(s) {', '.join(map(repr, dict.fromkeys(unknown)))} in "
                f"{text!r}: the model's vocabulary has {lookup.vocabulary_size()} tokens and "
                "does not contain them."
            )
        if len(row) > room and on_long == "error":
            raise ValueError(
                f"Input too long: {text[:60]!r} has {len(row)} tokens; this model accepts at most {room}."
            )
    # Pack: [START] + the first ``room`` ids + [END], right-padded with 0 (vectorised in NumPy:
    # KerasHub's StartEndPacker gives the same arrays but, outside tf.data, through a pure-Python
    # path ~40x slower on a training set).
    vocab = lookup.get_vocabulary() if add_start or add_end else []
    kept = np.minimum([len(row) for row in tokens], room)
    offset = int(add_start)
    out = np.zeros((len(tokens), length), dtype="int32")
    width = min(ids.shape[1], room)
    out[:, offset : offset + width] = np.where(np.arange(width)[None, :] < kept[:, None], ids[:, :width], 0)
    if add_start:
        out[:, 0] = vocab.index(START)
    if add_end:
        out[np.arange(len(tokens)), offset + kept] = vocab.index(END)
    return out


def teacher_forcing_arrays(
    sources: Sequence[str],
    targets: Sequence[str],
    source_vocabulary,
    target_vocabulary,
    max_source_length: int,
    max_target_length: int,
    on_long: str = "truncate",
):
    """``([source_ids, decoder_input_ids], decoder_target_ids)`` for ``model.fit``.

    The decoder reads ``[START] y1 … yn`` and must predict ``y1 … yn [END]`` (teacher forcing).
    """
    x_source = encode_texts(sources, source_vocabulary, max_source_length, on_long=on_long)
    full = encode_texts(
        targets, target_vocabulary, max_target_length + 1, add_start=True, add_end=True, on_long=on_long
    )
    return [x_source, full[:, :-1]], full[:, 1:]


# --------------------------------------------------------------------------------------------
# Model builder
# --------------------------------------------------------------------------------------------
def _rnn(cell: str, units: int, name: str, dropout: float):
    layer = keras.layers.GRU if cell == "gru" else keras.layers.LSTM
    return layer(units, return_sequences=True, return_state=True, dropout=dropout, name=name)


def _attention_layer(attention: str, units: int):
    if attention == "additive":
        return BahdanauAttention(units, name="attention")
    return LuongAttention(score=attention, name="attention")


def build_seq2seq_translator(
    source_vocabulary: Sequence[str],
    target_vocabulary: Sequence[str],
    max_source_length: int,
    max_target_length: int,
    embedding_dim: int = 64,
    units: int = 128,
    attention: str | None = "general",
    cell: str = "gru",
    dropout: float = 0.0,
    source_embeddings: np.ndarray | None = None,
    target_embeddings: np.ndarray | None = None,
    trainable_embeddings: bool = True,
    name: str = "seq2seq_translator",
) -> keras.Model:
    """Encoder-decoder trained with teacher forcing (not compiled).

    Args:
        source_vocabulary / target_vocabulary: tokens in id order (see :func:`build_vocabulary`);
            the target one must hold ``[START]`` and ``[END]``.
        max_source_length: source tokens (inputs are ``(batch, max_source_length)`` ids, 0 = padding).
        max_target_length: decoder steps (target tokens + ``[END]``).
        embedding_dim: embedding size (ignored for a side given pre-trained vectors).
        units: size of the encoder and decoder RNNs (and of the attention hidden layer).
        attention: ``None`` (bottleneck), ``"dot"``, ``"general"`` (bilinear) or ``"additive"``.
        cell: ``"gru"`` or ``"lstm"``.
        dropout: dropout on embeddings, RNN inputs and before the output layer (course bot: 0.2).
        source_embeddings / target_embeddings: optional pre-trained matrices
            ``(len(vocabulary), dim)`` used to initialise the embeddings.
        trainable_embeddings: whether pre-trained embeddings keep learning.

    Returns:
        ``keras.Model`` with inputs ``[source_ids, decoder_input_ids]`` and output the next-token
        probabilities ``(batch, max_target_length, len(target_vocabulary))``.

    Example:
        >>> model = build_seq2seq_translator(["", "[UNK]", "dos"],
        ...                                  ["", "[UNK]", "[START]", "[END]", "two"], 3, 2, units=4,
        ...                                  attention=None)
        >>> [tuple(i.shape) for i in model.inputs]
        [(None, 3), (None, 2)]
    """
    if attention not in ATTENTIONS:
        raise ValueError(f"Unknown attention {attention!r}: choose None, 'dot', 'general' or 'additive'.")
    if cell not in CELLS:
        raise ValueError(f"Unknown cell {cell!r}: choose 'gru' or 'lstm'.")
    for label, value in (
        ("max_source_length", max_source_length),
        ("max_target_length", max_target_length),
        ("embedding_dim", embedding_dim),
        ("units", units),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{label} must be a positive integer, got {value!r}.")
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")
    missing = [t for t in (START, END) if t not in target_vocabulary]
    if missing or list(target_vocabulary[:1]) != [PAD] or list(source_vocabulary[:1]) != [PAD]:
        raise ValueError(
            "Vocabularies must start with the padding token '' and the target one must "
            f"contain {START!r} and {END!r} (use build_vocabulary(..., TARGET_SPECIALS))."
        )

    def embedding(vocabulary, matrix, layer_name):
        dim = embedding_dim if matrix is None else int(np.shape(matrix)[1])
        if matrix is not None and np.shape(matrix)[0] != len(vocabulary):
            raise ValueError(
                f"{layer_name}: pre-trained matrix has {np.shape(matrix)[0]} rows but the "
                f"vocabulary has {len(vocabulary)} tokens."
            )
        layer = TokenEmbedding(
            vocabulary, dim, name=layer_name, trainable=trainable_embeddings or matrix is None
        )
        return layer

    source_ids = keras.Input((max_source_length,), dtype="int32", name="source_ids")
    decoder_ids = keras.Input((max_target_length,), dtype="int32", name="decoder_input_ids")
    source_embedding = embedding(source_vocabulary, source_embeddings, "source_embedding")
    target_embedding = embedding(target_vocabulary, target_embeddings, "target_embedding")

    x = source_embedding(source_ids)
    if dropout:
        x = keras.layers.Dropout(dropout, name="source_dropout")(x)
    encoder_outputs, *encoder_state = _rnn(cell, units, "encoder", dropout)(x)

    y = target_embedding(decoder_ids)
    if dropout:
        y = keras.layers.Dropout(dropout, name="target_dropout")(y)
    decoder_outputs, *_ = _rnn(cell, units, "decoder", dropout)(y, initial_state=encoder_state)
    hidden = decoder_outputs
    if attention is not None:
        # Ask for the weights here too: Keras' functional graph checks assume a shared layer always
        # returns the same structure, and the inference decoder needs the weights.
        context, _ = _attention_layer(attention, units)(
            decoder_outputs, encoder_outputs, return_attention_scores=True
        )
        hidden = keras.layers.Concatenate(name="attention_concat")([decoder_outputs, context])
        hidden = keras.layers.Dense(units, activation="tanh", name="attention_combine")(hidden)
    if dropout:
        hidden = keras.layers.Dropout(dropout, name="output_dropout")(hidden)
    probs = keras.layers.Dense(len(target_vocabulary), activation="softmax", name="next_token")(hidden)
    model = keras.Model([source_ids, decoder_ids], probs, name=name)
    if source_embeddings is not None:
        source_embedding.set_weights([np.asarray(source_embeddings, dtype="float32")])
    if target_embeddings is not None:
        target_embedding.set_weights([np.asarray(target_embeddings, dtype="float32")])
    return model


def compile_translator(model: keras.Model, learning_rate: float = 3e-3) -> keras.Model:
    """Adam + sparse categorical cross-entropy (padding masked out) + token accuracy."""
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="token_accuracy")],
    )
    return model
