"""Tamper signs, checked inside the student's kernel just before each check cell.

This file runs *inside the graded kernel*: :mod:`coursework.grading.tamper` pastes its source into
a cell that the grader puts first in the graded notebook (the kernel may not import this package's
version), and executes it as the module ``__coursework_guard__`` with :func:`arm` called at once,
before any student code. Each check cell then starts with a line calling :func:`verify`, which
raises :class:`TamperingDetected` naming what changed since :func:`arm`:

- a function or class of ``math``, ``numpy``, ``numpy.linalg`` or ``numpy.testing`` re-bound or
  deleted (``np.allclose = lambda *a, **k: True``), or such a module replaced in ``sys.modules``;
- a builtin that checks rely on re-bound in ``builtins`` (``builtins.len = ...``), or
  ``__builtins__`` replaced;
- a builtin *that the check uses* shadowed in the notebook's namespace by a function or class
  (``len = lambda x: 3``, ``AssertionError = Exception``; a plain value such as ``max = 10`` only
  breaks the check, it cannot make it pass, so it is left to fail as an error);
- the names ``np``, ``numpy`` or ``math``, when the check uses them, bound to something other than
  those modules.

Standard library only. What it cannot see is listed in docs/grading.md ("Tamper signs").
"""

import builtins
import importlib
import sys
import types

WATCHED_MODULES = ("math", "numpy", "numpy.linalg", "numpy.testing")
WATCHED_BUILTINS = (
    "AssertionError",
    "Exception",
    "BaseException",
    "isinstance",
    "issubclass",
    "len",
    "abs",
    "all",
    "any",
    "float",
    "int",
    "bool",
    "str",
    "round",
    "sum",
    "min",
    "max",
    "range",
    "zip",
    "list",
    "tuple",
    "dict",
    "set",
    "sorted",
    "type",
    "repr",
    "hasattr",
    "getattr",
    "callable",
    "enumerate",
    "map",
    "filter",
    "next",
    "iter",
    "print",
    "__import__",
)
MODULE_ALIASES = {"np": "numpy", "numpy": "numpy", "math": "math"}


class TamperingDetected(Exception):
    """Something a check relies on was changed by the notebook's code."""


_state = {}


def _public_callables(module):
    return {
        name: value
        for name, value in vars(module).items()
        if not name.startswith("_") and callable(value) and not isinstance(value, types.ModuleType)
    }


def arm():
    """Remember the watched modules' functions and the builtins (before any student code runs)."""
    modules = {}
    for name in WATCHED_MODULES:
        try:
            modules[name] = importlib.import_module(name)
        except ImportError:
            continue
    _state["modules"] = modules
    _state["functions"] = {name: _public_callables(module) for name, module in modules.items()}
    _state["builtins"] = {
        name: getattr(builtins, name) for name in WATCHED_BUILTINS if hasattr(builtins, name)
    }
    _state["builtins_module"] = builtins


def find_tampering(namespace, names=None):
    """Descriptions of what changed since :func:`arm` (empty when nothing did).

    ``names``: the identifiers the check cell uses (shadowing is looked for among them only);
    ``None`` looks at every watched name.
    """
    if not _state:
        return ["the grader's guard was never armed"]
    problems = []
    for module_name, module in _state["modules"].items():
        if sys.modules.get(module_name) is not module:
            problems.append(f"sys.modules[{module_name!r}] was replaced")
        current = vars(module)
        for name, original in _state["functions"][module_name].items():
            value = current.get(name, None)
            if value is None:
                problems.append(f"{module_name}.{name} was deleted")
            elif value is not original:
                problems.append(f"{module_name}.{name} was re-bound")
    real_builtins = _state["builtins_module"]
    if namespace.get("__builtins__", real_builtins) not in (real_builtins, vars(real_builtins)):
        problems.append("__builtins__ was replaced")
    for name, original in _state["builtins"].items():
        if getattr(real_builtins, name, None) is not original:
            problems.append(f"builtins.{name} was re-bound")
        if names is not None and name not in names:
            continue
        value = namespace.get(name, original)
        if value is not original and callable(value):
            problems.append(f"the builtin {name!r} is shadowed by the notebook's {type(value).__name__}")
    for alias, module_name in MODULE_ALIASES.items():
        module = _state["modules"].get(module_name)
        if names is not None and alias not in names:
            continue
        if module is not None and alias in namespace and namespace[alias] is not module:
            problems.append(f"{alias!r} is not the {module_name} module")
    return problems


def verify(names=None):
    """Raise :class:`TamperingDetected` when the caller's namespace or the watched modules changed.

    ``names``: the identifiers of the check cell that calls it (see :func:`find_tampering`).
    """
    problems = find_tampering(sys._getframe(1).f_globals, None if names is None else set(names))
    if problems:
        shown = "; ".join(problems[:6]) + (f"; and {len(problems) - 6} more" if len(problems) > 6 else "")
        raise TamperingDetected(f"tampering detected before this check: {shown}")
