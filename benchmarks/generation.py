"""Benchmark: generation speed (seed loop vs step model vs beam search) and perplexity vs bigram.

Runs the ``char-generator`` recipe (or loads ``--model``), then measures on the same model and weights:

- characters/s of the seed's loop (``model.predict`` of a full 40-character window per character);
- characters/s of a compiled ``tf.function`` that advances an ``LSTMCell`` one step per call;
- characters/s of :func:`coursework.generation.text.generate` (NumPy step model);
- characters/s of :func:`coursework.generation.text.beam_search` at widths 1, 5 and 10
  (output characters of the best beam per second);
- validation perplexity per character beside a character-bigram baseline on the same split.

Usage:
    python benchmarks/generation.py                       # trains the full recipe first (≤ 10 min)
    python benchmarks/generation.py --model chars.keras   # a model saved by `train char-generator --save`
"""

from __future__ import annotations

import _bootstrap  # noqa: F401  (first: TensorFlow's start-up lines stay off stderr)

# isort: split
import argparse
import json
import os
import sys
import time

import numpy as np

PROMPT = "señorías, el gobierno "


def best_rate(fn, n_tokens: int, repeats: int = 3) -> float:
    """Tokens per second of ``fn()`` (best of ``repeats``: the least disturbed by other processes)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return n_tokens / min(times)


def seed_loop(model, stepper, prompt: str, n: int, window: int = 40, temperature: float = 0.5):
    from coursework.generation.search import sample_next

    rng = np.random.default_rng(0)
    sentence = prompt
    for _ in range(n):
        probs = model.predict(stepper.encode(sentence[-window:])[None], verbose=0)
        probs = probs[0, -1] if probs.ndim == 3 else probs[0]
        sentence += stepper.vocabulary[sample_next(probs, temperature, rng)]
    return sentence


def tf_function_loop(model, stepper, prompt: str, n: int, temperature: float = 0.5):
    """A compiled Keras step (LSTMCell + Dense with the trained weights) called once per character."""
    import keras
    import tensorflow as tf

    from coursework.generation.search import sample_next

    lstm = next(layer for layer in model.layers if isinstance(layer, keras.layers.LSTM))
    dense = model.layers[-1]
    cell = keras.layers.LSTMCell(lstm.cell.units)
    out_dense = keras.layers.Dense(dense.units, activation="softmax")
    vocab = stepper.vocab_size
    h = np.zeros((1, lstm.cell.units), "float32")
    out, _ = cell(np.zeros((1, vocab), "float32"), [h, h])
    out_dense(out)
    cell.set_weights(lstm.cell.get_weights())
    out_dense.set_weights(dense.get_weights())

    @tf.function
    def step(token, h, c):
        output, (h, c) = cell(tf.one_hot(token, vocab), [h, c])
        return out_dense(output), h, c

    rng = np.random.default_rng(0)
    c = h.copy()
    for token in stepper.encode(prompt):
        probs, h, c = step(np.array([token], "int32"), h, c)
    step(np.array([0], "int32"), h, c)  # trace before timing
    start = time.perf_counter()
    for _ in range(n):
        token = sample_next(np.asarray(probs)[0], temperature, rng)
        probs, h, c = step(np.array([token], "int32"), h, c)
    return n / (time.perf_counter() - start)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="saved char-generator (.keras); default: train one")
    parser.add_argument("--profile", default="full", choices=("full", "ci"))
    parser.add_argument("--chars", type=int, default=5000, help="characters generated per timing")
    args = parser.parse_args(argv)

    import keras

    import coursework.layers.vocabulary  # noqa: F401
    from coursework.generation.text import RecurrentStepper, beam_search, generate
    from coursework.recipes import TrainConfig, get_recipe
    from coursework.recipes.char_generator import evaluate, load_corpus, settings_for
    from coursework.reporting import format_table

    settings = settings_for(args.profile)
    train_seconds = None
    if args.model:
        model = keras.saving.load_model(args.model)
        corpus = load_corpus(settings)
    else:
        result = get_recipe("char-generator").train(TrainConfig(profile=args.profile, verbose=2))
        model, corpus, train_seconds = result.model, result.extra["data"], result.seconds
    metrics = evaluate(model, corpus, settings)
    stepper = RecurrentStepper(model)

    n_seed = 30
    rates = {
        "seed loop (model.predict per char)": best_rate(
            lambda: seed_loop(model, stepper, PROMPT, n_seed), n_seed, repeats=1
        ),
        "tf.function step per char": tf_function_loop(model, stepper, PROMPT, min(args.chars, 1000)),
        "generate (NumPy step model)": best_rate(
            lambda: generate(stepper, PROMPT, args.chars, 0.5, seed=0), args.chars
        ),
    }
    # Width 5 at two lengths: with back-pointers the chars/s stay flat as the output grows (copying
    # every beam's token list at every step made the cost per character grow with the length).
    for width, length in ((1, 1000), (5, 1000), (5, 8000), (10, 500)):
        rates[f"beam_search width {width}, length {length}"] = best_rate(
            lambda width=width, length=length: beam_search(
                stepper, PROMPT, beam_width=width, max_length=length
            ),
            length,
        )
    baseline = rates["seed loop (model.predict per char)"]
    rows = [[name, round(rate, 1), round(rate / baseline, 1)] for name, rate in rates.items()]
    print(format_table(["method", "chars/s", "× seed loop"], rows))
    print()
    print(
        format_table(
            ["metric", "value"],
            [[k, round(v, 4)] for k, v in metrics.items()]
            + ([["train seconds", round(train_seconds, 1)]] if train_seconds else []),
        )
    )
    summary = {
        "chars_per_s": {k: round(v, 1) for k, v in rates.items()},
        **{k: round(v, 4) for k, v in metrics.items()},
        "train_seconds": None if train_seconds is None else round(train_seconds, 1),
        "profile": args.profile,
        "cpu_count": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
