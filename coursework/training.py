"""Training helpers shared by recipes: seeding, progress, timing (whole runs, epochs), stopping at a target,
perplexity per epoch.

Example:
    >>> from coursework.training import StopAtTarget
    >>> StopAtTarget("val_exact_match", 0.99).target
    0.99
"""

from __future__ import annotations

import math
import time

import keras

from coursework.progress import fit_verbose


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and the backend so runs are repeatable."""
    keras.utils.set_random_seed(int(seed))


def resolve_verbose(verbose: int | str | None) -> int | str:
    """The ``verbose`` given, or :func:`coursework.progress.fit_verbose` for ``None`` (the recipes'
    default: one line per epoch under ``run-notebooks``, Keras' live bar elsewhere).

    Example:
        >>> resolve_verbose(0), resolve_verbose(None) in (2, "auto")
        (0, True)
    """
    return fit_verbose() if verbose is None else verbose


class StopAtTarget(keras.callbacks.Callback):
    """Stop training as soon as ``monitor`` reaches ``target`` (higher is better), and record when.

    ``reached_epoch`` (1-based) and ``reached_seconds`` (wall time since training began) stay ``None``
    if the target was never reached.
    """

    def __init__(self, monitor: str, target: float, stop: bool = True):
        super().__init__()
        self.monitor, self.target, self.stop = monitor, float(target), stop
        self.reached_epoch: int | None = None
        self.reached_seconds: float | None = None

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None:
            raise KeyError(f"StopAtTarget: metric {self.monitor!r} not in logs {sorted(logs or {})}.")
        if value >= self.target and self.reached_epoch is None:
            self.reached_epoch = epoch + 1
            self.reached_seconds = time.perf_counter() - self._start
            if self.stop:
                self.model.stop_training = True


class StopAfterSeconds(keras.callbacks.Callback):
    """Stop training at the end of the first epoch that ends past ``seconds`` of wall time
    (``None``: never). Keeps a full-profile run inside its time budget on a slow machine."""

    def __init__(self, seconds: float | None):
        super().__init__()
        self.seconds = seconds

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if self.seconds is not None and time.perf_counter() - self._start > self.seconds:
            self.model.stop_training = True


class EpochTimer(keras.callbacks.Callback):
    """Record the wall seconds of every epoch in ``epoch_seconds`` (validation included)."""

    def __init__(self):
        super().__init__()
        self.epoch_seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_seconds.append(time.perf_counter() - self._start)


class PerplexityLogger(keras.callbacks.Callback):
    """Log the perplexity of every epoch: ``exp`` of the cross-entropy losses (nats per token).

    Adds ``perplexity`` and ``val_perplexity`` to the epoch's logs, so they appear in the epoch line
    and the ``History``, and keeps them in the lists of the same names. Callbacks that come after it
    (``History``, the progress line) see the new keys; put it first in ``callbacks``.

    Example:
        >>> logger = PerplexityLogger()
        >>> logs = {"loss": math.log(9.0), "val_loss": math.log(8.0)}
        >>> logger.on_epoch_end(0, logs)
        >>> round(logs["perplexity"], 6), round(logger.val_perplexity[0], 6)
        (9.0, 8.0)
    """

    def __init__(self):
        super().__init__()
        self.perplexity: list[float] = []
        self.val_perplexity: list[float] = []

    def on_epoch_end(self, epoch, logs=None):
        if logs is None or "loss" not in logs:
            raise KeyError(f"PerplexityLogger: no 'loss' in logs {sorted(logs or {})}.")
        for loss, name in (("loss", "perplexity"), ("val_loss", "val_perplexity")):
            if loss in logs:
                logs[name] = math.exp(float(logs[loss]))
                getattr(self, name).append(logs[name])


class Timer:
    """Context manager measuring wall seconds: ``with Timer() as t: ...; t.seconds``."""

    def __enter__(self):
        self._start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        return False
