"""TransformerEncoderBlock: equal to keras_hub's TransformerEncoder (post-LN and pre-LN), masks, errors."""

import keras
import numpy as np
import pytest

from coursework.layers.transformer import TransformerEncoderBlock, copy_weights_from_keras_hub

RNG = np.random.default_rng(1)


def _pair(normalize_first, d=8, heads=2, ffn=16):
    import keras_hub

    ref = keras_hub.layers.TransformerEncoder(ffn, heads, normalize_first=normalize_first)
    mine = TransformerEncoderBlock(heads, ffn, normalize_first=normalize_first)
    x = RNG.normal(size=(2, 5, d)).astype("float32")
    ref(x)
    mine(x)
    # Different random biases/LN parameters make the comparison stronger than the zero/one defaults.
    for w in ref.weights:
        w.assign(RNG.normal(scale=0.3, size=w.shape).astype("float32"))
    copy_weights_from_keras_hub(mine, ref)
    return ref, mine, x


@pytest.mark.parametrize("normalize_first", [False, True])
def test_equals_keras_hub_without_mask(normalize_first):
    ref, mine, x = _pair(normalize_first)
    out_ref, s_ref = ref(x, return_attention_scores=True)
    out, s = mine(x, return_attention_scores=True)
    np.testing.assert_allclose(out, out_ref, atol=1e-5)
    np.testing.assert_allclose(s, s_ref, atol=1e-6)


@pytest.mark.parametrize("normalize_first", [False, True])
def test_equals_keras_hub_with_padding_mask(normalize_first):
    ref, mine, x = _pair(normalize_first)
    padding = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    out_ref, s_ref = ref(x, padding_mask=padding, return_attention_scores=True)
    out, s = mine(x, padding_mask=padding, return_attention_scores=True)
    np.testing.assert_allclose(out, out_ref, atol=1e-5)
    np.testing.assert_allclose(s, s_ref, atol=1e-6)
    # Padded keys get no attention, so changing padded inputs leaves real positions unchanged.
    x2 = x.copy()
    x2[0, 3:] = 100.0
    np.testing.assert_allclose(
        np.asarray(mine(x2, padding_mask=padding))[0, :3], np.asarray(out)[0, :3], atol=1e-5
    )


def test_post_ln_output_is_normalised():
    _, mine, x = _pair(False)
    block = TransformerEncoderBlock(2, 16)
    y = np.asarray(block(x))
    np.testing.assert_allclose(y.mean(-1), 0, atol=1e-5)
    np.testing.assert_allclose(y.std(-1), 1, atol=1e-2)


def test_errors_are_clear():
    with pytest.raises(ValueError, match="does not divide"):
        TransformerEncoderBlock(3, 16)(np.zeros((1, 4, 8), "float32"))
    with pytest.raises(ValueError, match="padding_mask"):
        TransformerEncoderBlock(2, 16)(np.zeros((1, 4, 8), "float32"), padding_mask=np.ones((1, 5)))
    with pytest.raises(ValueError, match="intermediate_dim"):
        TransformerEncoderBlock(2, 0)


def test_keras_mask_propagates_and_model_round_trips(tmp_path):
    inputs = keras.Input((6,), dtype="int32")
    x = keras.layers.Embedding(20, 8, mask_zero=True)(inputs)
    x = TransformerEncoderBlock(2, 16, dropout=0.1, name="enc")(x)
    x = keras.layers.GlobalAveragePooling1D()(x)
    model = keras.Model(inputs, keras.layers.Dense(1)(x))
    ids = np.array([[3, 4, 5, 0, 0, 0]])
    path = tmp_path / "enc.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(loaded(ids), model(ids), atol=1e-6)
    assert loaded.get_layer("enc").get_config()["dropout"] == 0.1
    block = loaded.get_layer("enc")
    mask = np.array([[True, True, False]])
    assert np.asarray(block.compute_mask(np.zeros((1, 3, 8), "float32"), mask)).tolist() == mask.tolist()
