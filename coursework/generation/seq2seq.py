"""Decoding with a trained seq2seq translator: batched greedy, beam search and attention alignment.

:class:`Seq2SeqTranslator` rebuilds an *encoder model* and a one-step *decoder model* from the layers
of a model built by :func:`coursework.models.translator.build_seq2seq_translator`, so they share its
weights. Greedy decoding runs in batches; beam search goes through the package's one search,
:func:`coursework.generation.search.beam_search_steps`, with ``[END]`` as its end token. The encoder
states and the source mask are part of the search state, so the search repeats them with the beams.

Example:
    >>> from coursework.models.translator import build_seq2seq_translator
    >>> model = build_seq2seq_translator(["", "[UNK]", "uno"], ["", "[UNK]", "[START]", "[END]", "one"],
    ...                                  max_source_length=4, max_target_length=3, units=8)
    >>> translator = Seq2SeqTranslator(model)
    >>> translator.max_source_length, translator.attention
    (4, 'general')
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np

from coursework.generation.search import beam_search_steps, check_limits
from coursework.layers.seq2seq_attention import BahdanauAttention
from coursework.layers.text_model import to_text_array
from coursework.models.translator import END, START, UNK, detokenize, encode_texts, vocabulary_lookup


class Seq2SeqTranslator:
    """Greedy (batched) and beam-search decoding with the layers of a trained seq2seq model.

    Args:
        model: a model from
            :func:`coursework.models.translator.build_seq2seq_translator` (trained, or loaded from
            ``.keras``).
        on_unknown: ``"error"`` (default: ``ValueError`` naming unknown words) or ``"unk"``
            (replace them by ``[UNK]``).
        on_long: ``"error"`` (default) or ``"truncate"`` for inputs longer than the model's
            ``max_source_length``.

    Example:
        >>> translator = Seq2SeqTranslator(model)                       # doctest: +SKIP
        >>> translator.translate(["trescientos veintiuno"])              # doctest: +SKIP
        ['three hundred twenty-one']
    """

    #: Layers the model must have (a subclass decoding another architecture names its own).
    required_layers = frozenset({"source_embedding", "encoder", "target_embedding", "decoder", "next_token"})
    kind = "a seq2seq translator"

    def __init__(self, model: keras.Model, on_unknown: str = "error", on_long: str = "error"):
        names = {layer.name for layer in model.layers}
        if not self.required_layers <= names:
            from coursework.model_kinds import describe_kind, kind_of_model

            raise ValueError(
                f"This is {describe_kind(kind_of_model(model))}, not {self.kind} "
                f"(layers {sorted(self.required_layers - names)} missing)."
            )
        self.model = model
        self.on_unknown, self.on_long = on_unknown, on_long
        source_embedding = model.get_layer("source_embedding")
        target_embedding = model.get_layer("target_embedding")
        self.source_vocabulary = list(source_embedding.vocabulary)
        self.target_vocabulary = list(target_embedding.vocabulary)
        self._source_lookup = vocabulary_lookup(self.source_vocabulary)  # built once, reused per call
        self.start_id = self.target_vocabulary.index(START)
        self.end_id = self.target_vocabulary.index(END)
        self.max_source_length = int(model.inputs[0].shape[1])
        self.max_target_length = int(model.inputs[1].shape[1])
        self._read_architecture(model, names)
        self._build_inference_models()

    def _read_architecture(self, model, names):
        """What decoding needs to know of the RNN model: attention score, cell and units."""
        self.attention = None
        if "attention" in names:
            layer = model.get_layer("attention")
            self.attention = "additive" if isinstance(layer, BahdanauAttention) else layer.score
        encoder = model.get_layer("encoder")
        self.cell = "lstm" if isinstance(encoder, keras.layers.LSTM) else "gru"
        self.units = int(encoder.units)

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
            context, weights = m.get_layer("attention")(
                decoder_outputs, memory, value_mask=memory_mask, return_attention_scores=True
            )
            hidden = m.get_layer("attention_concat")([decoder_outputs, context])
            hidden = m.get_layer("attention_combine")(hidden)
            outputs = [weights]
        probs = m.get_layer("next_token")(hidden)
        self.decoder_model = keras.Model(
            [token, *states_in, memory, memory_mask], [probs, *states_out, *outputs], name="inference_decoder"
        )
        self._n_states = n_states

    # -- encoding -------------------------------------------------------------------------
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Source ids ``(n, max_source_length)`` (checks empty / unknown / over-long inputs).

        Texts are checked and normalised by :func:`coursework.layers.text_model.to_text_array`
        (``TypeError`` for a non-string item, ``ValueError`` for invalid Unicode, NFC).
        """
        if isinstance(texts, (str, bytes)):
            raise TypeError("Expected a list of texts, e.g. ['veintiuno'], not one string.")
        # Type checks, invalid Unicode (a lone surrogate) named, NFC (decomposed accents composed).
        texts = to_text_array(texts, "texts", allow_empty=True).tolist()
        return encode_texts(
            texts,
            self._source_lookup,
            self.max_source_length,
            on_unknown=self.on_unknown,
            on_long=self.on_long,
        )

    def _encoder_state(self, source_ids: np.ndarray):
        # predict_on_batch runs a compiled function: ~20x faster than an eager call per step.
        memory, *states = self.encoder_model.predict_on_batch(source_ids)
        return {"states": states, "memory": memory, "mask": source_ids != 0}

    def _step(self, token_ids: np.ndarray, state):
        outputs = self.decoder_model.predict_on_batch(
            [
                np.asarray(token_ids, dtype="int32").reshape(-1, 1),
                *state["states"],
                state["memory"],
                state["mask"],
            ]
        )
        probs = outputs[0][:, 0, :]
        new_state = {
            "states": outputs[1 : 1 + self._n_states],
            "memory": state["memory"],
            "mask": state["mask"],
        }
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
    def greedy_ids(self, source_ids: np.ndarray, max_length: int | None = None, batch_size: int = 512):
        """Batched greedy decoding: ``(token id lists, attention weights list or None)``.

        Each token list stops before ``[END]``; the weights of sentence ``i`` have shape
        ``(len(tokens_i) + 1, max_source_length)`` (the ``+ 1`` is the step that chose ``[END]``).
        """
        max_length = self._check_max_length(max_length)
        all_ids, all_weights = [], []
        for start in range(0, len(source_ids), batch_size):
            batch = source_ids[start : start + batch_size]
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
                    all_weights.append(np.stack([w[row] for w in weights_steps[: length + 1]]))
        return all_ids, (all_weights if self.attention is not None else None)

    def translate(
        self, texts: Sequence[str], beam_width: int = 1, max_length: int | None = None, batch_size: int = 512
    ) -> list[str]:
        """Translate a list of texts (greedy when ``beam_width == 1``, beam search otherwise).

        Raises:
            TypeError / ValueError: for a non-list, non-string items, empty texts, unknown words
                (with ``on_unknown="error"``), over-long texts (with ``on_long="error"``), or a bad
                ``beam_width`` / ``max_length``.
        """
        check_limits(
            beam_width,
            None if max_length is None else self._check_max_length(max_length),
            length_name="max_length",
        )
        source_ids = self.encode(texts)
        if len(source_ids) == 0:
            return []
        if beam_width == 1:
            ids, _ = self.greedy_ids(source_ids, max_length, batch_size)
            return [self._tokens_to_text(row) for row in ids]
        return [self._tokens_to_text(self.beam_ids(row, beam_width, max_length)[0][0]) for row in source_ids]

    def beam_ids(
        self,
        source_row: np.ndarray,
        beam_width: int = 3,
        max_length: int | None = None,
        length_normalization: bool = False,
        repetition_penalty: float = 1.0,
        min_length: int = 0,
        temperature: float | None = None,
        rng: np.random.Generator | None = None,
    ) -> list[tuple[list[int], float]]:
        """Beam search for one source (ids ``(max_source_length,)``): ``[(ids, score)]`` best first.

        ``ids`` stop before ``[END]``; ``score`` is the total log-probability of the hypothesis,
        ``[END]`` included when it was produced. The search (:func:`beam_search_steps` with
        ``end_token=[END]``) ranks by that sum, which is exact: it stops only once ``beam_width``
        hypotheses have ended and no running one can still beat them. With
        ``length_normalization=True`` the beams found are re-ranked by mean log-probability per
        token (``[END]`` included), which stops short outputs from winning (useful for chat replies).
        ``repetition_penalty`` / ``min_length`` are passed to the search (see
        :mod:`coursework.generation.processors`); with a ``temperature`` the search is stochastic
        (``sample=True``: candidates drawn with ``rng``).
        """
        max_length = self._check_max_length(max_length)
        check_limits(beam_width, max_length, length_name="max_length")
        state = self._encoder_state(np.asarray(source_row, dtype="int32").reshape(1, -1))

        def step(token_ids, beam_state):
            probs, new_state, _ = self._step(token_ids, beam_state)
            return probs, new_state

        results = beam_search_steps(
            step,
            state,
            self.start_id,
            beam_width,
            max_length,
            end_token=self.end_id,
            length_normalization=False,
            repetition_penalty=repetition_penalty,
            min_length=min_length,
            sample=temperature is not None,
            temperature=1.0 if temperature is None else temperature,
            rng=rng,
        )
        cut = [(ids[:-1] if ids and ids[-1] == self.end_id else ids, score) for ids, score in results]
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
        matrix = weights[0][: len(target_tokens), : len(source_tokens)]
        return source_tokens, target_tokens[: len(matrix)], matrix

    def _check_max_length(self, max_length):
        if max_length is None:
            return self.max_target_length
        if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
            raise ValueError(f"max_length must be a positive integer, got {max_length!r}.")
        check_limits(length=max_length, length_name="max_length")
        return max_length


def load_translator(path, on_unknown: str = "error", on_long: str = "error") -> Seq2SeqTranslator:
    """Load a ``.keras`` file saved from
    :func:`~coursework.models.translator.build_seq2seq_translator` or
    :func:`~coursework.models.transformer_translator.build_transformer_translator` (vocabulary
    included) with the translator class that decodes it."""
    from coursework.generation.transformer_translator import TransformerTranslator
    from coursework.persistence import load_model

    model = load_model(path)
    names = {layer.name for layer in model.layers}
    cls = TransformerTranslator if TransformerTranslator.required_layers <= names else Seq2SeqTranslator
    return cls(model, on_unknown=on_unknown, on_long=on_long)
