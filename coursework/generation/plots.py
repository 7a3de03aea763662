"""Plots for language models: perplexity per epoch beside a count-based baseline.

Example:
    >>> from coursework.generation.plots import plot_perplexity                    # doctest: +SKIP
    >>> plot_perplexity({"loss": [2.1, 1.7], "val_loss": [1.9, 1.6]}, baseline=9.8)  # doctest: +SKIP
"""

from __future__ import annotations

import math


def plot_perplexity(
    history,
    baseline: float | None = None,
    baseline_label: str = "bigrama (conteos)",
    title: str = "Perplejidad por época",
    unit: str = "carácter",
    ax=None,
):
    """Training and validation perplexity (``exp`` of the losses) per epoch, with an optional
    horizontal baseline; ``history`` is a Keras ``History`` or its dict. Returns the axes."""
    import matplotlib.pyplot as plt
    import numpy as np

    logs = getattr(history, "history", history)
    if "loss" not in logs:
        raise KeyError(f"'loss' not in history; available: {sorted(logs)}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.8))
    epochs = np.arange(1, len(logs["loss"]) + 1)
    ax.plot(epochs, [math.exp(v) for v in logs["loss"]], marker="o", ms=3, label="entrenamiento")
    if "val_loss" in logs:
        ax.plot(epochs, [math.exp(v) for v in logs["val_loss"]], marker="o", ms=3, label="validación")
    if baseline is not None:
        ax.axhline(baseline, color="gray", linestyle="--", label=baseline_label)
    ax.set_title(title)
    ax.set_xlabel("época")
    ax.set_ylabel(f"perplejidad por {unit}")
    ax.grid(alpha=0.3)
    ax.legend()
    return ax
