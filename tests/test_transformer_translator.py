"""Transformer translator: builder, step decoding equal to teacher forcing, greedy / beam through the one
search, cross-attention maps, the recipe (tiny training learns), save → `translate` in a fresh process."""

import subprocess
import sys

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from coursework.datasets.numbers import number_to_words  # noqa: E402
from coursework.generation.seq2seq import Seq2SeqTranslator, load_translator  # noqa: E402
from coursework.generation.transformer_translator import TransformerTranslator  # noqa: E402
from coursework.model_kinds import kind_of_model  # noqa: E402
from coursework.models.transformer_translator import build_transformer_translator  # noqa: E402
from coursework.models.translator import (  # noqa: E402
    TARGET_SPECIALS,
    build_vocabulary,
    compile_translator,
    teacher_forcing_arrays,
)
from coursework.recipes import get_recipe  # noqa: E402
from coursework.recipes.transformer_translator import seconds_to_reach, settings_for  # noqa: E402

SOURCES = [number_to_words(n) for n in range(0, 100)]
TARGETS = [number_to_words(n, "en") for n in range(0, 100)]
SOURCE_VOCAB = build_vocabulary(SOURCES)
TARGET_VOCAB = build_vocabulary(TARGETS, TARGET_SPECIALS)


def _model(seed=0, num_layers=1, **kwargs):
    keras.utils.set_random_seed(seed)
    return build_transformer_translator(
        SOURCE_VOCAB, TARGET_VOCAB, 4, 5, embed_dim=16, num_heads=2, intermediate_dim=32,
        num_layers=num_layers, **kwargs,
    )  # fmt: skip


def test_builder_layers_shapes_and_kind():
    model = _model(num_layers=2)
    assert model.output_shape == (None, 5, len(TARGET_VOCAB))
    names = [layer.name for layer in model.layers]
    for name in ("encoder_0", "encoder_1", "decoder_0", "decoder_1", "source_embedding", "next_token"):
        assert name in names
    assert kind_of_model(model) == "translator"
    assert model.get_layer("decoder_1").cross_attention is not None
    with pytest.raises(ValueError, match="num_heads=3 must divide"):
        build_transformer_translator(SOURCE_VOCAB, TARGET_VOCAB, 4, 5, embed_dim=16, num_heads=3)
    with pytest.raises(ValueError, match="num_layers"):
        build_transformer_translator(SOURCE_VOCAB, TARGET_VOCAB, 4, 5, num_layers=0)


def test_padding_of_the_source_does_not_change_the_translation_probabilities():
    model = _model()
    (x_source, x_target), _ = teacher_forcing_arrays(["tres"], ["three"], SOURCE_VOCAB, TARGET_VOCAB, 4, 5)
    longer = build_transformer_translator(
        SOURCE_VOCAB, TARGET_VOCAB, 6, 5, embed_dim=16, num_heads=2, intermediate_dim=32
    )
    longer.set_weights(model.get_weights())
    padded = np.pad(x_source, ((0, 0), (0, 2)))
    np.testing.assert_allclose(
        longer.predict_on_batch([padded, x_target]), model.predict_on_batch([x_source, x_target]), atol=1e-5
    )


@pytest.mark.parametrize("normalize_first", [False, True], ids=["post_ln", "pre_ln"])
def test_step_decoder_reproduces_teacher_forcing(normalize_first):
    model = _model(num_layers=2, normalize_first=normalize_first)
    translator = TransformerTranslator(model)
    (x_source, x_target), _ = teacher_forcing_arrays(
        ["noventa y nueve", "tres"], ["ninety-nine", "three"], SOURCE_VOCAB, TARGET_VOCAB, 4, 5
    )
    expected = model.predict_on_batch([x_source, x_target])
    state = translator._encoder_state(x_source)
    for step in range(5):
        probs, state, weights = translator._step(x_target[:, step], state)
        np.testing.assert_allclose(probs, expected[:, step], rtol=1e-4, atol=1e-6)
        assert weights.shape == (2, 4)
        assert np.all(weights[1, 1:] == 0)  # "tres" has one word: the rest is padding
        np.testing.assert_allclose(weights.sum(-1), 1, atol=1e-5)


def test_greedy_batched_beam_and_cross_attention():
    translator = TransformerTranslator(_model(seed=1))
    texts = SOURCES[::7]
    batched = translator.translate(texts)
    assert batched == [translator.translate([t])[0] for t in texts]
    source = translator.encode(["setenta y siete"])
    results = translator.beam_ids(source[0], beam_width=3)
    assert len(results) == 3 and results[0][1] >= results[1][1] >= results[2][1]
    for ids, score in results:  # each beam's score is the model's own log-probability of it
        decoder_in = np.zeros((1, 5), "int32")
        decoder_in[0, 0] = translator.start_id
        decoder_in[0, 1 : len(ids) + 1] = ids[:4]
        probs = translator.model.predict_on_batch([source, decoder_in])[0]
        sequence = (ids + [translator.end_id])[:5]
        assert score == pytest.approx(sum(np.log(probs[i, t]) for i, t in enumerate(sequence)), abs=1e-3)
    source_tokens, target_tokens, heads = translator.cross_attention("treinta y uno")
    assert source_tokens == ["treinta", "y", "uno"] and 1 <= len(target_tokens) <= 5  # untrained: may not end
    assert heads.shape == (2, len(target_tokens), 3)
    _, _, mean = translator.alignment("treinta y uno")
    np.testing.assert_allclose(heads.mean(0), mean, atol=1e-5)


def test_bad_inputs_are_refused_clearly():
    translator = TransformerTranslator(_model())
    with pytest.raises(ValueError, match="too long"):
        translator.translate(["uno dos tres cuatro cinco"])
    with pytest.raises(ValueError, match="perro"):
        translator.translate(["perro"])
    with pytest.raises(ValueError, match="target length 5"):
        translator.translate(["uno"], max_length=6)
    with pytest.raises(ValueError, match="not a Transformer translator"):
        TransformerTranslator(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]))
    truncating = TransformerTranslator(translator.model, on_long="truncate")
    assert len(truncating.translate(["uno dos tres cuatro cinco"])) == 1


def test_tiny_training_learns_number_words():
    keras.utils.set_random_seed(0)
    model = _model()
    compile_translator(model, 5e-3)
    x, y = teacher_forcing_arrays(SOURCES, TARGETS, SOURCE_VOCAB, TARGET_VOCAB, 4, 5)
    model.fit(x, y, epochs=60, batch_size=20, verbose=0)
    predictions = TransformerTranslator(model).translate(SOURCES)
    assert np.mean([p == t for p, t in zip(predictions, TARGETS, strict=False)]) > 0.8  # chance is ~0


def test_recipe_settings_and_time_to_target():
    recipe = get_recipe("transformer-translator")
    assert recipe.metric == "exact_match" and recipe.notebook == "07e_transformer_traductor.ipynb"
    assert "Transformer" in recipe.describe(settings_for("full"))
    assert settings_for("ci").n < settings_for("full").n
    history = keras.callbacks.History()
    history.history = {"val_exact_match": [0.2, 0.995], "elapsed_seconds": [3.0, 6.5]}
    assert seconds_to_reach(history, 0.99) == 6.5 and seconds_to_reach(history, 1.0) is None


def test_saved_model_translates_in_a_fresh_process(tmp_path):
    model = _model(seed=2)
    texts = ["cuarenta y dos", "noventa"]
    expected = TransformerTranslator(model).translate(texts)
    path = tmp_path / "transformer.keras"
    model.save(path)
    assert isinstance(load_translator(path), TransformerTranslator)
    run = subprocess.run(
        [sys.executable, "-m", "coursework", "translate", "--model", str(path), *texts],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == expected
    bad = subprocess.run(
        [sys.executable, "-m", "coursework", "translate", "--model", str(path), "uno dos tres cuatro cinco"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 1 and "too long" in bad.stderr and "Traceback" not in bad.stderr


def test_rnn_translator_is_still_decoded_by_seq2seq_translator():
    from coursework.models.translator import build_seq2seq_translator

    rnn = build_seq2seq_translator(SOURCE_VOCAB, TARGET_VOCAB, 4, 5, units=8)
    assert type(Seq2SeqTranslator(rnn)) is Seq2SeqTranslator
    with pytest.raises(ValueError, match="not a Transformer translator"):
        TransformerTranslator(rnn)
