"""``coursework portfolio``: fill the portfolio README template from executed notebooks."""

from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "portfolio", help="write a portfolio README from executed notebooks (or the course table)"
    )
    parser.add_argument("--notebooks", default="notebooks", help="folder of executed notebooks")
    parser.add_argument("--out", default=None, help="write here instead of printing")
    parser.add_argument("--student", default="", help="name shown in the README")
    parser.add_argument("--repo", default="TU-USUARIO/TU-REPO", help="owner/name on GitHub (badges)")
    parser.add_argument("--template", default=None, help="template file (default: the course's)")
    parser.add_argument(
        "--course-table",
        action="store_true",
        help="print the course table (class, notebook, topic, headline) instead",
    )
    parser.set_defaults(handler=run)


def run(args) -> int:
    import pathlib

    from coursework.grading.portfolio import course_table, render_portfolio
    from coursework.recipes import all_recipes

    # headline metric of each notebook, for notebooks without a cell tagged `headline`
    metrics = {recipe.notebook: recipe.metric for recipe in all_recipes() if recipe.notebook}
    if args.course_table:
        text = course_table(args.notebooks, metrics)
    else:
        text = render_portfolio(
            args.notebooks, student=args.student, repo=args.repo, template=args.template, metrics=metrics
        )
    if args.out:
        pathlib.Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        print(text, end="")
    return 0
