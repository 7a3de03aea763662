"""BERT pre-training pieces (notebook 07c): a masked-LM loss that counts only the masked positions, the
held-out accuracy against the most-frequent-piece baseline, next-sentence pairs and their packing."""

import numpy as np
import pytest

from coursework.models import bert
from coursework.recipes import bert_training

WORDS = ["good", "bad", "film", "movie", "great", "dull", "the", "a", "is", "was", "river", "bank"]
VOCAB = list(bert.SPECIAL_TOKENS) + WORDS


def _tokenizer():
    import keras_hub

    return keras_hub.models.BertTokenizer(vocabulary=VOCAB, lowercase=True)


def _texts(n, seed=0):
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(WORDS, size=int(rng.integers(3, 10)))) for _ in range(n)]


def _masked_lm():
    backbone = bert.build_tiny_bert(
        len(VOCAB), num_layers=1, hidden_dim=16, intermediate_dim=32, max_sequence_length=16
    )
    return bert.build_masked_lm(backbone)


def _cross_entropy(logits, labels):
    logits = np.asarray(logits, "float64")
    logits = logits - logits.max(-1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    return -np.take_along_axis(log_probs, labels[..., None], axis=-1)[..., 0]


def test_masked_lm_loss_is_the_mean_over_masked_positions_only():
    mlm = _masked_lm()
    x, y, w = next(iter(bert.masked_lm_dataset(_texts(64), _tokenizer(), 16, batch_size=64, shuffle=False)))
    x, y, w = {k: np.asarray(v) for k, v in x.items()}, np.asarray(y), np.asarray(w)
    assert 0 < w.mean() < 0.6  # short texts: most of the mask slots are empty
    per_slot = _cross_entropy(mlm(x, training=False), y)
    keras_loss = mlm.evaluate(x, y, sample_weight=w, batch_size=64, verbose=0, return_dict=True)["loss"]
    np.testing.assert_allclose(keras_loss, per_slot[w > 0].mean(), rtol=1e-4)
    assert abs(keras_loss - (per_slot * w).mean()) > 0.1  # what averaging over every slot would give


def test_held_out_test_set_masks_15_percent_all_with_the_mask_piece():
    rng = np.random.default_rng(1)
    texts = [" ".join(rng.choice(WORDS, size=12)) for _ in range(100)]
    x, y, w = bert.masked_lm_test_set(texts, _tokenizer(), sequence_length=16, mask_rate=0.15)
    assert 0.12 < w.sum() / (12 * 100) < 0.18
    rows, slots = np.nonzero(w > 0)
    positions = x["mask_positions"][rows, slots]
    assert np.all(x["token_ids"][rows, positions] == VOCAB.index("[MASK]"))  # none left unchanged
    assert np.all(y[rows, slots] != VOCAB.index("[MASK]"))  # the targets are the original pieces


def test_masked_lm_accuracy_and_its_most_frequent_piece_baseline():
    tokenizer = _tokenizer()
    texts = ["the film the film the", "the bank is good"]
    assert bert.most_frequent_piece(tokenizer, texts) == VOCAB.index("the")
    mlm = _masked_lm()
    x, y, w = bert.masked_lm_test_set(_texts(50, seed=2), tokenizer, sequence_length=16)
    result = bert.masked_lm_accuracy(mlm, (x, y, w), VOCAB.index("the"))
    logits = np.asarray(mlm(x, training=False))
    picked = w > 0
    assert result["n_masked"] == int(picked.sum())
    assert result["accuracy"] == pytest.approx(float((logits.argmax(-1) == y)[picked].mean()))
    assert result["baseline_accuracy"] == pytest.approx(float((y == VOCAB.index("the"))[picked].mean()))
    assert result["ratio"] == pytest.approx(result["accuracy"] / result["baseline_accuracy"])
    assert result["loss"] == pytest.approx(_cross_entropy(logits, y)[picked].mean(), rel=1e-4)


def test_next_sentence_pairs_are_half_continuations_half_other_documents():
    docs = [[f"d{d} s{i}" for i in range(20)] for d in range(10)]
    first, second, labels = bert.next_sentence_pairs(docs, seed=3)
    assert len(first) == len(second) == len(labels) == 10 * 19
    assert 0.4 < labels.mean() < 0.6
    for a, b, y in zip(first, second, labels, strict=True):
        doc_a, i = a.split()
        doc_b, j = b.split()
        if y:
            assert doc_a == doc_b and int(j[1:]) == int(i[1:]) + 1
        else:
            assert doc_a != doc_b  # a negative never comes from the same speech
    with pytest.raises(ValueError, match="two documents"):
        bert.next_sentence_pairs([["only one", "document here"]])


def test_pair_inputs_pack_cls_a_sep_b_sep_with_segment_ids():
    x = bert.pair_inputs(_tokenizer(), ["the film"], ["a river bank"], sequence_length=10)
    ids = [VOCAB[i] for i in x["token_ids"][0]]
    assert ids == ["[CLS]", "the", "film", "[SEP]", "a", "river", "bank", "[SEP]", "[PAD]", "[PAD]"]
    assert x["segment_ids"][0].tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 0, 0]
    assert x["padding_mask"][0].tolist() == [True] * 8 + [False] * 2
    model = bert.build_next_sentence_classifier(
        bert.build_tiny_bert(
            len(VOCAB), num_layers=1, hidden_dim=16, intermediate_dim=32, max_sequence_length=10
        )
    )
    assert np.asarray(model(x)).shape == (1, 1)


def test_masked_lm_settings_per_profile_and_held_out_speeches():
    full, ci = bert_training.masked_lm_settings_for("full"), bert_training.masked_lm_settings_for("ci")
    assert full.n_sentences is None and ci.n_sentences == 2000
    assert full.target_ratio == 2.0 and ci.min_ratio < full.min_ratio and ci.epochs < full.epochs
    train, test = bert_training.spanish_documents(n_test_documents=100, n_train_sentences=2000)
    assert len(test) == 100
    n_train = sum(len(d) for d in train)
    assert 2000 <= n_train < 2000 + max(len(d) for d in train)  # whole speeches, stopped at 2,000
    all_train, same_test = bert_training.spanish_documents(n_test_documents=100)
    assert same_test == test and len(all_train) + len(test) == 1000  # every speech in one split
    assert all_train[: len(train)] == train  # the ci profile takes the first training speeches
