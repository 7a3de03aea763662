"""How much progress a run shows: live bars for a person, one line per epoch for committed outputs.

A student running a notebook or the command line sees Keras' and tqdm's live progress bars. A notebook
executed by ``python -m coursework run-notebooks`` (whose outputs are committed) must not: a live bar
is stored as hundreds of carriage returns, backspaces and ANSI codes. The runner sets
``COURSEWORK_PROGRESS=lines`` in the kernel's environment, and code that trains or loops asks this
module what to show:

- ``model.fit(..., verbose=fit_verbose())``: ``2`` (one line per epoch) under the runner, else
  ``"auto"`` (Keras' live bar);
- ``tqdm(..., disable=not show_bars())``: no bar under the runner (the runner also sets
  ``TQDM_DISABLE=1``, which covers every ``tqdm`` call that does not pass ``disable`` itself).

Example:
    >>> import os
    >>> from coursework.progress import ENV_VAR, fit_verbose, show_bars
    >>> os.environ[ENV_VAR] = "lines"
    >>> fit_verbose(), show_bars()
    (2, False)
    >>> del os.environ[ENV_VAR]
    >>> fit_verbose(), show_bars(), show_bars(False)
    ('auto', True, False)
"""

from __future__ import annotations

import os

#: Environment variable read by this module; ``run-notebooks`` sets it to :data:`LINES`.
ENV_VAR = "COURSEWORK_PROGRESS"
#: Value of :data:`ENV_VAR` for one line per epoch and no live bars.
LINES = "lines"


def one_line_per_epoch() -> bool:
    """True when progress must be plain lines (set by ``run-notebooks`` for committed outputs)."""
    return os.environ.get(ENV_VAR, "").strip().lower() == LINES


def fit_verbose() -> int | str:
    """The ``verbose`` argument for ``model.fit``: ``2`` under ``run-notebooks``, else ``"auto"``."""
    return 2 if one_line_per_epoch() else "auto"


def show_bars(requested: bool = True) -> bool:
    """Whether to draw a live progress bar (tqdm): what the caller asked for, never under the runner."""
    return bool(requested) and not one_line_per_epoch()
