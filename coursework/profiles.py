"""Run profiles: how big a run is, decided in exactly one place.

``full`` (the default) is what a student gets when running a notebook or ``python -m coursework
train``; it is also what the committed notebook outputs show. ``ci`` shrinks data and epochs so the
whole test suite executes every notebook in a few minutes on 2 CPU cores. Both follow the same code
path; only the numbers change.

The profile is read from the ``COURSEWORK_PROFILE`` environment variable (the test suite sets it to
``ci``), unless a caller passes one explicitly.

Example:
    >>> from coursework.profiles import get_profile, pick
    >>> get_profile("ci")
    'ci'
    >>> pick(full=30, ci=3, profile="ci")
    3
"""

from __future__ import annotations

import os
from typing import TypeVar

PROFILES = ("full", "ci")
ENV_VAR = "COURSEWORK_PROFILE"
DEFAULT_PROFILE = "full"

T = TypeVar("T")


def get_profile(profile: str | None = None) -> str:
    """Return the active profile name: ``profile`` if given, else ``$COURSEWORK_PROFILE``, else ``full``.

    Raises:
        ValueError: if the name is not one of :data:`PROFILES`.
    """
    name = profile if profile is not None else os.environ.get(ENV_VAR, DEFAULT_PROFILE)
    name = str(name).strip().lower() or DEFAULT_PROFILE
    if name not in PROFILES:
        raise ValueError(
            f"Unknown profile {name!r}: choose one of {', '.join(PROFILES)} "
            f"(set with --profile or the {ENV_VAR} environment variable)."
        )
    return name


def pick(*, full: T, ci: T, profile: str | None = None) -> T:
    """Choose a value for the active profile: ``pick(full=30, ci=3)``."""
    return full if get_profile(profile) == "full" else ci


def is_ci(profile: str | None = None) -> bool:
    """True when the small ``ci`` profile is active."""
    return get_profile(profile) == "ci"
