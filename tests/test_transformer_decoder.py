"""TransformerDecoderBlock: equal to keras_hub's TransformerDecoder, masks, the key/value cache, errors."""

import keras
import numpy as np
import pytest

from coursework.layers.transformer_decoder import (
    TransformerDecoderBlock,
    causal_mask,
    copy_decoder_weights_from_keras_hub,
)

RNG = np.random.default_rng(7)
DEC_PAD = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
ENC_PAD = np.array([[1, 1, 0, 0], [1, 1, 1, 0]], bool)


def _pair(normalize_first, cross, d=8, heads=2, ffn=16):
    import keras_hub

    ref = keras_hub.layers.TransformerDecoder(ffn, heads, normalize_first=normalize_first)
    mine = TransformerDecoderBlock(heads, ffn, normalize_first=normalize_first)
    x = RNG.normal(size=(2, 5, d)).astype("float32")
    enc = RNG.normal(size=(2, 4, d)).astype("float32") if cross else None
    args = (x, enc) if cross else (x,)
    ref(*args)
    mine(*args)
    for w in ref.weights:  # random biases / LayerNorm parameters make the comparison stronger
        w.assign(RNG.normal(scale=0.3, size=w.shape).astype("float32"))
    copy_decoder_weights_from_keras_hub(mine, ref)
    return ref, mine, args


@pytest.mark.parametrize("normalize_first", [False, True], ids=["post_ln", "pre_ln"])
@pytest.mark.parametrize("cross", [False, True], ids=["decoder_only", "cross"])
@pytest.mark.parametrize("masked", [False, True], ids=["no_mask", "padding"])
def test_equals_keras_hub(normalize_first, cross, masked):
    ref, mine, args = _pair(normalize_first, cross)
    kwargs = {}
    if masked:
        kwargs["decoder_padding_mask"] = DEC_PAD
        if cross:
            kwargs["encoder_padding_mask"] = ENC_PAD
    np.testing.assert_allclose(mine(*args, **kwargs), ref(*args, **kwargs), atol=1e-5)


def test_attention_maps_are_causal_and_skip_padding():
    _, mine, (x, enc) = _pair(False, True)
    y, self_w, cross_w = mine(
        x, enc, decoder_padding_mask=DEC_PAD, encoder_padding_mask=ENC_PAD, return_attention_scores=True
    )
    self_w, cross_w = np.asarray(self_w), np.asarray(cross_w)
    assert self_w.shape == (2, 2, 5, 5) and cross_w.shape == (2, 2, 5, 4)
    assert np.all(np.triu(np.ones((5, 5)), 1)[None, None] * self_w == 0), "a query attends to the future"
    assert np.all(self_w[0, :, :, 3:] == 0), "padded decoder keys get weight"
    assert np.all(cross_w[0, :, :, 2:] == 0) and np.all(cross_w[1, :, :, 3:] == 0), "padded encoder keys"
    np.testing.assert_allclose(cross_w.sum(-1), 1, atol=1e-5)
    # The future does not leak: changing step 4 leaves steps 0..3 unchanged.
    x2 = x.copy()
    x2[:, 4] += 10.0
    np.testing.assert_allclose(np.asarray(mine(x2, enc))[:, :4], np.asarray(mine(x, enc))[:, :4], atol=1e-5)


def test_keras_masks_of_both_inputs_are_used_like_padding_masks():
    _, mine, (x, enc) = _pair(True, True)
    x_in, enc_in = keras.Input((5, 8)), keras.Input((4, 8))
    out = mine(keras.layers.Masking(0.0)(x_in), keras.layers.Masking(0.0)(enc_in))
    model = keras.Model([x_in, enc_in], out)
    xz, ez = x.copy(), enc.copy()
    xz[~DEC_PAD] = 0.0
    ez[~ENC_PAD] = 0.0
    expected = mine(xz, ez, decoder_padding_mask=DEC_PAD, encoder_padding_mask=ENC_PAD)
    np.testing.assert_allclose(model([xz, ez]), expected, atol=1e-5)


@pytest.mark.parametrize("cross", [False, True], ids=["decoder_only", "cross"])
def test_cache_gives_the_full_recomputation_and_keras_hubs_cache(cross):
    ref, mine, args = _pair(True, cross)
    x = args[0]
    full = np.asarray(mine(*args))
    cache = mine.init_cache(2, 5)
    cross_cache = None
    steps, ref_cache, ref_cross = [], np.zeros_like(np.asarray(cache)), None
    for t in range(5):
        kwargs = dict(self_attention_cache=cache, self_attention_cache_update_index=t)
        ref_kwargs = dict(self_attention_cache=ref_cache, self_attention_cache_update_index=t)
        if cross:
            kwargs.update(
                cross_attention_cache=cross_cache, cross_attention_cache_update_index=0 if t == 0 else None
            )
            if t == 0:
                kwargs["cross_attention_cache"] = mine.init_cache(2, 4)
            ref_kwargs.update(
                cross_attention_cache=np.zeros((2, 2, 4, 2, 4), "float32") if t == 0 else ref_cross,
                cross_attention_cache_update_index=0 if t == 0 else None,
            )
        step_args = (x[:, t : t + 1], args[1]) if cross else (x[:, t : t + 1],)
        out = mine(*step_args, **kwargs)
        ref_out = ref(*step_args, **ref_kwargs)
        y, cache = out[0], out[1]
        if cross:
            cross_cache, ref_cross = out[2], ref_out[2]
        ref_cache = ref_out[1]
        np.testing.assert_allclose(y, ref_out[0], atol=1e-5)
        np.testing.assert_allclose(cache, ref_cache, atol=1e-5)
        steps.append(np.asarray(y))
    np.testing.assert_allclose(np.concatenate(steps, axis=1), full, atol=1e-5)


def test_cache_with_a_prompt_then_one_step():
    _, mine, (x,) = _pair(False, False)
    cache = mine.init_cache(2, 5)
    y_prompt, cache = mine(x[:, :3], self_attention_cache=cache, self_attention_cache_update_index=0)
    y_next, cache = mine(x[:, 3:4], self_attention_cache=cache, self_attention_cache_update_index=3)
    full = np.asarray(mine(x))
    np.testing.assert_allclose(y_prompt, full[:, :3], atol=1e-5)
    np.testing.assert_allclose(y_next, full[:, 3:4], atol=1e-5)


def test_causal_mask_with_offset():
    assert np.asarray(causal_mask(2, 4, start=1)).astype(int).tolist() == [[1, 1, 0, 0], [1, 1, 1, 0]]


def test_errors_are_clear():
    with pytest.raises(ValueError, match="does not divide"):
        TransformerDecoderBlock(3, 16)(np.zeros((1, 4, 8), "float32"))
    with pytest.raises(ValueError, match="intermediate_dim"):
        TransformerDecoderBlock(2, 0)
    block = TransformerDecoderBlock(2, 16)
    block(np.zeros((1, 4, 8), "float32"))
    with pytest.raises(ValueError, match="without cross-attention"):
        block(np.zeros((1, 4, 8), "float32"), np.zeros((1, 3, 8), "float32"))
    with pytest.raises(ValueError, match="decoder_padding_mask"):
        block(np.zeros((1, 4, 8), "float32"), decoder_padding_mask=np.ones((1, 5)))
    cross = TransformerDecoderBlock(2, 16)
    cross(np.zeros((1, 4, 8), "float32"), np.zeros((1, 3, 8), "float32"))
    with pytest.raises(ValueError, match="with cross-attention"):
        cross(np.zeros((1, 4, 8), "float32"))
    with pytest.raises(ValueError, match="encoder_padding_mask"):
        cross(
            np.zeros((1, 4, 8), "float32"),
            np.zeros((1, 3, 8), "float32"),
            encoder_padding_mask=np.ones((1, 4)),
        )


def test_model_round_trips(tmp_path):
    ids_in, src_in = keras.Input((6,), dtype="int32"), keras.Input((4,), dtype="int32")
    x = keras.layers.Embedding(20, 8, mask_zero=True)(ids_in)
    enc = keras.layers.Embedding(20, 8, mask_zero=True)(src_in)
    x = TransformerDecoderBlock(2, 16, dropout=0.1, name="dec")(x, enc)
    model = keras.Model([ids_in, src_in], keras.layers.Dense(3)(x))
    ids, src = np.array([[3, 4, 5, 0, 0, 0]]), np.array([[1, 2, 0, 0]])
    path = tmp_path / "dec.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(loaded([ids, src]), model([ids, src]), atol=1e-6)
    assert loaded.get_layer("dec").get_config()["dropout"] == 0.1
    assert loaded.get_layer("dec").cross_attention is not None
