"""The word-lm recipe: top-k accuracy overall and on content words beside the unigram, and why fit stopped."""

import dataclasses
import math

import numpy as np
import pytest

from coursework.datasets.word_corpus import WordCorpus
from coursework.recipes.word_lm import (
    accuracy_table,
    build_model,
    content_word_mask,
    evaluate,
    fit,
    settings_for,
    target_ranks,
)

#: "de", "la" and "el" are stop words; the rest are content words.
VOCABULARY = ["", "[UNK]", "de", "la", "gobierno", "ley", "el", "congreso"]


def _corpus(cycle, repeats=40):
    block = np.tile(np.asarray(cycle, dtype="int32"), repeats)
    return WordCorpus(vocabulary=VOCABULARY, train_blocks=[block], val_blocks=[block[:200]])


class _Oracle:
    """Gives probability ``right`` to the true next word of a cycle, the rest spread evenly."""

    def __init__(self, cycle, right=0.9):
        self.successor = {a: b for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True)}
        self.right = right

    def predict_on_batch(self, x):
        nxt = np.vectorize(self.successor.get)(x)
        probs = np.full((*x.shape, len(VOCABULARY)), (1 - self.right) / (len(VOCABULARY) - 1))
        np.put_along_axis(probs, nxt[..., None], self.right, axis=-1)
        return probs


def test_content_words_are_neither_stop_words_nor_special_tokens():
    assert content_word_mask(VOCABULARY).tolist() == [False, False, False, False, True, True, False, True]


def test_target_ranks_agree_with_sorting_the_candidates():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(len(VOCABULARY)), size=(30, 4))
    targets = rng.integers(2, len(VOCABULARY), size=(30, 4))
    candidates = np.array([w not in ("", "[UNK]") for w in VOCABULARY])
    ranks = target_ranks(probs, targets, candidates)
    for k in (1, 3, 5):
        masked = np.where(candidates, probs, -1.0)
        top = np.argsort(-masked, axis=-1)[..., :k]
        np.testing.assert_array_equal(ranks < k, (top == targets[..., None]).any(axis=-1))


def test_evaluate_a_perfect_next_word_model_against_the_unigram():
    cycle = [2, 4, 3, 5, 6, 7, 1]  # de gobierno la ley el congreso [UNK], each once per cycle
    metrics = evaluate(_Oracle(cycle), _corpus(cycle), settings_for("ci", window=7))
    assert metrics["val_perplexity"] == pytest.approx(1 / 0.9, rel=1e-6)
    assert metrics["unknown_share"] == pytest.approx(1 / 7)
    assert metrics["content_share"] == pytest.approx(3 / 7)  # gobierno, ley, congreso
    for k in (1, 5, 10):
        assert metrics[f"val_top{k}_accuracy"] == 1.0 and metrics[f"val_content_top{k}_accuracy"] == 1.0
    # equal counts: the unigram ranks by id, so it always suggests "de" (content words: "gobierno")
    assert metrics["unigram_top1_accuracy"] == pytest.approx(1 / 6)
    assert metrics["unigram_content_top1_accuracy"] == pytest.approx(1 / 3)
    assert metrics["unigram_top5_accuracy"] == pytest.approx(5 / 6)  # all but "congreso"
    assert metrics["unigram_content_top5_accuracy"] == 1.0
    assert metrics["unigram_perplexity"] == pytest.approx(7, rel=0.01)


def test_a_uniform_model_gets_no_hit_from_ties():
    cycle = [2, 4, 3, 5, 6, 7, 1]
    uniform = _Oracle(cycle, right=1 / len(VOCABULARY))
    metrics = evaluate(uniform, _corpus(cycle), settings_for("ci", window=7))
    assert metrics["val_perplexity"] == pytest.approx(len(VOCABULARY), rel=1e-6)
    assert metrics["val_top1_accuracy"] == 0.0 and metrics["val_top5_accuracy"] == 0.0
    assert metrics["val_top10_accuracy"] == 1.0  # 6 known words: all of them are suggested


def test_accuracy_table_places_each_metric():
    metrics = {
        f"{who}_{words}top{k}_accuracy": k / 100 + (0.001 if who == "unigram" else 0) + (0.5 if words else 0)
        for who in ("val", "unigram")
        for words in ("", "content_")
        for k in (1, 5, 10)
    }
    table = accuracy_table(metrics)
    assert list(table.index) == ["top-1", "top-5", "top-10"]
    assert table.loc["top-5", ("todas", "LSTM")] == pytest.approx(0.05)
    assert table.loc["top-10", ("de contenido", "unigrama")] == pytest.approx(0.601)


@pytest.mark.parametrize(
    "overrides, reason",
    [
        (dict(epochs=2), "epochs"),
        (dict(epochs=5, max_seconds=0.0), "time_cap"),
        (dict(epochs=6, learning_rate=0.0, patience=1), "early_stopping"),
    ],
)
def test_fit_says_what_stopped_it(overrides, reason):
    cycle = [2, 4, 3, 5, 6, 7, 1]
    sizes = dict(window=7, embedding_dim=4, units=4, batch_size=16, max_seconds=None)
    settings = dataclasses.replace(settings_for("ci"), **{**sizes, **overrides})
    corpus = _corpus(cycle)
    model = build_model(corpus, settings)
    history = fit(model, corpus, settings, verbose=0)
    assert history.stop_reason == reason
    expected_epochs = {"epochs": 2, "time_cap": 1, "early_stopping": 2}[reason]
    assert len(history.epoch) == expected_epochs
    assert history.best_epoch == (
        1 if reason != "epochs" else int(np.argmin(history.history["val_loss"])) + 1
    )
    assert all(math.isfinite(v) for v in history.history["val_loss"])
