"""Hand-made vectorisation equals scikit-learn and Keras where their definitions match."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity as sk_cosine

from coursework.vectorize import (
    align_columns,
    build_vocabulary,
    compare_classifiers,
    cosine_similarity,
    count_matrix,
    inverse_document_frequency,
    most_similar,
    nearest_neighbour_predict,
    nearest_words,
    one_hot,
    one_hot_tokens,
    term_frequency,
    tfidf,
    tokenize,
)

DOCS = ["que dia es hoy", "martes el dia de hoy es martes", "martes muchas gracias"]
SPANISH = [
    "El niño comió una manzana.",
    "La niña comió dos manzanas y una pera.",
    "¿Quién comió la pera del niño?",
    "Mañana llueve en Buenos Aires.",
]


@pytest.mark.parametrize("docs", [DOCS, SPANISH])
def test_vocabulary_and_counts_equal_count_vectorizer(docs):
    reference = CountVectorizer()
    expected = reference.fit_transform(docs).toarray()
    vocab = build_vocabulary(docs)
    assert vocab == reference.vocabulary_
    np.testing.assert_array_equal(count_matrix(docs, vocab), expected)
    binary = CountVectorizer(binary=True).fit_transform(docs).toarray()
    np.testing.assert_array_equal(one_hot(docs, vocab), binary)


@pytest.mark.parametrize("docs", [DOCS, SPANISH])
@pytest.mark.parametrize("smooth, variant", [(True, "sklearn"), (False, "sklearn-raw")])
@pytest.mark.parametrize("norm", ["l2", None])
def test_tfidf_equals_tfidf_vectorizer(docs, smooth, variant, norm):
    reference = TfidfVectorizer(smooth_idf=smooth, norm=norm)
    expected = reference.fit_transform(docs).toarray()
    counts = count_matrix(docs, build_vocabulary(docs))
    np.testing.assert_allclose(inverse_document_frequency(counts, variant), reference.idf_, rtol=1e-12)
    np.testing.assert_allclose(tfidf(counts, variant, norm=norm), expected, rtol=1e-12, atol=1e-12)


def test_keras_text_vectorization_count_and_tfidf_match_after_reordering_columns():
    import keras

    vocab = build_vocabulary(DOCS)
    counts = count_matrix(DOCS, vocab)
    for mode, expected in [("count", counts), ("tf_idf", tfidf(counts, "keras", norm=None))]:
        layer = keras.layers.TextVectorization(output_mode=mode)
        layer.adapt(DOCS)
        keras_vocab = [str(t) for t in layer.get_vocabulary()]
        got = align_columns(keras.ops.convert_to_numpy(layer(DOCS)), keras_vocab, list(vocab))
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_classic_idf_and_term_frequency_by_hand():
    counts = count_matrix(DOCS, build_vocabulary(DOCS))
    idf = inverse_document_frequency(counts, "classic")
    vocab = build_vocabulary(DOCS)
    assert idf[vocab["dia"]] == pytest.approx(np.log(3 / 2))
    assert idf[vocab["gracias"]] == pytest.approx(np.log(3))
    relative = term_frequency(counts, relative=True)
    np.testing.assert_allclose(relative.sum(axis=1), 1.0)
    assert relative[1, vocab["martes"]] == pytest.approx(2 / 7)
    assert term_frequency(np.zeros((1, 3)), relative=True).tolist() == [[0, 0, 0]]


def test_one_hot_tokens_has_one_one_per_known_token():
    vocab = build_vocabulary(DOCS)
    matrix = one_hot_tokens("martes hoy desconocida", vocab)
    assert matrix.shape == (3, len(vocab))
    assert matrix.sum(axis=1).tolist() == [1, 1, 0]
    assert matrix[0, vocab["martes"]] == 1


def test_cosine_equals_sklearn_and_handles_zero_vectors():
    x = tfidf(count_matrix(SPANISH, build_vocabulary(SPANISH)))
    np.testing.assert_allclose(cosine_similarity(x), sk_cosine(x), atol=1e-12)
    zero = cosine_similarity(np.array([[0.0, 0.0], [1.0, 2.0]]))
    assert zero[0].tolist() == [0.0, 0.0] and zero[1, 1] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="different sizes"):
        cosine_similarity(np.ones((1, 2)), np.ones((1, 3)))


def test_most_similar_dense_and_sparse_agree_and_exclude_the_query():
    reference = TfidfVectorizer().fit_transform(SPANISH)
    sparse = most_similar(reference, 0, k=2)
    dense = most_similar(reference.toarray(), 0, k=2)
    assert [i for i, _ in sparse] == [i for i, _ in dense]
    assert sparse[0][0] == 2  # shares "niño" and "comió"; "manzana" ≠ "manzanas" without stemming
    assert all(i != 0 for i, _ in sparse)
    with pytest.raises(IndexError):
        most_similar(reference, 10)


def test_nearest_words_from_the_transposed_matrix():
    vocab = build_vocabulary(SPANISH)
    term_doc = count_matrix(SPANISH, vocab).T
    words = [w for w, _ in nearest_words(term_doc, vocab, "llueve", k=3)]
    assert set(words) <= {"mañana", "en", "buenos", "aires"}
    with pytest.raises(KeyError, match="not in the vocabulary"):
        nearest_words(term_doc, vocab, "inexistente")


def test_bad_inputs_are_clear_errors():
    with pytest.raises(TypeError, match="single string"):
        build_vocabulary("un solo documento")
    with pytest.raises(ValueError, match="Empty vocabulary"):
        build_vocabulary(["", "¡!"])
    with pytest.raises(TypeError, match="string document"):
        tokenize(42)
    with pytest.raises(ValueError, match="Unknown IDF variant"):
        inverse_document_frequency(np.ones((2, 2)), "bm25")
    with pytest.raises(KeyError, match="missing"):
        align_columns(np.ones((1, 1)), ["a"], ["b"])


def test_nearest_neighbour_predict_equals_sklearn_1nn_cosine_dense_and_sparse():
    from scipy.sparse import csr_matrix
    from sklearn.neighbors import KNeighborsClassifier

    rng = np.random.default_rng(0)
    x_train = rng.random((40, 12)) * (rng.random((40, 12)) > 0.5)
    x_test = rng.random((25, 12)) * (rng.random((25, 12)) > 0.5)
    x_test[0] = 0.0  # a zero row still gets a label (the first training row's, as sklearn's)
    x_train[x_train.sum(axis=1) == 0, 0] = 1.0
    labels = [f"c{i % 3}" for i in range(40)]
    reference = KNeighborsClassifier(n_neighbors=1, metric="cosine", algorithm="brute").fit(x_train, labels)
    expected = list(reference.predict(x_test[1:]))
    assert nearest_neighbour_predict(x_train, labels, x_test[1:]) == expected
    sparse = nearest_neighbour_predict(csr_matrix(x_train), labels, csr_matrix(x_test[1:]), batch_size=7)
    assert sparse == expected
    # a test row equal to a training row gets that row's label, even when its class centroid is elsewhere
    assert nearest_neighbour_predict(x_train, labels, x_train[[5, 17]]) == [labels[5], labels[17]]
    with pytest.raises(ValueError, match="labels"):
        nearest_neighbour_predict(x_train, labels[:-1], x_test)


def test_compare_classifiers_reports_centroid_and_nearest_neighbour_above_majority():
    topics = {
        "deporte": "partido gol equipo liga jugador",
        "cocina": "receta horno sal harina olla",
        "clima": "lluvia viento nube tormenta sol",
    }
    rng = np.random.default_rng(1)
    texts, labels = [], []
    for label, words in topics.items():
        for _ in range(20):
            texts.append(" ".join(rng.choice(words.split(), size=6)))
            labels.append(label)
    scores = compare_classifiers(texts[::2], labels[::2], texts[1::2], labels[1::2], min_df=1)
    assert set(scores) == {
        "majority",
        "multinomial_nb",
        "complement_nb",
        "nearest_centroid",
        "nearest_neighbour",
    }
    assert scores["nearest_neighbour"] == 1.0 and scores["nearest_centroid"] == 1.0
    assert scores["majority"] < 0.3
