"""Command line: ``python -m coursework COMMAND`` (also installed as ``coursework``).

Each sub-command lives in its own module of :mod:`coursework.commands` and exposes
``register(subparsers)``, which adds its parser and sets ``handler=callable(args) -> int``. New
commands are picked up automatically. Errors a user can fix (unknown task, bad flag value, unwritable
path, bad input) print one line starting with ``error:`` and exit non-zero, with no traceback.

Example:
    $ python -m coursework tasks
    $ python -m coursework train addition --profile ci --json
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from coursework import __version__
from coursework.quiet import quiet_tensorflow_startup


class UsageError(Exception):
    """An error the user can fix; printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line (no usage block) and exit status 2."""

    def error(self, message: str):  # noqa: D401 - argparse API
        raise UsageError(f"{self.prog}: {message} (see --help)")


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every command module of :mod:`coursework.commands` registered."""
    from coursework import commands

    parser = _Parser(
        prog="coursework",
        description="Course exercises for NLP with Keras 3: train, generate, notebooks, grading.",
    )
    parser.add_argument("--version", action="version", version=f"coursework {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{commands.__name__}.{info.name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process exit status.

    TensorFlow's start-up lines are kept off stderr (:func:`coursework.quiet.quiet_tensorflow_startup`).
    """
    quiet_tensorflow_startup()
    try:
        args = build_parser().parse_args(argv)
        return int(args.handler(args) or 0)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, KeyError, TypeError, OSError) as exc:  # OSError: missing files, full disk, …
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
