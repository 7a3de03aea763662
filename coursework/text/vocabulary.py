"""One vocabulary type: tokens in id order, token → id look-up, built from token lists.

A :class:`Vocabulary` is an immutable ``Mapping`` from token to id whose iteration order is the id
order, so it works wherever a ``{token: id}`` dict (scikit-learn's ``vocabulary_``) or, through
:attr:`Vocabulary.tokens`, a list of tokens in id order (Keras' ``get_vocabulary()``) is expected.

Example:
    >>> vocab = Vocabulary.build([["b", "a", "a"], ["c", "a"]], specials=["", "[UNK]"])
    >>> vocab.tokens
    ('', '[UNK]', 'a', 'b', 'c')
    >>> vocab["a"], vocab.token(3), vocab.lookup(["c", "zzz"], unknown="[UNK]")
    (2, 'b', [4, 1])
    >>> Vocabulary.build([["b", "a", "a"], ["c", "a"]], order="alphabetical").to_dict()
    {'a': 0, 'b': 1, 'c': 2}
"""

from __future__ import annotations

import collections
from typing import Iterable, Iterator, Mapping, Sequence

ORDERS = ("frequency", "alphabetical")


class Vocabulary(Mapping[str, int]):
    """Distinct tokens in id order; ``vocab[token]`` is its id, ``vocab.token(i)`` the i-th token.

    Args:
        tokens: the tokens, id 0 first. Each must be a distinct ``str``.

    Raises:
        TypeError: a token is not a string (or ``tokens`` is a single string).
        ValueError: a token is repeated.
    """

    __slots__ = ("_tokens", "_index")

    def __init__(self, tokens: Iterable[str]):
        if isinstance(tokens, (str, bytes)):
            raise TypeError("Expected a list of tokens, got a single string.")
        tokens = tuple(tokens)
        for i, token in enumerate(tokens):
            if not isinstance(token, str):
                raise TypeError(f"Vocabulary token {i} is {type(token).__name__} ({token!r}), not a string.")
        index = {token: i for i, token in enumerate(tokens)}
        if len(index) != len(tokens):
            seen, repeated = set(), []
            for token in tokens:
                (repeated.append(token) if token in seen else seen.add(token))
            raise ValueError(f"The vocabulary repeats tokens: {repeated[:5]}.")
        self._tokens = tokens
        self._index = index

    @classmethod
    def build(
        cls,
        token_lists: Iterable[Sequence[str]],
        *,
        specials: Sequence[str] = (),
        min_count: int = 1,
        max_size: int | None = None,
        order: str = "frequency",
    ) -> "Vocabulary":
        """The vocabulary of tokenised texts: ``specials`` first (in the given order), then the tokens
        seen at least ``min_count`` times.

        Args:
            token_lists: one list of tokens per text (e.g. ``[seq2seq_tokenize(t) for t in texts]``).
            specials: tokens placed first whatever their counts (padding ``""`` at id 0, ``"[UNK]"`` …).
            min_count: drop tokens seen fewer times.
            max_size: keep at most this many tokens in total, specials included.
            order: ``"frequency"`` (most frequent first, ties alphabetical: Keras' ``adapt`` order) or
                ``"alphabetical"`` (scikit-learn's ``CountVectorizer`` order).

        Raises:
            TypeError: ``token_lists`` holds a plain string (a text, not its tokens).
            ValueError: bad ``min_count``, ``max_size`` or ``order``.
        """
        if order not in ORDERS:
            raise ValueError(f"order must be one of {', '.join(ORDERS)}, got {order!r}.")
        if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
            raise ValueError(f"min_count must be a positive integer, got {min_count!r}.")
        specials = list(specials)
        if max_size is not None and (
            isinstance(max_size, bool) or not isinstance(max_size, int) or max_size <= len(specials)
        ):
            raise ValueError(
                f"max_size must be an integer larger than the {len(specials)} special "
                f"tokens, got {max_size!r}."
            )
        if isinstance(token_lists, (str, bytes)):
            raise TypeError("Expected token lists, got a single string; tokenize the texts first.")
        counts: collections.Counter = collections.Counter()
        for tokens in token_lists:
            if isinstance(tokens, (str, bytes)):
                raise TypeError(
                    f"Expected a list of tokens per text, got the string {tokens[:40]!r}; "
                    "tokenize the texts first."
                )
            counts.update(tokens)
        for special in specials:
            counts.pop(special, None)
        kept = [t for t, c in counts.items() if c >= min_count]
        if order == "frequency":
            kept.sort(key=lambda t: (-counts[t], t))
        else:
            kept.sort()
        tokens = specials + kept
        return cls(tokens if max_size is None else tokens[:max_size])

    @property
    def tokens(self) -> tuple[str, ...]:
        """The tokens in id order."""
        return self._tokens

    def token(self, index: int) -> str:
        """The token with id ``index`` (an ``IndexError`` naming the size if out of range)."""
        if isinstance(index, bool) or not 0 <= index < len(self._tokens):
            raise IndexError(
                f"Token id {index!r} out of range: the vocabulary has {len(self._tokens):,} tokens."
            )
        return self._tokens[index]

    def lookup(self, tokens: Iterable[str], unknown: str | None = None) -> list[int]:
        """Ids of ``tokens``; unknown ones get the id of ``unknown`` (e.g. ``"[UNK]"``), or, when
        ``unknown`` is ``None``, a ``KeyError`` naming them."""
        if unknown is not None and unknown not in self._index:
            raise KeyError(f"The unknown-token marker {unknown!r} is not in the vocabulary.")
        tokens = list(tokens)
        if unknown is None:
            missing = [t for t in tokens if t not in self._index]
            if missing:
                raise KeyError(f"Tokens outside the vocabulary: {missing[:5]}.")
            return [self._index[t] for t in tokens]
        fallback = self._index[unknown]
        return [self._index.get(t, fallback) for t in tokens]

    def to_dict(self) -> dict[str, int]:
        """A plain ``{token: id}`` dict (the shape of scikit-learn's ``vocabulary_``)."""
        return dict(self._index)

    # -- Mapping protocol -------------------------------------------------------------------------
    def __getitem__(self, token: str) -> int:
        try:
            return self._index[token]
        except (KeyError, TypeError):
            raise KeyError(f"{token!r} is not in the vocabulary ({len(self._tokens):,} tokens).") from None

    def __contains__(self, token) -> bool:
        try:
            return token in self._index
        except TypeError:  # unhashable
            return False

    def get(self, token, default=None):
        try:
            return self._index.get(token, default)
        except TypeError:
            return default

    def __iter__(self) -> Iterator[str]:
        return iter(self._tokens)

    def __len__(self) -> int:
        return len(self._tokens)

    def __repr__(self) -> str:
        shown = ", ".join(repr(t) for t in self._tokens[:8])
        more = ", …" if len(self._tokens) > 8 else ""
        return f"Vocabulary({len(self._tokens):,} tokens: [{shown}{more}])"
