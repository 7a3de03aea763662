"""Numbers written in words, in Spanish and English, and a generated translation task between them.

``number_to_words`` covers 0 to 999,999 with the grammar of both languages: Spanish *veintiuno* but
*veintiún mil*, *cien* but *ciento uno*, *quinientos*, *setecientos*, *novecientos*, *mil* (never
*un mil*); English without "and" (*three hundred twenty-one*, *twenty-one thousand*). One million
is out of range.

The translation task (Spanish words → English words) makes attention alignments easy to read:
*noventa y nueve* ↔ *ninety - nine* line up word by word. The held-out numbers (validation and test)
never appear in training.

Example:
    >>> number_to_words(321)
    'trescientos veintiuno'
    >>> number_to_words(21_000), number_to_words(21_000, lang="en")
    ('veintiún mil', 'twenty-one thousand')
    >>> number_to_words(100), number_to_words(101)
    ('cien', 'ciento uno')
"""

from __future__ import annotations

import dataclasses

import numpy as np

MAX_NUMBER = 999_999
LANGUAGES = ("es", "en")

_ES_UNITS = [
    "cero",
    "uno",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
    "once",
    "doce",
    "trece",
    "catorce",
    "quince",
    "dieciséis",
    "diecisiete",
    "dieciocho",
    "diecinueve",
    "veinte",
    "veintiuno",
    "veintidós",
    "veintitrés",
    "veinticuatro",
    "veinticinco",
    "veintiséis",
    "veintisiete",
    "veintiocho",
    "veintinueve",
]
_ES_TENS = {
    3: "treinta",
    4: "cuarenta",
    5: "cincuenta",
    6: "sesenta",
    7: "setenta",
    8: "ochenta",
    9: "noventa",
}
_ES_HUNDREDS = {
    1: "ciento",
    2: "doscientos",
    3: "trescientos",
    4: "cuatrocientos",
    5: "quinientos",
    6: "seiscientos",
    7: "setecientos",
    8: "ochocientos",
    9: "novecientos",
}

_EN_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = {
    2: "twenty",
    3: "thirty",
    4: "forty",
    5: "fifty",
    6: "sixty",
    7: "seventy",
    8: "eighty",
    9: "ninety",
}


def _es_below_100(n: int, apocope: bool) -> str:
    if n < 30:
        word = _ES_UNITS[n]
    else:
        tens, unit = divmod(n, 10)
        word = _ES_TENS[tens] + ("" if unit == 0 else " y " + _ES_UNITS[unit])
    if apocope and word.endswith("uno"):  # "uno" → "un", "veintiuno" → "veintiún" before "mil"
        word = word[:-3] + ("ún" if word.endswith("veintiuno") else "un")
    return word


def _es_below_1000(n: int, apocope: bool = False) -> str:
    hundreds, rest = divmod(n, 100)
    if hundreds == 0:
        return _es_below_100(rest, apocope)
    if n == 100:
        return "cien"
    head = _ES_HUNDREDS[hundreds]
    return head if rest == 0 else f"{head} {_es_below_100(rest, apocope)}"


def _en_below_100(n: int) -> str:
    if n < 20:
        return _EN_UNITS[n]
    tens, unit = divmod(n, 10)
    return _EN_TENS[tens] + ("" if unit == 0 else "-" + _EN_UNITS[unit])


def _en_below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    if hundreds == 0:
        return _en_below_100(rest)
    head = f"{_EN_UNITS[hundreds]} hundred"
    return head if rest == 0 else f"{head} {_en_below_100(rest)}"


def number_to_words(n: int, lang: str = "es") -> str:
    """Write a whole number from 0 to 999,999 in Spanish (``"es"``) or English (``"en"``) words.

    Raises:
        TypeError: if ``n`` is not an integer (``bool`` included).
        ValueError: if ``n`` is negative or ≥ 1,000,000 (*un millón* is out of range), or ``lang``
            is not ``"es"`` / ``"en"``.

    Example:
        >>> number_to_words(501_001)
        'quinientos un mil uno'
        >>> number_to_words(501_001, lang="en")
        'five hundred one thousand one'
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"number_to_words expects an integer, got {type(n).__name__}: {n!r}.")
    if lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}: choose 'es' or 'en'.")
    n = int(n)
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(
            f"{n:,} is out of range: numbers from 0 to {MAX_NUMBER:,} are supported "
            "(un millón / one million and beyond are not)."
        )
    thousands, rest = divmod(n, 1000)
    if lang == "es":
        if thousands == 0:
            return _es_below_1000(rest)
        head = "mil" if thousands == 1 else f"{_es_below_1000(thousands, apocope=True)} mil"
        return head if rest == 0 else f"{head} {_es_below_1000(rest)}"
    if thousands == 0:
        return _en_below_1000(rest)
    head = f"{_en_below_1000(thousands)} thousand"
    return head if rest == 0 else f"{head} {_en_below_1000(rest)}"


@dataclasses.dataclass(frozen=True)
class NumberTranslationSplits:
    """Spanish → English number-word pairs for train / validation / test, with the numbers used.

    ``numbers[split]`` are the integers; ``sources[split]`` the Spanish texts and ``targets[split]``
    the English ones. No number is in two splits.
    """

    numbers: dict[str, list[int]]
    sources: dict[str, list[str]]
    targets: dict[str, list[str]]

    def pairs(self, split: str) -> list[tuple[str, str]]:
        """``(spanish, english)`` pairs of one split."""
        return list(zip(self.sources[split], self.targets[split], strict=False))


def random_number(rng: np.random.Generator, max_digits: int = 6) -> int:
    """A number whose digit count is uniform in 1..max_digits (so short numbers are not rare)."""
    digits = int(rng.integers(1, max_digits + 1))
    low = 0 if digits == 1 else 10 ** (digits - 1)
    return int(rng.integers(low, 10**digits))


def make_number_translation_splits(
    n: int = 20_000, validation: float = 0.05, test: float = 0.1, max_digits: int = 6, seed: int = 0
) -> NumberTranslationSplits:
    """Generate ``n`` distinct numbers and split them into train / validation / test.

    Numbers below 100 and the one-word numbers (*cien*, *doscientos*… *mil*) always go to training
    (a model cannot guess the word *siete* without seeing it); validation and test are drawn from
    the rest, so every held-out number is new to the model.

    Example:
        >>> splits = make_number_translation_splits(n=1000, seed=1)
        >>> len(splits.numbers["train"]), len(splits.numbers["test"])
        (850, 100)
        >>> set(splits.numbers["train"]) & set(splits.numbers["test"])
        set()
    """
    if not isinstance(max_digits, int) or not 1 <= max_digits <= 6:
        raise ValueError(f"max_digits must be an integer from 1 to 6, got {max_digits!r}.")
    available = 10**max_digits
    if not isinstance(n, int) or not 0 < n <= available:
        raise ValueError(f"n must be an integer between 1 and {available:,}, got {n!r}.")
    if not (0 <= validation < 1 and 0 <= test < 1 and validation + test < 1):
        raise ValueError("validation and test must be fractions in [0, 1) that add up to less than 1.")
    rng = np.random.default_rng(seed)
    seen: set[int] = set()
    numbers: list[int] = []
    while len(numbers) < n:
        value = random_number(rng, max_digits)
        if value not in seen:
            seen.add(value)
            numbers.append(value)
    basic = [v for v in numbers if v < 100 or " " not in number_to_words(v)]
    basic_set = set(basic)
    large = [v for v in numbers if v not in basic_set]
    n_val, n_test = int(round(n * validation)), int(round(n * test))
    if n_val + n_test > len(large):
        raise ValueError(
            f"Not enough numbers of two words or more for the held-out splits; raise n (got {n})."
        )
    chosen = {
        "validation": large[:n_val],
        "test": large[n_val : n_val + n_test],
        "train": large[n_val + n_test :] + basic,
    }
    order = rng.permutation(len(chosen["train"]))
    chosen["train"] = [chosen["train"][i] for i in order]
    return NumberTranslationSplits(
        numbers=chosen,
        sources={s: [number_to_words(v, "es") for v in vs] for s, vs in chosen.items()},
        targets={s: [number_to_words(v, "en") for v in vs] for s, vs in chosen.items()},
    )
