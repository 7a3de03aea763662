"""Benchmark: wall time until held-out exact match ≥ 99 % — the course recipe vs the seed's recipe.

Both train the same 205,324-parameter network on the same generated data (full profile: 50,000
distinct sums, 45,000 for training). "Held-out" is the validation split, checked after every epoch;
the test split is scored once at the end. The course recipe keeps training until its own stopping
target (validation exact match ≥ 99.7 %) so its final test exact match is reported too.

    python benchmarks/addition.py                 # full size (tens of minutes on 2 CPU cores)
    python benchmarks/addition.py --profile ci    # a quick smoke run

Prints a table and one JSON line.
"""

from __future__ import annotations

import _bootstrap  # noqa: F401  (first: TensorFlow's start-up lines stay off stderr)

# isort: split
import argparse
import dataclasses
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from coursework.datasets.addition import make_addition_splits  # noqa: E402
from coursework.models import build_addition_seq2seq  # noqa: E402
from coursework.profiles import get_profile  # noqa: E402
from coursework.recipes.addition import SEED_SETTINGS, evaluate, fit_addition, settings_for  # noqa: E402
from coursework.reporting import format_table  # noqa: E402
from coursework.training import StopAtTarget, Timer, set_seed  # noqa: E402


def run(name, settings, splits, threshold, max_epochs, seed):
    set_seed(seed)
    model = build_addition_seq2seq(settings.digits, settings.units, reverse_input=settings.reverse_input)
    watch = StopAtTarget("val_exact_match", threshold, stop=settings.target_exact_match is None)
    print(
        f"\n== {name}: batch {settings.batch_size}, lr {settings.learning_rate}, "
        f"reverse {settings.reverse_input}",
        flush=True,
    )
    if max_epochs is not None:
        settings = dataclasses.replace(settings, epochs=max_epochs)
    with Timer() as timer:
        history, _ = fit_addition(model, splits, settings, verbose=2, extra_callbacks=[watch])
    test = evaluate(model, splits, "test")
    return {
        "recipe": name,
        "params": model.count_params(),
        "epochs_to_threshold": watch.reached_epoch,
        "seconds_to_threshold": None if watch.reached_seconds is None else round(watch.reached_seconds, 1),
        "epochs_run": len(history.history["loss"]),
        "seconds_run": round(timer.seconds, 1),
        "test_exact_match": round(test["exact_match"], 4),
        "test_char_accuracy": round(test["char_accuracy"], 4),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=["full", "ci"], default=None)
    parser.add_argument("--threshold", type=float, default=0.99)
    parser.add_argument(
        "--seed-max-epochs", type=int, default=120, help="give up on the seed recipe after this many epochs"
    )
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    profile = get_profile(args.profile)
    course = settings_for(profile)
    splits = make_addition_splits(n=course.n, digits=course.digits, seed=args.seed)
    baseline = SEED_SETTINGS.__class__(
        **{**SEED_SETTINGS.__dict__, "n": course.n, "target_exact_match": None}
    )
    rows = [
        run("course recipe", course, splits, args.threshold, None, args.seed),
        run(
            "seed recipe",
            baseline,
            splits,
            args.threshold,
            args.seed_max_epochs if profile == "full" else course.epochs,
            args.seed,
        ),
    ]
    a, b = rows[0]["seconds_to_threshold"], rows[1]["seconds_to_threshold"]
    ratio = round(a / b, 3) if a and b else None
    keys = list(rows[0])
    print(
        "\n" + format_table(keys, [[r[k] if r[k] is not None else "not reached" for k in keys] for r in rows])
    )
    print(f"\ntime-to-{args.threshold:.0%} ratio (course / seed): {ratio if ratio else 'n/a'}")
    print(
        json.dumps(
            {
                "benchmark": "addition",
                "profile": profile,
                "threshold": args.threshold,
                "train_examples": len(splits.queries["train"]),
                "results": rows,
                "ratio_course_over_seed": ratio,
            }
        )
    )


if __name__ == "__main__":
    main()
