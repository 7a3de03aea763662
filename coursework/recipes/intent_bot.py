"""Recipe ``intent-bot``: the class-2 Spanish intent bot (bag of words → Dense network).

Trains :class:`~coursework.bots.intent.IntentBot` on ``data/intents_es.yaml`` and reports its
intent accuracy on the held-out paraphrases of ``data/intents_es_heldout.yaml`` (none of them is a
training pattern). ``--save`` writes the Dense network; ``chat --bot PATH`` loads it back into a bot.

Example:
    >>> from coursework.recipes.intent_bot import settings_for
    >>> settings_for("ci").epochs < settings_for("full").epochs
    True
"""

from __future__ import annotations

import dataclasses

from coursework.profiles import pick
from coursework.recipes import Recipe, TrainConfig, TrainResult, register


@dataclasses.dataclass(frozen=True)
class IntentBotSettings:
    """Training settings of the intent bot."""

    epochs: int = 60
    batch_size: int = 16
    learning_rate: float = 1e-2
    hidden: int = 64
    threshold: float = 0.5


def settings_for(profile: str | None = None) -> IntentBotSettings:
    """``full``: 60 epochs, batches of 16; ``ci``: 30 full-batch epochs at a higher learning rate."""
    return pick(full=IntentBotSettings(),
                ci=IntentBotSettings(epochs=30, batch_size=128, learning_rate=2e-2),
                profile=profile)


def train_intent_bot(profile: str | None = None, epochs: int | None = None, seed: int = 42,
                     verbose: int = 1, threshold: float | None = None, intents=None):
    """A trained :class:`~coursework.bots.intent.IntentBot` with the profile's settings."""
    from coursework.bots.intent import IntentBot

    settings = settings_for(profile)
    bot = IntentBot(intents=intents, hidden=settings.hidden, seed=seed,
                    threshold=settings.threshold if threshold is None else threshold)
    return bot.fit(epochs=epochs or settings.epochs, batch_size=settings.batch_size,
                   learning_rate=settings.learning_rate, verbose=verbose)


def train(config: TrainConfig) -> TrainResult:
    """Train the bot and measure held-out intent accuracy (and training accuracy)."""
    from coursework.datasets.intents import load_heldout
    from coursework.training import Timer

    with Timer() as timer:
        bot = train_intent_bot(config.profile, config.epochs, config.seed, config.verbose)
    texts, labels = load_heldout(intents=bot.intents)
    train_texts, train_labels = bot.intents.examples()
    metrics = {"heldout_accuracy": bot.evaluate(texts, labels),
               "train_accuracy": bot.evaluate(train_texts, train_labels)}
    return TrainResult(task="intent-bot", model=bot.model, metrics=metrics,
                       epochs=len(bot.history["loss"]), seconds=timer.seconds,
                       history=bot.history, extra={"bot": bot})


register(Recipe(
    name="intent-bot",
    summary="Spanish intent bot: bag of stems → Dense network with a confidence threshold",
    dataset="data/intents_es.yaml (10 intents) + held-out paraphrases",
    model="bag of words → Dense 64 relu → Dropout → Dense softmax",
    metric="heldout_accuracy",
    train=train,
    notebook="02b_bots.ipynb",
))
