"""Keep TensorFlow's start-up lines off stderr: for the command line, the benchmarks and notebook kernels.

TensorFlow 2.16+ writes its start-up lines (oneDNN notice, "Could not find cuda drivers", CPU
instruction notes, the absl "All log messages before absl::InitializeLog()" banner) from C++ to file
descriptor 2 while it is imported, before ``TF_CPP_MIN_LOG_LEVEL`` takes effect, so the environment
variable alone does not silence them. :func:`quiet_tensorflow_startup` sets the variable (for the
lines after start-up) and wraps the first ``import tensorflow`` of the process so that, during that
import only, descriptor 2 goes to a temporary file; afterwards every captured line that is not a
start-up line is written back to stderr, so real errors and warnings are kept. Nothing is imported
early: a command that never loads TensorFlow pays nothing.

Example:
    >>> from coursework.quiet import is_startup_line
    >>> is_startup_line("I0000 00:00:1795971793.810192    9287 cudart_stub.cc:31] Could not find cuda")
    True
    >>> is_startup_line("error: Unknown task 'nope'")
    False
"""

from __future__ import annotations

import contextlib
import importlib.abc
import os
import re
import sys
import tempfile

#: Environment for quiet TensorFlow logs after start-up (set before TensorFlow loads; a user's own
#: value wins where this module uses ``setdefault``).
QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3"}

_STARTUP_LINE = re.compile(
    r"^(?:WARNING: All log messages before absl::InitializeLog\(\) is called"  # absl banner
    r"|[IW]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ \S+:\d+\] "  # absl INFO / WARNING lines
    r"|To enable the following instructions: .* rebuild TensorFlow)"  # cpu_feature_guard, 2nd line
)


def is_startup_line(line: str) -> bool:
    """True for a TensorFlow/absl start-up log line (INFO or WARNING severity, or absl's banner)."""
    return bool(_STARTUP_LINE.match(line))


@contextlib.contextmanager
def filtered_stderr_fd():
    """Send file descriptor 2 to a temporary file, then write back what is not a start-up line."""
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 (a detached process): nothing to filter
        yield
        return
    with tempfile.TemporaryFile() as capture:
        sys.stderr.flush()
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            text = capture.read().decode("utf-8", errors="replace")
            kept = [line for line in text.splitlines(keepends=True) if not is_startup_line(line)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


class _QuietLoader(importlib.abc.Loader):
    """Delegates to TensorFlow's own loader; runs the package's code with stderr filtered."""

    def __init__(self, loader, finder):
        self._loader = loader
        self._finder = finder

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self._finder)  # one-shot: the package is imported once
        with filtered_stderr_fd():
            self._loader.exec_module(module)

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _QuietTensorFlowFinder(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` with the other finders and wraps its loader in :class:`_QuietLoader`."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "tensorflow":
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _QuietLoader(spec.loader, self)
                return spec
        return None


def quiet_tensorflow_startup() -> None:
    """Silence TensorFlow's start-up lines for the rest of this process (call before it is imported).

    Idempotent; does nothing to a process that has already imported TensorFlow.
    """
    for name, value in QUIET_ENV.items():
        os.environ.setdefault(name, value)
    if "tensorflow" in sys.modules:
        return
    if not any(isinstance(finder, _QuietTensorFlowFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorFlowFinder())
