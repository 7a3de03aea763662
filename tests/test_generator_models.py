"""Language-model builders, the vocabulary layer, save/load, the n-gram baseline and the generate CLI."""

import subprocess
import sys

import keras
import numpy as np
import pytest

from coursework.generation.baselines import ngram_perplexity
from coursework.generation.text import generate
from coursework.layers.vocabulary import TokenVocabulary
from coursework.models.generator import build_char_generator, build_word_lm, vocabulary_of

CHARS = ["\ufffd", " ", "a", "b", "c", "ñ"]


def test_seed_generator_shapes_and_parameters():
    model = build_char_generator(vocab_size=57, window=40)
    assert model.input_shape == (None, 40) and model.output_shape == (None, 57)
    # LSTM 128 on a 57-wide one-hot: 4 * 128 * (57 + 128 + 1); Dense: 128 * 57 + 57
    assert model.count_params() == 4 * 128 * 186 + 128 * 57 + 57


def test_generator_options():
    model = build_char_generator(
        vocabulary=CHARS,
        window=None,
        units=8,
        embedding_dim=4,
        num_layers=3,
        cell="gru",
        return_sequences=True,
    )
    assert [type(layer).__name__ for layer in model.layers].count("GRU") == 3
    assert model.output_shape == (None, None, len(CHARS))
    assert vocabulary_of(model).vocabulary == CHARS
    word = build_word_lm(50, embedding_dim=8, units=16)
    assert word.output_shape == (None, None, 50) and vocabulary_of(word).level == "word"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(vocab_size=0), "vocab_size"),
        (dict(vocab_size=10, units=0), "units"),
        (dict(vocab_size=10, cell="rnn"), "cell"),
        (dict(vocab_size=3, vocabulary=["a", "b"]), "vocab_size=3"),
        (dict(vocab_size=10, dropout=1.5), "dropout"),
    ],
)
def test_builder_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_char_generator(**kwargs)


def test_vocabulary_layer_one_hot_and_config():
    layer = TokenVocabulary(["x", "y", "z"], level="char")
    np.testing.assert_array_equal(layer(np.array([[2, 1]])), np.eye(3)[[[2, 1]]])
    copy = TokenVocabulary.from_config(layer.get_config())
    assert copy.vocabulary == ["x", "y", "z"] and copy.level == "char"
    with pytest.raises(ValueError, match="repeated"):
        TokenVocabulary(["a", "a"])
    with pytest.raises(ValueError, match="level"):
        TokenVocabulary(["a"], level="byte")


def test_save_load_round_trip_keeps_vocabulary_and_predictions(tmp_path):
    model = build_char_generator(vocabulary=CHARS, window=None, units=8)
    path = tmp_path / "chars.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    ids = np.array([[2, 3, 1, 5]])
    np.testing.assert_allclose(loaded.predict(ids, verbose=0), model.predict(ids, verbose=0), atol=1e-6)
    assert generate(loaded, "abc ñ", length=10, seed=1) == generate(model, "abc ñ", length=10, seed=1)


def test_bigram_baseline_beats_unigram_on_structured_text():
    train, val = [np.tile([0, 1, 2], 200)], [np.tile([1, 2, 0], 20)]
    assert ngram_perplexity(train, val, 3, order=2) == pytest.approx(1.0, abs=0.01)  # 0→1→2→0 always
    assert ngram_perplexity(train, val, 3, order=1) == pytest.approx(3.0, rel=0.01)
    with pytest.raises(ValueError, match="order"):
        ngram_perplexity(train, val, 3, order=5)


def test_recipes_are_registered():
    from coursework.recipes import get_recipe
    from coursework.recipes.char_generator import settings_for

    assert get_recipe("char-generator").metric == "val_perplexity"
    assert get_recipe("word-lm").notebook == "04b_proxima_palabra.ipynb"
    assert settings_for("full").units == 128 and settings_for("full").cell == "lstm"


def test_compare_cells_trains_each_cell_with_the_same_settings():
    import dataclasses

    from coursework.recipes.char_generator import (
        CELL_NAMES,
        compare_cells,
        comparison_table,
        evaluate,
        load_corpus,
        settings_for,
    )

    settings = dataclasses.replace(
        settings_for("ci"), max_chars=12_000, units=8, epochs=2, batch_size=64, max_seconds=None
    )
    corpus = load_corpus(settings)
    runs = compare_cells(corpus, settings, verbose=0)
    assert list(runs) == ["simple_rnn", "lstm", "gru"]
    assert [type(run.model.layers[2]).__name__ for run in runs.values()] == ["SimpleRNN", "LSTM", "GRU"]
    table = comparison_table(runs)
    params = table["parámetros"]
    assert params["SimpleRNN"] < params["GRU"] < params["LSTM"]  # 1, 3 and 4 sets of weights
    assert (table["épocas"] == 2).all() and (table["s/época"] > 0).all()
    for run in runs.values():  # the logged perplexity of the last epoch is the model's on validation
        assert len(run.val_perplexity) == 2 and len(run.epoch_seconds) == 2
        assert table.loc[CELL_NAMES[run.cell], "mejor perplejidad (val.)"] == min(run.val_perplexity)
        last = evaluate(run.model, corpus, settings)["val_perplexity"]
        assert run.val_perplexity[-1] == pytest.approx(last, rel=1e-3)


def test_generate_cli_in_a_fresh_process(tmp_path, capsys):
    from coursework.cli import main

    model = build_char_generator(vocabulary=CHARS, window=None, units=8)
    path = tmp_path / "chars.keras"
    model.save(path)
    expected = generate(model, "ab", length=15, temperature=0.7, rng=np.random.default_rng(4))

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "coursework", "generate", "--model", str(path), *args],
            capture_output=True,
            text=True,
            timeout=300,
        )

    sampled = cli("--prompt", "ab", "--temperature", "0.7", "--length", "15", "--seed", "4")
    assert sampled.returncode == 0, sampled.stderr
    assert sampled.stdout.strip() == "ab" + expected
    assert main(["generate", "--model", str(path), "--prompt", "ab@", "--beam", "3"]) == 1
    assert "outside the model's vocabulary: ['@']" in capsys.readouterr().err
    assert (
        main(
            [
                "generate",
                "--model",
                str(path),
                "--prompt",
                "ab",
                "--beam",
                "2",
                "--length",
                "5",
                "--samples",
                "2",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(line.startswith("[") and "] ab" in line for line in lines)
    assert main(["generate", "--model", str(tmp_path / "none.keras"), "--prompt", "ab"]) == 1
    assert "not found" in capsys.readouterr().err


def test_generate_cli_default_temperature_and_progress(tmp_path, capsys):
    from coursework.cli import main
    from coursework.commands.generate import PROGRESS_FROM
    from coursework.generation.search import DEFAULT_TEMPERATURE

    model = build_char_generator(vocabulary=CHARS, window=None, units=8)
    path = tmp_path / "chars.keras"
    model.save(path)
    expected = generate(model, "ab", length=15, temperature=DEFAULT_TEMPERATURE, rng=np.random.default_rng(2))
    assert main(["generate", "--model", str(path), "--prompt", "ab", "--length", "15", "--seed", "2"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "ab" + expected and captured.err == ""  # short: quiet
    assert (
        main(
            [
                "generate",
                "--model",
                str(path),
                "--prompt",
                "ab",
                "--length",
                str(PROGRESS_FROM),
                "--seed",
                "2",
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert len(captured.out.strip()) == 2 + PROGRESS_FROM and "generando" in captured.err
