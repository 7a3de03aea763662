"""The interface every bot of the course implements, and the input checks they share.

Example:
    >>> class Echo(Bot):
    ...     def reply(self, text):
    ...         return check_message(text)
    >>> Echo().reply("  hola ")
    'hola'
    >>> Echo().reply("cancio\u0301n") == "canción"
    True
"""

from __future__ import annotations

import abc

from coursework.text import as_text

MAX_MESSAGE_CHARS = 10_000


class Bot(abc.ABC):
    """A bot answers one message at a time: ``reply(text) -> str``."""

    name: str = "bot"

    @abc.abstractmethod
    def reply(self, text: str) -> str:
        """The bot's answer to ``text``."""


def check_message(text, max_chars: int = MAX_MESSAGE_CHARS) -> str:
    """Validate a user message and return it stripped and normalised to Unicode NFC (accents typed as
    combining marks become the single characters the vocabularies hold).

    Raises:
        TypeError: if ``text`` is not a string.
        ValueError: if it is empty / blank or longer than ``max_chars`` characters.
    """
    if not isinstance(text, str):
        raise TypeError(f"El mensaje tiene que ser un texto (str), no {type(text).__name__}.")
    stripped = as_text(text).strip()
    if not stripped:
        raise ValueError("Mensaje vacío: escribí algo para que el bot te responda.")
    if len(stripped) > max_chars:
        raise ValueError(
            f"Mensaje demasiado largo: {len(stripped):,} caracteres (máximo {max_chars:,}).".replace(",", ".")
        )
    return stripped
