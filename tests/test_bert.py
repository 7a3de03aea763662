"""BERT pieces: raw-text model round trip (tiny backbone), 15 % masking, summaries, MiniLM offline,
the two-phase training loop and its schedule, and the package's layering around them."""

import ast
import pathlib
import subprocess
import sys
import zipfile

import h5py
import numpy as np
import pytest

from coursework.models import bert
from coursework.recipes import bert_training

WORDS = ["good", "bad", "film", "movie", "great", "dull", "the", "a", "is", "was", "river", "bank"]
VOCAB = list(bert.SPECIAL_TOKENS) + WORDS


def _tokenizer():
    import keras_hub

    return keras_hub.models.BertTokenizer(vocabulary=VOCAB, lowercase=True)


def test_raw_text_model_saves_and_loads_in_a_fresh_process(tmp_path):
    backbone = bert.build_tiny_bert(
        len(VOCAB), num_layers=1, hidden_dim=16, intermediate_dim=32, max_sequence_length=16
    )
    body = bert.build_bert_classifier(backbone, freeze_backbone=False)
    preprocessor = bert.make_preprocessor(_tokenizer(), 16, backbone)
    body.compile("adam", "binary_crossentropy")  # trained with Adam: its moments must not be saved
    body.fit(bert.tokenize(preprocessor, ["a good film", "a dull movie"]), np.array([1.0, 0.0]), verbose=0)
    model = bert.raw_text_bert_classifier(preprocessor, body)
    texts = np.array(["a good film", "the movie was dull"], dtype=object)
    expected = model.predict(texts, verbose=0).ravel()
    path = tmp_path / "bert.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive, archive.open("model.weights.h5") as f:
        (tmp_path / "w.h5").write_bytes(f.read())
    with h5py.File(tmp_path / "w.h5") as weights:
        groups = []
        weights.visit(groups.append)
    assert not [g for g in groups if "optimizer" in g], "the raw-text model saved optimizer state"
    code = (
        "import sys, numpy as np\n"
        "from coursework.persistence import load_model\n"
        f"m = load_model({str(path)!r})\n"
        "p = m.predict(['a good film', 'the movie was dull'], verbose=0)\n"
        "print(' '.join(f'{v:.6f}' for v in p.ravel()))\n"
        "print(sorted(n for n in sys.modules if n.startswith('coursework.models')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Skipping variable loading" not in out.stderr
    probabilities, imported = out.stdout.strip().splitlines()[-2:]
    np.testing.assert_allclose([float(v) for v in probabilities.split()], expected, atol=1e-5)
    assert imported == "[]", f"persistence.load_model imported {imported}: it needs coursework.layers only"


def test_sequence_length_limits_and_truncation_warning():
    with pytest.raises(ValueError, match="sequence_length"):
        bert.make_preprocessor(_tokenizer(), 1000)
    preprocessor = bert.make_preprocessor(_tokenizer(), 5)
    with pytest.warns(UserWarning, match="truncated"):
        tokens = bert.tokenize(preprocessor, ["the good film was great", "a film"])
    assert tokens["token_ids"].shape == (2, 5)
    with pytest.raises(TypeError):
        bert.tokenize(preprocessor, "a single string")


def test_masked_lm_dataset_masks_15_percent_of_real_tokens_only():
    texts = [" ".join(np.random.default_rng(i).choice(WORDS, size=12)) for i in range(200)]
    ds = bert.masked_lm_dataset(texts, _tokenizer(), sequence_length=16, batch_size=200, shuffle=False)
    x, mask_ids, weights = next(iter(ds))
    positions = np.asarray(x["mask_positions"])
    weights = np.asarray(weights)
    rate = weights.sum() / (12 * 200)
    assert 0.12 < rate < 0.18, rate
    chosen = positions[weights > 0]
    assert chosen.min() >= 1 and chosen.max() <= 12  # never [CLS] (0) or [SEP] (13) or padding
    masked_ids = np.asarray(x["token_ids"])
    rows = np.nonzero(weights > 0)[0]
    share_mask = np.mean(masked_ids[rows, chosen] == VOCAB.index("[MASK]"))
    assert 0.7 < share_mask < 0.9  # 80 % become [MASK]


def test_masked_lm_builds_and_fills_a_mask():
    backbone = bert.build_tiny_bert(
        len(VOCAB), num_layers=1, hidden_dim=16, intermediate_dim=32, max_sequence_length=16
    )
    mlm = bert.build_masked_lm(backbone)
    best = bert.fill_mask(mlm, _tokenizer(), "the [MASK] was good", top_k=3, sequence_length=16)
    assert len(best) == 3 and all(p > 0 for _, p in best)
    with pytest.raises(ValueError, match="MASK"):
        bert.fill_mask(mlm, _tokenizer(), "no mask here")


def test_extractive_summary_picks_sentences_near_the_centroid():
    emb = np.array([[1.0, 0.0], [0.8, 0.2], [0.9, 0.1], [0.0, 1.0]])
    summary, idx, sim = bert.extractive_summary(["a", "b", "c", "d"], emb, k=2)
    assert summary == ["b", "c"] and list(idx) == [1, 2]
    assert np.argmin(sim) == 3
    with pytest.raises(ValueError):
        bert.extractive_summary(["a"], emb, k=1)
    assert bert.split_sentences("Uno dos tres cuatro. Cinco seis siete ocho! No.") == [
        "Uno dos tres cuatro.",
        "Cinco seis siete ocho!",
    ]


def test_real_minilm_loads_offline_and_gives_contextual_vectors():
    backbone, tokenizer = bert.load_minilm()
    assert backbone.count_params() == 22_713_216
    sim = bert.cosine_matrix(bert.contextual_vectors(backbone, tokenizer, bert.BANK_SENTENCES, "bank"))
    # Same sense closer than different senses: the vector of "bank" depends on its context.
    assert sim[0, 1] > max(sim[0, 2], sim[0, 3]) and sim[2, 3] > max(sim[2, 0], sim[2, 1])
    with pytest.raises(ValueError, match="does not occur"):
        bert.contextual_vectors(backbone, tokenizer, ["No such word here."], "bank")


def test_two_phase_fine_tuning_keeps_the_word_piece_table_frozen_and_watches_validation():
    rng = np.random.default_rng(0)
    good, bad = ["good", "great", "film"], ["bad", "dull", "movie"]

    def split(n):
        labels = rng.integers(0, 2, n)
        texts = [" ".join(rng.choice(good if y else bad, size=int(rng.integers(2, 9)))) for y in labels]
        return _Split(texts, labels)

    data = {"train": split(64), "validation": split(24), "test": split(24)}
    backbone = bert.build_tiny_bert(
        len(VOCAB), num_layers=1, hidden_dim=16, intermediate_dim=32, max_sequence_length=16
    )
    table = backbone.get_layer("token_embedding").get_weights()[0].copy()
    block = [w.copy() for w in backbone.get_layer("transformer_layer_0").get_weights()]
    settings = bert_training.BertSettings(
        sequence_length=16,
        head_epochs=2,
        finetune_epochs=2,
        batch_size=8,
        finetune_learning_rate=1e-2,
        freeze_token_embedding=True,
    )
    run = bert_training.train_bert_classifier(
        data, settings, backbone=backbone, tokenizer=_tokenizer(), verbose=0
    )

    np.testing.assert_array_equal(backbone.get_layer("token_embedding").get_weights()[0], table)
    moved = backbone.get_layer("transformer_layer_0").get_weights()
    assert any(not np.allclose(a, b) for a, b in zip(moved, block, strict=True))  # the rest did fine-tune
    assert len(run["history"]["val_accuracy"]) == 2
    m = run["metrics"]
    assert m["n_train"] == 64 and m["n_test"] == 24 and 0 <= m["accuracy"] <= 1
    assert m["val_accuracy"] == run["history"]["val_accuracy"][-1]
    assert run["test_probabilities"].shape == (24,)


class _Split:
    def __init__(self, texts, labels):
        self.texts, self.labels = texts, np.asarray(labels)

    def __len__(self):
        return len(self.texts)


@pytest.mark.parametrize(
    "field, value",
    [
        ("finetune_epochs", 0),
        ("head_epochs", -1),
        ("batch_size", 0),
        ("n_train", 0),
        ("finetune_learning_rate", 0.0),
        ("warmup_share", 1.0),
    ],
)
def test_bert_settings_refuse_impossible_values_with_the_field_name(field, value):
    with pytest.raises(ValueError, match=f"BertSettings.{field}"):
        bert_training.BertSettings(**{field: value})


def test_fine_tuning_schedule_is_keras_cosine_decay_with_linear_warm_up():
    import keras

    lr = bert_training.fine_tuning_schedule(2e-5, total_steps=40, warmup_share=0.25)
    assert isinstance(lr, keras.optimizers.schedules.CosineDecay)
    values = [float(lr(s)) for s in range(41)]
    np.testing.assert_allclose(values[:11], np.linspace(0, 2e-5, 11), rtol=1e-5, atol=1e-12)  # warm-up
    assert all(a >= b for a, b in zip(values[10:], values[11:], strict=False))  # then it only goes down
    assert values[25] == pytest.approx(1e-5, rel=1e-4) and values[40] == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="warmup_share"):
        bert_training.fine_tuning_schedule(1e-5, 10, 1.0)


def test_models_never_import_recipes_generation_or_commands():
    root = pathlib.Path(bert.__file__).resolve().parents[2]
    forbidden = ("coursework.recipes", "coursework.generation", "coursework.commands")
    offenders = []
    for path in sorted((root / "coursework" / "models").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{path.relative_to(root)}: {n}" for n in names if n.startswith(forbidden)]
    assert not offenders, offenders
    assert all(
        len(p.read_text(encoding="utf-8").splitlines()) <= 400
        for p in (root / "coursework" / "models" / "bert").glob("*.py")
    )
