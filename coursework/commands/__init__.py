"""Sub-commands of ``python -m coursework``: one module each, exposing ``register(subparsers)``."""

from __future__ import annotations

import argparse
import math


def positive(kind=int):
    """An argparse ``type`` accepting only numbers of ``kind`` greater than 0 (NaN and inf refused).

    Example:
        >>> positive(float)("0.5")
        0.5
    """
    what = "integer" if kind is int else "number"

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive {what}, got {text!r}") from None
        if not (value > 0 and math.isfinite(value)):
            raise argparse.ArgumentTypeError(f"expected a positive {what}, got {text!r}")
        return value

    parse.__name__ = f"positive {kind.__name__}"
    return parse


def non_negative_int(text: str) -> int:
    """An argparse ``type`` for seeds: a whole number ≥ 0.

    Example:
        >>> non_negative_int("0")
        0
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}")
    return value


def capped(limit: int, limit_name: str):
    """An argparse ``type``: a positive integer no larger than ``limit`` (named in the error).

    Example:
        >>> capped(10, "MAX_X")("3")
        3
    """
    parse_positive = positive(int)

    def parse(text: str) -> int:
        value = parse_positive(text)
        if value > limit:
            raise argparse.ArgumentTypeError(f"{value} is over the limit {limit_name} = {limit}")
        return value

    parse.__name__ = "positive integer"
    return parse
