"""coursework.text: the tokenisers give the tokens the package gave before they were gathered here
(golden file written by the old functions at commit cee72a3), NFD text gives the NFC tokens, the
word-level twin equals its TextVectorization layer, and no text makes a tokeniser raise anything but
ValueError / TypeError (hypothesis)."""

import json
import pathlib
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursework.bots.intent import bot_tokens
from coursework.preprocessing import preprocess
from coursework.text import (
    TOKENIZERS,
    Vocabulary,
    as_text,
    letter_tokenize,
    seq2seq_detokenize,
    seq2seq_tokenize,
    sklearn_tokenize,
    standardize_words,
    word_tokenize,
)

GOLDEN = json.loads(
    (pathlib.Path(__file__).parent / "data" / "text_tokens_before_refactor.json").read_text(encoding="utf-8")
)
SENTENCES = GOLDEN["sentences"]
NEW = {
    "sklearn": sklearn_tokenize,
    "words": word_tokenize,
    "words_punct": lambda t: word_tokenize(t, keep_punctuation=True),
    "letters": letter_tokenize,
    "letters_cased": lambda t: letter_tokenize(t, lower=False),
    "seq2seq": seq2seq_tokenize,
    "standardize_words": standardize_words,
    "bot_tokens": bot_tokens,
}
# Any code point, lone surrogates included (they reach the HTTP service and the CLI).
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=80)
NOT_TEXT = st.one_of(
    st.none(), st.integers(), st.floats(), st.binary(max_size=8), st.lists(st.text(max_size=4), max_size=3)
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize("name", sorted(NEW))
def test_same_tokens_as_before_the_text_module(name):
    assert [NEW[name](s) for s in SENTENCES] == GOLDEN["tokens"][name]


def test_seq2seq_matches_the_translator_and_detokenize_round_trips():
    from coursework.models import translator

    for sentence in SENTENCES:
        assert seq2seq_tokenize(sentence) == translator.tokenize(sentence)
        tokens = seq2seq_tokenize(sentence)
        assert seq2seq_detokenize(tokens) == translator.detokenize(tokens)
    assert [seq2seq_detokenize(seq2seq_tokenize(s)) for s in SENTENCES] == GOLDEN["tokens"]["detokenize"]
    assert seq2seq_detokenize(["¿", "dónde", "vives", "?"]) == "¿dónde vives?"


@pytest.mark.parametrize("name", sorted(NEW))
def test_decomposed_accents_give_the_composed_tokens(name):
    for sentence in SENTENCES:
        assert NEW[name](nfd(sentence)) == NEW[name](sentence), sentence
    # the case that failed in `generate` / `translate` (issue 19): "canción" pasted as c-a-n-c-i-o-´-n
    assert NEW[name]("cancio\u0301n") == NEW[name]("canción")


def test_preprocess_normalises_nfd_in_every_mode():
    text = nfd("Mañana iré al pingüinario con Ñandú")
    for accents in (True, False):
        assert preprocess(text, accents=accents) == preprocess(
            unicodedata.normalize("NFC", text), accents=accents
        )


def test_standardize_words_equals_the_word_level_text_vectorization():
    import numpy as np

    from coursework.datasets.word_corpus import make_vectorizer

    # load_word_corpus lowercases in Python before the layer (whose tf.strings.lower is ASCII-only)
    texts = [s.lower() for s in SENTENCES if s.strip()]
    layer = make_vectorizer(max_tokens=1000)
    layer.adapt(texts)
    vocabulary = layer.get_vocabulary()
    for text in texts:
        ids = np.asarray(layer(text)).reshape(-1)
        assert [vocabulary[i] for i in ids] == standardize_words(text), text


def test_standardize_words_differs_from_keras_default_as_documented():
    import keras

    layer = keras.layers.TextVectorization()  # default: lower_and_strip_punctuation + whitespace
    layer.adapt(["twenty-one ¿qué?"])
    assert sorted(layer.get_vocabulary()[1:]) == ["[UNK]", "twentyone", "¿qué"]
    assert standardize_words("twenty-one ¿qué?") == ["twenty", "one", "qué"]


@pytest.mark.parametrize("name", sorted(TOKENIZERS))
@FAST
@given(text=ANY_TEXT)
def test_any_text_gives_a_list_of_nfc_tokens(name, text):
    tokens = TOKENIZERS[name](text)
    assert isinstance(tokens, list) and all(isinstance(t, str) and t for t in tokens)
    assert all(unicodedata.is_normalized("NFC", t) for t in tokens)
    assert TOKENIZERS[name](nfd(text)) == tokens


@FAST
@given(text=ANY_TEXT)
def test_any_text_through_the_class_2_pipeline_and_the_bot(text):
    for tokens in (preprocess(text), preprocess(text, accents=True, keep_punctuation=True), bot_tokens(text)):
        assert isinstance(tokens, list) and all(isinstance(t, str) for t in tokens)


@FAST
@given(text=ANY_TEXT)
def test_detokenize_accepts_any_tokens(text):
    assert isinstance(seq2seq_detokenize(seq2seq_tokenize(text)), str)
    assert isinstance(seq2seq_detokenize(text.split()), str)


@pytest.mark.parametrize("name", sorted(TOKENIZERS))
@FAST
@given(value=NOT_TEXT)
def test_anything_but_text_is_a_type_error_with_a_message(name, value):
    with pytest.raises(TypeError, match=r"Expected .*string.*, got \w+"):
        TOKENIZERS[name](value)


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="single string"):
        seq2seq_detokenize("hola")
    with pytest.raises(TypeError, match="must be strings"):
        seq2seq_detokenize(["hola", 3])
    with pytest.raises(ValueError, match="not a valid regular expression"):
        sklearn_tokenize("hola", token_pattern="(")
    with pytest.raises(TypeError, match="string of text, got bytes"):
        as_text(b"hola")


# -- Vocabulary ---------------------------------------------------------------------------------------
def test_vocabulary_build_equals_the_translators():
    from coursework.models import translator

    texts = ["b a a", "c a", "¿qué tal?", "¿Qué hora es? Son las 3.", "a b c d e f"]
    for kwargs in ({}, {"max_size": 6}, {"min_count": 2}, {"specials": translator.TARGET_SPECIALS}):
        built = Vocabulary.build(
            [seq2seq_tokenize(t) for t in texts],
            specials=kwargs.get("specials", translator.SOURCE_SPECIALS),
            **{k: v for k, v in kwargs.items() if k != "specials"},
        )
        expected = translator.build_vocabulary(
            texts,
            kwargs.get("specials", translator.SOURCE_SPECIALS),
            kwargs.get("max_size"),
            kwargs.get("min_count", 1),
        )
        assert built == expected


def test_vocabulary_is_a_sequence_of_tokens_with_an_index():
    from sklearn.feature_extraction.text import CountVectorizer

    docs = ["que dia es hoy", "martes el dia de hoy es martes", "martes muchas gracias"]
    vocab = Vocabulary.build([sklearn_tokenize(d) for d in docs], order="alphabetical")
    assert vocab.to_dict() == CountVectorizer().fit(docs).vocabulary_
    assert list(vocab) == sorted(vocab) == list(vocab.tokens) and vocab == sorted(vocab)
    assert vocab.index("martes") == 6 and vocab[6] == "martes" and vocab[-1] == "que"
    assert "martes" in vocab and "lunes" not in vocab and [] not in vocab
    assert vocab.get("lunes") is None and vocab.get("martes") == 6
    assert vocab.lookup(["hoy", "que"]) == [5, 8]
    assert vocab == Vocabulary(vocab.tokens) and vocab != list(reversed(vocab))
    assert repr(vocab).startswith("Vocabulary(9 tokens: ['de', 'dia'")


def test_vocabulary_errors_name_the_problem():
    vocab = Vocabulary(["", "[UNK]", "hola"])
    with pytest.raises(ValueError, match="'chau' is not in the vocabulary"):
        vocab.index("chau")
    with pytest.raises(ValueError, match=r"outside the vocabulary: \['chau'\]"):
        vocab.lookup(["hola", "chau"])
    assert vocab.lookup(["hola", "chau"], unknown="[UNK]") == [2, 1]
    with pytest.raises(ValueError, match="unknown-token marker"):
        vocab.lookup(["hola"], unknown="<unk>")
    with pytest.raises(IndexError):
        vocab[3]
    with pytest.raises(ValueError, match="repeats tokens"):
        Vocabulary(["a", "b", "a"])
    with pytest.raises(TypeError, match="not a string"):
        Vocabulary(["a", 1])
    with pytest.raises(TypeError, match="tokenize the texts first"):
        Vocabulary.build(["un texto", "otro"])
    with pytest.raises(ValueError, match="max_size"):
        Vocabulary.build([["a"]], specials=["", "[UNK]"], max_size=2)
    with pytest.raises(ValueError, match="min_count"):
        Vocabulary.build([["a"]], min_count=0)
    with pytest.raises(ValueError, match="order"):
        Vocabulary.build([["a"]], order="random")


@FAST
@given(
    token_lists=st.lists(st.lists(st.text(max_size=3), max_size=6), max_size=6),
    max_size=st.none() | st.integers(3, 10),
    min_count=st.integers(1, 3),
)
def test_vocabulary_build_is_consistent(token_lists, max_size, min_count):
    specials = ["", "[UNK]"]
    vocab = Vocabulary.build(token_lists, specials=specials, max_size=max_size, min_count=min_count)
    assert list(vocab.tokens[:2]) == specials
    assert all(vocab.index(vocab[i]) == i for i in range(len(vocab)))
    assert max_size is None or len(vocab) <= max_size
    counts = {}
    for tokens in token_lists:
        for t in tokens:
            counts[t] = counts.get(t, 0) + 1
    kept = vocab.tokens[2:]
    assert all(counts[t] >= min_count for t in kept)
    assert [(-counts[t], t) for t in kept] == sorted((-counts[t], t) for t in kept)
