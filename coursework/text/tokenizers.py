"""The tokenisers of the course, one per way the classes split text; each one normalises to NFC first.

=========================  ==========================================================  ============
function                   tokens                                                      used in
=========================  ==========================================================  ============
:func:`sklearn_tokenize`   lowercase, words of ≥ 2 letters/digits (scikit-learn's      class 1
                           default ``token_pattern``)
:func:`word_tokenize`      words of letters/digits, case kept, ``<num>`` kept whole;   class 2, bots
                           optionally every punctuation mark as its own token
:func:`letter_tokenize`    lowercase words of letters only (accents and ñ kept,        class 3
                           ``it's`` one token); numbers and punctuation dropped
:func:`seq2seq_tokenize`   lowercase words and punctuation marks as separate tokens;   class 6
                           :func:`seq2seq_detokenize` joins them back
:func:`standardize_words`  Python twin of the word-level ``TextVectorization``:         class 4
                           lowercase, :data:`PUNCTUATION` → space, split on spaces
=========================  ==========================================================  ============

Every tokeniser takes one ``str`` (any other type is a ``TypeError`` with a message) and returns a
list of ``str``; NFD input (accents as combining marks) gives the same tokens as NFC input.

Example:
    >>> text = "¿Qué día es hoy? Es martes, 2024."
    >>> sklearn_tokenize(text)
    ['qué', 'día', 'es', 'hoy', 'es', 'martes', '2024']
    >>> word_tokenize(text)
    ['Qué', 'día', 'es', 'hoy', 'Es', 'martes', '2024']
    >>> letter_tokenize(text)
    ['qué', 'día', 'es', 'hoy', 'es', 'martes']
    >>> seq2seq_tokenize(text)
    ['¿', 'qué', 'día', 'es', 'hoy', '?', 'es', 'martes', ',', '2024', '.']
    >>> standardize_words(text)
    ['qué', 'día', 'es', 'hoy', 'es', 'martes', '2024']
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence

from coursework.text.normalize import as_text

# scikit-learn's default ``token_pattern``: words of two or more letters/digits.
SKLEARN_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
# The placeholder class 2 puts where a number was (see ``coursework.preprocessing.handle_numbers``).
NUMBER_TOKEN = "<num>"
# What the word-level ``TextVectorization`` removes: ASCII punctuation plus the Spanish ¿ ¡ « ».
PUNCTUATION = string.punctuation + "¿¡«»"
PUNCTUATION_PATTERN = "[" + re.escape(PUNCTUATION) + "]"

# Words: runs of letters/digits (``[^\W_]`` is a letter or digit in any script); ``<num>`` kept whole.
_WORD = re.compile(re.escape(NUMBER_TOKEN) + r"|[^\W_]+")
# With punctuation kept: also every other non-space character on its own (¿ ¡ , . emojis …).
_WORD_OR_MARK = re.compile(re.escape(NUMBER_TOKEN) + r"|[^\W_]+|[^\w\s]|_")
# Letters only, with one inner apostrophe (straight or curly): "it's", "d’Hondt".
_LETTERS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Words (letters, digits, underscore) or single punctuation marks.
_SEQ2SEQ = re.compile(r"\w+|[^\w\s]")
_PUNCTUATION = re.compile(PUNCTUATION_PATTERN)


def sklearn_tokenize(text: str, token_pattern: str = SKLEARN_TOKEN_PATTERN) -> list[str]:
    """Lowercase and split like scikit-learn's default analyzer (words of ≥ 2 characters).

    Raises:
        TypeError: ``text`` or ``token_pattern`` is not a string.
        ValueError: ``token_pattern`` is not a valid regular expression.

    Example:
        >>> sklearn_tokenize("¿Qué día es hoy? Es martes y 2024")
        ['qué', 'día', 'es', 'hoy', 'es', 'martes', '2024']
    """
    text = as_text(text, "a string document")
    if not isinstance(token_pattern, str):
        raise TypeError(
            f"token_pattern must be a regular expression string, got {type(token_pattern).__name__}."
        )
    try:
        pattern = re.compile(token_pattern)
    except re.error as exc:
        raise ValueError(
            f"token_pattern {token_pattern!r} is not a valid regular expression: {exc}."
        ) from None
    return pattern.findall(text.lower())


def word_tokenize(text: str, keep_punctuation: bool = False) -> list[str]:
    """Split into words (letters and digits, case kept); ``¿ ¡ , .`` and emojis are dropped unless
    ``keep_punctuation``, which keeps each mark as its own token. ``<num>`` stays one token.

    Example:
        >>> word_tokenize("¿Qué tal? ¡Bien! 😀")
        ['Qué', 'tal', 'Bien']
        >>> word_tokenize("¿Qué tal?", keep_punctuation=True)
        ['¿', 'Qué', 'tal', '?']
    """
    pattern = _WORD_OR_MARK if keep_punctuation else _WORD
    return pattern.findall(as_text(text))


def letter_tokenize(text: str, lower: bool = True) -> list[str]:
    """Words of letters only (accents and ñ kept, an inner apostrophe kept: ``it's``), lowercased
    unless ``lower=False``; numbers and punctuation are dropped.

    Example:
        >>> letter_tokenize("La Cámara aprobó 3 mociones, ¿verdad?")
        ['la', 'cámara', 'aprobó', 'mociones', 'verdad']
    """
    text = as_text(text)
    return _LETTERS.findall(text.lower() if lower else text)


def seq2seq_tokenize(text: str) -> list[str]:
    """Lower-case words and punctuation marks as separate tokens (accents kept).

    Example:
        >>> seq2seq_tokenize("¿Dónde vives?"), seq2seq_tokenize("twenty-one")
        (['¿', 'dónde', 'vives', '?'], ['twenty', '-', 'one'])
    """
    return _SEQ2SEQ.findall(as_text(text).lower())


def seq2seq_detokenize(tokens: Sequence[str]) -> str:
    """Join tokens back into text: no spaces around ``-`` and apostrophes, none before ``.,!?;:%)``
    or after ``¿¡(``.

    Raises:
        TypeError: ``tokens`` is a single string or holds something that is not a string.

    Example:
        >>> seq2seq_detokenize(["twenty", "-", "one", "thousand"])
        'twenty-one thousand'
        >>> seq2seq_detokenize(["¿", "qué", "tal", "?"]), seq2seq_detokenize(["i", "'", "m", "fine", "."])
        ('¿qué tal?', "i'm fine.")
    """
    if isinstance(tokens, (str, bytes)):
        raise TypeError("Expected a list of tokens, got a single string; tokenize it first.")
    tokens = list(tokens)
    bad = [t for t in tokens if not isinstance(t, str)]
    if bad:
        raise TypeError(f"Tokens must be strings, got {type(bad[0]).__name__} ({bad[0]!r}).")
    text = " ".join(tokens)
    text = re.sub(r"\s*([-'’])\s*", r"\1", text)
    text = re.sub(r"\s+([.,!?;:%)])", r"\1", text)
    text = re.sub(r"([¿¡(])\s+", r"\1", text)
    return text.strip()


def standardize_words(text: str) -> list[str]:
    """Python twin of the word-level vectoriser (``coursework.datasets.word_corpus.make_vectorizer``):
    lowercase, every character of :data:`PUNCTUATION` becomes a space, split on whitespace.

    Keras' default ``TextVectorization`` standardisation differs: it *deletes* ASCII punctuation
    (``"twenty-one"`` → ``"twentyone"``) and keeps ``¿ ¡ « »``.

    Example:
        >>> standardize_words("¿Cuál es la posición del Gobierno, señor Ministro?")
        ['cuál', 'es', 'la', 'posición', 'del', 'gobierno', 'señor', 'ministro']
    """
    return _PUNCTUATION.sub(" ", as_text(text).lower()).split()


TOKENIZERS = {
    "sklearn": sklearn_tokenize,
    "words": word_tokenize,
    "letters": letter_tokenize,
    "seq2seq": seq2seq_tokenize,
    "standardize": standardize_words,
}
"""The tokenisers by short name (what the tests and the CLI can iterate over)."""
