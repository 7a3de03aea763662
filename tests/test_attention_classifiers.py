"""Attention classifiers: shapes, attention maps, bad input, save/load with raw text, and learning."""

import keras
import numpy as np
import pytest

from coursework.models.attention_classifiers import (
    attention_maps,
    build_han_classifier,
    build_self_attention_classifier,
    build_transformer_classifier,
    truncation_report,
)


def _toy(n=400, length=10, seed=0):
    """Label = whether token 3 ('good') occurs: learnable by any of these models."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(4, 30, size=(n, length))
    ids[:, 7:] = 0
    labels = rng.integers(0, 2, size=n)
    ids[labels == 1, rng.integers(0, 7)] = 3
    return ids.astype("int32"), labels.astype("float32")


@pytest.mark.parametrize(
    "builder",
    [
        lambda: build_self_attention_classifier(30, 8, dense_units=8, variant="seed"),
        lambda: build_self_attention_classifier(30, 8, dense_units=8, variant="package"),
        lambda: build_han_classifier(30, 8, units=8, pooling_units=8, dropout=0.0),
        lambda: build_transformer_classifier(
            30, 10, num_layers=1, num_heads=2, embed_dim=8, intermediate_dim=16
        ),
    ],
)
def test_classifiers_learn_a_keyword_and_expose_attention(builder):
    keras.utils.set_random_seed(0)
    model = builder()
    x, y = _toy()
    model.compile(keras.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=8, batch_size=32, verbose=0)
    assert model.evaluate(x, y, verbose=0)[1] > 0.8
    maps = attention_maps(model, x[:2])
    for name, weights in maps.items():
        weights = np.asarray(weights)
        assert np.all(weights[..., 7:] < 1e-6), name  # padded keys get no attention
        if weights.ndim == 2:  # AttentionPooling: one α per word
            np.testing.assert_allclose(weights.sum(-1), 1, atol=1e-5)
        else:
            np.testing.assert_allclose(weights[..., :7, :].sum(-1), 1, atol=1e-5)


def test_bad_arguments_and_long_input():
    with pytest.raises(ValueError, match="does not divide"):
        build_transformer_classifier(30, 10, num_heads=3, embed_dim=8)
    with pytest.raises(ValueError, match="variant"):
        build_self_attention_classifier(30, variant="lstm")
    model = build_transformer_classifier(30, 10, num_heads=2, embed_dim=8, intermediate_dim=16)
    with pytest.raises(ValueError, match="max_len"):
        model.get_layer("token_and_position")(np.ones((1, 12), "int32"))
    with pytest.warns(UserWarning, match="truncated"):
        assert truncation_report([3, 12, 5, 20], 10) == 0.5
    with pytest.raises(ValueError, match="no attention layer"):
        attention_maps(keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]), np.ones((1, 3)))


def test_transformer_on_raw_text_saves_and_loads(tmp_path):
    import coursework.layers.positional  # noqa: F401  (registers the layers)
    import coursework.layers.transformer  # noqa: F401
    from coursework.models.text_input import make_vectorizer, text_classifier

    texts = ["a good film", "a bad film", "good good", "bad movie"]
    vectorizer = make_vectorizer(texts, sequence_length=6)
    body = build_transformer_classifier(
        vectorizer.vocabulary_size(), 6, num_heads=2, embed_dim=8, intermediate_dim=16
    )
    model = text_classifier(vectorizer, body)
    queries = np.array(["good film", "a very very long text with many more words than six"], dtype=object)
    expected = model.predict(queries, verbose=0)
    model.save(tmp_path / "t.keras")
    loaded = keras.saving.load_model(tmp_path / "t.keras")
    np.testing.assert_allclose(loaded.predict(queries, verbose=0), expected, atol=1e-6)


def test_han_attention_peaks_on_the_keyword():
    """Trained on the keyword task, HAN's α puts most weight on the one word that decides the label."""
    from coursework.models.attention_analysis import attention_peakedness

    keras.utils.set_random_seed(0)
    model = build_han_classifier(30, 8, units=8, pooling_units=8, dropout=0.0)
    x, y = _toy()
    model.compile(keras.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=8, batch_size=32, verbose=0)
    positives = x[y == 1][:50]
    alpha = attention_maps(model, positives)["attention_pooling"]
    on_keyword = (alpha * (positives == 3)).sum(-1)
    assert np.median(on_keyword) > 0.5  # uniform attention would give 1/7
    assert attention_peakedness(alpha, positives != 0)["entropy_ratio"] < 0.8
