"""The seq2seq chat bot: the Bot interface, documented handling of odd messages, loading a saved bot
in a fresh process through ``chat --model PATH --once``, and the chatbot recipe's data limits."""

import subprocess
import sys

import pytest

keras = pytest.importorskip("keras")

from coursework.bots.base import Bot  # noqa: E402
from coursework.bots.seq2seq import FALLBACK, Seq2SeqBot, load_seq2seq_bot  # noqa: E402
from coursework.models.translator import TARGET_SPECIALS, build_seq2seq_translator, build_vocabulary  # noqa: E402
from coursework.recipes.chatbot import load_dialogue_pairs, settings_for  # noqa: E402

MESSAGES = ["hola", "¿cómo estás?", "where are you from?", "do you read?"]
REPLIES = ["hola, ¿qué tal?", "bien, gracias.", "i am from spain.", "yes, i love books."]


@pytest.fixture(scope="module")
def model():
    keras.utils.set_random_seed(0)
    return build_seq2seq_translator(
        build_vocabulary(MESSAGES),
        build_vocabulary(REPLIES, TARGET_SPECIALS),
        5,
        6,
        embedding_dim=8,
        units=16,
        attention="general",
        dropout=0.2,
        name="seq2seq_chatbot",
    )


def test_bot_interface_and_odd_messages(model):
    bot = Seq2SeqBot(model)
    assert isinstance(bot, Bot)
    reply = bot.reply("Hola")
    assert isinstance(reply, str) and reply and "[UNK]" not in reply
    assert isinstance(bot.reply("palabras desconocidas xyz"), str)  # unknown words -> [UNK]
    assert isinstance(bot.reply("hola " * 50), str)  # long messages are cut
    with pytest.raises(ValueError, match="Mensaje vacío"):
        bot.reply("   ")
    with pytest.raises(TypeError):
        bot.reply(None)
    assert Seq2SeqBot(model, threshold=1.0).reply("hola") == FALLBACK  # nothing is that confident
    with pytest.raises(ValueError, match="threshold"):
        Seq2SeqBot(model, threshold=2.0)


def test_saved_bot_answers_in_a_fresh_process(model, tmp_path):
    path = tmp_path / "bot.keras"
    model.save(path)
    expected = load_seq2seq_bot(path).reply("where are you from?")
    assert expected == Seq2SeqBot(model).reply("where are you from?")
    run = subprocess.run(
        [sys.executable, "-m", "coursework", "chat", "--model", str(path), "--once", "where are you from?"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == expected
    with pytest.raises(FileNotFoundError):
        load_seq2seq_bot(tmp_path / "missing.keras")


def test_dialogue_pairs_respect_the_course_limits():
    settings = settings_for("ci", english_pairs=200, spanish_repeats=2)
    pairs = load_dialogue_pairs(settings)
    from coursework.models.translator import tokenize

    assert all(
        0 < len(tokenize(m)) <= 10 and 0 < len(tokenize(r)) <= 10
        for split in pairs.values()
        for m, r in split
    )
    assert not set(pairs["validation"]) & set(pairs["train"])
    assert any("¿" in m or "á" in m for m, _ in pairs["train"])  # Spanish pairs are in
    full = settings_for("full")
    assert full.vocabulary_size <= 8000 and full.units == 128 and full.dropout == 0.2
