"""One vocabulary type: tokens in id order, token → id look-up, built from token lists.

A :class:`Vocabulary` is an immutable sequence of distinct tokens (``vocab[i]`` is the token with
id ``i``, like the list Keras' ``get_vocabulary()`` returns) with a dictionary behind it for the
other direction (``vocab.index(token)``, ``vocab.get(token)``, :meth:`Vocabulary.lookup`);
:meth:`Vocabulary.to_dict` gives the ``{token: id}`` dict scikit-learn calls ``vocabulary_``.

Example:
    >>> vocab = Vocabulary.build([["b", "a", "a"], ["c", "a"]], specials=["", "[UNK]"])
    >>> vocab
    Vocabulary(5 tokens: ['', '[UNK]', 'a', 'b', 'c'])
    >>> vocab[3], vocab.index("a"), vocab.lookup(["c", "zzz"], unknown="[UNK]")
    ('b', 2, [4, 1])
    >>> Vocabulary.build([["b", "a", "a"], ["c", "a"]], order="alphabetical").to_dict()
    {'a': 0, 'b': 1, 'c': 2}
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Iterator, Sequence

ORDERS = ("frequency", "alphabetical")


class Vocabulary(Sequence[str]):
    """Distinct tokens in id order: ``vocab[i]`` is the token with id ``i``, ``vocab.index(token)`` its id.

    Equal to another vocabulary, list or tuple with the same tokens in the same order.

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
    ) -> Vocabulary:
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

    def index(self, token, start: int = 0, stop: int | None = None) -> int:
        """The id of ``token`` (a ``ValueError`` naming it if it is not in the vocabulary)."""
        i = self.get(token)
        if i is None or i < start or (stop is not None and i >= stop):
            raise ValueError(f"{token!r} is not in the vocabulary ({len(self._tokens):,} tokens).")
        return i

    def get(self, token, default=None):
        """The id of ``token``, or ``default`` if it is not in the vocabulary."""
        try:
            return self._index.get(token, default)
        except TypeError:  # unhashable: never a token
            return default

    def lookup(self, tokens: Iterable[str], unknown: str | None = None) -> list[int]:
        """Ids of ``tokens``; unknown ones get the id of ``unknown`` (e.g. ``"[UNK]"``), or, when
        ``unknown`` is ``None``, a ``ValueError`` naming them."""
        if unknown is not None and unknown not in self._index:
            raise ValueError(f"The unknown-token marker {unknown!r} is not in the vocabulary.")
        tokens = list(tokens)
        if unknown is None:
            missing = [t for t in tokens if t not in self._index]
            if missing:
                raise ValueError(f"Tokens outside the vocabulary: {missing[:5]}.")
            return [self._index[t] for t in tokens]
        fallback = self._index[unknown]
        return [self._index.get(t, fallback) for t in tokens]

    def to_dict(self) -> dict[str, int]:
        """A plain ``{token: id}`` dict (the shape of scikit-learn's ``vocabulary_``)."""
        return dict(self._index)

    # -- Sequence protocol ------------------------------------------------------------------------
    def __getitem__(self, index):
        return self._tokens[index]

    def __contains__(self, token) -> bool:
        return self.get(token) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._tokens)

    def __len__(self) -> int:
        return len(self._tokens)

    def __eq__(self, other) -> bool:
        if isinstance(other, Vocabulary):
            return self._tokens == other._tokens
        if isinstance(other, (list, tuple)):
            return list(self._tokens) == list(other)
        return NotImplemented

    __hash__ = None

    def __repr__(self) -> str:
        shown = ", ".join(repr(t) for t in self._tokens[:8])
        more = ", …" if len(self._tokens) > 8 else ""
        return f"Vocabulary({len(self._tokens):,} tokens: [{shown}{more}])"
