"""Translation metrics: exact match, chrF (Popović, 2015) and accuracy grouped by input length.

chrF compares character n-grams (n = 1..6, spaces removed) of hypotheses and references and
combines their precision and recall with β = 2 (recall counts twice), as sacrebleu's default
``CHRF()`` does at corpus level. 100 means identical text.

Example:
    >>> round(chrf(["three hundred"], ["three hundred"]), 1)
    100.0
    >>> chrf(["abc"], ["xyz"])
    0.0
"""

from __future__ import annotations

import collections
from collections.abc import Sequence

import numpy as np


def _check_pairs(references: Sequence[str], hypotheses: Sequence[str]) -> None:
    if isinstance(references, str) or isinstance(hypotheses, str):
        raise TypeError("Pass lists of strings, not single strings.")
    if len(references) != len(hypotheses):
        raise ValueError(f"{len(references)} references but {len(hypotheses)} hypotheses.")
    if not references:
        raise ValueError("Need at least one (reference, hypothesis) pair.")


def _char_ngrams(text: str, n: int) -> collections.Counter:
    chars = "".join(text.split())
    return collections.Counter(chars[i : i + n] for i in range(len(chars) - n + 1))


def chrf(references: Sequence[str], hypotheses: Sequence[str], order: int = 6, beta: float = 2.0) -> float:
    """Corpus chrF in [0, 100]: statistics summed over sentences, then averaged over n-gram orders.

    Example:
        >>> round(chrf(["twenty-one"], ["twenty-two"]), 1) < 100
        True
    """
    _check_pairs(references, hypotheses)
    matches = np.zeros(order)
    hyp_total = np.zeros(order)
    ref_total = np.zeros(order)
    for reference, hypothesis in zip(references, hypotheses, strict=False):
        for n in range(1, order + 1):
            ref, hyp = _char_ngrams(reference, n), _char_ngrams(hypothesis, n)
            matches[n - 1] += sum((ref & hyp).values())
            hyp_total[n - 1] += sum(hyp.values())
            ref_total[n - 1] += sum(ref.values())
    usable = (hyp_total > 0) & (ref_total > 0)
    if not usable.any():
        return 0.0
    precision = float(np.mean(matches[usable] / hyp_total[usable]))
    recall = float(np.mean(matches[usable] / ref_total[usable]))
    if precision + recall == 0:
        return 0.0
    b2 = beta**2
    return 100.0 * (1 + b2) * precision * recall / (b2 * precision + recall)


def exact_match_by_length(
    lengths: Sequence[int], references: Sequence[str], hypotheses: Sequence[str]
) -> dict[int, float]:
    """Share of exact translations per input length (e.g. number of source words), sorted by length.

    Example:
        >>> exact_match_by_length([1, 1, 3], ["a", "b", "c d e"], ["a", "x", "c d e"])
        {1: 0.5, 3: 1.0}
    """
    _check_pairs(references, hypotheses)
    if len(lengths) != len(references):
        raise ValueError(f"{len(lengths)} lengths but {len(references)} references.")
    groups: dict[int, list[bool]] = collections.defaultdict(list)
    for length, reference, hypothesis in zip(lengths, references, hypotheses, strict=False):
        groups[int(length)].append(reference == hypothesis)
    return {length: float(np.mean(groups[length])) for length in sorted(groups)}
