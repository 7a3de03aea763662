"""Text generation shared by every model of the course: temperature sampling and beam search.

The core here is model-agnostic: a model is reached through a *step function*
``step(token_ids, state) -> (probabilities, new_state)`` that advances a batch of sequences by one
token. Character, word and translation models each provide their own step function.
"""

from coursework.generation.search import beam_search_steps, sample_next

__all__ = ["beam_search_steps", "sample_next"]
