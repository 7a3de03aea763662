"""Plain-text tables for the command line and notebooks (no dependencies).

Example:
    >>> print(format_table(["task", "metric"], [["addition", 0.995]]))
    task      metric
    --------  ------
    addition  0.995
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e5 else f"{value:,.0f}"
    return str(value)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Left-aligned columns separated by two spaces, with a dashed rule under the headers."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)).rstrip() for row in cells]
    return "\n".join(lines)


def format_metrics(metrics: dict[str, Any]) -> str:
    """A two-column ``metric  value`` table."""
    return format_table(["metric", "value"], [[k, v] for k, v in metrics.items()])
