"""ELMo-style contextual vectors: the biLM builder, its states, the sense set and nearest-sense accuracy."""

import collections

import keras
import numpy as np
import pytest

from coursework.datasets.senses import SENSES, load_senses
from coursework.models.elmo import (
    bilm_states,
    bilm_windows,
    build_bilm,
    chance_accuracy,
    contextual_vectors,
    nearest_sense_accuracy,
)
from coursework.text import standardize_words

VOCAB = ["", "[UNK]", "el", "banco", "de", "la", "plaza", "pidió", "un", "préstamo", "al"]


@pytest.fixture(scope="module")
def bilm():
    keras.utils.set_random_seed(0)
    return build_bilm(VOCAB, embedding_dim=4, units=3)


def test_bilm_has_one_embedding_two_lstms_and_one_shared_softmax(bilm):
    v, e, u = len(VOCAB), 4, 3
    lstm = 4 * (u * (e + u) + u)
    assert bilm.count_params() == v * e + 2 * lstm + (u * v + v)
    assert [type(layer).__name__ for layer in bilm.layers[1:]] == [
        "TokenVocabulary",
        "Embedding",
        "Bidirectional",
        "Dense",
    ]
    out = bilm(np.array([[2, 3, 4, 5]]))
    assert set(out) == {"next_word", "previous_word"}
    for probs in out.values():
        assert tuple(probs.shape) == (1, 4, v)
        assert np.allclose(np.asarray(probs).sum(-1), 1.0, atol=1e-5)


def test_forward_states_read_the_left_and_backward_states_the_right(bilm):
    a = bilm_states(bilm, np.array([[2, 3, 4, 5, 6]]))
    b = bilm_states(bilm, np.array([[7, 3, 4, 5, 10]]))  # first and last word changed
    # forward at t depends on words 0..t: all positions change; backward at t on words t..end
    assert not np.allclose(a["forward"][0, 1:4], b["forward"][0, 1:4])
    assert not np.allclose(a["backward"][0, 1:4], b["backward"][0, 1:4])
    c = bilm_states(bilm, np.array([[2, 3, 4, 5, 10]]))  # only the last word changed
    assert np.allclose(a["forward"][0, :4], c["forward"][0, :4], atol=1e-6)
    assert not np.allclose(a["backward"][0, 3], c["backward"][0, 3])
    d = bilm_states(bilm, np.array([[7, 3, 4, 5, 6]]))  # only the first word changed
    assert np.allclose(a["backward"][0, 1:], d["backward"][0, 1:], atol=1e-6)
    assert np.allclose(a["embedding"][0, 1:], d["embedding"][0, 1:])


def test_backward_direction_equals_a_keras_lstm_on_the_reversed_sentence(bilm):
    ids = np.array([[2, 3, 4, 5, 6]])
    states = bilm_states(bilm, ids)
    backward = bilm.get_layer("bilstm").backward_layer
    reference = keras.layers.LSTM(3, return_sequences=True)
    reference.build((None, None, 4))
    reference.set_weights(backward.get_weights())
    reversed_states = np.asarray(reference(states["embedding"][:, ::-1]))
    np.testing.assert_allclose(states["backward"], reversed_states[:, ::-1], atol=1e-6)


def test_bilm_windows_targets_are_the_neighbours():
    x, y = bilm_windows([np.arange(10, 30)], window=4)
    assert x.shape == y["next_word"].shape == y["previous_word"].shape
    np.testing.assert_array_equal(y["next_word"], x + 1)
    np.testing.assert_array_equal(y["previous_word"], x - 1)


def test_contextual_vectors_concatenate_states_at_the_word(bilm):
    sentences = ["El banco de la plaza.", "Pidió un préstamo al banco.", "Banco"]
    vectors = contextual_vectors(bilm, VOCAB, sentences, "banco")
    assert vectors.shape == (3, 6)
    tokens = standardize_words(sentences[1])
    states = bilm_states(bilm, np.array([[VOCAB.index(t) for t in tokens]]))
    position = tokens.index("banco")
    expected = np.concatenate([states["forward"][0, position], states["backward"][0, position]])
    np.testing.assert_allclose(vectors[1], expected, atol=1e-6)
    embedding = contextual_vectors(bilm, VOCAB, sentences, "banco", states=("embedding",))
    assert np.allclose(embedding, embedding[0])  # one vector per word, whatever the sentence
    one_by_one = np.concatenate([contextual_vectors(bilm, VOCAB, [s], "banco") for s in sentences])
    np.testing.assert_allclose(vectors, one_by_one, atol=1e-6)
    with pytest.raises(ValueError, match="does not occur"):
        contextual_vectors(bilm, VOCAB, ["La plaza."], "banco")
    with pytest.raises(ValueError, match="states must be"):
        contextual_vectors(bilm, VOCAB, sentences, "banco", states=("hidden",))


def test_nearest_sense_accuracy_leaves_the_sentence_out_and_uses_cosine():
    senses = ["a", "a", "b", "b"]
    assert nearest_sense_accuracy([[1, 0], [1, 0.1], [0, 1], [0.1, 1]], senses) == 1.0
    # long and short vectors in the same direction are neighbours (cosine, not dot product)
    assert nearest_sense_accuracy([[1, 0], [10, 1], [0, 1], [1, 9]], senses) == 1.0
    # a sentence is never its own neighbour: swapped directions give 0, not 1
    assert nearest_sense_accuracy([[1, 0], [0, 1], [1, 0.1], [0.1, 1]], senses) == 0.0
    # groups: neighbours only among the sentences of the same word
    vectors = [[1, 0], [1, 0], [1, 0.2], [1, 0.2]]
    assert nearest_sense_accuracy(vectors, ["x", "y", "x", "y"], groups=["w1", "w2", "w1", "w2"]) == 1.0
    assert nearest_sense_accuracy(vectors, ["x", "y", "x", "y"]) == 0.0


def test_identical_vectors_score_chance_exactly():
    senses = ["a"] * 6 + ["b"] * 6
    assert chance_accuracy(senses) == pytest.approx(5 / 11)
    assert nearest_sense_accuracy(np.ones((12, 3)), senses) == pytest.approx(5 / 11)
    words = ["w"] * 12 + ["v"] * 4
    expected = (12 * 5 / 11 + 3 * 2 / 3) / 16  # "d" has no neighbour of its sense
    assert chance_accuracy(senses + ["c", "c", "c", "d"], words) == pytest.approx(expected)


def test_sense_set_is_balanced_and_each_sentence_has_its_word_once():
    assert len(SENSES) >= 6
    for word, senses in SENSES.items():
        assert len(senses) == 2 and all(len(s) >= 6 for s in senses.values()), word
    examples = load_senses()
    assert len({e.sentence for e in examples}) == len(examples)
    for e in examples:
        assert standardize_words(e.sentence).count(e.word) == 1, e
    assert collections.Counter(e.word for e in load_senses(["banco"])) == {"banco": 12}
    with pytest.raises(KeyError, match="No labelled sentences"):
        load_senses(["vela"])


def test_elmo_recipe_trains_and_saves_a_model_that_loads_back(tmp_path):
    from coursework.recipes import get_recipe
    from coursework.recipes.elmo import settings_for

    recipe = get_recipe("elmo")
    settings = settings_for(
        "ci", max_chars=60_000, max_tokens=400, embedding_dim=8, units=8, window=8, epochs=1, n_blocks=10
    )
    result = recipe.run(settings, seed=0, verbose=0)
    metrics = result.metrics
    assert metrics["chance_sense_accuracy"] == pytest.approx(5 / 11)
    assert metrics["embedding_sense_accuracy"] == pytest.approx(metrics["chance_sense_accuracy"])
    assert 0.0 <= metrics["sense_accuracy"] <= 1.0
    # one epoch on 60k characters already beats the uniform guess over the vocabulary
    assert metrics["forward_perplexity"] < 400 and metrics["backward_perplexity"] < 400
    import coursework.layers  # noqa: F401  (registers TokenVocabulary)

    path = tmp_path / "bilm.keras"
    result.model.save(path)
    loaded = keras.saving.load_model(path)
    ids = np.array([[2, 3, 4, 5]])
    np.testing.assert_allclose(
        np.asarray(loaded(ids)["previous_word"]), np.asarray(result.model(ids)["previous_word"]), atol=1e-6
    )
