"""``coursework grade``: grade students' submissions with nbval, or merge their CI results."""

from __future__ import annotations

import sys

from coursework.commands import positive


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "grade", help="grade submissions (students' clones) by running their notebooks with nbval"
    )
    parser.add_argument(
        "submissions",
        nargs="+",
        metavar="SUBMISSION",
        help="submission folders (with --collect: JSON result files or folders)",
    )
    parser.add_argument(
        "--reference",
        default=None,
        type=_existing,
        help="folder of reference (or released) notebooks (default: ./notebooks)",
    )
    parser.add_argument(
        "--jobs", type=positive(int), default=1, help="submissions graded in parallel (default 1)"
    )
    parser.add_argument(
        "--timeout",
        type=positive(float),
        default=300.0,
        help="per-cell wall-clock limit in seconds (default 300)",
    )
    parser.add_argument(
        "--submission-timeout",
        type=positive(float),
        default=1800.0,
        help="wall-clock limit for all notebooks of one submission (default 1800)",
    )
    parser.add_argument(
        "--memory-mb",
        type=positive(int),
        default=4096,
        help="memory limit of one running notebook in MiB (default 4096)",
    )
    parser.add_argument(
        "--network",
        choices=("auto", "none", "require"),
        default="auto",
        help="network isolation: auto (namespace when possible), none, require",
    )
    parser.add_argument(
        "--profile",
        choices=("ci", "full"),
        default="ci",
        help="COURSEWORK_PROFILE for the notebooks (default ci: fast)",
    )
    parser.add_argument(
        "--report",
        action="append",
        default=[],
        metavar="PATH",
        type=_report_name,
        help="write a report: .md, .csv or .json (repeatable; checked before grading "
        "starts, written atomically)",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace existing --report files (refused otherwise)"
    )
    parser.add_argument(
        "--collect",
        action="store_true",
        help="merge JSON results (e.g. of each student's CI run) instead of grading",
    )
    parser.add_argument("--quiet", action="store_true", help="do not print the Markdown report")
    parser.set_defaults(handler=run)


def _existing(text: str) -> str:
    import argparse
    import os

    if not os.path.exists(text):
        raise argparse.ArgumentTypeError(f"{text!r} does not exist (a folder of reference notebooks)")
    return text


def _report_name(text: str) -> str:
    import argparse

    if not text.lower().endswith((".md", ".csv", ".json")):
        raise argparse.ArgumentTypeError(f"report {text!r}: use a .md, .csv or .json file name")
    return text


def check_reports(paths: list[str], overwrite: bool) -> None:
    """Refuse, before any grading, a report that could not be written (or would be replaced)."""
    import os

    from coursework.grading.reports import check_report_path

    seen: set[str] = set()
    for path in paths:
        key = os.path.abspath(path)
        if key in seen:
            raise ValueError(f"Report {path!r} is given twice.")
        seen.add(key)
        check_report_path(path, overwrite=overwrite)


def run(args) -> int:
    from coursework.grading.grade import (
        GradeOptions,
        collect_results,
        grade_submissions,
        to_markdown,
        write_report,
    )
    from coursework.notebooks import NOTEBOOK_DIR

    check_reports(args.report, args.overwrite)  # before grading for minutes
    problems: list[str] = []
    if args.collect:
        results, problems = collect_results(args.submissions)
    else:
        options = GradeOptions(
            cell_timeout=args.timeout,
            submission_timeout=args.submission_timeout,
            memory_mb=args.memory_mb,
            network=args.network,
            jobs=args.jobs,
            profile=args.profile,
        )
        try:
            results = grade_submissions(args.submissions, args.reference or NOTEBOOK_DIR, options)
        except RuntimeError as exc:  # --network require without a namespace
            raise ValueError(str(exc)) from None
    failed_reports = []
    for path in args.report:  # one report that cannot be written does not stop the others
        try:
            write_report(results, path, overwrite=args.overwrite)
        except (OSError, ValueError) as exc:
            failed_reports.append(f"could not write report {path!r}: {exc}")
    if not args.quiet or failed_reports:  # never lose the results
        print(to_markdown(results), end="")
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    for failure in failed_reports:
        print(f"error: {failure}", file=sys.stderr)
    tampered = [r.name for r in results if any(nb.status == "tampered" for nb in r.notebooks)]
    if tampered:
        print(f"tampering detected (see the report): {', '.join(tampered)}", file=sys.stderr)
    ungraded = [r.name for r in results if not r.graded]
    if ungraded:
        print(f"not fully graded: {', '.join(ungraded)}", file=sys.stderr)
    return 1 if ungraded or failed_reports else 0
