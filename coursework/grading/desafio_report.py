"""What ``check-desafios`` reports: one line per broken promise, the table it prints, its JSON document.

Example:
    >>> from coursework.grading.desafio_report import to_table
    >>> to_table([]).splitlines()[0].split()
    ['notebook', 'desafío', 'answer', 'expected', 'got', 'message']
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from coursework.grading.desafios import Desafio, Outcome, missing_kinds


def problems(outcomes: Iterable[Outcome], desafios: Iterable[Desafio] = ()) -> list[str]:
    """One line per broken promise: a reference that fails, a wrong answer that passes, a missing kind."""
    lines = [
        f"{o.notebook} {o.desafio}: {'the reference fails' if o.expected == 'pass' else 'wrong answer'}"
        f" {o.answer!r} {'' if o.expected == 'pass' else 'passes'}".rstrip()
        + (f" ({o.message})" if o.message else "")
        for o in outcomes
        if not o.ok
    ]
    lines += [
        f"{d.notebook} {d.solution_id}: no registered {kind} wrong answer"
        for d in desafios
        for kind in missing_kinds(d)
    ]
    return lines


def to_table(outcomes: Iterable[Outcome]) -> str:
    """The table the command prints: notebook, desafío, answer, expected, got, student's message."""
    from coursework.reporting import format_table

    rows = [
        [
            o.notebook,
            o.desafio,
            f"{o.answer} ({o.kind})",
            o.expected,
            o.got + ("" if o.ok else "  <-- WRONG"),
            o.message.splitlines()[0] if o.message else "",
        ]
        for o in outcomes
    ]
    return format_table(["notebook", "desafío", "answer", "expected", "got", "message"], rows)


def to_json(outcomes: Iterable[Outcome], desafios: Iterable[Desafio] = ()) -> str:
    """One JSON document: every outcome and the list of problems."""
    outcomes = list(outcomes)
    return json.dumps(
        {"outcomes": [o.as_dict() for o in outcomes], "problems": problems(outcomes, desafios)},
        ensure_ascii=False,
        indent=2,
    )
