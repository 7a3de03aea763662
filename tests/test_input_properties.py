"""Property tests of the public text entry points: for any input (any text, lone surrogates, control
characters, very long strings, decomposed accents, non-strings) each returns a value or raises
``ValueError`` / ``TypeError`` with a message, never another exception; and NFD text is treated as the
NFC text it looks like. Tiny untrained models; examples per test are bounded (:data:`EXAMPLES`)."""

import unicodedata

import numpy as np
import pytest

keras = pytest.importorskip("keras")
hypothesis = pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from coursework.bots.seq2seq import Seq2SeqBot  # noqa: E402
from coursework.generation.seq2seq import Seq2SeqTranslator  # noqa: E402
from coursework.generation.text import RecurrentStepper, beam_search, generate  # noqa: E402
from coursework.models.generator import build_char_generator, build_word_lm  # noqa: E402
from coursework.models.text_input import make_vectorizer, predict_texts, text_classifier  # noqa: E402
from coursework.models.translator import build_seq2seq_translator  # noqa: E402

EXAMPLES = 100
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

WORDS = ["canción", "qué", "niño", "uno", "dos", "hola", "película", "buena", "mala", "¿", "?"]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


ANY_CHAR = st.characters(exclude_categories=())  # surrogates (Cs) and controls (Cc) included
ODD_CHAR = st.one_of(
    st.characters(categories=["Cs"]),
    st.characters(categories=["Cc", "Cf", "Zl", "Zp"]),
    st.sampled_from(["\u0301", "\u0303", "\ufeff", "\x00"]),
)
PIECE = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from([nfd(w) for w in WORDS]),
    st.text(alphabet=st.one_of(ANY_CHAR, ODD_CHAR), max_size=6),
)
TEXTS = st.one_of(
    st.text(alphabet=ANY_CHAR, max_size=40),
    st.lists(PIECE, max_size=10).map(" ".join),
    st.builds(
        lambda piece, n: piece * n,
        st.sampled_from(["hola ", "a", "\u0301", "\ud800", "\x00 "]),
        st.integers(1_000, 20_000),
    ),
)
NOT_TEXT = st.one_of(st.none(), st.integers(), st.floats(), st.binary(max_size=8), st.booleans())
ITEM = st.one_of(TEXTS, TEXTS, NOT_TEXT)
BATCHES = st.one_of(st.lists(ITEM, max_size=3), ITEM, st.tuples(TEXTS))


def named_or_value(call, *args, **kwargs):
    """``call``'s value, or ``None`` when it raised ValueError / TypeError with a message."""
    try:
        return call(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        assert str(exc).strip(), f"{type(exc).__name__} without a message"
        return None


@pytest.fixture(scope="module")
def translator():
    keras.utils.set_random_seed(0)
    model = build_seq2seq_translator(
        ["", "[UNK]", *WORDS],
        ["", "[UNK]", "[START]", "[END]", "one", "two"],
        max_source_length=6,
        max_target_length=3,
        embedding_dim=4,
        units=4,
        name="seq2seq_chatbot",
    )
    return Seq2SeqTranslator(model)


@pytest.fixture(scope="module")
def char_stepper():
    keras.utils.set_random_seed(0)
    return RecurrentStepper(build_char_generator(vocabulary=list("abcinoóñ ¿?.\n"), window=None, units=4))


@pytest.fixture(scope="module")
def word_stepper():
    keras.utils.set_random_seed(0)
    return RecurrentStepper(build_word_lm(vocabulary=["", "[UNK]", *WORDS[:8]], embedding_dim=4, units=4))


@pytest.fixture(scope="module")
def sentiment():
    keras.utils.set_random_seed(0)
    vectorizer = make_vectorizer(["canción buena", "película mala", "niño qué"], sequence_length=8)
    body = keras.Sequential(
        [
            keras.layers.Embedding(vectorizer.vocabulary_size(), 4),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    return text_classifier(vectorizer, body)


@BOUNDED
@given(texts=BATCHES, on_unknown=st.sampled_from(["error", "unk"]))
def test_translator_encode_and_translate_never_fail_unnamed(translator, texts, on_unknown):
    translator.on_unknown = on_unknown
    try:
        ids = named_or_value(translator.encode, texts)
        if ids is not None:
            assert ids.shape[1:] == (translator.max_source_length,)
            out = named_or_value(translator.translate, texts)
            assert out is not None and len(out) == len(ids) and all(isinstance(t, str) for t in out)
    finally:
        translator.on_unknown = "error"


@BOUNDED
@given(prompt=ITEM)
def test_char_prompt_encoding_and_generation_never_fail_unnamed(char_stepper, prompt):
    ids = named_or_value(char_stepper.encode, prompt)
    if ids is not None:
        assert ids.ndim == 1 and len(ids) > 0
        if len(ids) <= 200:  # reading a 20,000-character prompt per example would be slow
            assert isinstance(generate(char_stepper, prompt, length=2, seed=0), str)


@BOUNDED
@given(prompt=ITEM)
def test_word_prompt_encoding_and_beam_search_never_fail_unnamed(word_stepper, prompt):
    ids = named_or_value(word_stepper.encode, prompt)
    if ids is not None:
        assert ids.ndim == 1 and len(ids) > 0
        if len(ids) <= 200:
            results = beam_search(word_stepper, prompt, beam_width=2, max_length=2)
            assert results and all(isinstance(text, str) for text, _ in results)


@BOUNDED
@given(texts=BATCHES)
def test_predict_texts_and_raw_model_predict_never_fail_unnamed(sentiment, texts):
    probs = named_or_value(predict_texts, sentiment, texts)
    if probs is not None:
        assert probs.shape == (len(texts),) and np.all((probs >= 0) & (probs <= 1))
    raw = named_or_value(sentiment.predict, texts, verbose=0)
    if raw is not None:
        assert raw.shape == (len(texts), 1)


@BOUNDED
@given(message=ITEM)
def test_seq2seq_bot_reply_never_fails_unnamed(translator, message):
    bot = Seq2SeqBot(translator.model)
    reply = named_or_value(bot.reply, message)
    assert reply is None or isinstance(reply, str)


# -- NFD is the NFC text it looks like -------------------------------------------------------------
ACCENTED = st.lists(st.sampled_from(["canción", "película", "niño", "qué", "buena"]), min_size=1, max_size=5)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(words=ACCENTED)
def test_nfd_text_gets_the_nfc_prediction(sentiment, words):
    text = " ".join(words)
    assert predict_texts(sentiment, [nfd(text)]) == pytest.approx(predict_texts(sentiment, [text]))
    assert sentiment.predict([nfd(text)], verbose=0) == pytest.approx(sentiment.predict([text], verbose=0))


@settings(max_examples=25, deadline=None, derandomize=True)
@given(words=ACCENTED)
def test_nfd_text_is_known_to_translator_and_prompt_encoders(translator, word_stepper, char_stepper, words):
    text = " ".join(words)
    assert translator.encode([nfd(text)]).tolist() == translator.encode([text]).tolist()
    assert 1 not in translator.encode([nfd(text)])[0]  # no [UNK]: every accented word is known
    assert word_stepper.encode(nfd(text)).tolist() == word_stepper.encode(text).tolist()
    assert char_stepper.encode(nfd("canción ñ")).tolist() == char_stepper.encode("canción ñ").tolist()


def test_invalid_unicode_is_named_not_passed_to_tensorflow(sentiment, translator):
    with pytest.raises(ValueError, match=r"x\[1\] is not valid Unicode"):
        sentiment.predict(["hola", "mal \ud800 texto"], verbose=0)
    with pytest.raises(ValueError, match=r"texts\[0\] is bytes that are not UTF-8"):
        predict_texts(sentiment, [b"\xff\xfe"])
    with pytest.raises(ValueError, match="not valid Unicode"):
        translator.translate(["uno \udc80"])
