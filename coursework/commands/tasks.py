"""``coursework tasks``: list the recipes with their dataset, model (as the profile builds it) and metric."""

from __future__ import annotations

import json

from coursework.profiles import PROFILES


def register(subparsers) -> None:
    parser = subparsers.add_parser("tasks", help="list the trainable tasks (recipes)")
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default=None,
        help="describe the models of this profile (default: the active one, full)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from coursework.profiles import get_profile
    from coursework.recipes import all_recipes
    from coursework.reporting import format_table

    profile = get_profile(args.profile)
    recipes = all_recipes()
    models = {r.name: r.describe(r.settings_for(profile)) for r in recipes}
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "task": r.name,
                        "summary": r.summary,
                        "dataset": r.dataset,
                        "model": models[r.name],
                        "metric": r.metric,
                        "notebook": r.notebook,
                        "profile": profile,
                    }
                    for r in recipes
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    rows = [[r.name, r.dataset, models[r.name], r.metric, r.notebook or "-"] for r in recipes]
    print(format_table(["task", "dataset", "model", "headline metric", "notebook"], rows))
    return 0
