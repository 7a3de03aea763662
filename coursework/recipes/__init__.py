"""Recipes: one per task of the course (data loader + model builder + settings per profile + evaluation).

A recipe is reached three ways with one implementation: the numbered notebook, ``python -m coursework
train TASK`` and the tests/benchmarks. Each module in this package subclasses
:class:`~coursework.recipes.template.Recipe`, registers an instance with :func:`register` at import
time and must stay cheap to import (Keras is imported inside the hooks).

Example:
    >>> from coursework.recipes import get_recipe
    >>> get_recipe("addition").metric
    'exact_match'
"""

from __future__ import annotations

import importlib
import pkgutil

from coursework.recipes.template import Recipe, RecipeSettings, TrainConfig, TrainResult

__all__ = ["Recipe", "RecipeSettings", "TrainConfig", "TrainResult", "all_recipes", "get_recipe", "register"]


_REGISTRY: dict[str, Recipe] = {}
_DISCOVERED = False


def register(recipe: Recipe) -> Recipe:
    """Add a recipe instance to the registry (called by the modules of this package at import time)."""
    if not isinstance(recipe, Recipe):
        raise TypeError(f"register() takes a Recipe instance, got {recipe!r}.")
    if recipe.name in _REGISTRY and _REGISTRY[recipe.name] is not recipe:
        raise ValueError(f"Recipe {recipe.name!r} is registered twice.")
    _REGISTRY[recipe.name] = recipe
    return recipe


def _discover() -> None:
    global _DISCOVERED
    if _DISCOVERED:
        return
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_") and info.name != "template":
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
