"""Models named by kind, and refused by name by the command that cannot use them; a missing file, a
folder and a file that is not a model told apart by ``generate``, ``translate`` and ``chat``."""

import re

import pytest

keras = pytest.importorskip("keras")

from coursework.cli import main  # noqa: E402
from coursework.model_kinds import kind_of_model, model_kind, require_kind  # noqa: E402
from coursework.models.generator import build_char_generator, build_word_lm  # noqa: E402
from coursework.models.text_input import make_vectorizer, text_classifier  # noqa: E402
from coursework.models.translator import build_seq2seq_translator  # noqa: E402

SOURCE = ["", "[UNK]", "uno", "dos"]
TARGET = ["", "[UNK]", "[START]", "[END]", "one", "two"]


def _sentiment():
    vectorizer = make_vectorizer(["good film", "bad film"], sequence_length=4)
    body = keras.Sequential(
        [
            keras.layers.Embedding(5, 2),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    return text_classifier(vectorizer, body, name="sentiment_text")


BUILDERS = {
    "translator": lambda: build_seq2seq_translator(
        SOURCE, TARGET, 4, 5, embedding_dim=4, units=4, name="number_translator"
    ),
    "seq2seq-bot": lambda: build_seq2seq_translator(
        SOURCE, TARGET, 4, 5, embedding_dim=4, units=4, attention=None, name="seq2seq_chatbot"
    ),
    "language-model": lambda: build_char_generator(vocabulary=list("ab "), window=None, units=4),
    "sentiment-classifier": _sentiment,
    "intent-bot": lambda: keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(2, activation="softmax")], name="intent_classifier"
    ),
}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kinds")
    paths = {}
    for kind, build in BUILDERS.items():
        paths[kind] = folder / f"{kind}.keras"
        build().save(paths[kind])
    word = build_word_lm(vocabulary=["", "[UNK]", "hola", "mundo"], embedding_dim=4, units=4)
    paths["word-lm"] = folder / "word-lm.keras"
    word.save(paths["word-lm"])
    return paths


def test_each_saved_model_is_named_by_its_kind(saved):
    for kind in BUILDERS:
        assert model_kind(saved[kind]) == kind
    assert model_kind(saved["word-lm"]) == "language-model"
    assert kind_of_model(BUILDERS["sentiment-classifier"]()) == "sentiment-classifier"
    assert kind_of_model(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])) == "unknown"


def test_require_kind_names_what_it_found_and_what_was_needed(saved):
    assert require_kind(saved["translator"], ("translator",), "translate") == "translator"
    with pytest.raises(
        ValueError, match="is a sentiment classifier; `chat` needs an intent bot or a seq2seq bot"
    ):
        require_kind(saved["sentiment-classifier"], ("intent-bot", "seq2seq-bot"), "chat")


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("translator", "is a seq2seq translator; `chat` needs an intent bot or a seq2seq bot"),
        ("sentiment-classifier", "is a sentiment classifier; `chat` needs"),
        ("language-model", "is a language model; `chat` needs"),
    ],
)
def test_chat_refuses_models_of_another_kind(saved, capsys, kind, expected):
    assert main(["chat", "--bot", str(saved[kind]), "--once", "hola"]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_translate_and_generate_refuse_models_of_another_kind(saved, capsys):
    assert main(["translate", "--model", str(saved["sentiment-classifier"]), "uno"]) == 1
    assert "is a sentiment classifier; `translate` needs a seq2seq translator" in capsys.readouterr().err
    for kind in ("sentiment-classifier", "translator", "intent-bot"):
        assert main(["generate", "--model", str(saved[kind]), "--prompt", "ab"]) == 1
        assert "`generate` needs a language model" in capsys.readouterr().err


def test_the_right_kind_still_works_through_the_cli(saved, capsys):
    assert main(["translate", "--model", str(saved["translator"]), "uno dos"]) == 0
    assert capsys.readouterr().out.count("\n") == 1  # one translation (untrained: maybe empty)
    assert (
        main(
            [
                "generate",
                "--model",
                str(saved["language-model"]),
                "--prompt",
                "ab",
                "--length",
                "3",
                "--seed",
                "1",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.startswith("ab")
    assert main(["chat", "--bot", str(saved["seq2seq-bot"]), "--once", "uno"]) == 0


def test_the_library_loader_names_the_kind_too(saved):
    from coursework.generation.seq2seq import Seq2SeqTranslator, load_translator
    from coursework.persistence import load_model

    with pytest.raises(ValueError, match="This is a sentiment classifier, not a seq2seq translator"):
        load_translator(saved["sentiment-classifier"])
    with pytest.raises(ValueError, match="This is a language model, not a seq2seq translator"):
        Seq2SeqTranslator(load_model(saved["language-model"]))


def _bad_paths(tmp_path):
    folder = tmp_path / "export.keras"
    folder.mkdir()
    text = tmp_path / "notas.keras"
    text.write_text("no soy un modelo")
    empty = tmp_path / "vacio.keras"
    empty.write_bytes(b"")
    return [
        (tmp_path / "missing.keras", "not found"),
        (folder, "is a folder"),
        (text, "is not a .keras model (not a zip archive)"),
        (empty, "is not a .keras model (the file is empty)"),
    ]


@pytest.mark.parametrize(
    "command",
    [
        lambda p: ["generate", "--model", p, "--prompt", "hola"],
        lambda p: ["translate", "--model", p, "uno"],
        lambda p: ["chat", "--bot", p, "--once", "hola"],
    ],
    ids=["generate", "translate", "chat"],
)
def test_missing_folder_and_non_model_are_told_apart(tmp_path, capsys, command):
    for path, expected in _bad_paths(tmp_path):
        assert main(command(str(path))) == 1
        err = capsys.readouterr().err
        assert err.startswith("error:") and expected in err and "Traceback" not in err, err
        if expected != "not found":
            assert "not found" not in err


def test_persistence_and_predictor_loaders_tell_the_cases_apart(tmp_path):
    from coursework.persistence import load_model
    from coursework.serving.predictor import Predictor

    for path, expected in _bad_paths(tmp_path):
        if path.is_dir():
            with pytest.raises(IsADirectoryError, match=expected):
                load_model(path)
            continue
        for load in (load_model, Predictor.load):
            with pytest.raises((FileNotFoundError, ValueError), match=re.escape(expected)):
                load(path)


def test_prompt_and_texts_that_are_not_utf8_are_named(saved, capsys):
    """Bytes that are not UTF-8 in argv reach Python as lone surrogates: named, not a crash on print."""
    assert main(["generate", "--model", str(saved["language-model"]), "--prompt", "ab\udcff"]) == 1
    assert "--prompt is not valid UTF-8 text" in capsys.readouterr().err
    assert main(["translate", "--model", str(saved["translator"]), "uno \udcff"]) == 1
    assert "not valid Unicode" in capsys.readouterr().err
