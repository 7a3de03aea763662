"""What the two language-model recipes share (``char-generator``, ``word-lm``): the corpus and training
settings, and one compile-and-fit on next-token windows. Not a task itself (no recipe registered).

Example:
    >>> from coursework.recipes._language_model import LanguageModelSettings
    >>> s = LanguageModelSettings()
    >>> s.source, s.window, s.epochs
    ('es', 64, 10)
"""

from __future__ import annotations

import dataclasses

from coursework.recipes.template import RecipeSettings


@dataclasses.dataclass(frozen=True)
class LanguageModelSettings(RecipeSettings):
    """Corpus, window and training fields of a language-model run (each recipe adds its own)."""

    source: str = "es"
    max_chars: int | None = None
    val_fraction: float = 0.1
    n_blocks: int = 20
    window: int = 64
    units: int = 128
    epochs: int = 10
    batch_size: int = 64
    learning_rate: float = 5e-3
    max_seconds: float | None = 450.0


def fit_language_model(
    model,
    train,
    validation,
    settings: LanguageModelSettings,
    *,
    metrics,
    callbacks=(),
    verbose: int | str | None = None,
):
    """Compile ``model`` (Adam with gradient clipping, sparse cross-entropy, ``metrics``) and train it
    on ``train`` = ``(x, y)`` next-token windows, validating on ``validation``.

    The learning rate halves when the validation loss stalls for an epoch, and training stops at the
    end of the first epoch past ``settings.max_seconds``; ``callbacks`` come before that stop.
    ``verbose=None``: :func:`coursework.progress.fit_verbose`. Returns the Keras ``History``.
    """
    import keras

    from coursework.training import StopAfterSeconds, resolve_verbose

    model.compile(
        optimizer=keras.optimizers.Adam(settings.learning_rate, clipnorm=1.0),
        loss="sparse_categorical_crossentropy",
        metrics=list(metrics),
    )
    plateau = keras.callbacks.ReduceLROnPlateau(
        monitor="val_loss", factor=0.5, patience=1, min_lr=1e-4, verbose=0
    )
    x, y = train
    return model.fit(
        x,
        y,
        validation_data=validation,
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        shuffle=True,
        callbacks=[plateau, *callbacks, StopAfterSeconds(settings.max_seconds)],
        verbose=resolve_verbose(verbose),
    )
