"""``coursework train TASK``: train a recipe on its default offline data and report its metrics."""

from __future__ import annotations

import json
import sys

from coursework.profiles import PROFILES


def register(subparsers) -> None:
    parser = subparsers.add_parser("train", help="train a task on its default offline data")
    parser.add_argument("task", help="task name (see `coursework tasks`)")
    parser.add_argument("--profile", choices=PROFILES, default=None,
                        help="run size: full (default) or ci (small and fast)")
    parser.add_argument("--epochs", type=_positive_int, default=None,
                        help="maximum number of epochs (default: the profile's)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--save", metavar="PATH", default=None,
                        help="write the trained model to PATH (.keras)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object instead of a table")
    parser.set_defaults(handler=run)


def _positive_int(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def run(args) -> int:
    from coursework.persistence import check_writable_model_path
    from coursework.profiles import get_profile
    from coursework.recipes import TrainConfig, get_recipe

    recipe = get_recipe(args.task)
    profile = get_profile(args.profile)
    if args.save:
        check_writable_model_path(args.save)  # fail before training, not after

    config = TrainConfig(profile=profile, epochs=args.epochs, seed=args.seed,
                         verbose=0 if args.json else 1)
    # Keras progress bars go to stdout; with --json keep stdout for the JSON object only.
    result = recipe.train(config)

    if args.save:
        result.model.save(args.save)
    summary = {**result.summary(), "headline_metric": recipe.metric, "profile": profile}
    if args.save:
        summary["saved_to"] = args.save
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        from coursework.reporting import format_metrics

        print(format_metrics(summary), file=sys.stdout)
    return 0
