"""Generated addition data for the seq2seq exercise (seed deck 003, "LSTM Ejemplo: Sequence to Sequence").

Queries are strings such as ``"12+3"`` and answers ``"15"``, padded with spaces to fixed lengths and
one-hot encoded over the 12 characters ``0-9``, ``+`` and space.

Example:
    >>> from coursework.datasets.addition import AdditionTask
    >>> task = AdditionTask(digits=3)
    >>> task.query_length, task.answer_length, task.vocab_size
    (7, 4, 12)
    >>> task.pad_query("12+3"), task.pad_answer("15")
    ('12+3   ', '15  ')
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np

CHARS = "0123456789+ "
_QUERY_RE = re.compile(r"^(\d+)\+(\d+)$")


@dataclasses.dataclass(frozen=True)
class AdditionSplits:
    """Queries, answers and one-hot arrays for train / validation / test (no pair in two splits)."""

    task: AdditionTask
    queries: dict[str, list[str]]
    answers: dict[str, list[str]]

    def arrays(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        """One-hot ``(x, y)`` for ``split`` ("train", "validation" or "test")."""
        return self.task.encode_queries(self.queries[split]), self.task.encode_answers(self.answers[split])

    def majority_char_baseline(self, split: str = "test") -> float:
        """Per-character accuracy of always writing the most frequent answer character of ``split``
        (the padded answers' most common symbol): the bar a model must clearly beat."""
        padded = "".join(self.task.pad_answer(a) for a in self.answers[split])
        if not padded:
            raise ValueError(f"Split {split!r} is empty.")
        return max(padded.count(c) for c in set(padded)) / len(padded)


@dataclasses.dataclass(frozen=True)
class AdditionTask:
    """Encoding rules for sums of two numbers of up to ``digits`` digits."""

    digits: int = 3

    def __post_init__(self):
        if not isinstance(self.digits, int) or self.digits < 1:
            raise ValueError(f"digits must be a positive integer, got {self.digits!r}.")

    @property
    def query_length(self) -> int:
        """Longest query, ``digits + '+' + digits`` (7 for 3 digits)."""
        return 2 * self.digits + 1

    @property
    def answer_length(self) -> int:
        """Longest answer, ``digits + 1`` (999+999=1998)."""
        return self.digits + 1

    @property
    def vocab_size(self) -> int:
        return len(CHARS)

    @property
    def allowed_form(self) -> str:
        return f"'a+b' where a and b are whole numbers with 1 to {self.digits} digits, e.g. '12+3'"

    def parse(self, query: str) -> tuple[int, int]:
        """Validate a query and return its two operands. Spaces around the operands are ignored; a
        space inside a number (``"1 2+3"``) is refused.

        Raises:
            TypeError: if ``query`` is not a string.
            ValueError: naming the problem (empty, unknown character, space inside a number, missing
                operand, more than one '+', too many digits) and the allowed form.
        """
        if not isinstance(query, str):
            raise TypeError(f"Query must be a string, got {type(query).__name__}: {query!r}.")
        text = query.replace(" ", "")
        problem = None
        if not text:
            problem = "empty query"
        elif bad := sorted(set(text) - set(CHARS)):
            problem = f"unknown character(s) {', '.join(repr(c) for c in bad)}"
        elif re.search(r"[0-9] +[0-9]", query):
            problem = "a space inside a number"
        elif text.count("+") > 1:
            problem = "more than one '+'"
        elif "+" not in text:
            problem = "missing '+'"
        elif text.startswith("+") or text.endswith("+"):
            problem = "missing operand"
        if problem is None:
            a, b = _QUERY_RE.match(text).groups()
            too_long = [n for n in (a, b) if len(n.lstrip("0") or "0") > self.digits]
            if too_long:
                problem = (
                    f"operand {too_long[0]!r} has more than {self.digits} digits "
                    f"(the model was built for up to {self.digits})"
                )
            else:
                return int(a), int(b)
        raise ValueError(f"Invalid query {query!r}: {problem}. Expected {self.allowed_form}.")

    def format_query(self, a: int, b: int) -> str:
        return f"{a}+{b}"

    def pad_query(self, query: str) -> str:
        a, b = self.parse(query)
        return self.format_query(a, b).ljust(self.query_length)

    def pad_answer(self, answer: str | int) -> str:
        return str(answer).ljust(self.answer_length)

    def _one_hot(self, strings: list[str], length: int) -> np.ndarray:
        index = {c: i for i, c in enumerate(CHARS)}
        out = np.zeros((len(strings), length, len(CHARS)), dtype="float32")
        for row, text in enumerate(strings):
            for col, char in enumerate(text):
                out[row, col, index[char]] = 1.0
        return out

    def encode_queries(self, queries: list[str]) -> np.ndarray:
        """One-hot ``(n, query_length, 12)``; every query is validated first."""
        if isinstance(queries, str):
            raise TypeError("encode_queries expects a list of queries, e.g. ['12+3'], not one string.")
        return self._one_hot([self.pad_query(q) for q in queries], self.query_length)

    def encode_answers(self, answers: list[str | int]) -> np.ndarray:
        """One-hot ``(n, answer_length, 12)``."""
        return self._one_hot([self.pad_answer(a) for a in answers], self.answer_length)

    def decode(self, probabilities: np.ndarray) -> list[str]:
        """Turn ``(n, length, 12)`` scores into strings (argmax per position, padding stripped)."""
        ids = np.asarray(probabilities).argmax(axis=-1)
        return ["".join(CHARS[i] for i in row).strip() for row in ids]

    def random_number(self, rng: np.random.Generator) -> int:
        """A number whose digit count is uniform in 1..digits (so short numbers are not rare)."""
        length = int(rng.integers(1, self.digits + 1))
        low = 0 if length == 1 else 10 ** (length - 1)
        return int(rng.integers(low, 10**length))

    def max_pairs(self) -> int:
        """How many distinct unordered pairs exist (a+b and b+a count once)."""
        n = 10**self.digits
        return n * (n + 1) // 2


def _draw_new_pairs(task, rng: np.random.Generator, n: int, seen: set) -> list[tuple[int, int]]:
    """Draw ``n`` pairs whose unordered key is not in ``seen`` (which grows with them)."""
    pairs: list[tuple[int, int]] = []
    while len(pairs) < n:
        a, b = task.random_number(rng), task.random_number(rng)
        key = (min(a, b), max(a, b))
        if key not in seen:
            seen.add(key)
            pairs.append((a, b))
    return pairs


def make_addition_splits(
    n: int = 50_000,
    digits: int = 3,
    validation: float = 0.05,
    test: float = 0.05,
    seed: int = 0,
) -> AdditionSplits:
    """Generate ``n`` distinct sums and split them into train / validation / test.

    a+b and b+a are the same pair: each unordered pair appears once, so no pair (in either order)
    is in two splits.

    Example:
        >>> splits = make_addition_splits(n=1000, seed=1)
        >>> len(splits.queries["train"]), len(splits.queries["test"])
        (900, 50)
    """
    task = AdditionTask(digits)
    if not 0 < n <= task.max_pairs():
        raise ValueError(f"n must be between 1 and {task.max_pairs():,} for {digits} digits, got {n}.")
    if not (0 <= validation < 1 and 0 <= test < 1 and validation + test < 1):
        raise ValueError("validation and test must be fractions in [0, 1) that add up to less than 1.")
    rng = np.random.default_rng(seed)
    pairs = _draw_new_pairs(task, rng, n, seen=set())
    # Shuffle before splitting: short operands run out of new pairs early in the draw, so the first
    # pairs drawn hold most of the short sums; unshuffled, validation and test would differ in kind
    # from training.
    order = rng.permutation(len(pairs))
    pairs = [pairs[i] for i in order]
    n_val, n_test = int(round(n * validation)), int(round(n * test))
    bounds = {"validation": (0, n_val), "test": (n_val, n_val + n_test), "train": (n_val + n_test, n)}
    queries = {s: [task.format_query(a, b) for a, b in pairs[lo:hi]] for s, (lo, hi) in bounds.items()}
    answers = {s: [str(a + b) for a, b in pairs[lo:hi]] for s, (lo, hi) in bounds.items()}
    return AdditionSplits(task=task, queries=queries, answers=answers)


def unseen_sums(splits: AdditionSplits, n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """``n`` more distinct sums, none of them (in either order) in any split of ``splits``.

    Drawn like :func:`make_addition_splits`, for an error analysis on more sums than the test split.
    Returns ``(queries, answers)``.

    Example:
        >>> splits = make_addition_splits(n=1000, seed=1)
        >>> queries, answers = unseen_sums(splits, 500, seed=2)
        >>> len(queries), set(queries) & set(splits.queries["train"])
        (500, set())
    """
    task = splits.task
    seen = {
        (min(a, b), max(a, b))
        for queries in splits.queries.values()
        for a, b in (map(int, q.split("+")) for q in queries)
    }
    if not 0 < n <= task.max_pairs() - len(seen):
        raise ValueError(f"n must be between 1 and {task.max_pairs() - len(seen):,} unseen pairs, got {n}.")
    pairs = _draw_new_pairs(task, np.random.default_rng(seed), n, seen)
    return [task.format_query(a, b) for a, b in pairs], [str(a + b) for a, b in pairs]


def count_carries(a: int, b: int) -> int:
    """How many carries the written (column) addition of ``a + b`` needs.

    Example:
        >>> count_carries(999, 1), count_carries(12, 3), count_carries(15, 5)
        (3, 0, 1)
    """
    carries = carry = 0
    while a or b:
        carry = int((a % 10 + b % 10 + carry) >= 10)
        carries += carry
        a, b = a // 10, b // 10
    return carries
