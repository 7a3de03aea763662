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

Inference (:class:`Seq2SeqTranslator`) rebuilds an *encoder model* and a one-step *decoder model*
from the trained model's own layers, so they share its weights, and decodes greedily in batches
or with beam search through :func:`coursework.generation.beam_search_steps`. Beams repeat the
encoder states: they are part of the beam-search state, which the search reorders (and therefore
repeats) with the beams.

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

import collections
import re
from typing import Iterable, Sequence

import keras
import numpy as np

from coursework.layers.seq2seq_attention import BahdanauAttention, LuongAttention
from coursework.layers.token_embedding import TokenEmbedding

PAD, UNK, START, END = "", "[UNK]", "[START]", "[END]"
SOURCE_SPECIALS = (PAD, UNK)
TARGET_SPECIALS = (PAD, UNK, START, END)
ATTENTIONS = (None, "dot", "general", "additive")
CELLS = ("gru", "lstm")

_TOKEN_RE = re.compile(r"\w+|[^\w\s]")


# --------------------------------------------------------------------------------------------
# Text <-> tokens <-> ids
# --------------------------------------------------------------------------------------------
def tokenize(text: str) -> list[str]:
    """Lower-case words and punctuation marks as separate tokens (accents kept).

    Example:
        >>> tokenize("¿Dónde vives?"), tokenize("twenty-one")
        (['¿', 'dónde', 'vives', '?'], ['twenty', '-', 'one'])
    """
    if not isinstance(text, str):
        raise TypeError(f"Expected a string, got {type(text).__name__}: {text!r}.")
    return _TOKEN_RE.findall(text.lower())


def detokenize(tokens: Sequence[str]) -> str:
    """Join tokens back into text: no spaces around ``-`` and apostrophes, none before ``.,!?;:`` or
    after ``¿¡``.

    Example:
        >>> detokenize(["twenty", "-", "one", "thousand"]), detokenize(["¿", "qué", "tal", "?"])
        ('twenty-one thousand', '¿qué tal?')
        >>> detokenize(["i", "'", "m", "fine", "."])
        "i'm fine."
    """
    text = " ".join(tokens)
    text = re.sub(r"\s*([-'’])\s*", r"\1", text)
    text = re.sub(r"\s+([.,!?;:%)])", r"\1", text)
    text = re.sub(r"([¿¡(])\s+", r"\1", text)
    return text.strip()


def build_vocabulary(texts: Iterable[str], specials: Sequence[str] = SOURCE_SPECIALS,
                     max_size: int | None = None, min_count: int = 1) -> list[str]:
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
    counts = collections.Counter(token for text in texts for token in tokenize(text))
    for special in specials:
        counts.pop(special, None)
    ranked = sorted((t for t, c in counts.items() if c >= min_count), key=lambda t: (-counts[t], t))
    vocabulary = list(specials) + ranked
    if max_size is not None:
        if max_size <= len(specials):
            raise ValueError(f"max_size must be larger than the {len(specials)} special tokens.")
        vocabulary = vocabulary[:max_size]
    return vocabulary


def encode_texts(texts: Sequence[str], vocabulary: Sequence[str], length: int,
                 add_start: bool = False, add_end: bool = False, on_unknown: str = "unk",
                 on_long: str = "error") -> np.ndarray:
    """Token ids ``(n, length)`` right-padded with 0.

    Args:
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
    index = {token: i for i, token in enumerate(vocabulary)}
    unk = index.get(UNK, 1)
    ids = np.zeros((len(texts), length), dtype="int32")
    room = length - int(add_start) - int(add_end)
    for row, text in enumerate(texts):
        tokens = tokenize(text)
        if not tokens:
            raise ValueError(f"Empty input {text!r}: write at least one word.")
        unknown = [t for t in tokens if t not in index]
        if unknown and on_unknown == "error":
            raise ValueError(f"Unknown word(s) {', '.join(map(repr, dict.fromkeys(unknown)))} in "
                             f"{text!r}: the model's vocabulary has {len(vocabulary)} tokens and "
                             "does not contain them.")
        if len(tokens) > room:
            if on_long == "error":
                raise ValueError(f"Input too long: {text[:60]!r} has {len(tokens)} tokens; this model "
                                 f"accepts at most {room}.")
            tokens = tokens[:room]
        row_ids = ([index[START]] if add_start else []) + [index.get(t, unk) for t in tokens]
        row_ids += [index[END]] if add_end else []
        ids[row, :len(row_ids)] = row_ids
    return ids


def teacher_forcing_arrays(sources: Sequence[str], targets: Sequence[str], source_vocabulary,
                           target_vocabulary, max_source_length: int, max_target_length: int,
                           on_long: str = "truncate"):
    """``([source_ids, decoder_input_ids], decoder_target_ids)`` for ``model.fit``.

    The decoder reads ``[START] y1 … yn`` and must predict ``y1 … yn [END]`` (teacher forcing).
    """
    x_source = encode_texts(sources, source_vocabulary, max_source_length, on_long=on_long)
    full = encode_texts(targets, target_vocabulary, max_target_length + 1, add_start=True,
                        add_end=True, on_long=on_long)
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


def build_seq2seq_translator(source_vocabulary: Sequence[str], target_vocabulary: Sequence[str],
                             max_source_length: int, max_target_length: int,
                             embedding_dim: int = 64, units: int = 128,
                             attention: str | None = "general", cell: str = "gru",
                             dropout: float = 0.0, source_embeddings: np.ndarray | None = None,
                             target_embeddings: np.ndarray | None = None,
                             trainable_embeddings: bool = True,
                             name: str = "seq2seq_translator") -> keras.Model:
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
    for label, value in (("max_source_length", max_source_length),
                         ("max_target_length", max_target_length), ("embedding_dim", embedding_dim),
                         ("units", units)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{label} must be a positive integer, got {value!r}.")
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")
    missing = [t for t in (START, END) if t not in target_vocabulary]
    if missing or list(target_vocabulary[:1]) != [PAD] or list(source_vocabulary[:1]) != [PAD]:
        raise ValueError("Vocabularies must start with the padding token '' and the target one must "
                         f"contain {START!r} and {END!r} (use build_vocabulary(..., TARGET_SPECIALS)).")

    def embedding(vocabulary, matrix, layer_name):
        dim = embedding_dim if matrix is None else int(np.shape(matrix)[1])
        if matrix is not None and np.shape(matrix)[0] != len(vocabulary):
            raise ValueError(f"{layer_name}: pre-trained matrix has {np.shape(matrix)[0]} rows but the "
                             f"vocabulary has {len(vocabulary)} tokens.")
        layer = TokenEmbedding(vocabulary, dim, name=layer_name,
                               trainable=trainable_embeddings or matrix is None)
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
        context, _ = _attention_layer(attention, units)(decoder_outputs, encoder_outputs,
                                                        return_attention_scores=True)
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
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy",
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="token_accuracy")])
    return model


# --------------------------------------------------------------------------------------------
# Inference
# --------------------------------------------------------------------------------------------
class Seq2SeqTranslator:
    """Greedy (batched) and beam-search decoding with the layers of a trained seq2seq model.

    Args:
        model: a model from :func:`build_seq2seq_translator` (trained, or loaded from ``.keras``).
        on_unknown: ``"error"`` (default: ``ValueError`` naming unknown words) or ``"unk"``
            (replace them by ``[UNK]``).
        on_long: ``"error"`` (default) or ``"truncate"`` for inputs longer than the model's
            ``max_source_length``.

    Example:
        >>> translator = Seq2SeqTranslator(model)                       # doctest: +SKIP
        >>> translator.translate(["trescientos veintiuno"])              # doctest: +SKIP
        ['three hundred twenty-one']
    """

    def __init__(self, model: keras.Model, on_unknown: str = "error", on_long: str = "error"):
        names = {layer.name for layer in model.layers}
        needed = {"source_embedding", "encoder", "target_embedding", "decoder", "next_token"}
        if not needed <= names:
            raise ValueError(f"Not a seq2seq translator model: layers {sorted(needed - names)} missing.")
        self.model = model
        self.on_unknown, self.on_long = on_unknown, on_long
        source_embedding = model.get_layer("source_embedding")
        target_embedding = model.get_layer("target_embedding")
        self.source_vocabulary = list(source_embedding.vocabulary)
        self.target_vocabulary = list(target_embedding.vocabulary)
        self.start_id = self.target_vocabulary.index(START)
        self.end_id = self.target_vocabulary.index(END)
        self.max_source_length = int(model.inputs[0].shape[1])
        self.max_target_length = int(model.inputs[1].shape[1])
        self.attention = None
        if "attention" in names:
            layer = model.get_layer("attention")
            self.attention = "additive" if isinstance(layer, BahdanauAttention) else layer.score
        encoder = model.get_layer("encoder")
        self.cell = "lstm" if isinstance(encoder, keras.layers.LSTM) else "gru"
        self.units = int(encoder.units)
        self._build_inference_models()

    def _build_inference_models(self):
        m = self.model
        n_states = 2 if self.cell == "lstm" else 1
        source = keras.Input((None,), dtype="int32", name="source_ids")
        encoder_outputs, *state = m.get_layer("encoder")(m.get_layer("source_embedding")(source))
        self.encoder_model = keras.Model(source, [encoder_outputs, *state], name="inference_encoder")

        token = keras.Input((1,), dtype="int32", name="token_id")
        states_in = [keras.Input((self.units,), name=f"state_{i}") for i in range(n_states)]
        memory = keras.Input((None, self.units), name="encoder_outputs")
        memory_mask = keras.Input((None,), dtype="bool", name="source_mask")
        y = m.get_layer("target_embedding")(token)
        decoder_outputs, *states_out = m.get_layer("decoder")(y, initial_state=states_in)
        hidden = decoder_outputs
        outputs = []
        if self.attention is not None:
            context, weights = m.get_layer("attention")(decoder_outputs, memory, value_mask=memory_mask,
                                                        return_attention_scores=True)
            hidden = m.get_layer("attention_concat")([decoder_outputs, context])
            hidden = m.get_layer("attention_combine")(hidden)
            outputs = [weights]
        probs = m.get_layer("next_token")(hidden)
        self.decoder_model = keras.Model([token, *states_in, memory, memory_mask],
                                         [probs, *states_out, *outputs], name="inference_decoder")
        self._n_states = n_states

    # -- encoding -------------------------------------------------------------------------
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Source ids ``(n, max_source_length)`` (checks empty / unknown / over-long inputs)."""
        if isinstance(texts, str):
            raise TypeError("Expected a list of texts, e.g. ['veintiuno'], not one string.")
        texts = list(texts)
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"Every input must be a string, got {type(text).__name__}: {text!r}.")
        return encode_texts(texts, self.source_vocabulary, self.max_source_length,
                            on_unknown=self.on_unknown, on_long=self.on_long)

    def _encoder_state(self, source_ids: np.ndarray):
        # predict_on_batch runs a compiled function: ~20x faster than an eager call per step.
        memory, *states = self.encoder_model.predict_on_batch(source_ids)
        return {"states": states, "memory": memory, "mask": source_ids != 0}

    def _step(self, token_ids: np.ndarray, state):
        outputs = self.decoder_model.predict_on_batch(
            [np.asarray(token_ids, dtype="int32").reshape(-1, 1), *state["states"], state["memory"],
             state["mask"]])
        probs = outputs[0][:, 0, :]
        new_state = {"states": outputs[1:1 + self._n_states], "memory": state["memory"],
                     "mask": state["mask"]}
        weights = outputs[1 + self._n_states][:, 0, :] if self.attention is not None else None
        return probs, new_state, weights

    def _tokens_to_text(self, ids: Sequence[int], drop_unknown: bool = False) -> str:
        words = []
        for i in ids:
            if i == self.end_id:
                break
            if i > 0 and not (drop_unknown and self.target_vocabulary[i] == UNK):
                words.append(self.target_vocabulary[i])
        return detokenize(words)

    # -- decoding -------------------------------------------------------------------------
    def greedy_ids(self, source_ids: np.ndarray, max_length: int | None = None,
                   batch_size: int = 512):
        """Batched greedy decoding: ``(token id lists, attention weights list or None)``.

        Each token list stops before ``[END]``; the weights of sentence ``i`` have shape
        ``(len(tokens_i) + 1, max_source_length)`` (the ``+ 1`` is the step that chose ``[END]``).
        """
        max_length = self._check_max_length(max_length)
        all_ids, all_weights = [], []
        for start in range(0, len(source_ids), batch_size):
            batch = source_ids[start:start + batch_size]
            # Pad to a power of two: few distinct shapes, so few retracings of the compiled step.
            rows = len(batch)
            padded = min(batch_size, 1 << max(rows - 1, 0).bit_length())
            if padded > rows:
                batch = np.concatenate([batch, np.repeat(batch[:1], padded - rows, axis=0)])
            state = self._encoder_state(batch)
            tokens = np.full(len(batch), self.start_id, dtype="int32")
            done = np.zeros(len(batch), dtype=bool)
            chosen, weights_steps = [], []
            for _ in range(max_length):
                probs, state, weights = self._step(tokens, state)
                tokens = probs.argmax(axis=-1).astype("int32")
                chosen.append(np.where(done, 0, tokens))
                if weights is not None:
                    weights_steps.append(weights)
                done |= tokens == self.end_id
                if done.all():
                    break
            chosen = np.stack(chosen, axis=1)
            for row in range(rows):
                ids = [int(t) for t in chosen[row]]
                length = ids.index(self.end_id) if self.end_id in ids else len(ids)
                all_ids.append(ids[:length])
                if weights_steps:
                    all_weights.append(np.stack([w[row] for w in weights_steps[:length + 1]]))
        return all_ids, (all_weights if self.attention is not None else None)

    def translate(self, texts: Sequence[str], beam_width: int = 1, max_length: int | None = None,
                  batch_size: int = 512) -> list[str]:
        """Translate a list of texts (greedy when ``beam_width == 1``, beam search otherwise).

        Raises:
            TypeError / ValueError: for a non-list, non-string items, empty texts, unknown words
                (with ``on_unknown="error"``), over-long texts (with ``on_long="error"``), or a bad
                ``beam_width`` / ``max_length``.
        """
        if isinstance(beam_width, bool) or not isinstance(beam_width, int) or beam_width < 1:
            raise ValueError(f"beam_width must be a positive integer, got {beam_width!r}.")
        source_ids = self.encode(texts)
        if len(source_ids) == 0:
            return []
        if beam_width == 1:
            ids, _ = self.greedy_ids(source_ids, max_length, batch_size)
            return [self._tokens_to_text(row) for row in ids]
        return [self._tokens_to_text(self.beam_ids(row, beam_width, max_length)[0][0])
                for row in source_ids]

    def beam_ids(self, source_row: np.ndarray, beam_width: int = 3, max_length: int | None = None,
                 length_normalization: bool = False) -> list[tuple[list[int], float]]:
        """Beam search for one source (ids ``(max_source_length,)``): ``[(ids, score)]`` best first.

        Uses the shared :func:`coursework.generation.search.beam_search_steps`; the encoder states
        and the source mask are part of the search state, so the search repeats them with the beams
        (a batch of one becomes a batch of ``beam_width``).

        ``[END]`` is made *absorbing* (a beam that said ``[END]`` keeps saying it with probability 1)
        and no ``end_token`` is passed to the search, so every hypothesis competes with its total
        log-probability until ``max_length``. This sidesteps a problem of the shared search, which
        stops as soon as ``beam_width`` hypotheses have ended and drops the beams still alive even
        when they score better (see docs/seq2seq.md). With ``length_normalization=True`` the final
        beams are re-ranked by mean log-probability per token (``[END]`` included), which stops
        the search from preferring very short outputs (useful for chat replies).
        """
        from coursework.generation.search import beam_search_steps

        max_length = self._check_max_length(max_length)
        state = self._encoder_state(np.asarray(source_row, dtype="int32").reshape(1, -1))

        def step(token_ids, beam_state):
            probs, new_state, _ = self._step(token_ids, beam_state)
            ended = np.asarray(token_ids) == self.end_id
            if ended.any():
                probs = probs.copy()
                probs[ended] = 0.0
                probs[ended, self.end_id] = 1.0
            return probs, new_state

        results = beam_search_steps(step, state, self.start_id, beam_width, max_length,
                                    end_token=None, length_normalization=False)
        cut = [(ids[:ids.index(self.end_id)] if self.end_id in ids else ids, score)
               for ids, score in results]
        if length_normalization:
            cut.sort(key=lambda item: -item[1] / (len(item[0]) + 1))
        return cut

    def alignment(self, text: str, max_length: int | None = None):
        """Greedy translation of one text with its attention weights, ready for a heat-map.

        Returns:
            ``(source_tokens, target_tokens, weights)`` with ``weights`` of shape
            ``(len(target_tokens), len(source_tokens))``; ``target_tokens`` ends with ``[END]``.

        Raises:
            ValueError: if the model has no attention.
        """
        if self.attention is None:
            raise ValueError("This model has no attention layer, so it has no alignment to show.")
        source_ids = self.encode([text])
        ids, weights = self.greedy_ids(source_ids, max_length)
        source_tokens = [self.source_vocabulary[i] for i in source_ids[0] if i != 0]
        target_tokens = [self.target_vocabulary[i] for i in ids[0]] + [END]
        matrix = weights[0][:len(target_tokens), :len(source_tokens)]
        return source_tokens, target_tokens[:len(matrix)], matrix

    def _check_max_length(self, max_length):
        if max_length is None:
            return self.max_target_length
        if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
            raise ValueError(f"max_length must be a positive integer, got {max_length!r}.")
        return max_length


def load_translator(path, on_unknown: str = "error", on_long: str = "error") -> Seq2SeqTranslator:
    """Load a ``.keras`` file saved from :func:`build_seq2seq_translator` (vocabulary included)."""
    from coursework.persistence import load_model

    import coursework.layers.seq2seq_attention  # noqa: F401  (register the custom layers)
    import coursework.layers.token_embedding  # noqa: F401

    return Seq2SeqTranslator(load_model(path), on_unknown=on_unknown, on_long=on_long)
