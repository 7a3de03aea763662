"""Recipe ``transformer-translator``: Spanish number words → English with a Transformer (class 7).

The task, data and splits of the ``translator`` recipe (06b): "trescientos veintiuno" → "three
hundred twenty-one", held-out numbers never seen in training; the same training loop
(:func:`coursework.recipes.translator.fit_number_translator`, ``val_exact_match`` after each epoch)
with a Transformer encoder-decoder instead of GRUs + attention, decoded by
:class:`coursework.generation.transformer_translator.TransformerTranslator`.
:func:`train_with_budget` trains either model for the same wall-clock budget, so the notebook compares
them on equal terms.

Example:
    >>> from coursework.recipes.transformer_translator import settings_for
    >>> settings_for("ci").n < settings_for("full").n
    True
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from coursework.recipes import Recipe, RecipeSettings, register
from coursework.recipes.translator import MAX_SOURCE_LENGTH, MAX_TARGET_LENGTH, make_splits


@dataclasses.dataclass(frozen=True)
class TransformerTranslatorSettings(RecipeSettings):
    """Everything that decides a Transformer number-translator run besides the seed (``ci``: 4,000
    numbers, 4 epochs)."""

    CI: ClassVar[dict] = {
        "n": 4_000,
        "epochs": 4,
        "target_exact_match": None,
        "validation_size": 100,
        "time_budget_seconds": 60.0,
    }
    n: int = 20_000
    embed_dim: int = 64
    num_heads: int = 4
    intermediate_dim: int = 128
    num_layers: int = 1
    dropout: float = 0.1
    epochs: int = 30
    batch_size: int = 64
    learning_rate: float = 1e-3
    target_exact_match: float | None = 0.995
    validation_size: int = 500  # validation numbers decoded after each epoch for val_exact_match
    time_budget_seconds: float | None = 300.0  # stop after the first epoch that ends past it


#: The recipe's settings for a profile, with overrides: ``settings_for("ci", num_layers=2)``.
settings_for = TransformerTranslatorSettings.for_profile


def build_transformer_number_translator(splits, settings: TransformerTranslatorSettings):
    """An uncompiled Transformer translator with vocabularies from the training split."""
    from coursework.models.transformer_translator import build_transformer_translator
    from coursework.models.translator import TARGET_SPECIALS, build_vocabulary

    return build_transformer_translator(
        build_vocabulary(splits.sources["train"]),
        build_vocabulary(splits.targets["train"], TARGET_SPECIALS),
        MAX_SOURCE_LENGTH,
        MAX_TARGET_LENGTH,
        embed_dim=settings.embed_dim,
        num_heads=settings.num_heads,
        intermediate_dim=settings.intermediate_dim,
        num_layers=settings.num_layers,
        dropout=settings.dropout,
    )


def train_with_budget(model, splits, settings, *, budget_seconds=None, verbose=None, callbacks=()):
    """Train a number translator (Transformer or RNN) with the ``translator`` recipe's loop, stopping
    after the first epoch that ends past ``budget_seconds`` (default: the settings' budget, if any).

    Returns:
        ``(translator, history)``; ``history.history["elapsed_seconds"]`` holds the wall time at the
        end of each epoch (validation decoding included). Extra ``callbacks`` (for example
        ``keras.callbacks.EarlyStopping`` on ``val_exact_match``) run after the budget check.
    """
    from coursework.generation.transformer_translator import TransformerTranslator
    from coursework.recipes.translator import fit_number_translator
    from coursework.training import EpochTimer, StopAfterSeconds

    if budget_seconds is None:
        budget_seconds = getattr(settings, "time_budget_seconds", None)
    names = {layer.name for layer in model.layers}
    cls = TransformerTranslator if TransformerTranslator.required_layers <= names else None
    timer = EpochTimer()
    translator, history = fit_number_translator(
        model,
        splits,
        settings,
        verbose=verbose,
        translator_class=cls,
        callbacks=[timer, StopAfterSeconds(budget_seconds), *callbacks],
    )
    elapsed, total = [], 0.0
    for seconds in timer.epoch_seconds:
        total += seconds
        elapsed.append(round(total, 1))
    history.history["elapsed_seconds"] = elapsed
    return translator, history


def seconds_to_reach(history, target: float):
    """Wall seconds at the end of the first epoch whose ``val_exact_match`` reached ``target``
    (``None`` if none did).

    Example:
        >>> class H: history = {"val_exact_match": [0.5, 0.99, 1.0], "elapsed_seconds": [10.0, 20.0, 30.0]}
        >>> seconds_to_reach(H, 0.99), seconds_to_reach(H, 1.01)
        (20.0, None)
    """
    logs = history.history
    for value, seconds in zip(logs["val_exact_match"], logs["elapsed_seconds"], strict=False):
        if value >= target:
            return seconds
    return None


def train_transformer_translator(splits, settings, *, seed: int = 42, verbose=None):
    """Seed, build and train one Transformer translator (the notebook's entry point).

    Returns:
        ``(model, translator, history)`` as :func:`coursework.recipes.translator.train_number_translator`.
    """
    from coursework.training import set_seed

    set_seed(seed)
    model = build_transformer_number_translator(splits, settings)
    translator, history = train_with_budget(model, splits, settings, verbose=verbose)
    return model, translator, history


def decoding_speed(translator, sources, beam_width: int = 1) -> float:
    """Sentences translated per second (batched greedy, or beam search one sentence at a time)."""
    from coursework.training import Timer

    translator.translate(list(sources[:2]), beam_width=beam_width)  # trace the compiled step first
    with Timer() as timer:
        translator.translate(list(sources), beam_width=beam_width)
    return len(sources) / max(timer.seconds, 1e-9)


class TransformerTranslatorRecipe(
    Recipe,
    name="transformer-translator",
    metric="exact_match",
    notebook="07e_transformer_traductor.ipynb",
):
    """Spanish → English number words, Transformer encoder-decoder (self- and cross-attention)."""

    dataset = "generated numbers 0-999,999 in words (20,000; held-out numbers unseen)"
    settings_for = staticmethod(settings_for)
    load = staticmethod(make_splits)
    build = staticmethod(build_transformer_number_translator)

    def fit(self, model, data, settings, verbose):
        return train_with_budget(model, data, settings, verbose=verbose)[1].history

    def evaluate(self, model, data, settings):
        from coursework.generation.transformer_translator import TransformerTranslator
        from coursework.recipes.translator import evaluate_translator

        return evaluate_translator(TransformerTranslator(model), data, "test")

    def describe(self, settings):
        return (
            f"{settings.num_layers} encoder + {settings.num_layers} decoder Transformer blocks, "
            f"d_model {settings.embed_dim}, {settings.num_heads} heads, FFN {settings.intermediate_dim}"
        )


register(TransformerTranslatorRecipe())
