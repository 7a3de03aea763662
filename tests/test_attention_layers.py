"""Attention layers: equal to Keras' own with the same weights, masks respected, clear errors."""

import keras
import numpy as np
import pytest

from coursework.layers.attention import (
    AttentionPooling,
    MultiHeadSelfAttention,
    masked_softmax,
    scaled_dot_product_attention,
)
from coursework.layers.positional import SinusoidalPositionalEncoding, TokenAndPositionEmbedding

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.normal(size=shape).astype("float32")


def test_scaled_dot_product_matches_formula():
    q, k, v = _x(2, 3, 4), _x(2, 5, 4), _x(2, 5, 6)
    out, w = scaled_dot_product_attention(q, k, v)
    scores = q @ k.transpose(0, 2, 1) / 2.0
    expected_w = np.exp(scores) / np.exp(scores).sum(-1, keepdims=True)
    np.testing.assert_allclose(w, expected_w, atol=1e-5)
    np.testing.assert_allclose(out, expected_w @ v, atol=1e-5)


def test_scaled_dot_product_mask_zeroes_keys():
    q, k, v = _x(1, 2, 4), _x(1, 3, 4), _x(1, 3, 4)
    mask = np.array([[[1, 1, 0]]])
    _, w = scaled_dot_product_attention(q, k, v, mask=mask)
    w = np.asarray(w)
    assert np.all(w[..., 2] == 0) and np.allclose(w.sum(-1), 1)


@pytest.mark.parametrize(
    "shapes, fragment",
    [
        (((1, 2, 4), (1, 3, 5), (1, 3, 4)), "last dimension"),
        (((1, 2, 4), (1, 3, 4), (1, 4, 4)), "same length"),
        (((1, 2, 4), (1, 3, 4), (3, 4)), "same rank"),
    ],
)
def test_scaled_dot_product_rejects_mismatched_shapes(shapes, fragment):
    with pytest.raises(ValueError, match=fragment):
        scaled_dot_product_attention(*(_x(*s) for s in shapes))


def test_scaled_dot_product_rejects_wrong_mask():
    with pytest.raises(ValueError, match="mask"):
        scaled_dot_product_attention(_x(1, 2, 4), _x(1, 3, 4), _x(1, 3, 4), mask=np.ones((1, 2, 5)))


def test_masked_softmax_fully_masked_row_is_zero():
    w = np.asarray(masked_softmax(np.zeros((2, 3), "float32"), np.array([[1, 0, 1], [0, 0, 0]])))
    np.testing.assert_allclose(w, [[0.5, 0, 0.5], [0, 0, 0]])


def _pair(num_heads=2, key_dim=3, d=6, **kwargs):
    ref = keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=key_dim, **kwargs)
    mine = MultiHeadSelfAttention(num_heads=num_heads, key_dim=key_dim, **kwargs)
    x = _x(2, 5, d)
    ref(x, x)
    mine(x)
    mine.set_weights(ref.get_weights())
    return ref, mine, x


def test_multi_head_equals_keras_without_mask():
    ref, mine, x = _pair()
    out_ref, s_ref = ref(x, x, return_attention_scores=True)
    out, s = mine(x, return_attention_scores=True)
    np.testing.assert_allclose(out, out_ref, atol=1e-5)
    np.testing.assert_allclose(s, s_ref, atol=1e-6)


def test_multi_head_equals_keras_with_padding_mask():
    ref, mine, x = _pair()
    padding = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    out_ref, s_ref = ref(x, x, attention_mask=padding[:, None, :], return_attention_scores=True)
    out, s = mine(x, padding_mask=padding, return_attention_scores=True)
    np.testing.assert_allclose(out, out_ref, atol=1e-5)
    np.testing.assert_allclose(s, s_ref, atol=1e-6)
    assert np.all(np.asarray(s)[0, :, :, 3:] == 0)


def test_multi_head_equals_keras_with_keras_mask_in_a_model():
    ids = np.array([[4, 2, 7, 0, 0], [1, 3, 5, 8, 2]])
    inputs = keras.Input((5,), dtype="int32")
    emb = keras.layers.Embedding(10, 6, mask_zero=True)
    e = emb(inputs)
    ref = keras.layers.MultiHeadAttention(2, 3)
    mine = MultiHeadSelfAttention(2, 3)
    model_ref = keras.Model(inputs, ref(e, e, return_attention_scores=True))
    model_mine = keras.Model(inputs, mine(e, return_attention_scores=True))
    mine.set_weights(ref.get_weights())
    (o1, s1), (o2, s2) = model_ref(ids), model_mine(ids)
    np.testing.assert_allclose(o2, o1, atol=1e-5)
    np.testing.assert_allclose(s2, s1, atol=1e-6)


def test_multi_head_cross_attention_equals_keras():
    ref = keras.layers.MultiHeadAttention(2, 4, value_dim=3)
    mine = MultiHeadSelfAttention(2, 4, value_dim=3)
    q, v = _x(2, 3, 6), _x(2, 5, 7)
    # Keras' fused path (ops.dot_product_attention) rejects value_dim != key_dim on JAX; asking for the
    # scores takes its explicit einsum path, which is the same computation on every backend.
    expected, _ = ref(q, v, return_attention_scores=True)
    mine(q, v)
    mine.set_weights(ref.get_weights())
    np.testing.assert_allclose(mine(q, v), expected, atol=1e-5)


def test_multi_head_errors():
    with pytest.raises(ValueError, match="does not divide"):
        MultiHeadSelfAttention(num_heads=4)(_x(1, 3, 6))
    with pytest.raises(ValueError, match="num_heads"):
        MultiHeadSelfAttention(num_heads=0)
    with pytest.raises(ValueError, match="padding_mask"):
        MultiHeadSelfAttention(2, 3)(_x(1, 3, 6), padding_mask=np.ones((1, 4)))
    with pytest.raises(ValueError, match="attention_mask"):
        MultiHeadSelfAttention(2, 3)(_x(1, 3, 6), attention_mask=np.ones((1, 3, 4)))
    with pytest.raises(ValueError, match="same length"):
        MultiHeadSelfAttention(2, 3)(_x(1, 3, 6), _x(1, 4, 6), _x(1, 5, 6))


def test_attention_pooling_is_han_formula_and_respects_mask():
    layer = AttentionPooling(4)
    h = _x(2, 5, 3)
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    s, alpha = layer(h, padding_mask=mask, return_attention_scores=True)
    w, b, u_w = (np.asarray(v) for v in layer.get_weights())
    logits = np.tanh(h @ w + b) @ u_w
    logits = np.where(mask, logits, -np.inf)
    expected = np.exp(logits - logits.max(-1, keepdims=True))
    expected /= expected.sum(-1, keepdims=True)
    np.testing.assert_allclose(alpha, expected, atol=1e-5)
    np.testing.assert_allclose(s, np.einsum("bt,btd->bd", expected, h), atol=1e-5)
    with pytest.raises(ValueError, match="padding_mask"):
        layer(h, padding_mask=np.ones((2, 4)))


def test_attention_pooling_temperature_divides_the_scores():
    layer = AttentionPooling(4)
    h = _x(2, 5, 3)
    layer(h)
    sharp = AttentionPooling(4, temperature=0.25)
    sharp(h)
    sharp.set_weights(layer.get_weights())
    w, b, u_w = (np.asarray(v) for v in layer.get_weights())
    logits = (np.tanh(h @ w + b) @ u_w) / 0.25
    expected = np.exp(logits - logits.max(-1, keepdims=True))
    expected /= expected.sum(-1, keepdims=True)
    _, alpha = sharp(h, return_attention_scores=True)
    np.testing.assert_allclose(alpha, expected, atol=1e-5)
    assert AttentionPooling.from_config(sharp.get_config()).temperature == 0.25
    with pytest.raises(ValueError, match="temperature"):
        AttentionPooling(4, temperature=0)


def test_padding_mask_reaches_pooling_through_multi_head_attention():
    # Embedding(mask_zero) → MHSA → AttentionPooling: the pooling must ignore the padding, so extra
    # padding steps do not change the pooled vector (before the fix MHSA dropped the Keras mask).
    inputs = keras.Input((None,), dtype="int32")
    h = MultiHeadSelfAttention(2)(keras.layers.Embedding(10, 4, mask_zero=True)(inputs))
    model = keras.Model(inputs, AttentionPooling(3)(h))
    short = np.array([[4, 2, 7, 0]], "int32")
    long = np.array([[4, 2, 7, 0, 0, 0, 0]], "int32")
    np.testing.assert_allclose(np.asarray(model(long)), np.asarray(model(short)), atol=1e-6)


def test_sinusoidal_equals_keras_hub():
    import keras_hub

    x = _x(2, 7, 10)
    np.testing.assert_allclose(
        SinusoidalPositionalEncoding()(x), keras_hub.layers.SinePositionEncoding()(x), atol=1e-5
    )
    np.testing.assert_allclose(
        SinusoidalPositionalEncoding(max_wavelength=100)(x, start_index=3),
        keras_hub.layers.SinePositionEncoding(max_wavelength=100)(x, start_index=3),
        atol=1e-5,
    )


def test_token_and_position_embedding_learned_positions_and_length_check():
    layer = TokenAndPositionEmbedding(vocab_size=10, max_len=4, embed_dim=3)
    ids = np.array([[5, 5, 0, 0]])
    y = np.asarray(layer(ids))
    tok = np.asarray(layer.token_embedding.embeddings)
    pos = np.asarray(layer.position_embedding.embeddings)
    np.testing.assert_allclose(y[0], tok[[5, 5, 0, 0]] + pos, atol=1e-6)
    assert not np.allclose(y[0, 0], y[0, 1])  # same token, different position
    with pytest.raises(ValueError, match="exceeds max_len=4"):
        layer(np.ones((1, 6), "int32"))


def test_layers_save_and_load(tmp_path):
    inputs = keras.Input((6,), dtype="int32")
    x = TokenAndPositionEmbedding(20, 6, 8, name="emb")(inputs)
    x = MultiHeadSelfAttention(2, name="mhsa")(x)
    x = AttentionPooling(4, name="pool")(x)
    model = keras.Model(inputs, keras.layers.Dense(1)(x))
    ids = np.array([[3, 4, 5, 0, 0, 0]])
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(loaded(ids), model(ids), atol=1e-6)


def test_too_long_input_is_refused_with_the_layer_s_own_message_even_once_built():
    import numpy as np

    from coursework.layers.positional import TokenAndPositionEmbedding

    layer = TokenAndPositionEmbedding(vocab_size=100, max_len=6, embed_dim=4)
    layer(np.array([[7, 7, 7, 0, 0, 0]]))  # built
    with pytest.raises(ValueError) as error:
        layer(np.ones((1, 9), dtype="int32"))
    assert str(error.value).startswith("Sequence length 9 exceeds max_len=6") and "\x1b" not in str(
        error.value
    )
