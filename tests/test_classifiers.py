import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from coursework.models.classifiers import (
    build_bilstm_classifier,
    build_classifier,
    build_cnn_classifier,
    build_glove_classifier,
    build_lstm_classifier,
)
from coursework.models.text_input import (
    check_texts,
    known_fraction,
    make_dataset,
    make_vectorizer,
    predict_texts,
    text_classifier,
)

GOOD = ["great", "moving", "brilliant", "funny", "beautiful", "superb"]
BAD = ["dull", "boring", "awful", "stupid", "tedious", "bland"]
FILLER = ["the", "film", "is", "a", "story", "and", "very", "plot", "actors"]


def _toy_reviews(n, seed=0):
    """Short reviews whose label is decided by sentiment words hidden among filler words."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(n):
        label = int(rng.integers(2))
        words = list(rng.choice(FILLER, rng.integers(2, 9))) + list(rng.choice(GOOD if label else BAD, 2))
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append(label)
    return texts, np.array(labels)


# ---------------------------------------------------------------------------------------- builders


def test_seed_network_shape_and_parameters():
    model = build_lstm_classifier(vocab_size=1000, embedding_dim=50, units=128)
    layers = [type(layer).__name__ for layer in model.layers]
    assert layers == ["InputLayer", "Embedding", "Dropout", "LSTM", "Dropout", "LSTM", "Dropout", "Dense"]
    assert model.layers[1].mask_zero
    lstm = lambda i, u: 4 * u * (i + u + 1)  # noqa: E731
    assert model.count_params() == 1000 * 50 + lstm(50, 128) + lstm(128, 128) + 129
    assert model.output_shape == (None, 1)
    assert build_lstm_classifier(100, 8, units=4, n_classes=3).output_shape == (None, 3)


def test_other_architectures():
    bi = build_bilstm_classifier(100, 8, units=4)
    assert any(type(layer).__name__ == "Bidirectional" for layer in bi.layers)
    cnn = build_cnn_classifier(100, 8, filters=6, kernel_size=3)
    assert [type(layer).__name__ for layer in cnn.layers].count("Conv1D") == 2
    assert not cnn.layers[1].mask_zero
    ids = np.array([[5, 6, 7, 0, 0]])
    for model in (bi, cnn, build_classifier("lstm", 100, embedding_dim=8, units=4)):
        assert tuple(model(ids).shape) == (1, 1)
    with pytest.raises(ValueError, match="Unknown architecture"):
        build_classifier("transformer", 100)
    with pytest.raises(ValueError, match="units"):
        build_lstm_classifier(100, 8, units=0)
    with pytest.raises(ValueError, match="dropout"):
        build_lstm_classifier(100, 8, dropout=1.5)


def test_masking_makes_padding_irrelevant_for_rnns():
    keras.utils.set_random_seed(0)
    for model in (
        build_lstm_classifier(50, 8, units=4, dropout=0.0),
        build_bilstm_classifier(50, 8, units=4, dropout=0.0),
    ):
        short = model(np.array([[3, 9, 4]]))
        padded = model(np.array([[3, 9, 4, 0, 0, 0, 0]]))
        np.testing.assert_allclose(short, padded, rtol=1e-5, atol=1e-6)


def test_glove_classifier_uses_the_vectors_frozen_or_trainable(tmp_path):
    from coursework.embeddings import load_glove

    kv = load_glove()
    vocab = ["", "[UNK]", "good", "bad", "qqzzx"]
    frozen = build_glove_classifier(vocab, kv, trainable=False, units=4)
    weights = frozen.get_layer("embedding").get_weights()[0]
    np.testing.assert_allclose(weights[2], kv["good"])
    np.testing.assert_array_equal(weights[:2], 0.0)
    assert frozen.embedding_coverage.hits == 2 and frozen.embedding_coverage.missing == ["qqzzx"]
    assert all("embedding" not in w.path for w in frozen.trainable_weights)
    tuned = build_glove_classifier(vocab, kv, trainable=True, architecture="cnn", filters=4)
    assert any("embedding" in w.path for w in tuned.trainable_weights)
    assert build_glove_classifier(vocab, kv, architecture="bilstm", units=4).name == "glove_bilstm_classifier"


def test_wrong_embedding_dimension_is_a_clear_error():
    from coursework.embeddings import load_glove

    with pytest.raises(ValueError, match="embedding_dim=100 but the pre-trained vectors have dimension 50"):
        build_glove_classifier(["", "[UNK]", "good"], load_glove(), embedding_dim=100, units=4)
    with pytest.raises(ValueError, match=r"shape \(3, 50\) but the model needs .*\(3, 300\)"):
        build_lstm_classifier(3, 300, embedding_matrix=np.zeros((3, 50)))
    with pytest.raises(ValueError, match="NaN"):
        build_lstm_classifier(2, 2, embedding_matrix=np.full((2, 2), np.nan))
    with pytest.raises(ValueError, match="Unknown architecture"):
        build_glove_classifier(["a"], load_glove(), architecture="gru")


# ------------------------------------------------------------------------------------- text input


def test_check_texts_rejects_bad_items():
    assert check_texts(np.array(["á", "b"])) == ["á", "b"]
    assert check_texts([b"caf\xc3\xa9"]) == ["café"]
    with pytest.raises(TypeError, match="single string"):
        check_texts("una crítica")
    with pytest.raises(TypeError, match=r"texts\[1\] is int"):
        check_texts(["bien", 3])
    with pytest.raises(TypeError, match=r"texts\[0\] is NoneType"):
        check_texts([None])
    with pytest.raises(ValueError, match=r"texts\[1\] is empty"):
        check_texts(["bien", "   "])
    with pytest.raises(TypeError, match="1-D"):
        check_texts(np.array([["a"]]))


def test_vectorizer_and_known_fraction():
    vec = make_vectorizer(["Good film!", "Bad, bad film."], sequence_length=5)
    vocab = [str(w) for w in vec.get_vocabulary()]
    assert vocab[:2] == ["", "[UNK]"] and set(vocab[2:]) == {"good", "bad", "film"}
    assert np.asarray(vec(np.array(["GOOD film"]))).tolist() == [
        [vocab.index("good"), vocab.index("film"), 0, 0, 0]
    ]
    np.testing.assert_allclose(known_fraction(vec, ["good xyz", "xyz qqq"]), [0.5, 0.0])
    assert make_vectorizer(vocabulary=["b", "a"]).get_vocabulary()[2:] == ["b", "a"]
    with pytest.raises(ValueError, match="empty list"):
        make_vectorizer([])
    with pytest.raises(ValueError, match="built-in"):
        make_vectorizer(["a"], standardize=str.lower)
    with pytest.raises(ValueError, match="adapt"):
        make_vectorizer()


def test_bucketed_dataset_pads_per_batch_only():
    vec = make_vectorizer(["a b c d e f g h"], sequence_length=16)
    texts = ["a", "a b", "a b c d e f", "a b c d e f g", "b", "c d"]
    ds = make_dataset(texts, [0, 1, 0, 1, 0, 1], vec, batch_size=2, bucket_boundaries=[4])
    shapes = sorted(tuple(x.shape) for x, _ in ds)
    assert shapes == [(2, 2), (2, 2), (2, 7)]  # lengths 1, 2 | 1, 2 | 6, 7
    assert int(ds.cardinality()) == 3
    plain = make_dataset(texts, [0] * 6, vec, batch_size=4)
    assert [tuple(x.shape) for x, _ in plain] == [(4, 16), (2, 16)]
    with pytest.raises(ValueError, match="6 texts but 2 labels"):
        make_dataset(texts, [0, 1], vec)


def test_text_classifier_learns_and_survives_a_fresh_process(tmp_path):
    keras.utils.set_random_seed(1)
    texts, labels = _toy_reviews(400)
    vec = make_vectorizer(texts, sequence_length=12)
    body = build_lstm_classifier(vec.vocabulary_size(), 8, units=8, dropout=0.0)
    body.compile(optimizer=keras.optimizers.Adam(2e-2), loss="binary_crossentropy", metrics=["accuracy"])
    body.fit(
        make_dataset(texts, labels, vec, 32, shuffle=True, bucket_boundaries=[6]),
        epochs=3,
        verbose=0,
        shuffle=False,
    )
    model = text_classifier(vec, body)
    test_texts, test_labels = _toy_reviews(200, seed=5)
    probs = predict_texts(model, test_texts)
    assert probs.shape == (200,)
    assert ((probs > 0.5) == test_labels).mean() > 0.9  # chance is 0.5
    assert predict_texts(model, []).shape == (0,)
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        predict_texts(model, ["great film", 4.5])
    with pytest.raises(ValueError, match="empty"):
        predict_texts(model, [""])
    # only unknown words: documented behaviour, a probability from [UNK] alone
    unknown = predict_texts(model, ["zzzz qqqq"])
    assert 0.0 < unknown[0] < 1.0

    path = tmp_path / "toy.keras"
    model.save(path)
    script = textwrap.dedent(f"""
        import numpy as np, keras
        import coursework.layers  # registers RawTextModel
        model = keras.saving.load_model({str(path)!r})
        texts = np.array({test_texts[:3]!r}, dtype=object)
        print(" ".join(f"{{p:.6f}}" for p in model.predict(texts, verbose=0).ravel()))
        print(f"{{float(model(np.array(['great film']))[0, 0]):.6f}}")
    """)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    # a fresh process that imports only coursework.layers before keras.saving.load_model
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()
    np.testing.assert_allclose([float(v) for v in lines[-2].split()], probs[:3], atol=1e-5)
    np.testing.assert_allclose(float(lines[-1]), predict_texts(model, ["great film"])[0], atol=1e-5)
