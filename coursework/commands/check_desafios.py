"""``coursework check-desafios``: prove each desafío's checks pass the reference and fail wrong answers."""

from __future__ import annotations

import sys

from coursework.commands import positive


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check-desafios",
        help="run each desafío's reference and registered wrong answers against its check cells",
    )
    parser.add_argument(
        "notebooks", nargs="*", help="notebook files or name prefixes such as 07a (default: all)"
    )
    parser.add_argument("--dir", default=None, help="reference notebook folder (default: ./notebooks)")
    parser.add_argument(
        "--profile",
        choices=("ci", "full"),
        default="ci",
        help="COURSEWORK_PROFILE for the notebooks (default ci)",
    )
    parser.add_argument(
        "--timeout",
        type=positive(float),
        default=900.0,
        help="per-cell wall-clock limit in seconds (default 900)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of a table")
    parser.set_defaults(handler=run)


def run(args) -> int:
    import nbformat

    from coursework.grading.desafio_report import problems, to_json, to_table
    from coursework.grading.desafios import check_notebooks, find_desafios
    from coursework.notebooks import find_notebooks

    paths = find_notebooks(args.notebooks, args.dir)
    if not paths:
        raise FileNotFoundError("No notebooks to check.")
    desafios = [d for p in paths for d in find_desafios(nbformat.read(p, as_version=4), p.name)]
    outcomes = check_notebooks(
        paths,
        args.profile,
        args.timeout,
        progress=None if args.json else lambda name: print(f"checking  {name}", file=sys.stderr, flush=True),
    )
    found = problems(outcomes, desafios)
    if args.json:
        print(to_json(outcomes, desafios))
    else:
        print(to_table(outcomes))
        for line in found:
            print(f"problem: {line}")
        wrong = sum(o.expected == "fail" for o in outcomes)
        rejected = sum(o.expected == "fail" and o.ok for o in outcomes)
        print(
            f"{len(desafios)} desafíos, {rejected}/{wrong} wrong answers rejected, "
            f"{sum(o.expected == 'pass' and o.ok for o in outcomes)}/{len(desafios)} references pass"
        )
    return 1 if found else 0
