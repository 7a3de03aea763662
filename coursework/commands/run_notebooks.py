"""``coursework run-notebooks``: execute notebooks headless, in place, so outputs come from the project."""

from __future__ import annotations

from coursework.profiles import PROFILES


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "run-notebooks", help="execute notebooks in place (committed outputs are made this way)"
    )
    parser.add_argument("names", nargs="*", help="notebook files or name prefixes such as 06a (default: all)")
    parser.add_argument(
        "--profile", choices=PROFILES, default=None, help="run size passed to the kernel (default full)"
    )
    parser.add_argument(
        "--timeout", type=int, default=3600, help="per-cell timeout in seconds (default 3600)"
    )
    parser.add_argument("--dir", default=None, help="notebook folder (default: ./notebooks)")
    parser.add_argument(
        "--timings",
        default=None,
        metavar="PATH",
        help="JSON file of wall times per notebook and profile "
        "(default: results/timings.json beside the notebooks)",
    )
    parser.set_defaults(handler=run)


def run(args) -> int:
    from coursework.notebooks import find_notebooks, run_notebooks
    from coursework.profiles import get_profile

    paths = find_notebooks(args.names, args.dir)
    failures = run_notebooks(
        paths, profile=get_profile(args.profile), timeout=args.timeout, timings=args.timings
    )
    return 1 if failures else 0
