"""Text generation shared by every model of the course: ONE sampler and ONE beam search.

The core (:mod:`coursework.generation.search`) is model-agnostic: a model is reached through a *step
function* ``step(token_ids, state) -> (probabilities, new_state)`` that advances a batch of sequences
by one token. Recurrent language models (:mod:`~coursework.generation.text`) and seq2seq translators
(:mod:`~coursework.generation.seq2seq`) each provide their own step function.

``Seq2SeqTranslator`` and ``load_translator`` are imported lazily (they need Keras), so importing the
limits and the sampler stays cheap for the command line.
"""

from coursework.generation.search import (
    DEFAULT_TEMPERATURE,
    MAX_BEAM_TOKENS,
    MAX_BEAM_WIDTH,
    MAX_LENGTH,
    beam_search_steps,
    check_limits,
    sample_next,
    sample_steps,
)
from coursework.generation.text import RecurrentStepper, beam_search, generate, next_token_probs, top_k_next

__all__ = [
    "DEFAULT_TEMPERATURE",
    "MAX_BEAM_TOKENS",
    "MAX_BEAM_WIDTH",
    "MAX_LENGTH",
    "RecurrentStepper",
    "Seq2SeqTranslator",
    "beam_search",
    "beam_search_steps",
    "check_limits",
    "generate",
    "load_translator",
    "next_token_probs",
    "sample_next",
    "sample_steps",
    "top_k_next",
]


def __getattr__(name):
    if name in ("Seq2SeqTranslator", "load_translator"):
        from coursework.generation import seq2seq

        return getattr(seq2seq, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
