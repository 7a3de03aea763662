"""``python -m coursework chat``: built-in bots, saved models, missing seq2seq bot, interactive mode."""

import sys

from coursework.cli import main


def test_retrieval_bot_once(capsys):
    assert main(["chat", "--bot", "retrieval", "--once", "¿Qué es la inteligencia artificial?"]) == 0
    assert "inteligencia artificial" in capsys.readouterr().out.lower()


def test_intent_bot_once_answers_a_greeting(capsys):
    from coursework.datasets.intents import load_intents

    assert main(["chat", "--bot", "intent", "--once", "hola", "--show-score"]) == 0
    out = capsys.readouterr().out
    assert "intent saludo" in out
    assert any(r in out for r in load_intents().responses["saludo"])


def test_unknown_bot_and_bad_flags_are_one_line_errors(capsys):
    assert main(["chat", "--bot", "no-such-bot", "--once", "hola"]) == 1
    assert "No bot called 'no-such-bot'" in capsys.readouterr().err
    assert main(["chat", "--bot", "retrieval", "--model", "x.keras"]) == 2
    for threshold in ("3", "-0.1", "nan", "alto"):  # refused while parsing, before any bot is built
        assert main(["chat", "--bot", "retrieval", "--threshold", threshold, "--once", "hola"]) == 2
        assert "--threshold" in capsys.readouterr().err
    assert main(["chat", "--bot", "retrieval", "--once", ""]) == 1
    assert "Mensaje vacío" in capsys.readouterr().err


def test_model_path_without_seq2seq_module_is_a_clear_error(tmp_path, monkeypatch, capsys):
    import json
    import zipfile

    path = tmp_path / "seq2seq.keras"
    layers = [
        {"class_name": "Layer", "config": {"name": n}}
        for n in ("source_embedding", "encoder", "target_embedding", "decoder", "next_token")
    ]
    with zipfile.ZipFile(path, "w") as archive:  # only the structure: the kind is read, never loaded
        archive.writestr(
            "config.json",
            json.dumps({"class_name": "Functional", "config": {"name": "seq2seq_chatbot", "layers": layers}}),
        )
    monkeypatch.setitem(sys.modules, "coursework.bots.seq2seq", None)  # import fails
    assert main(["chat", "--model", str(path), "--once", "hola"]) == 1
    err = capsys.readouterr().err
    assert "load_seq2seq_bot" in err and "Traceback" not in err


def test_saved_intent_model_is_loaded_as_an_intent_bot(tmp_path, capsys):
    from coursework.bots.intent import IntentBot

    bot = IntentBot(seed=1).fit(epochs=1, batch_size=256, verbose=0)
    path = tmp_path / "intent.keras"
    bot.model.save(path)
    assert main(["chat", "--bot", str(path), "--once", "hola", "--show-score"]) == 0
    assert "confidence" in capsys.readouterr().out


def test_interactive_session_survives_empty_lines(monkeypatch, capsys):
    lines = iter(["hola", "   ", "salir"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    assert main(["chat", "--bot", "retrieval"]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("bot> ") == 1
    assert "Mensaje vacío" in captured.err
