"""Character-level corpus for language models: normalisation, vocabulary, block split and windows.

Policy, in order:

1. **Normalisation** (:func:`normalize_text`): lowercase (optional), every run of whitespace inside a
   document (spaces, tabs, newlines) becomes one space, leading/trailing space is removed. Documents
   are then joined with :data:`DOC_SEPARATOR` (``"\\n"``), so the model also learns where a speech
   ends.
2. **Rare characters** (:class:`CharVocabulary`): a character seen fewer than ``min_count`` times in
   the *training* text is not given its own id. It is replaced by its unaccented base letter when
   that letter is in the vocabulary (``"à"`` → ``"a"``, ``"ç"`` → ``"c"``), otherwise by
   :data:`UNKNOWN_CHAR` (``"\\ufffd"``, id 0, always present).
3. **Split** (:func:`split_blocks`): the text is cut into ``n_blocks`` contiguous blocks and every
   ``1 / val_fraction``-th block (spread over the corpus) goes to validation; windows are cut inside
   a block, so no window straddles train and validation.

Example:
    >>> vocab = CharVocabulary.from_text("hola mundo, hola", min_count=2)
    >>> vocab.chars[:4], vocab.decode(vocab.encode("hola"))
    (('\\ufffd', ' ', 'a', 'h'), 'hola')
"""

from __future__ import annotations

import collections
import dataclasses
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np

UNKNOWN_CHAR = "\ufffd"
DOC_SEPARATOR = "\n"
SOURCES = ("es", "en")
_SPACES = re.compile(r"\s+")


def normalize_text(text: str, lowercase: bool = True) -> str:
    """Lowercase (optional) and collapse whitespace runs to one space:
    ``" Hola\\n  Mundo "`` → ``"hola mundo"``.

    Example:
        >>> normalize_text("  ¿Qué\\tTAL?\\n\\n Bien ")
        '¿qué tal? bien'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}.")
    text = _SPACES.sub(" ", text).strip()
    return text.lower() if lowercase else text


def join_documents(documents: Iterable[str], lowercase: bool = True) -> str:
    """Normalise each document and join them with :data:`DOC_SEPARATOR` (empty documents dropped)."""
    cleaned = (normalize_text(doc, lowercase) for doc in documents)
    return DOC_SEPARATOR.join(doc for doc in cleaned if doc)


def load_corpus_text(
    source: str | os.PathLike = "es", max_chars: int | None = None, lowercase: bool = True
) -> str:
    """Normalised text of a corpus: ``"es"`` (Spanish parliament speeches, the default), ``"en"``
    (English news) or the path of a UTF-8 text file (blank lines separate its documents).

    ``max_chars`` keeps the first characters only (whole documents are not guaranteed).

    Raises:
        FileNotFoundError / ValueError: for a missing, empty or non-UTF-8 file.
    """
    from coursework.datasets import corpora

    if source == "es":
        documents = corpora.load_spanish_speeches()
    elif source == "en":
        documents = corpora.load_english_news()
    else:
        raw = corpora.load_text_file(source)
        documents = re.split(r"\n\s*\n", raw)
    text = join_documents(documents, lowercase)
    if max_chars is not None:
        if not isinstance(max_chars, int) or max_chars < 2:
            raise ValueError(f"max_chars must be an integer >= 2, got {max_chars!r}.")
        text = text[:max_chars]
    if len(text) < 2:
        raise ValueError(f"Corpus {str(source)!r} has fewer than 2 characters after normalisation.")
    return text


def _base_letter(char: str) -> str:
    """The character without accents (``"à"`` → ``"a"``), or ``""`` if it is not a letter/digit."""
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return base if len(base) == 1 and base.isalnum() else ""


@dataclasses.dataclass(frozen=True)
class CharVocabulary:
    """Characters in id order; id 0 is always :data:`UNKNOWN_CHAR`.

    Example:
        >>> vocab = CharVocabulary(("\\ufffd", " ", "a"))
        >>> vocab.encode("a a").tolist(), len(vocab)
        ([2, 1, 2], 3)
    """

    chars: tuple[str, ...]

    def __post_init__(self):
        if not self.chars or self.chars[0] != UNKNOWN_CHAR:
            raise ValueError("A CharVocabulary starts with UNKNOWN_CHAR ('\\ufffd').")
        if len(set(self.chars)) != len(self.chars) or any(len(c) != 1 for c in self.chars):
            raise ValueError("A CharVocabulary holds distinct single characters.")
        object.__setattr__(self, "_index", {c: i for i, c in enumerate(self.chars)})

    @classmethod
    def from_text(cls, text: str, min_count: int = 20) -> CharVocabulary:
        """Characters seen at least ``min_count`` times in ``text`` (sorted), after :data:`UNKNOWN_CHAR`."""
        if not isinstance(min_count, int) or min_count < 1:
            raise ValueError(f"min_count must be a positive integer, got {min_count!r}.")
        counts = collections.Counter(text)
        kept = sorted(c for c, n in counts.items() if n >= min_count and c != UNKNOWN_CHAR)
        return cls((UNKNOWN_CHAR, *kept))

    def __len__(self) -> int:
        return len(self.chars)

    def __contains__(self, char: str) -> bool:
        return char in self._index

    def map_rare(self, text: str) -> str:
        """Replace characters outside the vocabulary by their base letter, or :data:`UNKNOWN_CHAR`."""
        mapping = {}
        for char in set(text):
            if char not in self._index:
                base = _base_letter(char)
                mapping[char] = base if base in self._index else UNKNOWN_CHAR
        return text.translate(str.maketrans(mapping)) if mapping else text

    def unknown_in(self, text: str) -> list[str]:
        """Characters of ``text`` that are not in the vocabulary, sorted."""
        return sorted(set(text) - set(self._index))

    def encode(self, text: str, strict: bool = False) -> np.ndarray:
        """Ids of ``text`` (int32). Rare characters are mapped (:meth:`map_rare`) unless ``strict``.

        Raises:
            ValueError: with ``strict=True``, listing the characters outside the vocabulary.
        """
        if strict:
            unknown = self.unknown_in(text)
            if unknown:
                raise ValueError(f"Characters outside the vocabulary: {unknown!r}.")
        else:
            text = self.map_rare(text)
        index = self._index
        return np.fromiter((index[c] for c in text), dtype="int32", count=len(text))

    def decode(self, ids: Iterable[int]) -> str:
        """Text of a sequence of ids."""
        return "".join(self.chars[int(i)] for i in ids)


def split_blocks(text: str, val_fraction: float = 0.1, n_blocks: int = 20) -> tuple[list[str], list[str]]:
    """Cut ``text`` into ``n_blocks`` contiguous blocks; every ``round(1/val_fraction)``-th block goes
    to validation.

    Example:
        >>> train, val = split_blocks("abcdefghij", val_fraction=0.2, n_blocks=5)
        >>> train, val
        (['ab', 'cd', 'ef', 'gh'], ['ij'])
    """
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be between 0 and 1, got {val_fraction!r}.")
    if not isinstance(n_blocks, int) or n_blocks < 2:
        raise ValueError(f"n_blocks must be an integer >= 2, got {n_blocks!r}.")
    if len(text) < 2 * n_blocks:
        raise ValueError(f"Text of {len(text)} characters is too short for {n_blocks} blocks.")
    edges = np.linspace(0, len(text), n_blocks + 1).round().astype(int)
    blocks = [text[a:b] for a, b in zip(edges[:-1], edges[1:], strict=False)]
    every = max(2, round(1 / val_fraction))
    is_val = [(i + 1) % every == 0 for i in range(n_blocks)]
    if not any(is_val):
        is_val[-1] = True
    return (
        [b for b, v in zip(blocks, is_val, strict=False) if not v],
        [b for b, v in zip(blocks, is_val, strict=False) if v],
    )


def make_windows(
    blocks: Sequence[np.ndarray], window: int, stride: int | None = None, targets: str = "sequence"
) -> tuple[np.ndarray, np.ndarray]:
    """Input windows and next-token targets, cut inside each block (never across two).

    Args:
        blocks: id arrays (one per contiguous block).
        window: input length.
        stride: distance between window starts (default ``window``: no overlap).
        targets: ``"sequence"`` — ``y[i, t]`` is the token after ``x[i, t]`` (every position is
            trained), or ``"last"`` — ``y[i]`` is the token after the window (the seed's set-up).

    Example:
        >>> x, y = make_windows([np.arange(7)], window=3)
        >>> x.tolist(), y.tolist()
        ([[0, 1, 2], [3, 4, 5]], [[1, 2, 3], [4, 5, 6]])
    """
    if not isinstance(window, int) or window < 1:
        raise ValueError(f"window must be a positive integer, got {window!r}.")
    stride = window if stride is None else stride
    if not isinstance(stride, int) or stride < 1:
        raise ValueError(f"stride must be a positive integer, got {stride!r}.")
    if targets not in ("sequence", "last"):
        raise ValueError(f"targets must be 'sequence' or 'last', got {targets!r}.")
    xs, ys = [], []
    for ids in blocks:
        ids = np.asarray(ids, dtype="int32")
        starts = np.arange(0, len(ids) - window, stride)
        if starts.size == 0:
            continue
        x = ids[starts[:, None] + np.arange(window)]
        y = ids[starts[:, None] + np.arange(1, window + 1)] if targets == "sequence" else ids[starts + window]
        xs.append(x)
        ys.append(y)
    if not xs:
        raise ValueError(f"No block is longer than the window ({window}); use a shorter window.")
    return np.concatenate(xs), np.concatenate(ys)


class BlockSplitMixin:
    """Sizes and windows of a corpus held as ``train_blocks`` / ``val_blocks`` of token ids
    (shared by the character and word corpora)."""

    train_blocks: list[np.ndarray]
    val_blocks: list[np.ndarray]

    @property
    def n_train(self) -> int:
        return int(sum(len(b) for b in self.train_blocks))

    @property
    def n_val(self) -> int:
        return int(sum(len(b) for b in self.val_blocks))

    def windows(self, split: str, window: int, stride: int | None = None, targets: str = "sequence"):
        """``make_windows`` over the blocks of ``split`` (``"train"`` or ``"validation"``): windows
        never cross a block boundary."""
        blocks = {"train": self.train_blocks, "validation": self.val_blocks}.get(split)
        if blocks is None:
            raise ValueError(f"split must be 'train' or 'validation', got {split!r}.")
        return make_windows(blocks, window, stride, targets)


@dataclasses.dataclass
class CharCorpus(BlockSplitMixin):
    """A normalised corpus split into contiguous train/validation blocks, encoded with a vocabulary."""

    vocab: CharVocabulary
    train_blocks: list[np.ndarray]
    val_blocks: list[np.ndarray]
    source: str = "es"

    def text(self, split: str = "train") -> str:
        """Decoded text of a split's blocks, joined with :data:`DOC_SEPARATOR`."""
        blocks = self.train_blocks if split == "train" else self.val_blocks
        return DOC_SEPARATOR.join(self.vocab.decode(b) for b in blocks)


def load_char_corpus(
    source: str | os.PathLike = "es",
    max_chars: int | None = None,
    val_fraction: float = 0.1,
    n_blocks: int = 20,
    min_count: int = 20,
    lowercase: bool = True,
) -> CharCorpus:
    """Load, normalise, split and encode a corpus (see the module docstring for the policy).

    Example:
        >>> corpus = load_char_corpus("es", max_chars=20_000, min_count=5)  # doctest: +SKIP
        >>> corpus.n_train, corpus.n_val                                    # doctest: +SKIP
        (18000, 2000)
    """
    text = load_corpus_text(source, max_chars=max_chars, lowercase=lowercase)
    train_text, val_text = split_blocks(text, val_fraction, n_blocks)
    vocab = CharVocabulary.from_text("".join(train_text), min_count=min_count)
    return CharCorpus(
        vocab=vocab,
        train_blocks=[vocab.encode(b) for b in train_text],
        val_blocks=[vocab.encode(b) for b in val_text],
        source=str(source),
    )
