"""Luong (dot / general) and Bahdanau attention: equal to Keras' own layers, masks, weights, saving."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from coursework.layers.seq2seq_attention import BahdanauAttention, LuongAttention  # noqa: E402

RNG = np.random.default_rng(0)
Q = RNG.normal(size=(2, 3, 4)).astype("float32")
V = RNG.normal(size=(2, 5, 4)).astype("float32")
VALUE_MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)
QUERY_MASK = np.array([[1, 1, 0], [1, 1, 1]], dtype=bool)


def _np(x):
    return keras.ops.convert_to_numpy(x)


def test_dot_equals_keras_attention_with_masks():
    ours, w = LuongAttention("dot")(
        Q, V, query_mask=QUERY_MASK, value_mask=VALUE_MASK, return_attention_scores=True
    )
    ref, ref_w = keras.layers.Attention()([Q, V], mask=[QUERY_MASK, VALUE_MASK], return_attention_scores=True)
    np.testing.assert_allclose(_np(ours), _np(ref), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(w), _np(ref_w), rtol=1e-5, atol=1e-6)


def test_general_is_dot_attention_on_projected_keys():
    layer = LuongAttention("general")
    ours, w = layer(Q, V, value_mask=VALUE_MASK, return_attention_scores=True)
    kernel = _np(layer.kernel)  # (dq, dk): score = q W kᵀ = q (k Wᵀ)ᵀ
    ref, ref_w = keras.layers.Attention()(
        [Q, V, V @ kernel.T], mask=[None, VALUE_MASK], return_attention_scores=True
    )
    np.testing.assert_allclose(_np(ours), _np(ref), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(w), _np(ref_w), rtol=1e-5, atol=1e-5)


def test_bahdanau_equals_keras_additive_attention_on_projections():
    layer = BahdanauAttention(units=6)
    keys = RNG.normal(size=(2, 5, 3)).astype("float32")  # key of another size than the value
    ours, w = layer(Q, V, key=keys, value_mask=VALUE_MASK, return_attention_scores=True)
    reference = keras.layers.AdditiveAttention(use_scale=True)
    q_proj = Q @ _np(layer.query_kernel)
    k_proj = keys @ _np(layer.key_kernel)
    reference([q_proj, V, k_proj])
    reference.scale.assign(_np(layer.scale))
    ref, ref_w = reference([q_proj, V, k_proj], mask=[None, VALUE_MASK], return_attention_scores=True)
    np.testing.assert_allclose(_np(ours), _np(ref), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(w), _np(ref_w), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("layer", [LuongAttention("dot"), LuongAttention("general"), BahdanauAttention(8)])
def test_weights_are_distributions_that_ignore_padding(layer):
    context, weights = layer(Q, V, query_mask=QUERY_MASK, value_mask=VALUE_MASK, return_attention_scores=True)
    weights = _np(weights)
    np.testing.assert_allclose(weights.sum(-1), 1.0, rtol=1e-5)
    assert np.all(weights[0, :, 3:] < 1e-6)  # padded source positions get no weight
    assert np.all(_np(context)[0, 2] == 0)  # padded query position: zero context


def test_keras_masks_flow_in_and_out_of_a_model():
    source = keras.Input((None,), dtype="int32")
    target = keras.Input((None,), dtype="int32")
    s = keras.layers.Embedding(10, 4, mask_zero=True)(source)
    t = keras.layers.Embedding(10, 4, mask_zero=True)(target)
    context = LuongAttention("dot")(t, s)
    assert context._keras_mask is not None  # the query's mask is propagated
    model = keras.Model([source, target], context)
    out = _np(model([np.array([[1, 2, 0]]), np.array([[3, 0]])]))
    assert np.all(out[0, 1] == 0)


@pytest.mark.parametrize("layer", [LuongAttention("general", name="a"), BahdanauAttention(7, name="b")])
def test_config_round_trip_and_saved_model(layer, tmp_path):
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    q = keras.Input((3, 4))
    v = keras.Input((5, 4))
    model = keras.Model([q, v], layer(q, v))
    path = tmp_path / "attention.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(_np(loaded([Q, V])), _np(model([Q, V])), rtol=1e-6)


def test_bad_arguments():
    with pytest.raises(ValueError, match="Luong score"):
        LuongAttention("cosine")
    with pytest.raises(ValueError, match="units"):
        BahdanauAttention(0)
    with pytest.raises(ValueError, match="same size"):
        LuongAttention("dot")(Q, np.ones((2, 5, 6), "float32"))
