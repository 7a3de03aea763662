"""Plots students would rather look at than read: training curves, heat-maps, confusion matrices.

Every function draws on a Matplotlib ``Axes`` (a new figure if none is given), sets a title and
labelled axes, and returns the ``Axes``.

Example:
    >>> ax = plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}, ["loss"])  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def _axes(ax=None, figsize=(6, 4)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_history(
    history, metrics: Sequence[str] = ("loss",), title: str = "Curvas de entrenamiento", axes=None
):
    """One panel per metric with its training and validation curves (``history``: Keras History or dict).

    A metric named ``val_…`` is itself a validation curve and is labelled so.

    Returns the list of axes.
    """
    import matplotlib.pyplot as plt

    logs = getattr(history, "history", history)
    missing = [m for m in metrics if m not in logs]
    if missing:
        raise KeyError(f"Metric(s) {missing} not in history; available: {sorted(logs)}.")
    if axes is None:
        _, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.6), squeeze=False)
        axes = list(axes[0])
    for ax, metric in zip(axes, metrics, strict=False):
        epochs = np.arange(1, len(logs[metric]) + 1)
        first = "validación" if metric.startswith("val_") else "entrenamiento"
        ax.plot(epochs, logs[metric], marker="o", ms=3, label=first)
        if f"val_{metric}" in logs:
            ax.plot(epochs, logs[f"val_{metric}"], marker="o", ms=3, label="validación")
        ax.set_title(f"{title}: {metric}")
        ax.set_xlabel("época")
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
        ax.legend()
    plt.tight_layout()
    return axes


def plot_heatmap(
    matrix,
    x_labels: Sequence[str],
    y_labels: Sequence[str],
    title: str,
    xlabel: str,
    ylabel: str,
    ax=None,
    cmap: str = "viridis",
    annotate: bool = False,
    vmin: float | None = None,
    vmax: float | None = None,
):
    """A labelled heat-map (attention weights: rows = queries / target, columns = keys / source).

    ``vmin`` / ``vmax`` fix the colour scale (``0, 1`` for attention weights, so near-uniform weights
    look flat instead of being stretched over the whole colour map); by default it spans the data.
    """
    matrix = np.asarray(matrix)
    if matrix.shape != (len(y_labels), len(x_labels)):
        raise ValueError(
            f"matrix shape {matrix.shape} does not match labels "
            f"({len(y_labels)} rows x {len(x_labels)} columns)."
        )
    ax = _axes(ax, figsize=(max(4, 0.45 * len(x_labels) + 2), max(3, 0.4 * len(y_labels) + 1.5)))
    image = ax.imshow(matrix, cmap=cmap, aspect="auto", vmin=vmin, vmax=vmax)
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    ax.set_xticks(range(len(x_labels)), x_labels, rotation=60, ha="right")
    ax.set_yticks(range(len(y_labels)), y_labels)
    if annotate:
        for (i, j), value in np.ndenumerate(matrix):
            ax.text(
                j,
                i,
                f"{value:.2f}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if value < (matrix.max() if vmax is None else vmax) / 2 else "black",
            )
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def confusion_matrix(y_true, y_pred, n_classes: int | None = None) -> np.ndarray:
    """Counts ``[true, predicted]`` for integer labels."""
    y_true, y_pred = np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true {y_true.shape} and y_pred {y_pred.shape} differ in shape.")
    n = n_classes or int(max(y_true.max(initial=0), y_pred.max(initial=0)) + 1)
    counts = np.zeros((n, n), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def plot_confusion_matrix(y_true, y_pred, labels: Sequence[str], title: str = "Matriz de confusión", ax=None):
    """Confusion matrix with counts written in each cell."""
    counts = confusion_matrix(y_true, y_pred, len(labels))
    ax = _axes(ax, figsize=(4.5, 4))
    image = ax.imshow(counts, cmap="Blues")
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    for (i, j), value in np.ndenumerate(counts):
        ax.text(
            j, i, str(value), ha="center", va="center", color="white" if value > counts.max() / 2 else "black"
        )
    ax.set_title(title)
    ax.set_xlabel("predicción")
    ax.set_ylabel("etiqueta real")
    return ax


def plot_bars(values: Mapping[str, float], title: str, ylabel: str, xlabel: str = "", ax=None):
    """Bar chart of named values (e.g. accuracy per model or per group)."""
    ax = _axes(ax)
    names = list(values)
    ax.bar(names, [values[n] for n in names], color="tab:blue")
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    ax.tick_params(axis="x", rotation=30)
    ax.grid(axis="y", alpha=0.3)
    return ax
