"""``coursework train TASK``: train a recipe on its default offline data and report its metrics.

With ``--json`` stdout carries one JSON document, ``{"results": [summary, ...]}`` with one summary
per task, and nothing else (Keras progress is silenced).
"""

from __future__ import annotations

import json
import pathlib

from coursework.commands import non_negative_int, positive
from coursework.profiles import PROFILES


def register(subparsers) -> None:
    parser = subparsers.add_parser("train", help="train a task on its default offline data")
    parser.add_argument(
        "tasks", nargs="+", metavar="TASK", help="task name(s) (see `coursework tasks`), or `all`"
    )
    parser.add_argument(
        "--profile", choices=PROFILES, default=None, help="run size: full (default) or ci (small and fast)"
    )
    parser.add_argument(
        "--epochs", type=positive(int), default=None, help="maximum number of epochs (default: the profile's)"
    )
    parser.add_argument("--seed", type=non_negative_int, default=42, help="random seed ≥ 0 (default 42)")
    parser.add_argument(
        "--save",
        metavar="PATH",
        default=None,
        help="write the trained model to PATH (.keras); an existing file is refused "
        "unless --overwrite is given",
    )
    parser.add_argument("--overwrite", action="store_true", help="let --save replace an existing file")
    parser.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object, {"results": [one summary per task]}, instead of a table',
    )
    parser.set_defaults(handler=run)


def check_save_path(path: str, overwrite: bool = False) -> pathlib.Path:
    """Refuse a ``--save`` target before any training: wrong suffix, a folder, a missing or unwritable
    folder, or an existing file without ``overwrite``. Every message names the path.

    Raises:
        ValueError (suffix, existing file), IsADirectoryError, FileNotFoundError, PermissionError.
    """
    from coursework.atomic import check_output_path

    target = pathlib.Path(path)
    if target.suffix != ".keras" and not target.is_dir():
        raise ValueError(f"Cannot save to {path!r}: the file name must end in '.keras'.")
    return check_output_path(target, overwrite, what="model")


def run(args) -> int:
    from coursework.atomic import write_with
    from coursework.profiles import get_profile
    from coursework.progress import fit_verbose
    from coursework.recipes import TrainConfig, all_recipes, get_recipe
    from coursework.reporting import format_metrics, format_table

    names = [r.name for r in all_recipes()] if args.tasks == ["all"] else args.tasks
    recipes = [get_recipe(name) for name in names]  # unknown names fail before any training
    profile = get_profile(args.profile)
    if args.save:
        if len(recipes) > 1:
            raise ValueError("--save needs exactly one task.")
        check_save_path(args.save, args.overwrite)  # fail before training, not after

    # Keras progress goes to stdout; with --json stdout carries only the JSON document.
    config = TrainConfig(
        profile=profile, epochs=args.epochs, seed=args.seed, verbose=0 if args.json else fit_verbose()
    )
    summaries = []
    for recipe in recipes:
        if not args.json:
            print(f"== {recipe.name}: {recipe.summary} (profile {profile})", flush=True)
        result = recipe.train(config)
        if args.save:  # a temporary sibling renamed into place: a failed save keeps the old file
            write_with(args.save, result.model.save)
        summary = {**result.summary(), "headline_metric": recipe.metric, "profile": profile}
        if args.save:
            summary["saved_to"] = args.save
        summaries.append(summary)
        if not args.json:
            print(format_metrics(summary), flush=True)
    if args.json:
        print(json.dumps({"results": summaries}, ensure_ascii=False), flush=True)
    elif len(summaries) > 1:
        print(
            "\n"
            + format_table(
                ["task", "headline metric", "value", "epochs", "seconds"],
                [
                    [
                        s["task"],
                        s["headline_metric"],
                        s.get(s["headline_metric"], float("nan")),
                        s["epochs"],
                        s["seconds"],
                    ]
                    for s in summaries
                ],
            )
        )
    return 0
