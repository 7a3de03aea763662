"""``coursework release``: write student versions of the reference notebooks (solutions removed)."""

from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "release", help="write student versions of notebooks (solutions out, checks kept)"
    )
    parser.add_argument(
        "notebooks", nargs="*", help="notebook files or name prefixes such as 06a (default: all)"
    )
    parser.add_argument("--out", required=True, help="folder for the student versions")
    parser.add_argument("--dir", default=None, help="reference notebook folder (default: ./notebooks)")
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace files of --out that differ from the new release (a student's "
        "solved notebook is refused without it)",
    )
    parser.set_defaults(handler=run)


def run(args) -> int:
    from coursework.grading.release import release_notebooks
    from coursework.notebooks import find_notebooks

    paths = find_notebooks(args.notebooks, args.dir)
    if not paths:
        raise FileNotFoundError("No notebooks to release.")
    for path in release_notebooks(paths, args.out, overwrite=args.overwrite):
        print(f"released  {path}")
    return 0
