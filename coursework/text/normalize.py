"""The first step of every tokeniser: check that the input is text and normalise it to Unicode NFC.

The same word can arrive as different code points: ``"canción"`` typed on most keyboards has one
code point for ``ó`` (NFC, composed), while macOS often pastes ``o`` followed by a combining acute
accent (NFD, decomposed). Both look identical but would be different tokens; NFC makes them equal.

Example:
    >>> decomposed = "cancio\\u0301n"
    >>> len(decomposed), len(as_text(decomposed)), as_text(decomposed) == "canción"
    (8, 7, True)
"""

from __future__ import annotations

import unicodedata


def as_text(text, expected: str = "a string of text") -> str:
    """``text`` normalised to NFC; a ``TypeError`` ("Expected {expected}, got …") if it is not a ``str``.

    Example:
        >>> as_text(b"hola")
        Traceback (most recent call last):
        ...
        TypeError: Expected a string of text, got bytes.
    """
    if not isinstance(text, str):
        raise TypeError(f"Expected {expected}, got {type(text).__name__}.")
    return unicodedata.normalize("NFC", text)
