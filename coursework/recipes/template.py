"""The recipe template: a task supplies hooks, one generic :meth:`Recipe.train` runs them.

``train()`` owns what every task shares: profile → settings, the ``--epochs`` override, seeding,
timing and the :class:`TrainResult`. A subclass supplies ``settings_for``, ``load``, ``build``,
``fit``, ``evaluate`` and ``describe`` (and ``export`` when ``--save`` writes something else than the
trained model). Modules that define recipes must stay cheap to import: Keras is imported inside hooks.
A recipe's settings subclass :class:`RecipeSettings`: the dataclass defaults are the ``full`` profile,
``CI`` holds what the ``ci`` profile changes, and ``for_profile`` is the recipe's ``settings_for``.

Example:
    >>> import dataclasses
    >>> @dataclasses.dataclass(frozen=True)
    ... class Settings:
    ...     epochs: int = 3
    >>> class Count(Recipe):
    ...     name, metric = "count", "total"
    ...     def settings_for(self, profile=None): return Settings()
    ...     def load(self, settings, seed): return [1, 2, 3]
    ...     def build(self, data, settings): return []
    ...     def fit(self, model, data, settings, verbose):
    ...         model.extend(data * settings.epochs)
    ...         return {"loss": [0.0] * settings.epochs}
    ...     def evaluate(self, model, data, settings): return {"total": float(sum(model))}
    ...     def describe(self, settings): return f"sum over {settings.epochs} epochs"
    >>> result = Count().train(TrainConfig(epochs=2, verbose=0))
    >>> result.metrics, result.epochs
    ({'total': 12.0}, 2)
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar


@dataclasses.dataclass(frozen=True)
class RecipeSettings:
    """Base of a recipe's settings: a frozen dataclass whose defaults are the ``full`` profile.

    A subclass lists its fields and sets ``CI``, the fields the ``ci`` profile changes.

    Example:
        >>> @dataclasses.dataclass(frozen=True)
        ... class Sizes(RecipeSettings):
        ...     CI: ClassVar[dict] = {"epochs": 2}
        ...     epochs: int = 10
        ...     units: int = 64
        >>> Sizes.for_profile("ci"), Sizes.for_profile("full", units=8)
        (Sizes(epochs=2, units=64), Sizes(epochs=10, units=8))
    """

    CI: ClassVar[dict[str, Any]] = {}

    @classmethod
    def for_profile(cls, profile: str | None = None, **overrides):
        """The settings of ``profile`` (``None``: the active one, see :mod:`coursework.profiles`),
        with ``overrides`` applied last."""
        from coursework.profiles import pick

        settings = pick(full=cls(), ci=cls(**cls.CI), profile=profile)
        return dataclasses.replace(settings, **overrides) if overrides else settings


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """What the caller asks of a training run. ``epochs=None`` means the profile's default;
    ``verbose=None`` means :func:`coursework.progress.fit_verbose` (one line per epoch under the
    notebook runner, Keras' live bar elsewhere)."""

    profile: str = "full"
    epochs: int | None = None
    seed: int = 42
    verbose: int | str | None = None


@dataclasses.dataclass
class TrainResult:
    """What a training run returns: the trained model, its metrics and how long it took.

    ``metrics`` holds the headline metric (``recipe.metric``) and any others, evaluated on held-out
    data. ``model`` is what ``--save`` writes; it must load back with ``keras.saving.load_model``.
    ``extra`` holds ``data``, ``settings`` and ``trained_model`` (the model ``fit`` trained, before
    ``export``).
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


_ATTRIBUTES = {"name", "summary", "dataset", "metric", "notebook", "epochs_field"}


class Recipe:
    """A task of the course: subclass it, set the class attributes, implement the hooks.

    Class attributes: ``name`` (the task's CLI name), ``summary`` (default: the first line of the
    class docstring), ``dataset``, ``metric`` (the headline metric, a key of ``evaluate``'s result),
    ``notebook`` (file name or ``None``) and ``epochs_field`` (the settings field that ``--epochs``
    replaces; ``"epochs"`` by default). They may be given in the class statement,
    ``class AdditionRecipe(Recipe, name="addition", metric="exact_match")``, or as attributes (of the
    class, or of the instance for a recipe class that serves several tasks). A hook may be a module
    function whose signature fits, e.g. ``settings_for = staticmethod(settings_for)``.
    """

    name: str = ""
    summary: str = ""
    dataset: str = ""
    metric: str = ""
    notebook: str | None = None
    epochs_field: str = "epochs"

    def __init_subclass__(cls, **attributes):
        unknown = sorted(set(attributes) - _ATTRIBUTES)
        if unknown:
            raise TypeError(f"Unknown recipe attribute(s) {unknown} for {cls.__name__}.")
        super().__init_subclass__()
        for key, value in attributes.items():
            setattr(cls, key, value)
        if "summary" not in attributes and "summary" not in vars(cls) and cls.__doc__:
            cls.summary = cls.__doc__.strip().splitlines()[0].rstrip(".")  # the docstring's first line

    def settings_for(self, profile: str | None = None):
        """The settings of ``profile`` (``None``: the active one), a frozen dataclass."""
        raise NotImplementedError

    def load(self, settings, seed: int):
        """The data the other hooks receive."""
        raise NotImplementedError

    def build(self, data, settings):
        """A fresh, untrained model (or bot)."""
        raise NotImplementedError

    def fit(self, model, data, settings, verbose: int | str) -> dict[str, list[float]]:
        """Train ``model`` for ``settings``' epochs; returns the history (``{"loss": [...], ...}``).
        ``verbose`` is Keras' (``0``, ``1``, ``2`` or ``"auto"``), already resolved by :meth:`run`.

        What ``evaluate`` reports about the training itself (e.g. seconds per epoch) may be left in
        ``data`` when ``load`` returns a dict.
        """
        raise NotImplementedError

    def evaluate(self, model, data, settings) -> dict[str, float]:
        """Held-out metrics of the trained model, the headline ``metric`` among them."""
        raise NotImplementedError

    def export(self, model, data, settings):
        """What ``train --save`` writes (by default the trained model itself)."""
        return model

    def describe(self, settings) -> str:
        """The model line of ``python -m coursework tasks``, derived from ``settings``."""
        raise NotImplementedError

    def train(self, config: TrainConfig | None = None) -> TrainResult:
        """Train with the profile's settings (``config.epochs`` overrides their epochs) and evaluate."""
        config = config or TrainConfig()
        settings = self.settings_for(config.profile)
        if config.epochs is not None:
            settings = dataclasses.replace(settings, **{self.epochs_field: config.epochs})
        return self.run(settings, seed=config.seed, verbose=config.verbose)

    def run(self, settings, *, seed: int = 42, verbose: int | str | None = None, data=None) -> TrainResult:
        """Train with explicit ``settings`` (notebooks, benchmarks); ``data`` skips :meth:`load`."""
        from coursework.training import Timer, resolve_verbose, set_seed

        verbose = resolve_verbose(verbose)
        set_seed(seed)
        if data is None:
            data = self.load(settings, seed)
        model = self.build(data, settings)
        with Timer() as timer:
            history = self.fit(model, data, settings, verbose)
        metrics = self.evaluate(model, data, settings)
        return TrainResult(
            task=self.name,
            model=self.export(model, data, settings),
            metrics=metrics,
            epochs=len(history.get("loss", ())),
            seconds=timer.seconds,
            history=history,
            extra={"data": data, "settings": settings, "trained_model": model},
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"
