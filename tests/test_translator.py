"""Seq2seq translator: text encoding, builder, inference models sharing the trained weights, greedy and
beam decoding, save → load in a fresh process, the translate command, and a tiny training run."""

import subprocess
import sys

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from coursework.datasets.numbers import number_to_words  # noqa: E402
from coursework.generation.seq2seq import Seq2SeqTranslator  # noqa: E402
from coursework.models.translator import (  # noqa: E402
    END,
    TARGET_SPECIALS,
    build_seq2seq_translator,
    build_vocabulary,
    compile_translator,
    detokenize,
    encode_texts,
    teacher_forcing_arrays,
    tokenize,
)

SOURCES = [number_to_words(n) for n in range(0, 100)]
TARGETS = [number_to_words(n, "en") for n in range(0, 100)]
SOURCE_VOCAB = build_vocabulary(SOURCES)
TARGET_VOCAB = build_vocabulary(TARGETS, TARGET_SPECIALS)


def _model(attention="general", cell="gru", seed=0, units=16):
    keras.utils.set_random_seed(seed)
    return build_seq2seq_translator(
        SOURCE_VOCAB, TARGET_VOCAB, 4, 5, embedding_dim=8, units=units, attention=attention, cell=cell
    )


def test_tokenize_detokenize_and_vocabulary():
    assert tokenize("¿Dónde VIVES?") == ["¿", "dónde", "vives", "?"]
    assert detokenize(tokenize("twenty-one thousand")) == "twenty-one thousand"
    assert detokenize(["hola", ",", "¿", "qué", "tal", "?"]) == "hola, ¿qué tal?"
    vocab = build_vocabulary(["b a a", "c a b"], max_size=4)
    assert vocab == ["", "[UNK]", "a", "b"]
    assert TARGET_VOCAB[:4] == ["", "[UNK]", "[START]", "[END]"]


def test_encoding_errors_and_documented_oov():
    ids = encode_texts(["veinte perro"], SOURCE_VOCAB, 4)
    assert ids[0, 1] == 1 and ids[0, 2] == 0  # unknown word -> [UNK], then padding
    with pytest.raises(ValueError, match="perro"):
        encode_texts(["veinte perro"], SOURCE_VOCAB, 4, on_unknown="error")
    with pytest.raises(ValueError, match="Empty"):
        encode_texts(["  "], SOURCE_VOCAB, 4)
    with pytest.raises(ValueError, match="too long"):
        encode_texts(["uno dos tres cuatro cinco"], SOURCE_VOCAB, 4)
    assert encode_texts(["uno dos tres cuatro cinco"], SOURCE_VOCAB, 4, on_long="truncate").shape == (1, 4)
    (x_source, x_target), y = teacher_forcing_arrays(
        ["veintiuno"], ["twenty-one"], SOURCE_VOCAB, TARGET_VOCAB, 4, 5
    )
    assert x_target[0, 0] == TARGET_VOCAB.index("[START]")
    assert list(y[0, :4]) == [TARGET_VOCAB.index(t) for t in ["twenty", "-", "one", END]]
    assert list(x_target[0, 1:4]) == list(y[0, :3])  # shifted by one: teacher forcing


def test_builder_arguments():
    for attention, layer in (
        ("dot", "LuongAttention"),
        ("general", "LuongAttention"),
        ("additive", "BahdanauAttention"),
    ):
        model = _model(attention)
        assert type(model.get_layer("attention")).__name__ == layer
        assert model.output_shape == (None, 5, len(TARGET_VOCAB))
    assert "attention" not in {layer.name for layer in _model(None).layers}
    with pytest.raises(ValueError, match="attention"):
        _model("cosine")
    with pytest.raises(ValueError, match="cell"):
        _model(cell="rnn")
    with pytest.raises(ValueError, match="START"):
        build_seq2seq_translator(SOURCE_VOCAB, SOURCE_VOCAB, 4, 5)
    with pytest.raises(ValueError, match="rows"):
        build_seq2seq_translator(SOURCE_VOCAB, TARGET_VOCAB, 4, 5, source_embeddings=np.zeros((3, 8)))


def test_pretrained_embeddings_are_loaded_and_can_be_frozen():
    matrix = np.random.default_rng(0).normal(size=(len(SOURCE_VOCAB), 6)).astype("float32")
    model = build_seq2seq_translator(
        SOURCE_VOCAB, TARGET_VOCAB, 4, 5, units=8, source_embeddings=matrix, trainable_embeddings=False
    )
    layer = model.get_layer("source_embedding")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer.embeddings), matrix)
    assert not layer.trainable and model.get_layer("target_embedding").trainable


@pytest.mark.parametrize(
    "attention, cell", [(None, "gru"), ("dot", "gru"), ("general", "lstm"), ("additive", "gru")]
)
def test_step_decoder_reproduces_teacher_forcing(attention, cell):
    """The inference encoder / one-step decoder share the training model's weights: decoding a known
    target step by step gives the same probabilities as the training model."""
    model = _model(attention, cell)
    translator = Seq2SeqTranslator(model)
    (x_source, x_target), _ = teacher_forcing_arrays(
        ["noventa y nueve", "tres"], ["ninety-nine", "three"], SOURCE_VOCAB, TARGET_VOCAB, 4, 5
    )
    expected = model.predict_on_batch([x_source, x_target])
    state = translator._encoder_state(x_source)
    for step in range(5):
        probs, state, weights = translator._step(x_target[:, step], state)
        np.testing.assert_allclose(probs, expected[:, step], rtol=1e-4, atol=1e-6)
        if attention is not None:
            assert weights.shape == (2, 4)
            assert np.all(weights[1, 1:] < 1e-6)  # "tres" has one word: the rest is padding


def test_greedy_batched_and_beam_agree_and_beam_scores_are_exact():
    translator = Seq2SeqTranslator(_model("general", seed=1))
    texts = SOURCES[::7]
    batched = translator.translate(texts)
    assert batched == [translator.translate([t])[0] for t in texts]
    assert translator.translate(texts, beam_width=1) == batched
    source = translator.encode(["setenta y siete"])
    results = translator.beam_ids(source[0], beam_width=3)
    assert len(results) == 3 and results[0][1] >= results[1][1] >= results[2][1]
    for ids, score in results:  # beams reuse the encoder states
        decoder_in = np.zeros((1, 5), "int32")
        decoder_in[0, 0] = translator.start_id
        decoder_in[0, 1 : len(ids) + 1] = ids[:4]
        probs = translator.model.predict_on_batch([source, decoder_in])[0]
        sequence = (ids + [translator.end_id])[:5]
        assert score == pytest.approx(sum(np.log(probs[i, t]) for i, t in enumerate(sequence)), abs=1e-3)


def test_translate_errors_and_alignment():
    translator = Seq2SeqTranslator(_model("dot"))
    with pytest.raises(TypeError, match="list"):
        translator.translate("veinte")
    with pytest.raises(ValueError, match="perro"):
        translator.translate(["perro"])
    with pytest.raises(ValueError, match="Empty"):
        translator.translate([""])
    with pytest.raises(ValueError, match="beam_width"):
        translator.translate(["uno"], beam_width=0)
    assert translator.translate([]) == []
    source_tokens, target_tokens, weights = translator.alignment("treinta y uno")
    assert source_tokens == ["treinta", "y", "uno"]
    assert weights.shape == (len(target_tokens), 3)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError, match="no attention"):
        Seq2SeqTranslator(_model(None)).alignment("uno")
    with pytest.raises(ValueError, match="not a seq2seq translator"):
        Seq2SeqTranslator(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]))


def test_tiny_training_learns_number_words():
    keras.utils.set_random_seed(0)
    model = build_seq2seq_translator(
        SOURCE_VOCAB, TARGET_VOCAB, 4, 5, embedding_dim=16, units=48, attention="general"
    )
    compile_translator(model, 1e-2)
    x, y = teacher_forcing_arrays(SOURCES, TARGETS, SOURCE_VOCAB, TARGET_VOCAB, 4, 5)
    model.fit(x, y, epochs=40, batch_size=20, verbose=0)
    predictions = Seq2SeqTranslator(model).translate(SOURCES)
    assert np.mean([p == t for p, t in zip(predictions, TARGETS, strict=False)]) > 0.8  # chance is ~0


def test_saved_model_translates_in_a_fresh_process(tmp_path):
    model = _model("additive", seed=2)
    translator = Seq2SeqTranslator(model)
    texts = ["cuarenta y dos", "noventa"]
    expected = translator.translate(texts)
    path = tmp_path / "translator.keras"
    model.save(path)
    run = subprocess.run(
        [sys.executable, "-m", "coursework", "translate", "--model", str(path), *texts],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == expected
    bad = subprocess.run(
        [sys.executable, "-m", "coursework", "translate", "--model", str(path), "gato"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 1 and "Unknown word" in bad.stderr and "Traceback" not in bad.stderr


def test_beam_and_greedy_translations_equal_exhaustive_search_on_a_toy_decoder():
    """With the decoder replaced by a toy (one probability table per position over [END] and three
    words), the translator's beam search with ``end_token=[END]`` returns exactly the best hypotheses
    of an exhaustive search, scored with their total log-probability, and greedy follows the argmax."""
    import itertools

    translator = Seq2SeqTranslator(_model("dot"))
    words = [TARGET_VOCAB.index(w) for w in ("one", "two", "three")]
    allowed = [translator.end_id] + words
    tables = np.zeros((5, len(TARGET_VOCAB), len(TARGET_VOCAB)))
    rng = np.random.default_rng(4)
    for position in range(5):
        tables[position][:, allowed] = rng.dirichlet(np.full(4, 0.6), size=len(TARGET_VOCAB))

    def toy_step(token_ids, state):
        position = state["position"]
        return tables[position, np.asarray(token_ids)], {"position": position + 1}, None

    translator._encoder_state = lambda ids: {"position": np.zeros(len(ids), int)}
    translator._step = toy_step
    max_length = 4
    hypotheses = []
    for length in range(1, max_length + 1):
        for seq in itertools.product(allowed, repeat=length):
            if translator.end_id in seq[:-1] or (length < max_length and seq[-1] != translator.end_id):
                continue
            logp = sum(
                np.log(tables[i, a, b])
                for i, (a, b) in enumerate(zip((translator.start_id,) + seq, seq, strict=False))
            )
            hypotheses.append((list(seq[:-1]) if seq[-1] == translator.end_id else list(seq), logp))
    hypotheses.sort(key=lambda item: -item[1])
    source = translator.encode(["uno"])[0]
    results = translator.beam_ids(source, beam_width=64, max_length=max_length)
    assert [ids for ids, _ in results[:8]] == [ids for ids, _ in hypotheses[:8]]
    np.testing.assert_allclose([s for _, s in results[:8]], [s for _, s in hypotheses[:8]])
    best_text = translator._tokens_to_text(hypotheses[0][0])
    assert translator.translate(["uno"], beam_width=64, max_length=max_length) == [best_text]
    greedy, token = [], translator.start_id
    for position in range(max_length):
        token = int(tables[position, token].argmax())
        if token == translator.end_id:
            break
        greedy.append(token)
    assert translator.greedy_ids(translator.encode(["uno"]), max_length)[0] == [greedy]


def test_beam_limits_are_refused_by_name():
    from coursework.generation.search import MAX_BEAM_WIDTH, MAX_LENGTH

    translator = Seq2SeqTranslator(_model(None))
    with pytest.raises(ValueError, match="MAX_BEAM_WIDTH"):
        translator.translate(["uno"], beam_width=MAX_BEAM_WIDTH + 1)
    with pytest.raises(ValueError, match="MAX_LENGTH"):
        translator.translate(["uno"], max_length=MAX_LENGTH + 1)
    with pytest.raises(ValueError, match="MAX_BEAM_TOKENS"):
        translator.translate(["uno"], beam_width=MAX_BEAM_WIDTH, max_length=MAX_LENGTH)


@pytest.mark.parametrize("add_start, add_end", [(False, False), (True, False), (False, True), (True, True)])
def test_encoding_equals_string_lookup_then_keras_hub_start_end_packer(add_start, add_end):
    from keras_hub.layers import StartEndPacker

    from coursework.models.translator import vocabulary_lookup

    texts = ["twenty-one", "one", "ninety-nine thousand", "seven zzz", "one two three four five six"]
    lookup = vocabulary_lookup(TARGET_VOCAB)
    packer = StartEndPacker(
        5,
        start_value=TARGET_VOCAB.index("[START]") if add_start else None,
        end_value=TARGET_VOCAB.index("[END]") if add_end else None,
        pad_value=0,
    )
    ids = [[TARGET_VOCAB.index(t) if t in TARGET_VOCAB else 1 for t in tokenize(text)] for text in texts]
    expected = keras.ops.convert_to_numpy(packer(ids))
    ours = encode_texts(texts, lookup, 5, add_start=add_start, add_end=add_end, on_long="truncate")
    np.testing.assert_array_equal(ours, expected)
    np.testing.assert_array_equal(
        encode_texts(texts, TARGET_VOCAB, 5, add_start=add_start, add_end=add_end, on_long="truncate"),
        expected,
    )
    with pytest.raises(ValueError, match="padding"):
        vocabulary_lookup(["[UNK]", "", "one"])


def test_train_with_budget_runs_extra_callbacks_after_the_validation_exact_match():
    from coursework.recipes.transformer_translator import train_with_budget
    from coursework.recipes.translator import build_number_translator, make_splits, settings_for

    settings = settings_for(
        "ci", n=300, epochs=4, units=8, embedding_dim=8, validation_size=10, attention=None
    )
    splits = make_splits(settings, seed=0)
    seen = []

    class StopAfterFirstEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(dict(logs))
            self.model.stop_training = True

    keras.utils.set_random_seed(0)
    model = build_number_translator(splits, settings)
    _, history = train_with_budget(
        model, splits, settings, budget_seconds=600, callbacks=[StopAfterFirstEpoch()]
    )
    assert len(history.history["loss"]) == 1 and len(history.history["elapsed_seconds"]) == 1
    assert 0.0 <= seen[0]["val_exact_match"] <= 1.0  # the extra callback sees the decoded metric
