"""Text generation shared by every model of the course: temperature sampling and beam search.

The core here is model-agnostic: a model is reached through a *step function*
``step(token_ids, state) -> (probabilities, new_state)`` that advances a batch of sequences by one
token. Character, word and translation models each provide their own step function.
"""

from coursework.generation.search import beam_search_steps, sample_next
from coursework.generation.text import (RecurrentStepper, beam_search, generate, next_token_probs,
                                        top_k_next)

__all__ = ["RecurrentStepper", "beam_search", "beam_search_steps", "generate", "next_token_probs",
           "sample_next", "top_k_next"]
