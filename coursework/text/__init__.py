"""Text in, tokens out: the course's tokenisers and its one vocabulary type (bottom layer).

Every tokeniser normalises to Unicode NFC first, so text pasted with decomposed accents (macOS)
gives the same tokens as text typed on a keyboard. See :mod:`coursework.text.tokenizers` for which
tokeniser each class uses, and :class:`~coursework.text.vocabulary.Vocabulary` for the vocabulary.

Example:
    >>> from coursework.text import Vocabulary, seq2seq_tokenize
    >>> texts = ["¿Qué tal?", "¿Qué hora es?"]
    >>> Vocabulary.build([seq2seq_tokenize(t) for t in texts], specials=["", "[UNK]"]).tokens
    ('', '[UNK]', '?', 'qué', '¿', 'es', 'hora', 'tal')
"""

from coursework.text.normalize import as_text
from coursework.text.tokenizers import (
    NUMBER_TOKEN,
    PUNCTUATION,
    PUNCTUATION_PATTERN,
    SKLEARN_TOKEN_PATTERN,
    TOKENIZERS,
    letter_tokenize,
    seq2seq_detokenize,
    seq2seq_tokenize,
    sklearn_tokenize,
    standardize_words,
    word_tokenize,
)
from coursework.text.vocabulary import Vocabulary

__all__ = [
    "NUMBER_TOKEN",
    "PUNCTUATION",
    "PUNCTUATION_PATTERN",
    "SKLEARN_TOKEN_PATTERN",
    "TOKENIZERS",
    "Vocabulary",
    "as_text",
    "letter_tokenize",
    "seq2seq_detokenize",
    "seq2seq_tokenize",
    "sklearn_tokenize",
    "standardize_words",
    "word_tokenize",
]
