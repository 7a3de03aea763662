"""Recipe ``addition``: 3-digit sums with an LSTM seq2seq (class 6, seed deck 003).

The seed's recipe (one-hot, LSTM 128, Adam defaults, batch 32) is kept as :data:`SEED_SETTINGS` for
comparison; the course recipe keeps the same 205,324-parameter network and trains it faster with
input reversal, larger batches, a higher learning rate decayed on plateaus, and stopping as soon as
validation exact match reaches its target.

Example:
    >>> from coursework.recipes.addition import settings_for
    >>> settings_for("ci").epochs < settings_for("full").epochs
    True
    >>> from coursework.recipes import get_recipe
    >>> get_recipe("addition").describe(settings_for("ci"))
    'LSTM 128 → RepeatVector → LSTM 128 → softmax (205,324 params)'
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from coursework.recipes import Recipe, RecipeSettings, register


@dataclasses.dataclass(frozen=True)
class AdditionSettings(RecipeSettings):
    """Everything that decides an addition training run besides the seed (``ci``: 20,000 sums, 6 epochs)."""

    CI: ClassVar[dict] = {"n": 20_000, "epochs": 6, "batch_size": 64, "target_exact_match": None}
    n: int = 50_000
    digits: int = 3
    units: int = 128
    epochs: int = 60
    batch_size: int = 128
    learning_rate: float = 3e-3
    reverse_input: bool = True
    reduce_lr_patience: int | None = 2
    target_exact_match: float | None = 0.997


# The seed deck's plain recipe, used as the benchmark baseline.
SEED_SETTINGS = AdditionSettings(
    batch_size=32, learning_rate=1e-3, reverse_input=False, reduce_lr_patience=None
)


#: The course recipe's settings for a profile (``ci``: small data, few epochs).
settings_for = AdditionSettings.for_profile


def compile_addition(model, learning_rate: float):
    """Compile with categorical cross-entropy, per-character accuracy and exact match."""
    import keras

    from coursework.metrics import SequenceExactMatch

    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="categorical_crossentropy",
        metrics=[keras.metrics.CategoricalAccuracy(name="char_accuracy"), SequenceExactMatch()],
    )
    return model


def fit_addition(
    model, splits, settings: AdditionSettings, *, verbose: int | str | None = None, extra_callbacks=()
):
    """Train ``model`` on ``splits`` with ``settings``; returns ``(history, stop_callback)``.

    ``verbose=None``: :func:`coursework.progress.fit_verbose` (one line per epoch under the notebook
    runner, Keras' live bar elsewhere).
    """
    import keras

    from coursework.training import StopAtTarget, resolve_verbose

    compile_addition(model, settings.learning_rate)
    callbacks = list(extra_callbacks)
    stopper = None
    if settings.target_exact_match is not None:
        stopper = StopAtTarget("val_exact_match", settings.target_exact_match)
        callbacks.append(stopper)
    if settings.reduce_lr_patience is not None:
        callbacks.append(
            keras.callbacks.ReduceLROnPlateau(
                monitor="val_loss", factor=0.5, patience=settings.reduce_lr_patience, min_lr=1e-4, verbose=0
            )
        )
    x_train, y_train = splits.arrays("train")
    history = model.fit(
        x_train,
        y_train,
        validation_data=splits.arrays("validation"),
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        callbacks=callbacks,
        verbose=resolve_verbose(verbose),
    )
    return history, stopper


def solve(model, queries: list[str]) -> list[str]:
    """Answer sums with a trained model: ``solve(model, ["12+3", "129+124"]) -> ["15", "253"]``.

    The number of digits the model accepts is read from its input shape.

    Raises:
        TypeError: if ``queries`` is not a string or a list (tuple, array) of strings.
        ValueError: for a model that is not an addition model, or a query that is empty, has letters
            or other characters, a space inside a number, misses an operand, has two '+' or more digits
            than the model was built for; the message names the problem.
    """
    if isinstance(queries, str):
        queries = [queries]
    if hasattr(queries, "tolist"):  # a NumPy array of strings
        queries = queries.tolist()
    if not isinstance(queries, (list, tuple)):
        raise TypeError(
            f"solve(model, queries): queries must be a string or a list of strings such as "
            f"['12+3'], got {type(queries).__name__}."
        )
    task = task_of(model)
    if len(queries) == 0:
        return []
    x = task.encode_queries(list(queries))
    return task.decode(model.predict(x, verbose=0, batch_size=1024))


def task_of(model):
    """The :class:`AdditionTask` a model was built for (from its input shape ``(None, 2d+1, 12)``).

    Raises:
        ValueError: "not an addition model" for any other model (or object).
    """
    from coursework.datasets.addition import CHARS, AdditionTask

    shape = getattr(model, "input_shape", None)
    if not (
        isinstance(shape, tuple)
        and len(shape) == 3
        and shape[2] == len(CHARS)
        and isinstance(shape[1], int)
        and shape[1] % 2 == 1
    ):
        raise ValueError(
            f"Not an addition model: it takes inputs of shape {shape}, an addition model takes "
            f"(None, 2 × digits + 1, {len(CHARS)}) one-hot characters."
        )
    return AdditionTask(digits=(shape[1] - 1) // 2)


def evaluate(model, splits, split: str = "test") -> dict[str, float]:
    """Exact match (headline) and per-character accuracy on a held-out split."""
    import numpy as np

    from coursework.metrics import exact_match

    predictions = solve(model, splits.queries[split])
    expected = splits.answers[split]
    task = splits.task
    chars_right = [
        np.mean([a == b for a, b in zip(task.pad_answer(e), task.pad_answer(p), strict=False)])
        for e, p in zip(expected, predictions, strict=False)
    ]
    return {"exact_match": exact_match(expected, predictions), "char_accuracy": float(np.mean(chars_right))}


class AdditionRecipe(Recipe, name="addition", metric="exact_match", notebook="06a_suma_seq2seq.ipynb"):
    """3-digit addition as sequence to sequence (LSTM encoder-decoder)."""

    dataset = "generated a+b sums (50,000 distinct pairs)"
    settings_for = staticmethod(settings_for)

    def load(self, settings, seed):
        from coursework.datasets.addition import make_addition_splits

        return make_addition_splits(n=settings.n, digits=settings.digits, seed=seed)

    def build(self, data, settings):
        from coursework.models import build_addition_seq2seq

        return build_addition_seq2seq(settings.digits, settings.units, reverse_input=settings.reverse_input)

    def fit(self, model, data, settings, verbose):
        return fit_addition(model, data, settings, verbose=verbose)[0].history

    def evaluate(self, model, data, settings):
        return evaluate(model, data, "test")

    def describe(self, settings):
        params = self.build(None, settings).count_params()
        return f"LSTM {settings.units} → RepeatVector → LSTM {settings.units} → softmax ({params:,} params)"


register(AdditionRecipe())
