"""Sub-word tokens for the small GPT: a WordPiece vocabulary learnt from the corpus, offline.

The vocabulary is learnt with ``keras_hub.tokenizers.compute_word_piece_vocabulary`` and applied with
``keras_hub.tokenizers.WordPieceTokenizer`` (TensorFlow text ops; nothing is downloaded). Frequent
words get one token (``"gobierno"``), rare ones are cut into pieces that continue a word with ``##``
(``"descentraliz"``, ``"##ación"``).

Policy:

- text is normalised to NFC (:func:`~coursework.text.normalize.as_text`) and lowercased;
- spaces are implied between words; punctuation marks are tokens of their own and are re-attached by
  :func:`~coursework.text.tokenizers.seq2seq_detokenize` when decoding (``"hola , mundo"`` →
  ``"hola, mundo"``);
- a line break (the end of a speech in the corpus) is the token ``[SEP]``;
- ids 0, 1, 2 are ``[PAD]``, ``[UNK]`` (a character never seen in training) and ``[SEP]``.

Example:
    >>> tokenizer = SubwordTokenizer(["[PAD]", "[UNK]", "[SEP]", ",", "hola", "mundo", "mun", "##do"])
    >>> ids = tokenizer.encode("Hola, mundo\\nhola")
    >>> ids.tolist(), tokenizer.decode(ids)
    ([4, 3, 5, 2, 4], 'hola, mundo\\nhola')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from coursework.text.normalize import as_text
from coursework.text.tokenizers import seq2seq_detokenize

RESERVED_TOKENS = ("[PAD]", "[UNK]", "[SEP]")
"""Ids 0, 1, 2 of every sub-word vocabulary: padding, unknown, end of a document (a line break)."""
SUFFIX = "##"
"""Marks a piece that continues the previous token's word."""


def train_wordpiece_vocabulary(texts: Iterable[str], vocabulary_size: int = 3000) -> list[str]:
    """A WordPiece vocabulary of at most ``vocabulary_size`` tokens learnt from ``texts`` (lowercased).

    Line breaks split ``texts`` into documents; the learner may return fewer tokens than asked when the
    corpus is small. :data:`RESERVED_TOKENS` come first.
    """
    if not isinstance(vocabulary_size, int) or vocabulary_size < len(RESERVED_TOKENS) + 1:
        raise ValueError(
            f"vocabulary_size must be an integer > {len(RESERVED_TOKENS)}, got {vocabulary_size!r}."
        )
    import keras_hub
    import tensorflow as tf

    documents = [line for text in texts for line in as_text(text).split("\n") if line.strip()]
    if not documents:
        raise ValueError("No text to learn a vocabulary from.")
    return list(
        keras_hub.tokenizers.compute_word_piece_vocabulary(
            tf.data.Dataset.from_tensor_slices(documents),
            vocabulary_size=vocabulary_size,
            lowercase=True,
            suffix_indicator=SUFFIX,
            reserved_tokens=list(RESERVED_TOKENS),
        )
    )


class SubwordTokenizer:
    """Text ↔ sub-word ids with a WordPiece vocabulary (see the module docstring for the policy).

    Args:
        vocabulary: the tokens in id order, starting with :data:`RESERVED_TOKENS`.
    """

    def __init__(self, vocabulary: Sequence[str]):
        vocabulary = list(vocabulary)
        if tuple(vocabulary[: len(RESERVED_TOKENS)]) != RESERVED_TOKENS:
            raise ValueError(f"A sub-word vocabulary starts with {list(RESERVED_TOKENS)}.")
        if len(set(vocabulary)) != len(vocabulary):
            raise ValueError("The sub-word vocabulary has repeated tokens.")
        self.vocabulary = tuple(vocabulary)
        self._tokenizer = None

    @classmethod
    def train(cls, texts: Iterable[str], vocabulary_size: int = 3000) -> SubwordTokenizer:
        """A tokenizer whose vocabulary is learnt from ``texts`` (:func:`train_wordpiece_vocabulary`)."""
        return cls(train_wordpiece_vocabulary(texts, vocabulary_size))

    @property
    def vocab_size(self) -> int:
        return len(self.vocabulary)

    @property
    def sep_id(self) -> int:
        return RESERVED_TOKENS.index("[SEP]")

    def _keras_hub(self):
        if self._tokenizer is None:
            import keras_hub

            self._tokenizer = keras_hub.tokenizers.WordPieceTokenizer(
                vocabulary=list(self.vocabulary),
                lowercase=True,
                suffix_indicator=SUFFIX,
                oov_token="[UNK]",
                special_tokens=["[SEP]"],
                special_tokens_in_strings=True,
                dtype="int32",
            )
        return self._tokenizer

    def encode_batch(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Ids (int32 arrays) of each text; line breaks become ``[SEP]``."""
        if isinstance(texts, str):
            raise TypeError("encode_batch takes a list of texts; use encode for one text.")
        prepared = [as_text(t).replace("\n", " [SEP] ") for t in texts]
        if not prepared:
            return []
        ragged = self._keras_hub()(prepared)
        rows = ragged.to_list() if hasattr(ragged, "to_list") else ragged
        return [np.asarray(row, dtype="int32") for row in rows]

    def encode(self, text: str) -> np.ndarray:
        """Ids (int32) of one text.

        Raises:
            TypeError: if ``text`` is not a string.
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}.")
        return self.encode_batch([text])[0]

    def tokens(self, ids: Iterable[int]) -> list[str]:
        """The token of each id (``["gobier", "##no"]``)."""
        return [self.vocabulary[int(i)] for i in ids]

    def decode(self, ids: Iterable[int]) -> str:
        """Text of ``ids``: ``##`` pieces joined to their word, punctuation re-attached, ``[SEP]`` as a
        line break, ``[PAD]`` dropped."""
        lines: list[list[str]] = [[]]
        for token in self.tokens(ids):
            if token == "[PAD]":
                continue
            if token == "[SEP]":
                lines.append([])
            elif token.startswith(SUFFIX) and lines[-1]:
                lines[-1][-1] += token[len(SUFFIX) :]
            else:
                lines[-1].append(token[len(SUFFIX) :] if token.startswith(SUFFIX) else token)
        return "\n".join(seq2seq_detokenize(words) for words in lines)
