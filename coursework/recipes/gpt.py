"""Recipe ``gpt``: a small GPT (decoder-only Transformer) over WordPiece sub-words of the Spanish
speeches (class 7).

The corpus text and its split are the char LSTM's (``char-generator``: the same normalised text, the
same contiguous validation blocks), so the two are compared on the same held-out text in **bits per
character**: the GPT's mean cross-entropy per sub-word token (in bits) times the number of tokens per
character of the validation text. Training stops after ``max_seconds`` (checked every
``steps_per_epoch`` batches), the budget both models get in notebook 07d.

Example:
    >>> from coursework.recipes.gpt import settings_for
    >>> settings_for("ci").context_length < settings_for("full").context_length
    True
"""

from __future__ import annotations

import dataclasses
import math
from typing import ClassVar

from coursework.recipes import Recipe, register
from coursework.recipes.template import RecipeSettings

SAMPLE_PROMPT = "señorías, el gobierno"


@dataclasses.dataclass(frozen=True)
class GPTSettings(RecipeSettings):
    """Everything that decides a GPT training run besides the seed (``ci``: 80k characters, a smaller
    vocabulary, context and model, 30 seconds)."""

    CI: ClassVar[dict] = {
        "max_chars": 80_000,
        "vocabulary_size": 800,
        "context_length": 64,
        "embed_dim": 64,
        "intermediate_dim": 128,
        "steps_per_epoch": 5,
        "learning_rate": 3e-3,
        "max_seconds": 30.0,
    }
    source: str = "es"
    max_chars: int | None = 600_000
    val_fraction: float = 0.1
    n_blocks: int = 20
    vocabulary_size: int = 3000
    context_length: int = 256
    embed_dim: int = 128
    num_layers: int = 2
    num_heads: int = 4
    intermediate_dim: int = 256
    dropout: float = 0.0
    batch_size: int = 16
    steps_per_epoch: int = 40
    epochs: int = 200
    learning_rate: float = 2e-3
    max_seconds: float | None = 120.0


settings_for = GPTSettings.for_profile


@dataclasses.dataclass
class GPTData:
    """The tokenizer, the token ids of each train / validation block and the validation text."""

    tokenizer: object
    train_blocks: list
    val_blocks: list
    val_texts: list[str]

    @property
    def val_chars(self) -> int:
        return sum(len(text) for text in self.val_texts)

    @property
    def val_tokens(self) -> int:
        return int(sum(len(ids) for ids in self.val_blocks))

    def windows(self, split: str, settings: GPTSettings):
        """``(x, y)`` next-token windows of ``context_length`` tokens (half-overlapping for training)."""
        from coursework.datasets.char_corpus import make_windows

        window = settings.context_length
        if split == "train":
            return make_windows(self.train_blocks, window, stride=window // 2)
        return make_windows(self.val_blocks, window)


def load_data(settings: GPTSettings) -> GPTData:
    """The char LSTM's text and block split, and a WordPiece tokenizer learnt on the training blocks."""
    from coursework.datasets.char_corpus import load_corpus_text, split_blocks
    from coursework.text.subword import SubwordTokenizer

    text = load_corpus_text(settings.source, max_chars=settings.max_chars)
    train_texts, val_texts = split_blocks(text, settings.val_fraction, settings.n_blocks)
    tokenizer = SubwordTokenizer.train(train_texts, settings.vocabulary_size)
    return GPTData(
        tokenizer, tokenizer.encode_batch(train_texts), tokenizer.encode_batch(val_texts), val_texts
    )


def build_model(data: GPTData, settings: GPTSettings):
    """The untrained GPT for ``data``'s vocabulary."""
    from coursework.models.gpt import build_gpt

    return build_gpt(
        data.tokenizer.vocabulary,
        context_length=settings.context_length,
        embed_dim=settings.embed_dim,
        num_layers=settings.num_layers,
        num_heads=settings.num_heads,
        intermediate_dim=settings.intermediate_dim,
        dropout=settings.dropout,
    )


def fit(model, data: GPTData, settings: GPTSettings, *, verbose: int | str | None = None, seed: int = 42):
    """Compile (AdamW, cross-entropy on logits, accuracy) and train on shuffled windows, an "epoch"
    being ``steps_per_epoch`` batches, until ``epochs`` or ``max_seconds``; returns the Keras ``History``."""
    import keras
    import tensorflow as tf

    from coursework.training import StopAfterSeconds, resolve_verbose

    model.compile(
        optimizer=keras.optimizers.AdamW(settings.learning_rate, weight_decay=0.01, clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
    )
    x, y = data.windows("train", settings)
    train = (
        tf.data.Dataset.from_tensor_slices((x, y))
        .shuffle(len(x), seed=seed)
        .repeat()
        .batch(settings.batch_size, drop_remainder=True)
    )
    return model.fit(
        train,
        validation_data=data.windows("validation", settings),
        validation_batch_size=64,
        epochs=settings.epochs,
        steps_per_epoch=settings.steps_per_epoch,
        shuffle=False,  # the dataset is shuffled above
        callbacks=[StopAfterSeconds(settings.max_seconds)],
        verbose=resolve_verbose(verbose),
    )


def token_cross_entropy(model, data: GPTData, settings: GPTSettings) -> float:
    """Mean cross-entropy (nats) per predicted token of the validation windows."""
    import numpy as np

    x_val, y_val = data.windows("validation", settings)
    logits = model.predict(x_val, batch_size=64, verbose=0).astype("float64")
    log_probs = logits - logits.max(-1, keepdims=True)
    log_probs -= np.log(np.exp(log_probs).sum(-1, keepdims=True))
    return float(-np.take_along_axis(log_probs, y_val[..., None], axis=-1).mean())


def evaluate(model, data: GPTData, settings: GPTSettings) -> dict[str, float]:
    """Validation cross-entropy per token, perplexity, and bits per character (comparable with the char
    LSTM's ``val_bits_per_char``)."""
    cross_entropy = token_cross_entropy(model, data, settings)
    chars_per_token = data.val_chars / data.val_tokens
    return {
        "val_bits_per_char": cross_entropy / math.log(2) / chars_per_token,
        "val_token_perplexity": math.exp(cross_entropy),
        "val_cross_entropy": cross_entropy,
        "chars_per_token": chars_per_token,
        "vocabulary_size": float(data.tokenizer.vocab_size),
    }


class GPTRecipe(Recipe, name="gpt", metric="val_bits_per_char", notebook="07d_gpt_espanol.ipynb"):
    """small GPT (decoder-only Transformer) over WordPiece sub-words, with top-k / top-p sampling."""

    dataset = "Spanish parliament speeches (the char-generator's text and split), WordPiece sub-words"
    settings_for = staticmethod(settings_for)
    build = staticmethod(build_model)
    evaluate = staticmethod(evaluate)

    def load(self, settings, seed):
        return load_data(settings)

    def fit(self, model, data, settings, verbose):
        return fit(model, data, settings, verbose=verbose).history

    def describe(self, settings):
        return (
            f"WordPiece ≤ {settings.vocabulary_size} → token + position embedding {settings.embed_dim} → "
            f"{settings.num_layers} × decoder block ({settings.num_heads} heads, causal) → logits; "
            f"context {settings.context_length} tokens"
        )


register(GPTRecipe())
