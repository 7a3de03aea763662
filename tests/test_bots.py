"""Intent and retrieval bots: data files, held-out accuracy, thresholds, bad input, round trips."""

import numpy as np
import pytest

from coursework.bots.base import Bot
from coursework.bots.intent import IntentBot, bot_tokens, meaningful_tokens
from coursework.bots.retrieval import RetrievalBot
from coursework.datasets.dialogue import (
    load_chitchat_pairs,
    load_spanish_chatterbot_conversations,
    load_spanish_chatterbot_pairs,
)
from coursework.datasets.intents import load_heldout, load_heldout_out_of_domain, load_intents


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
    empty.write_text(
        "intents:\n  a:\n    patterns: [hola]\n    responses: []\n  b:\n    patterns: [x]\n"
        "    responses: [y]\n",
        encoding="utf-8",
    )
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


@pytest.mark.parametrize(
    "bad, error, fragment",
    [
        ("", ValueError, "Mensaje vacío"),
        ("   ", ValueError, "Mensaje vacío"),
        ("a" * 10_001, ValueError, "demasiado largo: 10.001"),
        (None, TypeError, "texto"),
        (123, TypeError, "texto"),
    ],
)
def test_intent_bot_bad_input_is_a_clear_error(intent_bot, bad, error, fragment):
    with pytest.raises(error, match=fragment):
        intent_bot.reply(bad)


def test_untrained_bot_and_mismatched_model_are_clear_errors(intent_bot, tmp_path):
    with pytest.raises(RuntimeError, match="no está entrenado"):
        IntentBot().reply("hola")
    small = load_intents()
    small = type(small)(
        patterns=dict(list(small.patterns.items())[:2]), responses=small.responses, fallback="?"
    )
    with pytest.raises(ValueError, match="palabras y"):
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


def test_only_meaningful_tokens_tie_a_message_to_the_intents(intent_bot):
    assert meaningful_tokens(["a", "y", "o", "de", "mi", "que", "<num>", "clas", "hor"]) == {"clas", "hor"}
    for text in ("a", "a y o", "de la que", "mi a de", "y o a e", "123"):
        assert not intent_bot.shares_meaningful_token(text), text
        assert intent_bot.predict_intent(text) == (None, 0.0)
    # a pattern made only of stop words is still reachable when the message contains all of it
    assert intent_bot.shares_meaningful_token("¿qué tal?")
    assert intent_bot.predict_intent("¿qué tal?")[0] == "saludo"
    assert intent_bot.shares_meaningful_token("¿a qué hora es la clase?")


def test_random_byte_strings_get_the_fallback(intent_bot):
    import random

    rng = random.Random(0)
    noise = [
        bytes(rng.randrange(32, 256) for _ in range(rng.randrange(3, 30))).decode("latin-1")
        for _ in range(50)
    ]
    noise += ["a b c d e f g", "x y z a o u", "hola" + "ñ" * 5 + " q w e r t y"]
    answered = [t for t in noise if intent_bot.predict_intent(t)[0] is not None]
    assert answered == []


def test_out_of_domain_class_rejects_heldout_off_topic_messages_better_than_the_plain_bot(intent_bot):
    from coursework.recipes.intent_bot import settings_for

    intents = intent_bot.intents
    off_topic = load_heldout_out_of_domain()
    assert len(off_topic) >= 20 and not set(off_topic) & set(intents.out_of_domain)
    assert intent_bot.n_classes == len(intents.names) + 1
    settings = settings_for("ci")
    plain = IntentBot(
        intents=intents, threshold=settings.threshold, hidden=settings.hidden, seed=42, out_of_domain=False
    ).fit(
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        learning_rate=settings.learning_rate,
        verbose=0,
    )
    assert plain.n_classes == len(intents.names)

    def answered(bot):
        return sum(bot.predict_intent(t)[0] is not None for t in off_topic) / len(off_topic)

    assert answered(intent_bot) <= 0.1 and answered(plain) >= 0.5
    reasons = {intent_bot.decide(t).reason for t in off_topic}
    assert reasons <= {"no_meaningful_token", "out_of_domain", "below_threshold", "intent"}
    assert "out_of_domain" in reasons and "no_meaningful_token" in reasons
    assert intent_bot.decide("hola, buenas tardes")[::2] == ("saludo", "intent")
    texts, labels = load_heldout(intents=intents)
    assert intent_bot.evaluate(texts, labels) >= 0.9  # the in-domain paraphrases still get answered
    right = [intent_bot.predict_intent(t)[0] == intents.names[y] for t, y in zip(texts, labels, strict=False)]
    assert np.mean(right) >= 0.9


def test_out_of_domain_examples_are_read_from_the_intents_file(tmp_path):
    intents = load_intents()
    assert len(intents.out_of_domain) >= 20
    plain = tmp_path / "plain.yaml"
    plain.write_text(
        "intents:\n  a:\n    patterns: [hola]\n    responses: [hola]\n"
        "  b:\n    patterns: [chau]\n    responses: [chau]\n",
        encoding="utf-8",
    )
    assert load_intents(plain).out_of_domain == ()
    assert IntentBot(intents=load_intents(plain)).n_classes == 2
    with pytest.raises(ValueError, match="out_of_domain"):
        load_heldout_out_of_domain(plain)


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
    with pytest.raises(ValueError, match="Mensaje vacío"):
        retrieval_bot.reply("")
    with pytest.raises(TypeError, match="texto"):
        retrieval_bot.reply(["hola"])
    with pytest.raises(ValueError, match="demasiado largo"):
        retrieval_bot.reply("a " * 6_000)


def test_retrieval_bot_on_custom_pairs_and_threshold():
    bot = RetrievalBot(
        [("me gusta el café", "a mí también"), ("odio la lluvia", "llevá paraguas")], threshold=0.2
    )
    assert bot.reply("¿te gusta el cafe?") == "a mí también"
    assert bot.most_similar("lluvia", k=1)[0][0] == "odio la lluvia"
    with pytest.raises(ValueError, match="al menos un par"):
        RetrievalBot([])


def test_fast_query_vector_equals_tfidf_vectorizer(retrieval_bot):
    for text in ["¿Qué es la inteligencia artificial?", "hola hola hola", "zzz", "Tengo 3 perros"]:
        expected = retrieval_bot.vectorizer.transform([text]).toarray()[0]
        np.testing.assert_allclose(retrieval_bot.vectorize(text), expected, atol=1e-6)
        np.testing.assert_allclose(
            retrieval_bot.scores(text), (retrieval_bot.matrix @ expected).ravel(), atol=1e-5
        )
