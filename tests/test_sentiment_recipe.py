import dataclasses
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from coursework.datasets.sentiment import TextSplit
from coursework.recipes import get_recipe
from coursework.recipes import sentiment as recipe
from coursework.recipes.sentiment import (
    VARIANTS,
    SentimentSettings,
    make_sentiment_vectorizer,
    settings_for,
    train_variant,
)

TINY = SentimentSettings(
    limit=240, extra_glove_words=300, units=8, filters=8, epochs=1, batch_size=32, bucket_boundaries=(6, 12)
)

GOOD = ["great", "moving", "brilliant", "funny", "beautiful", "superb", "wonderful", "excellent"]
BAD = ["dull", "boring", "awful", "stupid", "tedious", "bland", "terrible", "mediocre"]
FILLER = ["the", "film", "is", "a", "story", "and", "very", "plot", "actors", "movie", "this"]


def _split(n, seed, words_good=GOOD, words_bad=BAD):
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(n):
        label = int(rng.integers(2))
        words = list(rng.choice(FILLER, rng.integers(2, 8))) + list(
            rng.choice(words_good if label else words_bad, 2)
        )
        rng.shuffle(words)
        texts.append(" ".join(words).capitalize() + ".")
        labels.append(label)
    return TextSplit(texts, np.array(labels, dtype="int32"), ["toy"] * n)


def test_all_variants_are_registered_tasks():
    names = {
        "lstm-sentiment",
        "glove-sentiment",
        "glove-finetuned-sentiment",
        "bilstm-sentiment",
        "cnn-sentiment",
    }
    assert set(VARIANTS) == names
    for name in names:
        task = get_recipe(name)
        assert task.metric == "accuracy" and task.notebook == "05a_sentimiento_lstm.ipynb"
    assert not VARIANTS["glove-sentiment"].trainable and VARIANTS["glove-finetuned-sentiment"].trainable
    assert not VARIANTS["lstm-sentiment"].glove
    assert settings_for("ci").epochs < settings_for("full").epochs
    assert settings_for("ci").limit is not None and settings_for("full").limit is None


def test_glove_vocabulary_extension():
    from coursework.embeddings import load_glove

    texts = ["A great film.", "A dull film."]
    plain = make_sentiment_vectorizer(texts, TINY)
    extended = make_sentiment_vectorizer(texts, TINY, load_glove())
    base = [str(w) for w in plain.get_vocabulary()]
    words = [str(w) for w in extended.get_vocabulary()]
    assert words[: len(base)] == base  # training words keep their ids
    assert len(words) == len(base) + TINY.extra_glove_words
    assert len(set(words)) == len(words) and all(w.isalpha() for w in words[len(base) :])


def test_glove_variant_learns_words_it_never_saw_in_training():
    # Train on some sentiment words, test on others: only the pre-trained vectors can tell.
    from coursework.embeddings import load_glove

    data = {
        "train": _split(300, 0, GOOD[:5], BAD[:5]),
        "validation": _split(60, 1, GOOD[:5], BAD[:5]),
        "test": _split(200, 2, GOOD[5:], BAD[5:]),
    }
    settings = dataclasses.replace(TINY, epochs=6, learning_rate=1e-2, dropout=0.0, extra_glove_words=20_000)
    run = train_variant("glove-sentiment", settings, seed=0, verbose=0, data=data, keyed_vectors=load_glove())
    assert run.metrics["accuracy"] > 0.75, run.metrics  # chance: about 0.5
    assert run.coverage.coverage > 0.95
    assert run.metrics["trainable_params"] < run.metrics["params"]  # the embedding is frozen
    assert set(run.metrics) >= {"accuracy", "f1", "majority_baseline", "params", "seconds_per_epoch"}
    probs = run.model.predict(np.array(["A superb film.", "A mediocre film."], dtype=object), verbose=0)
    assert probs[0, 0] > probs[1, 0]


@pytest.mark.parametrize("task", ["lstm-sentiment", "cnn-sentiment"])
def test_other_variants_train_on_raw_text(task):
    data = {"train": _split(200, 0), "validation": _split(40, 1), "test": _split(60, 2)}
    run = train_variant(task, TINY, seed=0, verbose=0, data=data)
    assert run.epochs == 1 and 0.0 <= run.metrics["accuracy"] <= 1.0
    assert run.model.input.dtype == "string" and run.model.output_shape == (None, 1)
    with pytest.raises(KeyError, match="Unknown sentiment task"):
        train_variant("gru-sentiment", TINY, data=data)


def test_cli_train_save_and_fresh_process_reload(tmp_path, monkeypatch, capsys):
    from coursework.cli import main

    monkeypatch.setattr(recipe.SentimentRecipe, "settings_for", staticmethod(lambda profile=None: TINY))
    path = tmp_path / "glove.keras"
    assert main(["train", "glove-sentiment", "--profile", "ci", "--json", "--save", str(path)]) == 0
    [summary] = json.loads(capsys.readouterr().out)["results"]
    assert summary["task"] == "glove-sentiment" and summary["headline_metric"] == "accuracy"
    assert 0 <= summary["accuracy"] <= 1 and summary["saved_to"] == str(path)
    script = textwrap.dedent(f"""
        import numpy as np, keras
        import coursework.layers  # registers the package's layers and RawTextModel with Keras
        model = keras.saving.load_model({str(path)!r})
        p = model.predict(np.array(["una crítica", "A great film."], dtype=object), verbose=0)
        assert p.shape == (2, 1) and ((0 <= p) & (p <= 1)).all(), p
        print("ok", p.ravel().tolist())
    """)
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        timeout=300,
    )
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr[-2000:]


def test_class_weight_reaches_fit_and_balances_the_loss():
    # rotten_share is the weighted share of rotten snippets: n0 / n unweighted, 0.5 once balanced.
    from coursework.models.classifiers import build_lstm_classifier

    data = {"train": _split(120, 0), "validation": _split(30, 1), "test": _split(30, 2)}
    labels = data["train"].labels
    n0, n1 = np.bincount(labels, minlength=2)
    vectorizer = make_sentiment_vectorizer(data["train"].texts, TINY)
    settings = dataclasses.replace(TINY, epochs=1)
    shares = {}
    for name, weights in {"none": None, "ones": {0: 1.0, 1: 1.0}, "balanced": {0: 1 / n0, 1: 1 / n1}}.items():
        model = build_lstm_classifier(vectorizer.vocabulary_size(), 8, units=4)
        history = recipe.fit_sentiment_body(
            model, data, vectorizer, settings, class_weight=weights, seed=0, verbose=0
        )
        assert len(history["seconds"]) == len(history["loss"]) == 1
        shares[name] = history.get("rotten_share")
    assert shares["none"] is None  # the probe is only there when class weights are given
    np.testing.assert_allclose(shares["ones"], [n0 / (n0 + n1)], rtol=1e-5)
    np.testing.assert_allclose(shares["balanced"], [0.5], rtol=1e-5)


def test_balanced_accuracy_of_a_constant_model_is_one_half(monkeypatch):
    from coursework.models import text_input

    texts, labels = ["a", "b", "c", "d", "e"], [1, 1, 1, 0, 1]
    monkeypatch.setattr(text_input, "predict_texts", lambda model, texts: np.ones(len(texts)))
    metrics = recipe.evaluate_texts(None, texts, labels)
    assert metrics["accuracy"] == 0.8 and metrics["balanced_accuracy"] == 0.5
