"""Recipe ``translator``: Spanish number words → English number words with attention (class 6).

"trescientos veintiuno" → "three hundred twenty-one", numbers up to 999,999; held-out numbers never
appear in training. The same function trains the attention model and the bottleneck baseline
(``attention=None``) so the notebook and the benchmark compare them on equal terms.

Example:
    >>> from coursework.recipes.translator import settings_for
    >>> settings_for("ci").n < settings_for("full").n
    True
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from coursework.recipes import Recipe, RecipeSettings, register

# Longest Spanish number (10 words: "setecientos setenta y siete mil setecientos setenta y siete")
# and longest English one with its [END] (12 tokens, "-" counted, + 1).
MAX_SOURCE_LENGTH = 10
MAX_TARGET_LENGTH = 13
LONG_INPUT_WORDS = 8  # "long" inputs for the bottleneck comparison: 8 Spanish words or more


@dataclasses.dataclass(frozen=True)
class TranslatorSettings(RecipeSettings):
    """Everything that decides a number-translator training run besides the seed (``ci``: fewer numbers
    and epochs)."""

    CI: ClassVar[dict] = {
        "n": 4_000,
        "epochs": 3,
        "batch_size": 64,
        "target_exact_match": None,
        "validation_size": 100,
    }
    n: int = 20_000
    attention: str | None = "general"
    cell: str = "gru"
    units: int = 128
    embedding_dim: int = 64
    epochs: int = 5
    batch_size: int = 128
    learning_rate: float = 3e-3
    target_exact_match: float | None = 0.995
    validation_size: int = 500  # validation numbers decoded after each epoch for val_exact_match


#: The recipe's settings for a profile, with overrides: ``settings_for("ci", attention=None)``.
settings_for = TranslatorSettings.for_profile


def make_splits(settings: TranslatorSettings, seed: int = 0):
    """The generated number splits (5 % validation, 10 % test)."""
    from coursework.datasets.numbers import make_number_translation_splits

    return make_number_translation_splits(n=settings.n, validation=0.05, test=0.1, seed=seed)


def validation_exact_match_callback(translator, sources, targets):
    """A Keras callback that greedy-decodes ``sources`` after each epoch and logs ``val_exact_match``
    (recorded in the History, and usable by :class:`coursework.training.StopAtTarget`)."""
    import keras

    def on_epoch_end(epoch, logs=None):
        predictions = translator.translate(sources)
        if logs is not None:
            logs["val_exact_match"] = sum(p == t for p, t in zip(predictions, targets, strict=False)) / len(
                targets
            )

    return keras.callbacks.LambdaCallback(on_epoch_end=on_epoch_end)


def build_number_translator(splits, settings: TranslatorSettings):
    """An uncompiled seq2seq translator with vocabularies from the training split."""
    from coursework.models.translator import TARGET_SPECIALS, build_seq2seq_translator, build_vocabulary

    source_vocabulary = build_vocabulary(splits.sources["train"])
    target_vocabulary = build_vocabulary(splits.targets["train"], TARGET_SPECIALS)
    return build_seq2seq_translator(
        source_vocabulary,
        target_vocabulary,
        MAX_SOURCE_LENGTH,
        MAX_TARGET_LENGTH,
        embedding_dim=settings.embedding_dim,
        units=settings.units,
        attention=settings.attention,
        cell=settings.cell,
        name="number_translator" if settings.attention else "number_translator_no_attention",
    )


def fit_number_translator(
    model,
    splits,
    settings: TranslatorSettings,
    *,
    verbose: int | str | None = None,
    translator_class=None,
    callbacks=(),
):
    """Compile and train ``model``, logging ``val_exact_match`` each epoch (and stopping at its target).

    ``translator_class`` decodes the model (default :class:`~coursework.generation.seq2seq.Seq2SeqTranslator`;
    the Transformer recipe passes its own); ``callbacks`` are added after the validation decoding.

    Returns:
        ``(translator, history)``: a :class:`~coursework.generation.seq2seq.Seq2SeqTranslator` sharing
        the model's weights, and the Keras ``History``.
    """
    from coursework.generation.seq2seq import Seq2SeqTranslator
    from coursework.models.translator import compile_translator, teacher_forcing_arrays
    from coursework.training import StopAtTarget, resolve_verbose

    compile_translator(model, settings.learning_rate)
    source_vocabulary = model.get_layer("source_embedding").vocabulary
    target_vocabulary = model.get_layer("target_embedding").vocabulary
    arrays = {
        split: teacher_forcing_arrays(
            splits.sources[split],
            splits.targets[split],
            source_vocabulary,
            target_vocabulary,
            MAX_SOURCE_LENGTH,
            MAX_TARGET_LENGTH,
            on_long="error",
        )
        for split in ("train", "validation")
    }
    translator = (translator_class or Seq2SeqTranslator)(model)
    keep = settings.validation_size
    extra_callbacks, callbacks = (
        callbacks,
        [
            validation_exact_match_callback(
                translator, splits.sources["validation"][:keep], splits.targets["validation"][:keep]
            )
        ],
    )
    if settings.target_exact_match is not None:
        callbacks.append(StopAtTarget("val_exact_match", settings.target_exact_match))
    callbacks += list(extra_callbacks)
    x, y = arrays["train"]
    history = model.fit(
        x,
        y,
        validation_data=arrays["validation"],
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        callbacks=callbacks,
        verbose=resolve_verbose(verbose),
    )
    return translator, history


def train_number_translator(
    splits, settings: TranslatorSettings, *, seed: int = 42, verbose: int | str | None = None
):
    """Seed, build and train one number translator (the notebook's and the benchmark's entry point).

    Returns:
        ``(model, translator, history)``: the Keras training model, a
        :class:`~coursework.generation.seq2seq.Seq2SeqTranslator` sharing its weights, and the
        Keras ``History``.
    """
    from coursework.training import set_seed

    set_seed(seed)
    model = build_number_translator(splits, settings)
    translator, history = fit_number_translator(model, splits, settings, verbose=verbose)
    return model, translator, history


def evaluate_translator(translator, splits, split: str = "test", beam_width: int = 1) -> dict:
    """Exact match, chrF and exact match on long inputs (≥ 8 Spanish words) of a held-out split."""
    from coursework.metrics import exact_match
    from coursework.translation_metrics import chrf

    sources, targets = splits.sources[split], splits.targets[split]
    predictions = translator.translate(sources, beam_width=beam_width)
    long_rows = [i for i, s in enumerate(sources) if len(s.split()) >= LONG_INPUT_WORDS]
    metrics = {"exact_match": exact_match(targets, predictions), "chrf": chrf(targets, predictions)}
    if long_rows:
        metrics["long_exact_match"] = exact_match(
            [targets[i] for i in long_rows], [predictions[i] for i in long_rows]
        )
    return metrics


class TranslatorRecipe(
    Recipe, name="translator", metric="exact_match", notebook="06b_traductor_atencion.ipynb"
):
    """Spanish → English number words, GRU encoder-decoder with Luong attention."""

    dataset = "generated numbers 0-999,999 in words (20,000; held-out numbers unseen)"
    settings_for = staticmethod(settings_for)
    load = staticmethod(make_splits)
    build = staticmethod(build_number_translator)

    def fit(self, model, data, settings, verbose):
        return fit_number_translator(model, data, settings, verbose=verbose)[1].history

    def evaluate(self, model, data, settings):
        from coursework.generation.seq2seq import Seq2SeqTranslator

        return evaluate_translator(Seq2SeqTranslator(model), data, "test")

    def describe(self, settings):
        attention = f"{settings.attention} attention" if settings.attention else "no attention"
        cell = settings.cell.upper()
        return f"Embedding {settings.embedding_dim} + {cell} {settings.units} encoder / decoder, {attention}"


register(TranslatorRecipe())
