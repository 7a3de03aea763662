"""The small GPT: WordPiece tokenizer, builder, cached incremental decoding, generation and the CLI."""

import os
import subprocess
import sys
import warnings

import keras
import numpy as np
import pytest

from coursework.generation.gpt import GPTStepper, PromptCutWarning, beam_search, generate
from coursework.models.gpt import build_gpt, cached_logits, init_caches
from coursework.text.subword import RESERVED_TOKENS, SubwordTokenizer

TEXTS = [
    "señorías, el gobierno de españa presenta hoy un proyecto de ley.",
    "el gobierno y las comunidades autónomas, señorías, tienen que hablar.",
    "¿qué piensa el gobierno de la ley de presupuestos?",
] * 20
WORDS = [
    "señorías",
    ",",
    "el",
    "gobierno",
    "de",
    "la",
    "ley",
    ".",
    "presupuestos",
    "gobier",
    "##no",
    "?",
    "¿",
]
VOCAB = list(RESERVED_TOKENS) + WORDS


def tiny_gpt(context_length=12, seed=0):
    keras.utils.set_random_seed(seed)
    return build_gpt(
        VOCAB, context_length=context_length, embed_dim=16, num_layers=2, num_heads=2, intermediate_dim=24
    )


def test_wordpiece_vocabulary_learnt_from_text_round_trips():
    tokenizer = SubwordTokenizer.train(TEXTS, vocabulary_size=80)
    assert tokenizer.vocabulary[:3] == RESERVED_TOKENS
    assert "gobierno" in tokenizer.vocabulary and len(tokenizer.vocabulary) <= 80
    text = "señorías, el gobierno presenta hoy un proyecto de ley.\n¿qué piensa el gobierno?"
    ids = tokenizer.encode(text)
    assert tokenizer.decode(ids) == text  # spaces, punctuation and the line break come back
    assert tokenizer.sep_id in ids.tolist() and 1 not in ids.tolist()


def test_unknown_characters_and_suffix_pieces():
    tokenizer = SubwordTokenizer(VOCAB)
    assert tokenizer.tokens(tokenizer.encode("gobierno")) == ["gobierno"]
    assert tokenizer.encode("el ñandú").tolist()[1] == RESERVED_TOKENS.index("[UNK]")
    assert tokenizer.decode([VOCAB.index("gobier"), VOCAB.index("##no"), VOCAB.index(",")]) == "gobierno,"
    with pytest.raises(ValueError, match="starts with"):
        SubwordTokenizer(["a", "b"])


def test_builder_shapes_and_saved_model_round_trip(tmp_path):
    model = tiny_gpt()
    ids = np.array([[3, 4, 5, 6]], "int32")
    assert tuple(model(ids).shape) == (1, 4, len(VOCAB))
    path = tmp_path / "gpt.keras"
    model.save(path)
    import coursework.layers  # noqa: F401

    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(ids)), keras.ops.convert_to_numpy(model(ids)), atol=1e-6
    )
    with pytest.raises(ValueError, match="divide"):
        build_gpt(VOCAB, embed_dim=10, num_heads=3)


def test_causal_future_tokens_do_not_change_past_logits():
    model = tiny_gpt()
    a = keras.ops.convert_to_numpy(model(np.array([[3, 4, 5, 6, 7]], "int32")))
    b = keras.ops.convert_to_numpy(model(np.array([[3, 4, 5, 9, 10]], "int32")))
    np.testing.assert_allclose(a[:, :3], b[:, :3], atol=1e-6)
    assert np.abs(a[:, 3:] - b[:, 3:]).max() > 1e-4


def test_cached_logits_equal_full_recomputation():
    model = tiny_gpt()
    ids = np.random.default_rng(1).integers(3, len(VOCAB), size=(2, 9)).astype("int32")
    full = keras.ops.convert_to_numpy(model(ids))
    caches = init_caches(model, 2)
    logits, caches = cached_logits(model, ids[:, :4], caches, 0)  # a prompt at once, then one by one
    steps = [keras.ops.convert_to_numpy(logits)]
    for t in range(4, 9):
        logits, caches = cached_logits(model, ids[:, t : t + 1], caches, t)
        steps.append(keras.ops.convert_to_numpy(logits))
    np.testing.assert_allclose(np.concatenate(steps, axis=1), full, atol=1e-5)


def test_numpy_step_equals_the_keras_model():
    from coursework.generation.gpt_numpy import NumpyGPTStep

    model = tiny_gpt()
    ids = np.random.default_rng(2).integers(3, len(VOCAB), size=(3, 10))
    step = NumpyGPTStep(model)
    caches = step.init_caches(3)
    logits = np.stack([step(ids[:, t], caches, t)[0] for t in range(10)], axis=1)
    np.testing.assert_allclose(logits, keras.ops.convert_to_numpy(model(ids)), atol=1e-4)


def test_cached_and_uncached_steppers_generate_the_same_tokens():
    model = tiny_gpt()
    cached, uncached = GPTStepper(model), GPTStepper(model, use_cache=False)
    compiled = GPTStepper(model, engine="keras")
    for kwargs in ({"temperature": 1e-6}, {"temperature": 0.9, "top_p": 0.8}):
        assert generate(compiled, "el gobierno", length=8, seed=3, **kwargs) == generate(
            cached, "el gobierno", length=8, seed=3, **kwargs
        )
    for kwargs in (
        {"temperature": 1e-6},
        {"temperature": 1.0, "top_k": 3},
        {"temperature": 0.8, "top_p": 0.7},
    ):
        texts = [generate(s, "el gobierno", length=8, seed=3, **kwargs) for s in (cached, uncached)]
        assert texts[0] == texts[1]
    beams = [beam_search(s, "el gobierno", beam_width=3, max_length=6) for s in (cached, uncached)]
    assert [text for text, _ in beams[0]] == [text for text, _ in beams[1]]
    np.testing.assert_allclose([score for _, score in beams[0]], [score for _, score in beams[1]], atol=1e-5)


def test_greedy_is_beam_of_width_one():
    stepper = GPTStepper(tiny_gpt())
    greedy = generate(stepper, "señorías", length=6, temperature=1e-6)
    [(best, _)] = beam_search(stepper, "señorías", beam_width=1, max_length=6)
    assert best == greedy


def test_long_prompt_is_cut_to_the_context_with_a_warning_and_long_length_refused():
    stepper = GPTStepper(tiny_gpt(context_length=12))
    with pytest.warns(PromptCutWarning, match="cut to its last 7 tokens"):
        ids = stepper.prompt_ids("el gobierno de la ley " * 3, length=5)
    assert len(ids) == 7
    with pytest.raises(ValueError, match="context window of 12"):
        generate(stepper, "el gobierno", length=12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert stepper.prompt_ids("", length=5).tolist() == [stepper.tokenizer.sep_id]


def test_generate_cli_on_a_saved_gpt_in_a_fresh_process(tmp_path):
    path = tmp_path / "gpt.keras"
    tiny_gpt(context_length=16).save(path)
    env = {**os.environ, "PYTHONPATH": os.getcwd(), "TF_CPP_MIN_LOG_LEVEL": "3"}
    run = [sys.executable, "-m", "coursework", "generate", "--model", str(path)]
    out = subprocess.run(
        run + ["--prompt", "el gobierno", "--top-p", "0.9", "--top-k", "5", "--length", "6", "--seed", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("el gobierno ") and len(out.stdout.split()) > 2
    cut = subprocess.run(
        run + ["--prompt", "el gobierno " * 12, "--beam", "2", "--length", "4"],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert cut.returncode == 0 and "note: The prompt has 24 tokens" in cut.stderr
    for flag, value in (("--top-p", "1.5"), ("--top-p", "0"), ("--top-k", "0")):
        bad = subprocess.run(run + ["--prompt", "x", flag, value], capture_output=True, text=True, env=env)
        assert bad.returncode == 2 and f"{flag} must be" in bad.stderr
