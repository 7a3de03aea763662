"""Intent and retrieval bots: data files, held-out accuracy, thresholds, bad input, round trips."""

import numpy as np
import pytest

from coursework.bots.base import Bot
from coursework.bots.intent import IntentBot, bot_tokens
from coursework.bots.retrieval import RetrievalBot
from coursework.datasets.dialogue import (load_chitchat_pairs, load_spanish_chatterbot_conversations,
                                          load_spanish_chatterbot_pairs)
from coursework.datasets.intents import load_heldout, load_intents


@pytest.fixture(scope="module")
def intent_bot():
    from coursework.recipes.intent_bot import settings_for, train_intent_bot

    return train_intent_bot(settings_for("ci"), verbose=0)


@pytest.fixture(scope="module")
def retrieval_bot():
    return RetrievalBot()


# -- data -----------------------------------------------------------------------------------
def test_dialogue_loaders_give_string_pairs():
    pairs = load_spanish_chatterbot_pairs()
    assert len(pairs) == 684
    assert all(isinstance(s, str) and isinstance(r, str) and s and r for s, r in pairs)
    assert ("Hola", "Hola") in pairs
    assert len(load_spanish_chatterbot_conversations()) == 280
    english = load_chitchat_pairs(limit=5)
    assert len(english) == 5 and english[0][0].startswith("Hello")
    with pytest.raises(ValueError, match="positive integer"):
        load_chitchat_pairs(limit=0)


def test_intents_file_has_eight_or_more_intents_and_unseen_heldout_paraphrases():
    intents = load_intents()
    assert len(intents.names) >= 8
    assert all(len(intents.patterns[n]) >= 8 and intents.responses[n] for n in intents.names)
    texts, labels = load_heldout(intents=intents)
    assert set(labels) == set(range(len(intents.names)))  # every intent is evaluated
    seen = {" ".join(bot_tokens(p)) for n in intents.names for p in intents.patterns[n]}
    seen_raw = {p.lower() for n in intents.names for p in intents.patterns[n]}
    for text in texts:
        assert text.lower() not in seen_raw, text
        assert " ".join(bot_tokens(text)) not in seen, f"{text!r} equals a pattern after preprocessing"


def test_bad_intent_files_are_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        load_intents(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("intents: [unclosed", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid YAML"):
        load_intents(broken)
    empty = tmp_path / "empty.yaml"
    empty.write_text("intents:\n  a:\n    patterns: [hola]\n    responses: []\n  b:\n    patterns: [x]\n"
                     "    responses: [y]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'responses' must be a non-empty list"):
        load_intents(empty)


# -- intent bot -----------------------------------------------------------------------------
def test_intent_bot_generalises_to_heldout_paraphrases(intent_bot):
    texts, labels = load_heldout(intents=intent_bot.intents)
    majority = np.bincount(labels).max() / len(labels)
    accuracy = intent_bot.evaluate(texts, labels)
    assert accuracy >= 0.9 and accuracy > majority + 0.5


def test_numpy_forward_pass_equals_keras_predict(intent_bot):
    texts, _ = load_heldout(intents=intent_bot.intents)
    expected = intent_bot.model.predict(intent_bot.encode(texts), verbose=0)
    np.testing.assert_allclose(intent_bot.predict_proba(texts), expected, atol=1e-5)


def test_intent_bot_replies_and_falls_back(intent_bot):
    assert isinstance(intent_bot, Bot)
    intent, confidence = intent_bot.predict_intent("hola, buenas tardes")
    assert intent == "saludo" and confidence >= intent_bot.threshold
    assert intent_bot.reply("¿a qué hora es la clase?") in intent_bot.intents.responses["horario"]
    for unknown in ("¿¡!?...", "xyzzy qwerty", "😀", "x" * 10_000):
        assert intent_bot.reply(unknown) == intent_bot.intents.fallback
    strict = IntentBot(threshold=1.0).use_model(intent_bot.model)
    assert strict.reply("contame algo de horarios y chistes") == strict.intents.fallback


@pytest.mark.parametrize("bad, error, fragment", [
    ("", ValueError, "Empty message"), ("   ", ValueError, "Empty message"),
    ("a" * 10_001, ValueError, "too long"), (None, TypeError, "string"), (123, TypeError, "string"),
])
def test_intent_bot_bad_input_is_a_clear_error(intent_bot, bad, error, fragment):
    with pytest.raises(error, match=fragment):
        intent_bot.reply(bad)


def test_untrained_bot_and_mismatched_model_are_clear_errors(intent_bot, tmp_path):
    with pytest.raises(RuntimeError, match="not trained"):
        IntentBot().reply("hola")
    small = load_intents()
    small = type(small)(patterns=dict(list(small.patterns.items())[:2]),
                        responses=small.responses, fallback="?")
    with pytest.raises(ValueError, match="words and"):
        IntentBot(intents=small).use_model(intent_bot.model)
    with pytest.raises(ValueError, match="threshold"):
        IntentBot(threshold=1.5)


def test_intent_model_round_trip(intent_bot, tmp_path):
    import keras

    path = tmp_path / "intent.keras"
    intent_bot.model.save(path)
    restored = IntentBot().use_model(keras.saving.load_model(path))
    texts, _ = load_heldout(intents=intent_bot.intents)
    np.testing.assert_allclose(restored.predict_proba(texts), intent_bot.predict_proba(texts), atol=1e-6)


# -- retrieval bot --------------------------------------------------------------------------
def test_retrieval_bot_finds_the_statement_and_its_reply(retrieval_bot):
    match = retrieval_bot.respond("¿qué es la inteligencia artificial?")
    assert match.statement == "¿Qué es la inteligencia artificial?"
    assert match.score == pytest.approx(1.0)
    assert match.reply in dict(load_spanish_chatterbot_pairs()).values()
    # accents, case and punctuation do not matter
    assert retrieval_bot.respond("QUE ES LA INTELIGENCIA ARTIFICIAL").score == pytest.approx(1.0)


def test_retrieval_bot_fallback_and_bad_input(retrieval_bot):
    for unknown in ("¿¡!?...", "xyzzy qwerty", "x" * 10_000):
        match = retrieval_bot.respond(unknown)
        assert match.reply == retrieval_bot.fallback and match.statement is None
    with pytest.raises(ValueError, match="Empty message"):
        retrieval_bot.reply("")
    with pytest.raises(TypeError, match="string"):
        retrieval_bot.reply(["hola"])
    with pytest.raises(ValueError, match="too long"):
        retrieval_bot.reply("a " * 6_000)


def test_retrieval_bot_on_custom_pairs_and_threshold():
    bot = RetrievalBot([("me gusta el café", "a mí también"), ("odio la lluvia", "llevá paraguas")],
                       threshold=0.2)
    assert bot.reply("¿te gusta el cafe?") == "a mí también"
    assert bot.most_similar("lluvia", k=1)[0][0] == "odio la lluvia"
    with pytest.raises(ValueError, match="at least one"):
        RetrievalBot([])


def test_fast_query_vector_equals_tfidf_vectorizer(retrieval_bot):
    for text in ["¿Qué es la inteligencia artificial?", "hola hola hola", "zzz", "Tengo 3 perros"]:
        expected = retrieval_bot.vectorizer.transform([text]).toarray()[0]
        np.testing.assert_allclose(retrieval_bot.vectorize(text), expected, atol=1e-6)
        np.testing.assert_allclose(retrieval_bot.scores(text),
                                   (retrieval_bot.matrix @ expected).ravel(), atol=1e-5)
