"""``coursework train TASK``: train a recipe on its default offline data and report its metrics."""

from __future__ import annotations

import json

from coursework.commands import positive
from coursework.profiles import PROFILES


def register(subparsers) -> None:
    parser = subparsers.add_parser("train", help="train a task on its default offline data")
    parser.add_argument("tasks", nargs="+", metavar="TASK",
                        help="task name(s) (see `coursework tasks`), or `all`")
    parser.add_argument("--profile", choices=PROFILES, default=None,
                        help="run size: full (default) or ci (small and fast)")
    parser.add_argument("--epochs", type=positive(int), default=None,
                        help="maximum number of epochs (default: the profile's)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--save", metavar="PATH", default=None,
                        help="write the trained model to PATH (.keras)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object instead of a table")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from coursework.persistence import check_writable_model_path
    from coursework.profiles import get_profile
    from coursework.recipes import TrainConfig, all_recipes, get_recipe
    from coursework.reporting import format_metrics, format_table

    names = [r.name for r in all_recipes()] if args.tasks == ["all"] else args.tasks
    recipes = [get_recipe(name) for name in names]  # unknown names fail before any training
    profile = get_profile(args.profile)
    if args.save:
        if len(recipes) > 1:
            raise ValueError("--save needs exactly one task.")
        check_writable_model_path(args.save)  # fail before training, not after

    config = TrainConfig(profile=profile, epochs=args.epochs, seed=args.seed,
                         verbose=0 if args.json else 1)
    summaries = []
    for recipe in recipes:
        if not args.json:
            print(f"== {recipe.name}: {recipe.summary} (profile {profile})", flush=True)
        # Keras progress bars go to stdout; with --json stdout carries only JSON.
        result = recipe.train(config)
        if args.save:
            result.model.save(args.save)
        summary = {**result.summary(), "headline_metric": recipe.metric, "profile": profile}
        if args.save:
            summary["saved_to"] = args.save
        summaries.append(summary)
        if args.json:
            print(json.dumps(summary, ensure_ascii=False), flush=True)
        else:
            print(format_metrics(summary), flush=True)
    if len(summaries) > 1 and not args.json:
        print("\n" + format_table(
            ["task", "headline metric", "value", "epochs", "seconds"],
            [[s["task"], s["headline_metric"], s.get(s["headline_metric"], float("nan")),
              s["epochs"], s["seconds"]] for s in summaries]))
    return 0
