"""Recipes: one per task of the course (data loader + model builder + settings per profile + evaluation).

A recipe is reached three ways with one implementation: the numbered notebook, ``python -m coursework
train TASK`` and the tests/benchmarks. Each module in this package registers its recipes with
:func:`register` at import time and must stay cheap to import (import Keras inside ``train``), so that
``python -m coursework tasks`` answers instantly.

Example:
    >>> from coursework.recipes import get_recipe
    >>> get_recipe("addition").metric
    'exact_match'
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from typing import Any, Callable


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """What the caller asks of a training run. ``epochs=None`` means the profile's default."""

    profile: str = "full"
    epochs: int | None = None
    seed: int = 42
    verbose: int = 1


@dataclasses.dataclass
class TrainResult:
    """What a training run returns: the trained model, its metrics and how long it took.

    ``metrics`` holds the headline metric (``recipe.metric``) and any others, evaluated on held-out
    data. ``model`` is what ``--save`` writes; it must load back with ``keras.saving.load_model``.
    """

    task: str
    model: Any
    metrics: dict[str, float]
    epochs: int
    seconds: float
    history: dict[str, list[float]] = dataclasses.field(default_factory=dict)
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary: task, metrics, epochs and wall seconds."""
        return {
            "task": self.task,
            **{k: round(float(v), 6) for k, v in self.metrics.items()},
            "epochs": int(self.epochs),
            "seconds": round(float(self.seconds), 2),
        }


@dataclasses.dataclass(frozen=True)
class Recipe:
    """A task of the course, as listed by ``python -m coursework tasks``."""

    name: str
    summary: str
    dataset: str
    model: str
    metric: str
    train: Callable[[TrainConfig], TrainResult]
    notebook: str | None = None


_REGISTRY: dict[str, Recipe] = {}
_DISCOVERED = False


def register(recipe: Recipe) -> Recipe:
    """Add a recipe to the registry (called by the modules of this package at import time)."""
    if recipe.name in _REGISTRY and _REGISTRY[recipe.name] is not recipe:
        raise ValueError(f"Recipe {recipe.name!r} is registered twice.")
    _REGISTRY[recipe.name] = recipe
    return recipe


def _discover() -> None:
    global _DISCOVERED
    if _DISCOVERED:
        return
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    _DISCOVERED = True


def all_recipes() -> list[Recipe]:
    """Every registered recipe, sorted by name."""
    _discover()
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def get_recipe(name: str) -> Recipe:
    """The recipe called ``name``.

    Raises:
        KeyError: with the list of known tasks when the name is unknown.
    """
    _discover()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "(none)"
        raise KeyError(f"Unknown task {name!r}. Known tasks: {known}.") from None
