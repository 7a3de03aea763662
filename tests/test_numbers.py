"""Number words in Spanish and English, the generated translation task, the Tatoeba loader, chrF."""

import pytest

from coursework.datasets.numbers import make_number_translation_splits, number_to_words
from coursework.datasets.translation import load_spa_eng_pairs, load_tab_separated_pairs
from coursework.translation_metrics import chrf, exact_match_by_length

SPANISH = {
    0: "cero",
    1: "uno",
    15: "quince",
    16: "dieciséis",
    20: "veinte",
    21: "veintiuno",
    22: "veintidós",
    23: "veintitrés",
    26: "veintiséis",
    30: "treinta",
    31: "treinta y uno",
    99: "noventa y nueve",
    100: "cien",
    101: "ciento uno",
    121: "ciento veintiuno",
    200: "doscientos",
    500: "quinientos",
    555: "quinientos cincuenta y cinco",
    700: "setecientos",
    900: "novecientos",
    1000: "mil",
    1001: "mil uno",
    2000: "dos mil",
    21_000: "veintiún mil",
    21_021: "veintiún mil veintiuno",
    31_000: "treinta y un mil",
    41_001: "cuarenta y un mil uno",
    100_000: "cien mil",
    100_100: "cien mil cien",
    101_000: "ciento un mil",
    121_121: "ciento veintiún mil ciento veintiuno",
    200_001: "doscientos mil uno",
    501_000: "quinientos un mil",
    777_777: "setecientos setenta y siete mil setecientos setenta y siete",
    999_999: "novecientos noventa y nueve mil novecientos noventa y nueve",
}

ENGLISH = {
    0: "zero",
    13: "thirteen",
    21: "twenty-one",
    40: "forty",
    100: "one hundred",
    321: "three hundred twenty-one",
    1000: "one thousand",
    1001: "one thousand one",
    21_000: "twenty-one thousand",
    100_000: "one hundred thousand",
    999_999: "nine hundred ninety-nine thousand nine hundred ninety-nine",
}


@pytest.mark.parametrize("number, words", SPANISH.items())
def test_spanish_grammar(number, words):
    assert number_to_words(number) == words


@pytest.mark.parametrize("number, words", ENGLISH.items())
def test_english_words(number, words):
    assert number_to_words(number, lang="en") == words


def test_no_un_mil_and_no_ciento_alone():
    for n in range(1000, 2000, 37):
        assert not number_to_words(n).startswith("un mil")
    assert all("ciento" not in number_to_words(n * 1000 + 100).split()[-1:] for n in range(1, 999, 41))


@pytest.mark.parametrize(
    "bad, error",
    [(1_000_000, ValueError), (-1, ValueError), (3.0, TypeError), ("12", TypeError), (True, TypeError)],
)
def test_out_of_range_and_wrong_types(bad, error):
    with pytest.raises(error):
        number_to_words(bad)


def test_unknown_language():
    with pytest.raises(ValueError, match="language"):
        number_to_words(3, lang="fr")


def test_splits_hold_out_numbers_and_are_repeatable():
    splits = make_number_translation_splits(n=2000, seed=3)
    train, val, test = (set(splits.numbers[s]) for s in ("train", "validation", "test"))
    assert not (train & test) and not (train & val) and not (val & test)
    assert min(test) >= 100 and min(val) >= 100
    assert all(" " in number_to_words(n) for n in test | val)  # one-word numbers: training
    assert len(train) + len(val) + len(test) == 2000
    assert splits.pairs("test")[0] == (
        number_to_words(splits.numbers["test"][0]),
        number_to_words(splits.numbers["test"][0], "en"),
    )
    assert make_number_translation_splits(n=2000, seed=3) == splits
    with pytest.raises(ValueError, match="n must be"):
        make_number_translation_splits(n=0)


def test_tab_separated_loader(tmp_path):
    path = tmp_path / "spa.txt"
    path.write_text("Go.\tVe.\tCC-BY 2.0 (France)\n\nI am here.\tEstoy aquí.\tCC-BY\n", encoding="utf-8")
    assert load_spa_eng_pairs(path) == [("Ve.", "Go."), ("Estoy aquí.", "I am here.")]
    assert load_tab_separated_pairs(path, limit=1) == [("Go.", "Ve.")]
    broken = tmp_path / "broken.txt"
    broken.write_text("Go.\tVe.\nonly one column\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        load_spa_eng_pairs(broken)
    with pytest.raises(FileNotFoundError):
        load_spa_eng_pairs(tmp_path / "missing.txt")


def test_chrf_and_exact_match_by_length():
    assert chrf(["one hundred"], ["one hundred"]) == pytest.approx(100.0)
    assert chrf(["abc"], ["xyz"]) == 0.0
    near = chrf(["twenty-one thousand"], ["twenty-two thousand"])
    assert 50 < near < 100
    assert exact_match_by_length([2, 2, 5], ["a b", "c d", "e"], ["a b", "x", "e"]) == {2: 0.5, 5: 1.0}
    with pytest.raises(ValueError):
        chrf(["a"], [])
