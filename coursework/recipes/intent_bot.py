"""Recipe ``intent-bot``: the class-2 Spanish intent bot (bag of words → Dense network).

Trains :class:`~coursework.bots.intent.IntentBot` on ``data/intents_es.yaml`` and reports its
intent accuracy on the held-out paraphrases of ``data/intents_es_heldout.yaml`` (none of them is a
training pattern). ``--save`` writes the Dense network; ``chat --bot PATH`` loads it back into a bot.

Example:
    >>> from coursework.recipes.intent_bot import settings_for
    >>> [(s.epochs, s.batch_size) for s in (settings_for("ci"), settings_for("full"))]
    [(30, 128), (60, 16)]
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from coursework.recipes import Recipe, RecipeSettings, register


@dataclasses.dataclass(frozen=True)
class IntentBotSettings(RecipeSettings):
    """Training settings of the intent bot. ``full``: 60 epochs, batches of 16; ``ci``: 30 full-batch
    epochs at a higher learning rate."""

    CI: ClassVar[dict] = {"epochs": 30, "batch_size": 128, "learning_rate": 2e-2}
    epochs: int = 60
    batch_size: int = 16
    learning_rate: float = 1e-2
    hidden: int = 64
    threshold: float = 0.5


settings_for = IntentBotSettings.for_profile


def train_intent_bot(
    settings: IntentBotSettings | None = None,
    *,
    seed: int = 42,
    verbose: int | str | None = None,
    threshold: float | None = None,
    intents=None,
):
    """A trained :class:`~coursework.bots.intent.IntentBot` (``settings``: the active profile's)."""
    settings = settings or settings_for()
    return fit_bot(new_bot(settings, seed, intents, threshold), settings, verbose=verbose)


def new_bot(settings: IntentBotSettings, seed: int = 42, intents=None, threshold: float | None = None):
    """An untrained :class:`~coursework.bots.intent.IntentBot` (``intents``: the package's file)."""
    from coursework.bots.intent import IntentBot

    return IntentBot(
        intents=intents,
        hidden=settings.hidden,
        seed=seed,
        threshold=settings.threshold if threshold is None else threshold,
    )


def fit_bot(bot, settings: IntentBotSettings, *, verbose: int | str | None = None):
    """Train ``bot``'s network with ``settings`` (the bot seeds itself); returns the bot."""
    from coursework.training import resolve_verbose

    return bot.fit(
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        learning_rate=settings.learning_rate,
        verbose=resolve_verbose(verbose),
    )


class IntentBotRecipe(Recipe, name="intent-bot", metric="heldout_accuracy", notebook="02b_bots.ipynb"):
    """Spanish intent bot: bag of stems → Dense network with a confidence threshold."""

    dataset = "data/intents_es.yaml (10 intents + off-topic examples) + held-out paraphrases"
    settings_for = staticmethod(settings_for)

    def load(self, settings, seed):
        from coursework.datasets.intents import load_intents

        return {"intents": load_intents(), "seed": seed}  # the bot seeds its weights and replies

    def build(self, data, settings):
        return new_bot(settings, seed=data["seed"], intents=data["intents"])

    def fit(self, model, data, settings, verbose):
        return fit_bot(model, settings, verbose=verbose).history

    def evaluate(self, model, data, settings):
        from coursework.datasets.intents import load_heldout

        texts, labels = load_heldout(intents=data["intents"])
        train_texts, train_labels = data["intents"].examples()
        return {
            "heldout_accuracy": model.evaluate(texts, labels),
            "train_accuracy": model.evaluate(train_texts, train_labels),
        }

    def export(self, model, data, settings):
        return model.model  # the Dense network; ``chat --bot PATH`` loads it back into a bot

    def describe(self, settings):
        return (
            f"bag of words → Dense {settings.hidden} relu → Dropout → Dense softmax "
            "(intents + one off-topic class)"
        )


register(IntentBotRecipe())
