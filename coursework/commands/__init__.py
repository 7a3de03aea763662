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
