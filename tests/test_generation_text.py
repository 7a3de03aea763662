"""Fast generation: the step model equals the full model, sampling and beam search behave."""

import keras
import numpy as np
import pytest

from coursework.generation.search import sample_next
from coursework.generation.text import RecurrentStepper, beam_search, generate, next_token_probs, top_k_next
from coursework.models.generator import build_char_generator, build_word_lm

CHARS = ["\ufffd", "\n", " ", ",", "."] + list("abcdefghijklmnopqrstuvwxyzñá")


def _randomise(model, seed=0):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    return model


@pytest.fixture(scope="module")
def char_model():
    keras.utils.set_random_seed(1)
    return _randomise(build_char_generator(vocabulary=CHARS, window=None, units=16))


@pytest.mark.parametrize(
    "options",
    [
        dict(),  # the seed: one-hot → LSTM
        dict(cell="gru", num_layers=2, embedding_dim=8),  # stacked GRU with embedding
        dict(num_layers=2, return_sequences=True, dropout=0.2),  # per-position outputs
        dict(cell="simple_rnn", num_layers=2),  # class 4's plain recurrent cell
    ],
)
def test_step_model_equals_full_window_model(options):
    model = _randomise(build_char_generator(vocabulary=CHARS, window=12, units=16, **options), seed=3)
    stepper = RecurrentStepper(model)
    prefix = "hola, señora"
    ids = stepper.encode(prefix)[None]
    full = model.predict(ids, verbose=0)
    full = full[0, -1] if full.ndim == 3 else full[0]
    np.testing.assert_allclose(next_token_probs(stepper, prefix), full, atol=1e-5)
    if options.get("return_sequences"):  # every position, not only the last
        steps = [stepper.read(ids[0, : t + 1])[0] for t in range(ids.shape[1])]
        np.testing.assert_allclose(np.stack(steps), model.predict(ids, verbose=0)[0], atol=1e-5)


def test_word_model_step_equals_full_model_and_top_k():
    vocabulary = ["", "[UNK]", "el", "la", "de", "que", "señor", "presidente"]
    model = _randomise(build_word_lm(vocabulary=vocabulary, embedding_dim=6, units=10))
    stepper = RecurrentStepper(model)
    ids = stepper.encode("¡El señor, PRESIDENTE desconocido!")
    assert ids.tolist() == [2, 6, 7, 1]  # punctuation stripped, lower-cased, unknown → [UNK]
    full = model.predict(ids[None], verbose=0)[0, -1]
    np.testing.assert_allclose(stepper.read(ids)[0], full, atol=1e-5)
    top = top_k_next(model, "el señor", k=3)
    assert len(top) == 3 and all(word not in ("", "[UNK]") for word, _ in top)
    assert [p for _, p in top] == sorted((p for _, p in top), reverse=True)
    text = generate(model, "el señor", length=30, temperature=1.5, seed=0)
    assert len(text.split()) == 30 and "[UNK]" not in text  # never padding nor [UNK]
    assert all("[UNK]" not in t for t, _ in beam_search(model, "el", beam_width=3, max_length=6))


def test_sampling_from_logits_or_probabilities_gives_one_distribution():
    logits = np.random.default_rng(0).normal(0, 2, 12).astype("float32")
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    n = 20_000
    for temperature in (0.3, 1.0, 1.5):
        a, b = np.random.default_rng(1), np.random.default_rng(2)
        fast = (
            np.bincount(
                [sample_next(logits, temperature, a, from_logits=True) for _ in range(n)], minlength=12
            )
            / n
        )
        slow = np.bincount([sample_next(probs, temperature, b) for _ in range(n)], minlength=12) / n
        expected = probs.astype("float64") ** (1 / temperature)
        expected /= expected.sum()
        np.testing.assert_allclose(fast, expected, atol=0.015)
        np.testing.assert_allclose(slow, expected, atol=0.015)


def test_generate_is_seeded_and_greedy_at_low_temperature(char_model):
    first = generate(char_model, "hola ", length=30, temperature=1.0, seed=3)
    assert len(first) == 30 and first == generate(char_model, "hola ", length=30, temperature=1.0, seed=3)
    greedy = generate(char_model, "hola ", length=10, temperature=1e-6)
    assert greedy == beam_search(char_model, "hola ", beam_width=1, max_length=10)[0][0]
    # greedy by hand with the full-window model (prompt + generated so far)
    stepper = RecurrentStepper(char_model)
    text = "hola "
    for _ in range(10):
        probs = char_model.predict(stepper.encode(text)[None], verbose=0)[0]
        text += stepper.vocabulary[int(np.argmax(probs))]
    assert text[5:] == greedy


def test_generate_stops_at_stop_token(char_model):
    out = generate(char_model, "a", length=500, temperature=2.0, seed=0, stop_token=" ")
    assert out.endswith(" ") and " " not in out[:-1]


def test_beam_search_scores_and_width(char_model):
    results = beam_search(char_model, "la ", beam_width=4, max_length=8)
    assert len(results) == 4 and all(len(text) == 8 for text, _ in results)
    scores = [s for _, s in results]
    assert scores == sorted(scores, reverse=True)
    stepper = RecurrentStepper(char_model)
    best, score = results[0]
    # the score is the mean log-probability of the continuation
    probs, state = stepper.read(stepper.encode("la "))
    logp = 0.0
    for char in best:
        token = stepper.token_id(char)
        logp += np.log(probs[token])
        probs, state = stepper.step([token], state)
        probs = probs[0]
    assert score == pytest.approx(logp / len(best), abs=1e-4)
    unnormalised = beam_search(char_model, "la ", beam_width=4, max_length=8, length_normalization=False)
    assert unnormalised[0][0] == best
    ended = beam_search(char_model, "la ", beam_width=3, max_length=60, end_token=".")
    assert all(text.endswith(".") or len(text) == 60 for text, _ in ended)


def test_stochastic_beam_search_is_seeded_distinct_and_cold_equals_deterministic(char_model):
    def run(**options):
        return beam_search(char_model, "la ", beam_width=4, max_length=10, sample=True, **options)

    drawn = run(seed=3)
    assert drawn == run(rng=np.random.default_rng(3))
    assert len({text for text, _ in drawn}) == 4 and all(len(text) == 10 for text, _ in drawn)
    assert any(run(seed=seed) != drawn for seed in range(4, 8))
    assert run(seed=0, temperature=1e-4) == beam_search(char_model, "la ", beam_width=4, max_length=10)


def test_prompt_errors(char_model):
    with pytest.raises(ValueError, match=r"\['#', '€'\]"):
        generate(char_model, "hola €#", length=5)
    with pytest.raises(ValueError, match="empty"):
        generate(char_model, "", length=5)
    with pytest.raises(TypeError, match="prompt"):
        beam_search(char_model, 12)
    with pytest.raises(ValueError, match="temperature"):
        generate(char_model, "hola", temperature=0)
    with pytest.raises(ValueError, match="beam_width"):
        beam_search(char_model, "hola", beam_width=0)
    with pytest.raises(ValueError, match="not in the model's vocabulary"):
        beam_search(char_model, "hola", end_token="@")
    assert generate(char_model, "HOLA À", length=3, seed=0)  # upper case and accents are mapped
    with pytest.raises(TypeError, match="TokenVocabulary"):
        RecurrentStepper(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]))
