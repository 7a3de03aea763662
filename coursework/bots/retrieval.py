"""Retrieval bot (class 2): TF-IDF over the Spanish chatterbot-corpus statements, cosine similarity.

The bot keeps the corpus' ``(statement, reply)`` pairs, represents every statement with TF-IDF over
preprocessed tokens (the same Spanish pipeline as the intent bot: Snowball stems, accents stripped,
stop words kept), and answers the reply of the statement most similar to the message. Below
``threshold`` cosine similarity it answers the fallback.

Example:
    >>> bot = RetrievalBot()
    >>> match = bot.respond("hola, ¿cómo te va?")
    >>> match.statement, round(match.score, 2) >= 0.9
    ('Hola, ¿cómo te va?', True)
    >>> bot.reply("zzzz") == bot.fallback
    True
"""

from __future__ import annotations

import dataclasses

import numpy as np

from coursework.bots.base import Bot, check_message
from coursework.bots.intent import bot_tokens

DEFAULT_FALLBACK = "No sé qué responder a eso. ¿Me lo decís de otra forma?"


@dataclasses.dataclass(frozen=True)
class Match:
    """The bot's answer with its evidence: the reply, the cosine score and the matched statement."""

    reply: str
    score: float
    statement: str | None


class RetrievalBot(Bot):
    """Answer with the reply of the most similar known statement.

    Args:
        pairs: ``(statement, reply)`` pairs (default: the 684 Spanish chatterbot-corpus pairs).
        threshold: minimum cosine similarity to answer; below it, ``fallback``.
        fallback: the reply when nothing is similar enough.
    """

    name = "retrieval"

    def __init__(
        self,
        pairs: list[tuple[str, str]] | None = None,
        threshold: float = 0.3,
        fallback: str = DEFAULT_FALLBACK,
    ):
        from sklearn.feature_extraction.text import TfidfVectorizer

        if pairs is None:
            from coursework.datasets.dialogue import load_spanish_chatterbot_pairs

            pairs = load_spanish_chatterbot_pairs()
        pairs = [(str(s), str(r)) for s, r in pairs if str(s).strip() and str(r).strip()]
        if not pairs:
            raise ValueError("El bot de recuperación necesita al menos un par (frase, respuesta).")
        if not 0.0 <= float(threshold) <= 1.0:
            raise ValueError(f"El umbral (threshold) tiene que estar entre 0 y 1, no {threshold!r}.")
        self.statements = [s for s, _ in pairs]
        self.replies = [r for _, r in pairs]
        self.threshold = float(threshold)
        self.fallback = fallback
        self.vectorizer = TfidfVectorizer(analyzer=bot_tokens)
        self.matrix = self.vectorizer.fit_transform(self.statements)  # rows are L2-normalised
        # For speed, one message is vectorised by hand (same numbers as vectorizer.transform, tested)
        # and multiplied by the sparse matrix (a plain C loop: a dense BLAS product starts threads that
        # stall for tens of milliseconds on a busy machine).
        self.matrix = self.matrix.tocsr()
        self._columns = self.vectorizer.vocabulary_
        self._idf = self.vectorizer.idf_

    def vectorize(self, text: str) -> np.ndarray:
        """The L2-normalised TF-IDF vector of one message (``vectorizer.transform``, without SciPy)."""
        vector = np.zeros(len(self._idf))
        for token in bot_tokens(text):
            column = self._columns.get(token)
            if column is not None:
                vector[column] += 1.0
        vector *= self._idf
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector

    def scores(self, text: str) -> np.ndarray:
        """Cosine similarity of ``text`` with every statement."""
        return self.matrix @ self.vectorize(text)

    def respond(self, text: str) -> Match:
        """The best :class:`Match` (the fallback with ``statement=None`` below the threshold).

        Raises:
            TypeError: if ``text`` is not a string.
            ValueError: if it is empty or longer than 10,000 characters.
        """
        message = check_message(text)
        scores = self.scores(message)
        best = int(scores.argmax())
        score = float(scores[best])
        if score < self.threshold:
            return Match(self.fallback, score, None)
        return Match(self.replies[best], score, self.statements[best])

    def reply(self, text: str) -> str:
        """The reply of the most similar statement, or the fallback."""
        return self.respond(text).reply

    def most_similar(self, text: str, k: int = 5) -> list[tuple[str, float]]:
        """The ``k`` most similar statements with their scores (for inspection in the notebook)."""
        scores = self.scores(check_message(text))
        order = np.argsort(-scores, kind="stable")[:k]
        return [(self.statements[i], float(scores[i])) for i in order]
