"""Spanish preprocessing: accents and ñ, ¿¡, digits, emojis, stop words, stems, empty text."""

import pytest

from coursework.preprocessing import (
    NUMBER_TOKEN,
    handle_numbers,
    lemmatize,
    pipeline_steps,
    pipeline_table,
    preprocess,
    remove_stop_words,
    spanish_stop_words,
    stem,
    strip_accents,
    tokenize,
)


def test_strip_accents_keeps_enye_only_when_asked():
    assert strip_accents("Árbol, canción, pingüino, NIÑO") == "Arbol, cancion, pinguino, NIÑO"
    assert strip_accents("niño Ñandú", keep_enye=False) == "nino Nandu"
    # decomposed input (n + combining tilde) is treated like the composed letter
    assert strip_accents("n\u0303", keep_enye=True) == "ñ"


def test_tokenize_drops_spanish_marks_and_emojis_unless_kept():
    assert tokenize("¿Qué tal? ¡Muy bien! 😀") == ["Qué", "tal", "Muy", "bien"]
    assert tokenize("¡Hola!", keep_punctuation=True) == ["¡", "Hola", "!"]
    assert tokenize("😀 👍") == []
    assert "😀" in tokenize("hola 😀", keep_punctuation=True)


@pytest.mark.parametrize(
    "mode, expected",
    [
        ("keep", "Pagué 1.500 pesos y 3,5 kg en 2024"),
        ("remove", "Pagué  pesos y  kg en "),
        ("token", f"Pagué {NUMBER_TOKEN} pesos y {NUMBER_TOKEN} kg en {NUMBER_TOKEN}"),
    ],
)
def test_numbers_kept_removed_or_replaced(mode, expected):
    assert handle_numbers("Pagué 1.500 pesos y 3,5 kg en 2024", mode) == expected


def test_number_token_survives_tokenization_and_stemming():
    assert preprocess("Tengo 25 años") == [NUMBER_TOKEN, "años"]  # "tengo" is a stop word
    with pytest.raises(ValueError, match="numbers must be one of"):
        preprocess("1", numbers="words")


def test_stop_words_come_from_an_offline_spanish_list():
    words = spanish_stop_words()
    assert len(words) > 300 and {"de", "la", "que", "el", "y"} <= words
    assert remove_stop_words(["El", "perro", "de", "Juan"]) == ["perro", "Juan"]
    # with accents stripped, the accented stop words still match ("está" → "esta")
    assert "esta" in spanish_stop_words(strip=True)
    assert preprocess("Él está aquí", stemming=False) == []


def test_snowball_stems_group_inflections():
    assert stem(["canción", "canciones"]) == ["cancion", "cancion"]
    assert len(set(stem(["corriendo", "corrió", "correr"]))) == 1
    assert stem(["niños"]) == ["niñ"]
    assert stem(["x" * 500]) == ["x" * 500]  # not a word: left alone (and fast)


def test_full_pipeline_on_a_spanish_sentence():
    tokens = preprocess("¿Cuántos AÑOS tenía el pingüino en 1999? ¡Increíble! 😀")
    assert tokens == ["cuant", "años", "pinguin", NUMBER_TOKEN, "increibl"]
    kept = preprocess("¡Ñandú!", accents=True, stemming=False, keep_punctuation=True)
    assert kept == ["¡", "ñandú", "!"]


@pytest.mark.parametrize("text", ["", "   ", "¿¡!?...", "😀😀"])
def test_empty_or_punctuation_only_text_gives_no_tokens(text):
    assert preprocess(text) == []


@pytest.mark.parametrize("bad", [None, 42, ["hola"], b"hola"])
def test_non_string_input_is_a_clear_type_error(bad):
    with pytest.raises(TypeError, match="string"):
        preprocess(bad)


def test_pipeline_table_shows_each_step_and_ends_with_preprocess():
    sentence = "¡Los niños comían 3 manzanas!"
    steps = pipeline_steps(sentence)
    assert [name for name, _ in steps][0] == "original"
    assert steps[-1][1] == preprocess(sentence)
    table = pipeline_table(sentence)
    assert list(table.columns) == ["paso", "resultado"]
    assert len(table) == len(steps) == 7
    assert table.iloc[-1]["resultado"] == " ".join(preprocess(sentence))


def test_long_text_is_processed():
    text = "hola " * 2000
    assert preprocess(text) == ["hol"] * 2000


def test_digits_inside_words_are_part_of_the_word():
    assert (
        handle_numbers("mp3 covid19 #Elecciones2023 a las 8:30")
        == f"mp3 covid19 #Elecciones2023 a las {NUMBER_TOKEN}:{NUMBER_TOKEN}"
    )


def test_lemmas_are_dictionary_forms_from_the_offline_table():
    words = ["corrió", "corriendo", "canciones", "niños", "fuimos", "estaban", "Comían"]
    assert lemmatize(words) == ["correr", "correr", "canción", "niño", "ir", "estar", "comer"]
    # where Snowball splits a family or leaves a non-word, the lemma is a real word
    assert stem(["corrió", "fuimos"]) != lemmatize(["corrió", "fuimos"])
    assert lemmatize(["<num>", "xyzzyqwert"]) == ["<num>", "xyzzyqwert"]


def test_pipeline_with_lemmas_lemmatises_before_stripping_accents():
    assert preprocess("Los niños comían 3 manzanas y corrió", stemming=False, lemmas=True) == [
        "niño",
        "comer",
        "<num>",
        "manzana",
        "correr",
    ]
    assert preprocess("Las canciones", stemming=False, lemmas=True) == ["cancion"]
    assert preprocess("Las canciones", stemming=False, lemmas=True, accents=True) == ["canción"]
    steps = [name for name, _ in pipeline_steps("Las canciones", stemming=False, lemmas=True)]
    assert steps.index("lemas (simplemma)") < steps.index("sin tildes (con ñ)")
    with pytest.raises(ValueError, match="stems or lemmas"):
        preprocess("hola", lemmas=True)
