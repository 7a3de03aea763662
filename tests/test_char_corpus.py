"""Character corpus: normalisation, rare-character policy, contiguous split, windows."""

import numpy as np
import pytest

from coursework.datasets.char_corpus import (
    DOC_SEPARATOR,
    UNKNOWN_CHAR,
    CharVocabulary,
    join_documents,
    load_char_corpus,
    make_windows,
    normalize_text,
    split_blocks,
)


def test_normalize_lowercases_and_collapses_whitespace():
    assert normalize_text("  Hola\t\tMUNDO\n\n otra ") == "hola mundo otra"
    assert normalize_text("Hola  Mundo", lowercase=False) == "Hola Mundo"
    with pytest.raises(TypeError, match="str"):
        normalize_text(3)


def test_documents_are_joined_with_the_separator_and_empty_ones_dropped():
    assert join_documents(["Uno.", "  ", "Dos\nlíneas"]) == f"uno.{DOC_SEPARATOR}dos líneas"


def test_rare_characters_map_to_base_letter_or_unknown():
    vocab = CharVocabulary.from_text("aaaa eeee cccc ....", min_count=3)
    assert vocab.chars[0] == UNKNOWN_CHAR
    assert "à" not in vocab and "a" in vocab
    assert vocab.map_rare("àç«") == "ac" + UNKNOWN_CHAR
    assert vocab.decode(vocab.encode("àe")) == "ae"
    with pytest.raises(ValueError, match="'«'"):
        vocab.encode("a«", strict=True)


def test_vocabulary_validation():
    with pytest.raises(ValueError, match="UNKNOWN_CHAR"):
        CharVocabulary(("a", "b"))
    with pytest.raises(ValueError, match="min_count"):
        CharVocabulary.from_text("abc", min_count=0)


def test_split_blocks_is_contiguous_and_complete():
    text = "".join(chr(97 + i % 26) for i in range(1000))
    train, val = split_blocks(text, val_fraction=0.1, n_blocks=20)
    assert len(val) == 2 and len(train) == 18
    assert sum(map(len, train)) + sum(map(len, val)) == len(text)
    for block in train + val:
        assert block in text  # each block is a contiguous slice
    with pytest.raises(ValueError, match="val_fraction"):
        split_blocks(text, val_fraction=1.5)


def test_windows_never_straddle_blocks():
    blocks = [np.arange(0, 10), np.arange(100, 110)]
    x, y = make_windows(blocks, window=4, stride=2)
    assert x.shape == y.shape == (6, 4)
    for row_x, row_y in zip(x, y, strict=False):
        assert (row_x < 100).all() or (row_x >= 100).all()
        np.testing.assert_array_equal(row_y[:-1], row_x[1:])
        assert row_y[-1] == row_x[-1] + 1
    x_last, y_last = make_windows(blocks, window=4, targets="last")
    np.testing.assert_array_equal(y_last, x_last[:, -1] + 1)
    with pytest.raises(ValueError, match="window"):
        make_windows(blocks, window=50)


def test_spanish_corpus_split_and_vocabulary():
    corpus = load_char_corpus("es", max_chars=40_000, n_blocks=10, min_count=5)
    assert 35_000 < corpus.n_train < 37_000 and 3_000 < corpus.n_val < 5_000
    assert "ñ" in corpus.vocab and "A" not in corpus.vocab
    x, y = corpus.windows("validation", window=40)
    assert x.shape[1] == 40 and x.max() < len(corpus.vocab)


def test_text_file_source(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("Primer párrafo.\n\nSegundo   párrafo, más largo que el primero.", encoding="utf-8")
    corpus = load_char_corpus(path, n_blocks=2, val_fraction=0.5, min_count=1)
    assert DOC_SEPARATOR in corpus.vocab.decode(corpus.train_blocks[0])  # paragraphs are documents
    assert corpus.vocab.decode(corpus.train_blocks[0]).startswith("primer párrafo.")
    with pytest.raises(FileNotFoundError):
        load_char_corpus(tmp_path / "missing.txt")
