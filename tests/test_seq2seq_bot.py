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


def test_decoding_options_reach_the_search(model):
    import numpy as np

    from coursework.generation.search import beam_search_steps

    bot = Seq2SeqBot(model, beam_width=2, repetition_penalty=2.0, min_length=3)
    source = bot.translator.encode(["hola"])[0]
    state = bot.translator._encoder_state(np.asarray(source, dtype="int32").reshape(1, -1))
    step = lambda ids, s: bot.translator._step(ids, s)[:2]  # noqa: E731
    expected = beam_search_steps(
        step,
        state,
        bot.translator.start_id,
        2,
        bot.translator.max_target_length,
        end_token=bot.translator.end_id,
        length_normalization=False,
        repetition_penalty=2.0,
        min_length=3,
    )
    assert bot.translator.beam_ids(source, 2, repetition_penalty=2.0, min_length=3) == [
        (ids[:-1] if ids[-1] == bot.translator.end_id else ids, score) for ids, score in expected
    ]
    for ids, _ in bot.translator.beam_ids(source, 2, min_length=3):
        assert len(ids) >= 3
    with pytest.raises(ValueError, match="repetition_penalty"):
        Seq2SeqBot(model, repetition_penalty=0.5)


def test_reply_perplexity_and_diversity(model):
    import numpy as np

    from coursework.recipes.chatbot import reply_diversity, reply_perplexity

    pairs = list(zip(MESSAGES, REPLIES, strict=True))
    scores = reply_perplexity(model, pairs, pairs)
    vocab_size = len(model.get_layer("target_embedding").vocabulary)
    # An untrained model is close to uniform: its perplexity is near the vocabulary size.
    assert 0.5 * vocab_size < scores["perplexity"] < 2 * vocab_size
    assert 1 < scores["unigram_perplexity"] < vocab_size  # frequencies seen in training help
    assert np.isfinite(list(scores.values())).all()
    d = reply_diversity(["i like it", "i like dogs", "no no", "ok"])
    assert d == {"replies": 4, "degenerate": 2, "distinct_1": 6 / 9, "distinct_2": 4 / 9}


def test_sampled_bot_is_reproducible_with_a_seed(model):
    bots = [Seq2SeqBot(model, beam_width=2, temperature=1.0, seed=3) for _ in range(2)]
    replies = [[bot.reply(m) for m in MESSAGES * 3] for bot in bots]
    assert replies[0] == replies[1]
    deterministic = Seq2SeqBot(model, beam_width=2)
    assert [deterministic.reply(m) for m in MESSAGES] == [deterministic.reply(m) for m in MESSAGES]
