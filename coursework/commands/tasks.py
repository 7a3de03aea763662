"""``coursework tasks``: list the recipes with their dataset, model and headline metric."""

from __future__ import annotations

import json


def register(subparsers) -> None:
    parser = subparsers.add_parser("tasks", help="list the trainable tasks (recipes)")
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from coursework.recipes import all_recipes
    from coursework.reporting import format_table

    recipes = all_recipes()
    if args.json:
        print(json.dumps([
            {"task": r.name, "summary": r.summary, "dataset": r.dataset, "model": r.model,
             "metric": r.metric, "notebook": r.notebook}
            for r in recipes
        ], ensure_ascii=False, indent=2))
        return 0
    rows = [[r.name, r.dataset, r.model, r.metric, r.notebook or "-"] for r in recipes]
    print(format_table(["task", "dataset", "model", "headline metric", "notebook"], rows))
    return 0
