"""A chat bot that *generates* its replies with a seq2seq model (class 6's challenge).

The model is an encoder-decoder from :func:`coursework.models.translator.build_seq2seq_translator`
trained on (message, reply) pairs (``coursework train chatbot``). Messages are lower-cased and split
into words and punctuation; words outside the vocabulary become ``[UNK]`` and messages longer than
the model's input are cut to their first words (both documented behaviours, never errors). An empty
message is a ``ValueError``; a reply that would be empty, or whose mean token probability is below
``threshold``, is replaced by the fallback.

Example:
    >>> bot = load_seq2seq_bot("chatbot.keras")        # doctest: +SKIP
    >>> bot.reply("Where are you from?")                # doctest: +SKIP
    'i am from the us.'
"""

from __future__ import annotations

import math
import os

import numpy as np

from coursework.bots.base import Bot, check_message

FALLBACK = "Perdón, no te entendí."


class Seq2SeqBot(Bot):
    """``reply(text)`` with a trained seq2seq model (greedy, or beam search with ``beam_width > 1``;
    beams are ranked by mean token log-probability and the best non-empty one is the reply).

    Args:
        model: a Keras model from ``build_seq2seq_translator`` (or a
            :class:`~coursework.generation.seq2seq.Seq2SeqTranslator`).
        beam_width: 1 = greedy decoding.
        threshold: replies whose mean token probability is below it get the fallback (None: never).
        fallback: the reply used when the model has nothing (confident) to say.
        repetition_penalty / min_length: decoding options of the beam search
            (:mod:`coursework.generation.processors`): a word already said scores lower; no reply
            shorter than ``min_length`` tokens.
        temperature / seed: a stochastic beam search (candidates drawn in proportion to their
            probability re-weighted by ``temperature``) with a generator seeded by ``seed``;
            ``None``: the deterministic search.
    """

    name = "seq2seq"

    def __init__(
        self,
        model,
        beam_width: int = 1,
        threshold: float | None = None,
        fallback: str = FALLBACK,
        repetition_penalty: float = 1.0,
        min_length: int = 0,
        temperature: float | None = None,
        seed: int | None = None,
    ):
        from coursework.generation.processors import check_min_length, check_repetition_penalty
        from coursework.generation.seq2seq import Seq2SeqTranslator

        if isinstance(model, Seq2SeqTranslator):
            model = model.model
        self.translator = Seq2SeqTranslator(model, on_unknown="unk", on_long="truncate")
        if isinstance(beam_width, bool) or not isinstance(beam_width, int) or beam_width < 1:
            raise ValueError(f"beam_width tiene que ser un entero positivo, no {beam_width!r}.")
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise ValueError(f"El umbral (threshold) tiene que estar entre 0 y 1, no {threshold!r}.")
        self.beam_width, self.threshold, self.fallback = beam_width, threshold, fallback
        self.decoding = {
            "repetition_penalty": check_repetition_penalty(repetition_penalty),
            "min_length": check_min_length(min_length),
            "temperature": temperature,
            "rng": None if temperature is None else np.random.default_rng(seed),
        }

    def respond_with_confidence(self, text: str) -> tuple[str, float]:
        """``(reply, mean token probability)``; the fallback has the confidence of the raw reply."""
        message = check_message(text)
        source = self.translator.encode([message])[0]
        candidates = self.translator.beam_ids(
            source, beam_width=self.beam_width, length_normalization=True, **self.decoding
        )
        replies = [
            (self.translator._tokens_to_text(ids, drop_unknown=True), math.exp(log_prob / (len(ids) + 1)))
            for ids, log_prob in candidates
        ]
        reply, confidence = next(((r, c) for r, c in replies if r), replies[0])
        if not reply or (self.threshold is not None and confidence < self.threshold):
            return self.fallback, confidence
        return reply, confidence

    def reply(self, text: str) -> str:
        """The bot's reply to ``text`` (see the module notes for unknown words and long messages)."""
        return self.respond_with_confidence(text)[0]


def load_seq2seq_bot(
    path: str | os.PathLike, threshold: float | None = None, beam_width: int = 1
) -> Seq2SeqBot:
    """A :class:`Seq2SeqBot` from a ``.keras`` file saved by ``coursework train chatbot --save``.

    Raises:
        FileNotFoundError: if the file does not exist.
        ValueError: if it is not a loadable model, or not a seq2seq model.
    """
    import coursework.layers.seq2seq_attention  # noqa: F401  (register the custom layers)
    import coursework.layers.token_embedding  # noqa: F401
    from coursework.persistence import load_model

    return Seq2SeqBot(load_model(path), beam_width=beam_width, threshold=threshold)
