"""Benchmark: every sentiment variant on the grouped Rotten Tomatoes test split, in one run.

Trains ``lstm-sentiment``, ``glove-sentiment``, ``glove-finetuned-sentiment``, ``bilstm-sentiment`` and
``cnn-sentiment`` with the ``full`` profile settings (same split, seed, vectoriser settings), then prints
the comparison table (accuracy, F1, parameters, seconds per epoch) and one JSON line. Also times the
GloVe load in a fresh process and checks the issue's targets:

- GloVe-initialised LSTM ≥ 77 % test accuracy and ≥ 2 points above the random-init LSTM;
- full-profile training of the GloVe LSTM ≤ 5 minutes (on the machine it runs on).

Usage:
    python benchmarks/sentiment.py [--tasks glove-sentiment lstm-sentiment ...] [--seed 42]
"""

from __future__ import annotations

import _bootstrap  # noqa: F401  (first: TensorFlow's start-up lines stay off stderr)

# isort: split
import argparse
import json
import os
import subprocess
import sys
import time


def glove_load_seconds() -> float:
    """Seconds to load GloVe 6B 50d in a fresh process (imports included)."""
    code = (
        "import time; t = time.perf_counter(); from coursework.embeddings import load_glove; "
        "load_glove(); print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    from coursework.datasets.sentiment import load_rotten_tomatoes
    from coursework.embeddings import load_glove
    from coursework.recipes.sentiment import VARIANTS, settings_for, train_variant
    from coursework.reporting import format_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", nargs="*", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--verbose", type=int, default=2)
    args = parser.parse_args(argv)

    load_seconds = glove_load_seconds()
    settings = settings_for("full")
    data = load_rotten_tomatoes(limit=settings.limit)
    glove = load_glove()
    results = {}
    for task in args.tasks:
        start = time.perf_counter()
        run = train_variant(
            task, settings, seed=args.seed, verbose=args.verbose, data=data, keyed_vectors=glove
        )
        results[task] = {
            **run.metrics,
            "epochs": run.epochs,
            "train_seconds": run.seconds,
            "wall_seconds": time.perf_counter() - start,
        }
        print(f"{task}: {json.dumps({k: round(v, 4) for k, v in results[task].items()})}", flush=True)

    rows = [
        [
            task,
            VARIANTS[task].label,
            r["accuracy"],
            r["balanced_accuracy"],
            r["f1"],
            int(r["params"]),
            int(r["trainable_params"]),
            r["epochs"],
            round(r["seconds_per_epoch"], 1),
            round(r["train_seconds"], 1),
        ]
        for task, r in results.items()
    ]
    print()
    print(
        format_table(
            ["task", "variant", "accuracy", "balanced", "F1", "params", "trainable", "epochs", "s/epoch"]
            + ["train s"],
            rows,
        )
    )
    total = sum(r["wall_seconds"] for r in results.values())
    print(f"all variants: {total:.0f} s of wall time (notebook 05a trains them all, plus the GRU desafío)")
    print(
        f"majority baseline (test): {data['test'].majority_baseline():.4f}; "
        f"GloVe load in a fresh process: {load_seconds:.1f} s; CPU cores: {os.cpu_count()}"
    )
    targets = {}
    if {"glove-finetuned-sentiment", "lstm-sentiment"} <= set(results):
        best_glove = max(
            (t for t in results if VARIANTS[t].glove and VARIANTS[t].architecture == "lstm"),
            key=lambda t: results[t]["accuracy"],
        )
        gain = results[best_glove]["accuracy"] - results["lstm-sentiment"]["accuracy"]
        targets = {
            "best_glove_lstm": best_glove,
            "glove_lstm_accuracy>=0.77": results[best_glove]["accuracy"] >= 0.77,
            "gain_over_random>=2pt": gain >= 0.02,
            "gain_points": round(100 * gain, 2),
            "glove_train_seconds<=300": results[best_glove]["train_seconds"] <= 300,
        }
        print("targets:", targets)
    print(
        json.dumps(
            {
                "benchmark": "sentiment",
                "seed": args.seed,
                "glove_load_seconds": round(load_seconds, 2),
                "all_variants_wall_seconds": round(total, 1),
                "majority_baseline": round(data["test"].majority_baseline(), 4),
                "results": {t: {k: round(v, 4) for k, v in r.items()} for t, r in results.items()},
                "targets": targets,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
