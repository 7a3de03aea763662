"""The package's shape, checked: import directions (import-linter), lint and format (ruff), module size.

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``, ``[tool.ruff]``); design.md draws
the layers they encode. Each test fails with the tool's own report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "coursework"
LINTED = [p for p in ("coursework", "tests", "benchmarks") if (ROOT / p).is_dir()]
MAX_MODULE_LINES = 400


def _tool(name):
    """The console script installed beside this Python (the venv's), else the one on ``PATH``."""
    candidate = Path(sys.executable).parent / name
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -r requirements.txt")
    return found


def _run(*command):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    return result.returncode, (result.stdout + result.stderr).strip()


def test_import_contracts_hold():
    code, report = _run(_tool("lint-imports"), "--no-cache", "--no-logo")
    assert code == 0, f"import-linter contracts broken:\n{report}"


def test_ruff_check_is_clean():
    code, report = _run(_tool("ruff"), "check", "--no-cache", "--output-format", "concise", *LINTED)
    assert code == 0, f"ruff check found problems:\n{report}"


def test_ruff_format_is_clean():
    code, report = _run(
        _tool("ruff"), "format", "--check", "--no-cache", "--output-format", "concise", *LINTED
    )
    assert code == 0, f"ruff format would change files (run `ruff format`):\n{report}"


def test_no_module_over_400_lines():
    sizes = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    assert sizes, "no modules found"
    too_long = {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES}
    assert not too_long, (
        f"modules over {MAX_MODULE_LINES} lines (split them along their seams): "
        + ", ".join(f"{name} ({n})" for name, n in sorted(too_long.items()))
    )
