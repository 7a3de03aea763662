"""Tamper signs: the guard cell, run in a plain namespace as the kernel would run it (no kernel)."""

from __future__ import annotations

import builtins
import math
import sys

import numpy as np
import pytest

from coursework.grading.tamper import (
    GUARD_MODULE,
    add_tamper_guard,
    guard_cell_source,
    guard_line,
    tamper_message,
    used_names,
)


@pytest.fixture
def kernel():
    """A fresh 'notebook namespace' with the guard armed, as the grader's first cell leaves it.

    The tampering these tests perform re-binds attributes of the real ``numpy``, ``math`` and
    ``builtins`` modules (as a student's cell would): they are all put back afterwards, so no other
    test of the session sees ``builtins.abs`` returning 0.
    """
    modules = (np, np.linalg, np.testing, math, builtins)
    saved = [(module, dict(vars(module))) for module in modules]
    namespace = {"__name__": "__main__"}
    exec(guard_cell_source(), namespace)
    assert set(namespace) == {"__name__", "__builtins__"}  # the guard cell leaves nothing behind
    yield namespace
    sys.modules.pop(GUARD_MODULE, None)
    for module, attributes in saved:
        for name in set(vars(module)) - set(attributes):
            delattr(module, name)
        for name, value in attributes.items():
            if vars(module).get(name, object()) is not value:
                setattr(module, name, value)


def run_check(namespace, check_source):
    """Run a check cell with its guard line; returns the exception raised, or None."""
    try:
        exec(guard_line(check_source) + "\n" + check_source, namespace)
    except Exception as exc:  # noqa: BLE001 - the test looks at which one
        return exc
    return None


def test_untouched_notebook_passes_and_wrong_answer_fails(kernel):
    exec("import numpy as np\nimport math\nx = np.array([1.0, 2.0])\nmax = 10", kernel)
    assert run_check(kernel, "assert np.allclose(x, [1, 2]) and len(x) == 2") is None
    error = run_check(kernel, "assert math.isclose(x[0], 5), 'x[0] debe valer 5'")
    assert isinstance(error, AssertionError) and str(error) == "x[0] debe valer 5"


@pytest.mark.parametrize(
    "tamper, check, sign",
    [
        (
            "import numpy as np\nnp.allclose = lambda *a, **k: True",
            "assert np.allclose(x, 3)",
            "numpy.allclose was re-bound",
        ),
        (
            "import numpy\nnumpy.testing.assert_allclose = lambda *a, **k: None",
            "import numpy\nnumpy.testing.assert_allclose(x, 3)",
            "numpy.testing.assert_allclose was re-bound",
        ),
        (
            "import math\nmath.isclose = lambda *a, **k: True",
            "assert math.isclose(1, 2)",
            "math.isclose was re-bound",
        ),
        ("len = lambda obj: 3", "assert len(x) == 3", "the builtin 'len' is shadowed"),
        ("def isinstance(*a):\n    return True", "assert isinstance(x, str)", "'isinstance' is shadowed"),
        (
            "class AssertionError(Exception):\n    pass",
            "try:\n    assert x == 1\nexcept AssertionError:\n    raise",
            "'AssertionError' is shadowed",
        ),
        ("import builtins\nbuiltins.abs = lambda v: 0", "assert abs(-1) == 0", "builtins.abs was re-bound"),
        (
            "class FakeNumpy:\n    allclose = staticmethod(lambda *a, **k: True)\nnp = FakeNumpy()",
            "assert np.allclose(x, 3)",
            "'np' is not the numpy module",
        ),
        ("import sys\nsys.modules.pop('__coursework_guard__')", "assert x == 1", "guard module was removed"),
    ],
)
def test_tampering_is_reported_not_passed(kernel, tamper, check, sign):
    exec("import numpy as np\nx = np.array([1.0, 2.0])", kernel)
    exec(tamper, kernel)
    error = run_check(kernel, check)
    assert error is not None, "the tampered check passed"
    report = {"ename": type(error).__name__, "evalue": str(error)}
    message = tamper_message(report)
    assert message is not None and sign in message, report


def test_plain_values_shadowing_builtins_are_not_tampering(kernel):
    exec("list = [1, 2]\nsum = 0\nmax = 10", kernel)  # careless, not a way to pass a check
    error = run_check(kernel, "assert max(list) == 2")
    assert isinstance(error, TypeError)
    assert tamper_message({"ename": "TypeError", "evalue": str(error)}) is None


def test_shadowing_a_builtin_the_check_does_not_use_is_not_reported(kernel):
    exec("def len(obj):\n    return 0\nx = 1", kernel)
    assert run_check(kernel, "assert x == 1") is None


def test_rebinding_in_modules_is_reported_whatever_the_check_uses(kernel):
    original = np.mean
    try:
        np.mean = lambda *a, **k: 0
        error = run_check(kernel, "assert 1 == 1")
    finally:
        np.mean = original
    assert type(error).__name__ == "TamperingDetected" and "numpy.mean" in str(error)
    assert math.sqrt is math.sqrt and builtins.len is len


def test_guard_is_inserted_first_and_on_check_cells_only():
    import nbformat.v4 as v4

    nb = v4.new_notebook(
        cells=[v4.new_code_cell("x = 1", id="sol"), v4.new_code_cell("assert x == 1", id="check-x")]
    )
    add_tamper_guard(nb, ["check-x"])
    assert [c.id for c in nb.cells] == ["coursework-grader-guard", "sol", "check-x"]
    assert nb.cells[1].source == "x = 1"
    assert nb.cells[2].source.endswith("\nassert x == 1")
    assert used_names("assert np.allclose(y, z)") == ("np", "y", "z")
    assert used_names("assert (") is None
