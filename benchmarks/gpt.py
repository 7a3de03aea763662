"""Benchmark: the small GPT's generation speed with and without its key/value cache, and bits/char.

Trains the ``gpt`` recipe (or loads ``--model``), then generates a full context window greedily
(``context_length - 1`` tokens after the ``[SEP]`` start token) with
:func:`coursework.generation.gpt.tokens_per_second`:

- cached, NumPy: one NumPy step per token over the key/value caches (the default engine);
- cached, Keras: one compiled step per token over the blocks' own key/value caches;
- uncached: every step recomputes the whole prefix (padded to a multiple of 32, compiled).

Targets (issue 18): cached ≥ 5× uncached and ≥ 500 tokens/s at 256 tokens.

Usage:
    python benchmarks/gpt.py                       # trains the full recipe first (≈ 3 min)
    python benchmarks/gpt.py --profile ci          # the small model (64-token context)
    python benchmarks/gpt.py --model gpt.keras     # a model saved by `train gpt --save`
"""

from __future__ import annotations

import _bootstrap  # noqa: F401  (first: TensorFlow's start-up lines stay off stderr)

# isort: split
import argparse
import json


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="a GPT saved by `train gpt --save`")
    parser.add_argument("--profile", default="full", choices=("full", "ci"))
    parser.add_argument("--repeats", type=int, default=3, help="timed runs (the best one counts)")
    args = parser.parse_args(argv)

    from coursework.generation.gpt import GPTStepper, tokens_per_second
    from coursework.recipes import TrainConfig, get_recipe
    from coursework.reporting import format_table

    metrics = {}
    if args.model:
        from coursework.persistence import load_model

        model = load_model(args.model)
    else:
        result = get_recipe("gpt").train(TrainConfig(profile=args.profile, verbose=0))
        model, metrics = result.model, result.metrics
    length = GPTStepper(model).context_length - 1
    cached = tokens_per_second(model, length, use_cache=True, repeats=args.repeats)
    compiled = tokens_per_second(model, length, use_cache=True, repeats=args.repeats, engine="keras")
    uncached = tokens_per_second(model, length, use_cache=False, repeats=max(1, args.repeats // 2))
    rows = [
        ("cached, NumPy step", length, round(cached, 1)),
        ("cached, compiled Keras step", length, round(compiled, 1)),
        ("uncached (whole prefix)", length, round(uncached, 1)),
    ]
    print(format_table(["generation", "tokens", "tokens_per_s"], rows))
    summary = {
        "benchmark": "gpt",
        "tokens": length,
        "cached_tokens_per_s": round(cached, 1),
        "keras_cached_tokens_per_s": round(compiled, 1),
        "uncached_tokens_per_s": round(uncached, 1),
        "speedup": round(cached / uncached, 2),
        "keras_speedup": round(compiled / uncached, 2),
        "params": int(model.count_params()),
        **{k: round(float(v), 4) for k, v in metrics.items()},
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
