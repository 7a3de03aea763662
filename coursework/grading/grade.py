"""Grade submissions (students' clones) by running their notebooks through nbval, isolated.

For every reference notebook that has check cells, the student's notebook of the same name is
rebuilt with the *reference* check cells (matched by cell ``id``; a deleted or edited check is put
back after the cell that preceded it in the reference), every output cleared, and the student's
kernel metadata ignored. Each notebook then runs through ``pytest --nbval-lax --nbval-current-env``
in its own process group, inside a network namespace when one can be made, under a memory limit
and wall-clock limits enforced from outside. A small pytest plugin writes one JSON line per cell as
it happens, so a notebook killed half-way still reports the checks it reached.

Statuses per check: ``passed``, ``failed`` (an ``AssertionError``, with its message), ``error``
(any other exception, a dead kernel, a memory kill), ``timeout`` and ``missing``. Per notebook:
``graded``, ``missing``, ``invalid``, ``timeout``, ``kernel-died``, ``memory-limit``,
``grader-error``. The run "could not grade" something when a notebook status is not ``graded``.

Example:
    >>> from coursework.grading.grade import GradeOptions, grade_submissions  # doctest: +SKIP
    >>> results = grade_submissions(["subs/ana"], "notebooks", GradeOptions(jobs=2))  # doctest: +SKIP
    >>> results[0].score, results[0].max_score  # doctest: +SKIP
    (3.0, 4.0)
"""

from __future__ import annotations

import concurrent.futures
import copy
import csv
import dataclasses
import io
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any, Iterable, Sequence

from coursework.grading.markers import (CHECK_TAG, SOLUTION_TAG, cell_source, cell_tags,
                                        source_digest, validate_notebook)

CHECK_STATUSES = ("passed", "failed", "error", "timeout", "missing")
NOTEBOOK_STATUSES = ("graded", "missing", "invalid", "timeout", "kernel-died", "memory-limit",
                     "grader-error")
RESULT_FORMAT = "coursework-grade/1"

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
#: Environment variables passed to student code (everything else, e.g. tokens, is dropped).
_ENV_KEEP = {"PATH", "HOME", "LANG", "LANGUAGE", "TERM", "USER", "LOGNAME", "TMPDIR", "TZ",
             "VIRTUAL_ENV", "PYTHONHASHSEED", "NLTK_DATA"}
_ENV_KEEP_PREFIXES = ("LC_", "TF_", "KERAS_", "COURSEWORK_", "JUPYTER_", "OMP_", "MKL_",
                      "OPENBLAS_", "CUDA_", "XDG_")
_SKIP_DIRS = {".git", ".ipynb_checkpoints", "__pycache__", ".venv", "venv", "node_modules"}


def strip_ansi(text: str) -> str:
    """``text`` without terminal colour codes (kernel tracebacks carry them)."""
    return _ANSI.sub("", text)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------

@dataclasses.dataclass
class CheckResult:
    """One check cell of one notebook of one submission."""

    id: str
    status: str
    message: str = ""
    origin: str = "kept"  # kept | edited (restored from the reference) | restored (was deleted)
    points: float = 1.0
    seconds: float | None = None


@dataclasses.dataclass
class NotebookResult:
    """One reference notebook as found (or not) in one submission."""

    name: str
    status: str
    checks: list[CheckResult]
    path: str | None = None
    note: str = ""
    seconds: float = 0.0


@dataclasses.dataclass
class SubmissionResult:
    """All the notebooks of one submission, with its score."""

    name: str
    path: str
    notebooks: list[NotebookResult]
    seconds: float = 0.0
    isolation: str = ""

    @property
    def score(self) -> float:
        return sum(c.points for nb in self.notebooks for c in nb.checks if c.status == "passed")

    @property
    def max_score(self) -> float:
        return sum(c.points for nb in self.notebooks for c in nb.checks)

    @property
    def graded(self) -> bool:
        """True when every notebook ran to completion (failed checks still count as graded)."""
        return all(nb.status == "graded" for nb in self.notebooks)

    def counts(self) -> dict[str, int]:
        counts = {status: 0 for status in CHECK_STATUSES}
        for nb in self.notebooks:
            for check in nb.checks:
                counts[check.status] = counts.get(check.status, 0) + 1
        return counts

    def to_dict(self) -> dict:
        return {"name": self.name, "path": self.path, "score": self.score,
                "max_score": self.max_score, "graded": self.graded, "counts": self.counts(),
                "seconds": round(self.seconds, 2), "isolation": self.isolation,
                "notebooks": [dataclasses.asdict(nb) for nb in self.notebooks]}

    @classmethod
    def from_dict(cls, data: dict) -> "SubmissionResult":
        notebooks = [NotebookResult(
            name=nb["name"], status=nb["status"], path=nb.get("path"), note=nb.get("note", ""),
            seconds=float(nb.get("seconds", 0.0)),
            checks=[CheckResult(**{k: c[k] for k in c if k in CheckResult.__dataclass_fields__})
                    for c in nb["checks"]])
            for nb in data["notebooks"]]
        return cls(name=data["name"], path=data.get("path", ""), notebooks=notebooks,
                   seconds=float(data.get("seconds", 0.0)), isolation=data.get("isolation", ""))


# --------------------------------------------------------------------------------------------
# Reference notebooks
# --------------------------------------------------------------------------------------------

@dataclasses.dataclass
class ReferenceCell:
    id: str | None
    cell_type: str
    digest: str
    is_check: bool
    is_solution: bool
    node: Any  # the nbformat cell (kept whole for check cells)


@dataclasses.dataclass
class ReferenceNotebook:
    """The graded skeleton of a reference (or released) notebook: its cells and check cells."""

    name: str
    cells: list[ReferenceCell]
    metadata: dict

    @property
    def check_ids(self) -> list[str]:
        return [c.id for c in self.cells if c.is_check]


def load_reference(path: str | os.PathLike) -> ReferenceNotebook:
    """Read one reference notebook (solved or released: both have the same check cells).

    Raises:
        MarkerError / ValueError: for a malformed or unreadable notebook.
    """
    import nbformat

    path = pathlib.Path(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:
        raise ValueError(f"Reference notebook {path.name} is not readable: {exc}") from None
    _, checks = validate_notebook(nb, path.name, require_regions=False)
    check_ids = {c.id for c in checks}
    cells = []
    for cell in nb.cells:
        source = cell_source(cell)
        cell_id = cell.get("id")
        cells.append(ReferenceCell(
            id=cell_id, cell_type=cell.cell_type, digest=source_digest(source),
            is_check=cell_id in check_ids and CHECK_TAG in cell_tags(cell),
            is_solution=SOLUTION_TAG in cell_tags(cell), node=cell))
    return ReferenceNotebook(name=path.name, cells=cells, metadata=dict(nb.metadata))


def load_references(reference: str | os.PathLike | Sequence[str | os.PathLike]) -> list[ReferenceNotebook]:
    """The reference notebooks that have at least one check cell, sorted by name.

    ``reference`` is a folder of notebooks (the solved references or a student release) or a list
    of notebook files.

    Raises:
        FileNotFoundError: if nothing is found; ValueError if no notebook has check cells.
    """
    if isinstance(reference, (str, os.PathLike)):
        base = pathlib.Path(reference)
        if base.is_dir():
            paths = sorted(base.glob("*.ipynb"))
        elif base.is_file():
            paths = [base]
        else:
            raise FileNotFoundError(f"Reference {str(base)!r} not found.")
    else:
        paths = [pathlib.Path(p) for p in reference]
    if not paths:
        raise FileNotFoundError(f"No reference notebooks in {reference!s}.")
    loaded = [load_reference(p) for p in paths]
    graded = [r for r in loaded if r.check_ids]
    if not graded:
        raise ValueError(f"No reference notebook in {reference!s} has check cells (tag 'check').")
    return sorted(graded, key=lambda r: r.name)


# --------------------------------------------------------------------------------------------
# Rebuilding a student's notebook with the reference check cells
# --------------------------------------------------------------------------------------------

def build_graded_notebook(student_nb: Any, reference: ReferenceNotebook) -> tuple[Any, dict[str, str]]:
    """The notebook that is actually run: the student's cells plus the reference check cells.

    Returns ``(notebook, origins)`` where ``origins[check_id]`` is ``kept`` (the student's copy was
    identical), ``edited`` (changed by the student: replaced by the reference), ``restored``
    (deleted by the student: re-inserted after the cell that preceded it in the reference) or
    ``missing`` (no preceding reference cell was found in the submission, so it could not be placed).
    Every output and execution count is cleared and the kernel metadata is the reference's.
    """
    import nbformat

    ref_checks = {c.id: c for c in reference.cells if c.is_check}
    check_digests = {c.digest: c.id for c in ref_checks.values()}
    seen: dict[str, str] = {}
    kept_cells: list[Any] = []
    for cell in student_nb.get("cells", []):
        cell_id = cell.get("id")
        source = cell_source(cell)
        if cell_id in ref_checks:
            seen[cell_id] = "kept" if source_digest(source) == ref_checks[cell_id].digest else "edited"
            continue
        if cell.get("cell_type") == "code" and (CHECK_TAG in cell_tags(cell)
                                                or source_digest(source) in check_digests):
            match = check_digests.get(source_digest(source))
            if match and match not in seen:
                seen[match] = "kept"
            continue  # any other check-like cell is replaced by the reference checks
        kept_cells.append(cell)

    by_id: dict[str, int] = {}
    by_digest: dict[str, list[int]] = {}
    for index, cell in enumerate(kept_cells):
        if cell.get("id"):
            by_id.setdefault(str(cell["id"]), index)
        by_digest.setdefault(source_digest(cell_source(cell)), []).append(index)

    after: dict[int, list[Any]] = {}
    origins: dict[str, str] = {}
    anchor: int | None = None
    for position, ref_cell in enumerate(reference.cells):
        if ref_cell.is_check:
            if anchor is None and position > 0:
                origins[ref_cell.id] = "missing"
                continue
            after.setdefault(-1 if anchor is None else anchor, []).append(copy.deepcopy(ref_cell.node))
            origins[ref_cell.id] = seen.get(ref_cell.id, "restored")
            continue
        found = by_id.get(ref_cell.id) if ref_cell.id else None
        if found is None and not ref_cell.is_solution:
            candidates = by_digest.get(ref_cell.digest, [])
            found = candidates[0] if len(candidates) == 1 else None
        if found is not None:
            anchor = found

    cells = list(after.get(-1, []))
    for index, cell in enumerate(kept_cells):
        cells.append(copy.deepcopy(cell))
        cells.extend(after.get(index, []))

    graded = nbformat.v4.new_notebook()
    graded.metadata = copy.deepcopy(reference.metadata) or {}
    graded.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3",
                                              "language": "python"})
    used: set[str] = set()
    for number, cell in enumerate(cells):
        node = nbformat.from_dict(dict(cell))
        node.setdefault("metadata", {})
        if node.get("cell_type") == "code":
            node["outputs"] = []
            node["execution_count"] = None
        elif node.get("cell_type") not in ("markdown", "raw"):
            node = nbformat.v4.new_raw_cell(cell_source(cell))
        cell_id = str(node.get("id") or "")
        if not cell_id or cell_id in used or not re.fullmatch(r"[a-zA-Z0-9-_]{1,64}", cell_id):
            cell_id = f"graded-cell-{number}"
        used.add(cell_id)
        node["id"] = cell_id
        node["source"] = cell_source(node)
        cells[number] = node
    graded.cells = cells
    graded.nbformat, graded.nbformat_minor = 4, 5
    return graded, origins


# --------------------------------------------------------------------------------------------
# Isolation: network namespace, memory limit
# --------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Isolation:
    """How student code is confined; ``describe()`` is printed in every report."""

    network_prefix: tuple[str, ...] = ()
    network: str = "none"
    memory_prefix: tuple[str, ...] = ()
    memory: str = "watchdog"
    memory_mb: int = 4096

    def describe(self) -> str:
        return f"network: {self.network}; memory: {self.memory} ({self.memory_mb} MiB)"


_SANDBOX = (sys.executable, "-P", "-m", "coursework.grading._sandbox", "--")
_PROBE = ("import socket; names = sorted(n for _, n in socket.if_nameindex()); "
          "assert names == ['lo'], names; s = socket.socket(); s.bind(('127.0.0.1', 0)); "
          "s.listen(); c = socket.create_connection(s.getsockname(), timeout=5); print('ok')")
_isolation_cache: dict[tuple, Isolation] = {}
_isolation_lock = threading.Lock()


def _probe(argv: Sequence[str]) -> bool:
    try:
        done = subprocess.run([*argv, sys.executable, "-c", _PROBE], capture_output=True, text=True,
                              timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout.strip().endswith("ok")


def _network_candidates() -> list[tuple[str, tuple[str, ...]]]:
    candidates = []
    unshare, bwrap = shutil.which("unshare"), shutil.which("bwrap")
    if unshare:
        # A PID namespace too (when allowed): killing its first process kills every process of it,
        # even ones that daemonized themselves.
        candidates.append(("unshare -n -p (network + PID namespace)",
                           (unshare, "--net", "--pid", "--fork", "--kill-child", "--", *_SANDBOX)))
        candidates.append(("unshare -n (network namespace)", (unshare, "--net", "--", *_SANDBOX)))
        candidates.append(("unshare -r -n (user + network namespace)",
                           (unshare, "--map-root-user", "--net", "--", *_SANDBOX)))
    if bwrap:
        candidates.append(("bwrap --unshare-net", (bwrap, "--dev-bind", "/", "/", "--unshare-net",
                                                   "--die-with-parent", "--", *_SANDBOX)))
    return candidates


def _cgroup_scope_prefix(memory_mb: int) -> tuple[str, ...] | None:
    """``systemd-run --user --scope`` with MemoryMax, when it really takes effect (checked)."""
    systemd_run = shutil.which("systemd-run")
    if not systemd_run or not pathlib.Path("/sys/fs/cgroup/cgroup.controllers").exists():
        return None
    prefix = (systemd_run, "--user", "--scope", "--quiet", "-p", f"MemoryMax={memory_mb}M",
              "-p", "MemorySwapMax=0", "--")
    script = ("import pathlib; g = pathlib.Path('/proc/self/cgroup').read_text().split('::')[-1].strip();"
              "print(pathlib.Path('/sys/fs/cgroup' + g, 'memory.max').read_text().strip())")
    try:
        done = subprocess.run([*prefix, sys.executable, "-c", script], capture_output=True,
                              text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode == 0 and done.stdout.strip() == str(memory_mb * 1024 * 1024):
        return prefix
    return None


def detect_isolation(network: str = "auto", memory_mb: int = 4096) -> Isolation:
    """Find the strongest isolation this machine allows (probed once per setting, then cached).

    Args:
        network: ``auto`` (first that works of: unshare with a PID namespace, unshare -n,
            unshare -r -n, bwrap), ``none`` (no network isolation), or ``require`` (like auto but
            raise when none works).
        memory_mb: memory limit for one notebook (kernel and grader process together).

    Raises:
        RuntimeError: with ``network="require"`` when no namespace can be made.
    """
    if network not in ("auto", "none", "require"):
        raise ValueError(f"network isolation must be auto, none or require, not {network!r}")
    key = (network, memory_mb)
    with _isolation_lock:
        if key in _isolation_cache:
            return _isolation_cache[key]
        net_name, net_prefix = "none (disabled with --network none)", ()
        if network != "none":
            net_name = None
            for name, prefix in _network_candidates():
                if _probe(prefix):
                    net_name, net_prefix = name, prefix
                    break
            if net_name is None:
                if network == "require":
                    raise RuntimeError("No network namespace could be created (tried unshare and "
                                       "bwrap): student code would reach the network.")
                net_name = "none (no unshare/bwrap namespace available on this machine)"
                print("warning: network isolation unavailable (unshare -n and bwrap "
                      "--unshare-net both failed or are missing); student code can reach the "
                      "network", file=sys.stderr)
        scope = _cgroup_scope_prefix(memory_mb)
        memory = ("cgroup v2 MemoryMax via systemd-run --user --scope, plus resident-memory watchdog"
                  if scope else "resident-memory watchdog (no delegated cgroup v2 memory controller)")
        isolation = Isolation(network_prefix=tuple(net_prefix), network=net_name,
                              memory_prefix=tuple(scope or ()), memory=memory, memory_mb=memory_mb)
        _isolation_cache[key] = isolation
        return isolation


# --------------------------------------------------------------------------------------------
# Running one notebook
# --------------------------------------------------------------------------------------------

@dataclasses.dataclass
class GradeOptions:
    """Limits and isolation for grading.

    Attributes:
        cell_timeout: seconds one cell may run (nbval interrupts it; the whole run is killed from
            outside ``kill_grace`` seconds later if that did not work).
        submission_timeout: seconds all the notebooks of one submission may take together.
        memory_mb: memory limit for one running notebook (kernel + grader process).
        network: ``auto`` | ``none`` | ``require`` (see :func:`detect_isolation`).
        jobs: submissions graded in parallel.
        profile: ``COURSEWORK_PROFILE`` given to the notebooks (``ci`` keeps grading fast).
        kernel_startup_timeout: seconds the kernel may take to start.
        kill_grace: extra seconds after ``cell_timeout`` before the outside kill.
    """

    cell_timeout: float = 300.0
    submission_timeout: float = 1800.0
    memory_mb: int = 4096
    network: str = "auto"
    jobs: int = 1
    profile: str = "ci"
    kernel_startup_timeout: float = 120.0
    kill_grace: float = 10.0

    def __post_init__(self):
        for name in ("cell_timeout", "submission_timeout", "kernel_startup_timeout"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)!r}")
        if int(self.memory_mb) < 64:
            raise ValueError(f"memory_mb must be at least 64, got {self.memory_mb!r}")
        if int(self.jobs) < 1:
            raise ValueError(f"jobs must be at least 1, got {self.jobs!r}")


@dataclasses.dataclass
class _Run:
    events: list[dict]
    killed: str | None  # None | timeout | memory-limit | kernel-died
    detail: str
    returncode: int | None
    log_tail: str
    running_cell: str | None


def _student_env(events_path: pathlib.Path, profile: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k in _ENV_KEEP or k.startswith(_ENV_KEEP_PREFIXES)}
    env.update({"COURSEWORK_PROFILE": profile, "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1",
                "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "COURSEWORK_GRADE_EVENTS": str(events_path),
                "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3"),
                "PYTHONWARNINGS": "ignore::DeprecationWarning"})
    return env


def _tree(root) -> list:
    import psutil

    try:
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return [root]


def _kill_tree(proc: subprocess.Popen) -> None:
    import psutil

    try:
        procs = _tree(psutil.Process(proc.pid))
    except psutil.Error:
        procs = []
    for p in procs:
        try:
            p.kill()
        except psutil.Error:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:  # pragma: no cover - a process in D state
        pass
    psutil.wait_procs([p for p in procs if p.pid != proc.pid], timeout=5)


def _read_events(path: pathlib.Path, offset: int) -> tuple[list[dict], int]:
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            data = handle.read()
    except FileNotFoundError:
        return [], offset
    end = data.rfind(b"\n") + 1
    events = []
    for line in data[:end].splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            continue
    return events, offset + end


def run_graded_notebook(notebook: pathlib.Path, n_code_cells: int, options: GradeOptions,
                        isolation: Isolation, deadline: float, scratch: pathlib.Path) -> _Run:
    """Run one rebuilt notebook through nbval in its own process group, watched from outside."""
    import psutil

    events_path = scratch / f"{notebook.stem}.events.jsonl"
    log_path = scratch / f"{notebook.stem}.log"
    ini = scratch / "pytest.ini"
    ini.write_text("[pytest]\n", encoding="utf-8")
    events_path.unlink(missing_ok=True)
    argv = [*isolation.memory_prefix, *isolation.network_prefix, sys.executable, "-P", "-m", "pytest",
            str(notebook), "-p", "nbval", "-p", "coursework.grading._nbval_events",
            "--nbval-lax", "--nbval-current-env", f"--nbval-cell-timeout={options.cell_timeout:g}",
            f"--nbval-kernel-startup-timeout={options.kernel_startup_timeout:g}",
            "-c", str(ini), "--rootdir", str(notebook.parent), "--noconftest",
            "-p", "no:cacheprovider", "--color=no", "-q", "-o", "addopts=",
            "--continue-on-collection-errors"]
    env = _student_env(events_path, options.profile)
    limit_bytes = int(options.memory_mb) * 1024 * 1024
    events: list[dict] = []
    offset = 0
    killed, detail = None, ""
    running: str | None = None
    running_since = time.monotonic()
    done_cells: set[str] = set()
    kernel_pids: set[int] = set()
    kernel_gone_since: float | None = None
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(argv, cwd=notebook.parent, env=env, stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            root = psutil.Process(proc.pid)
        except psutil.Error:
            root = None
        while proc.poll() is None:
            now = time.monotonic()
            new, offset = _read_events(events_path, offset)
            for event in new:
                events.append(event)
                if event.get("event") == "start":
                    running, running_since = event.get("cell_id"), now
                elif event.get("event") == "report" and (
                        event.get("when") == "call" or event.get("outcome") != "passed"):
                    done_cells.add(str(event.get("nodeid")))
            if now >= deadline:
                killed, detail = "timeout", "the submission's wall-clock limit was reached"
            elif running is not None and now - running_since > options.cell_timeout + options.kill_grace and \
                    len(done_cells) < n_code_cells:
                killed, detail = "timeout", (f"cell {running!r} ran past the {options.cell_timeout:g} s "
                                             "cell limit and could not be interrupted")
            elif root is not None:
                rss, alive_kernels = 0, 0
                for p in _tree(root):
                    try:
                        rss += p.memory_info().rss
                        if p.pid not in kernel_pids and "ipykernel" in " ".join(p.cmdline()):
                            kernel_pids.add(p.pid)  # (re-read until exec: a fork shows its parent's)
                        if p.pid in kernel_pids:
                            if p.status() != psutil.STATUS_ZOMBIE:
                                alive_kernels += 1
                    except psutil.Error:
                        continue
                if rss > limit_bytes:
                    killed, detail = "memory-limit", (f"used {rss / 2**20:.0f} MiB, over the "
                                                      f"{options.memory_mb} MiB limit")
                elif kernel_pids and not alive_kernels and len(done_cells) < n_code_cells:
                    kernel_gone_since = kernel_gone_since or now
                    if now - kernel_gone_since > 2.0:
                        killed, detail = "kernel-died", ("the kernel died (os._exit, a crash, or "
                                                         "killed for memory)")
                else:
                    kernel_gone_since = None
            if killed:
                _kill_tree(proc)
                break
            time.sleep(0.2)
        else:
            _kill_tree(proc)  # reap anything the run left behind (a student's daemon)
    new, offset = _read_events(events_path, offset)
    events.extend(new)
    for event in new:
        if event.get("event") == "start":
            running = event.get("cell_id")
    tail = strip_ansi(log_path.read_text(encoding="utf-8", errors="replace"))[-3000:]
    return _Run(events, killed, detail, proc.returncode, tail, running)


def _check_from_events(check_id: str, reports: list[dict]) -> tuple[str, str, float | None]:
    """(status, message, seconds) of a check cell from its plugin reports."""
    call = next((r for r in reports if r.get("when") == "call"), None)
    setup = next((r for r in reports if r.get("when") == "setup"), None)
    if setup and setup.get("outcome") == "failed":
        return "error", _short(setup.get("longrepr", "setup failed")), None
    report = call or setup
    if report is None:
        return "error", "not run", None
    seconds = report.get("duration")
    if "xfail" in report:
        return "timeout", "not run: an earlier cell timed out", seconds
    if report.get("outcome") == "passed":
        return "passed", "", seconds
    if report.get("outcome") == "skipped":
        return "error", "skipped", seconds
    ename, evalue = report.get("ename"), report.get("evalue", "")
    longrepr = report.get("longrepr", "")
    if "Timeout of" in longrepr and "exceeded" in longrepr:
        return "timeout", _short(next((l for l in longrepr.splitlines() if "Timeout of" in l),
                                      "timeout")), seconds
    if ename == "AssertionError":
        return "failed", strip_ansi(evalue).strip() or "assert failed (no message)", seconds
    if ename:
        return "error", f"{ename}: {strip_ansi(evalue).strip()}".strip().rstrip(":"), seconds
    return "error", _short(longrepr), seconds


def _short(text: str, limit: int = 300) -> str:
    lines = [l.strip() for l in strip_ansi(str(text)).splitlines() if l.strip()]
    interesting = [l for l in lines if "Error" in l or "Timeout" in l or "dead" in l]
    line = (interesting or lines or [""])[-1]
    return line[:limit]


# --------------------------------------------------------------------------------------------
# Grading submissions
# --------------------------------------------------------------------------------------------

def _find_notebook(submission: pathlib.Path, name: str) -> pathlib.Path | None:
    for candidate in (submission / name, submission / "notebooks" / name):
        if candidate.is_file():
            return candidate
    found = [p for p in submission.rglob(name) if p.is_file()
             and not set(p.relative_to(submission).parts[:-1]) & _SKIP_DIRS]
    return min(found, key=lambda p: (len(p.parts), str(p))) if found else None


def _renamed_hint(submission: pathlib.Path, reference: ReferenceNotebook,
                  known: set[str]) -> str:
    ids = set(reference.check_ids)
    for path in sorted(submission.rglob("*.ipynb")):
        if path.name in known or set(path.relative_to(submission).parts[:-1]) & _SKIP_DIRS:
            continue
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (ValueError, OSError, AttributeError):
            continue
        if any(isinstance(c, dict) and c.get("id") in ids for c in cells):
            return (f"{path.relative_to(submission)} looks like this notebook renamed: "
                    f"rename it back to {reference.name}")
    return ""


def _ignore_for_copy(directory: str, names: list[str]) -> set[str]:
    return {n for n in names if n in _SKIP_DIRS}


def grade_submission(submission: str | os.PathLike, references: Sequence[ReferenceNotebook],
                     options: GradeOptions, isolation: Isolation | None = None,
                     name: str | None = None) -> SubmissionResult:
    """Grade one submission directory against the reference notebooks (never raises for the
    student's mistakes: every problem becomes a status)."""
    import nbformat

    submission = pathlib.Path(submission)
    isolation = isolation or detect_isolation(options.network, options.memory_mb)
    start = time.monotonic()
    deadline = start + options.submission_timeout
    result = SubmissionResult(name=name or submission.name, path=str(submission), notebooks=[],
                              isolation=isolation.describe())
    if not submission.is_dir():
        for ref in references:
            result.notebooks.append(NotebookResult(
                ref.name, "missing", [CheckResult(c, "missing", "submission folder not found")
                                      for c in ref.check_ids], note="submission folder not found"))
        return result
    known = {r.name for r in references}
    with tempfile.TemporaryDirectory(prefix="coursework-grade-") as tmp:
        tmp_path = pathlib.Path(tmp)
        work = tmp_path / "work"
        scratch = tmp_path / "scratch"
        scratch.mkdir()
        shutil.copytree(submission, work, symlinks=True, ignore=_ignore_for_copy)
        for ref in references:
            nb_start = time.monotonic()
            try:
                nb_result = _grade_one(work, ref, options, isolation, deadline, scratch, known)
            except Exception as exc:  # never let one odd submission stop the batch
                note = f"grader error: {type(exc).__name__}: {exc}"[:300]
                nb_result = NotebookResult(ref.name, "grader-error", [
                    CheckResult(c, "error", note, points=p) for c, p in _points(ref).items()],
                    note=note)
            nb_result.seconds = round(time.monotonic() - nb_start, 2)
            result.notebooks.append(nb_result)
    result.seconds = time.monotonic() - start
    return result


def _points(ref: ReferenceNotebook) -> dict[str, float]:
    points = {}
    for cell in ref.cells:
        if cell.is_check:
            try:
                points[cell.id] = float((cell.node.get("metadata") or {}).get("points", 1.0))
            except (TypeError, ValueError):
                points[cell.id] = 1.0
    return points


def _grade_one(work: pathlib.Path, ref: ReferenceNotebook, options: GradeOptions,
               isolation: Isolation, deadline: float, scratch: pathlib.Path,
               known: set[str]) -> NotebookResult:
    import nbformat

    points = _points(ref)

    def all_checks(status: str, message: str) -> list[CheckResult]:
        return [CheckResult(c, status, message, points=points[c]) for c in ref.check_ids]

    path = _find_notebook(work, ref.name)
    if path is None:
        hint = _renamed_hint(work, ref, known)
        note = f"{ref.name} not found in the submission" + (f" ({hint})" if hint else "")
        return NotebookResult(ref.name, "missing", all_checks("missing", note), note=note)
    relative = str(path.relative_to(work))
    try:
        with open(path, encoding="utf-8") as handle:
            student = nbformat.read(handle, as_version=4)
        if not isinstance(student.get("cells"), list) or not all(
                isinstance(c, dict) for c in student["cells"]):
            raise ValueError("'cells' is not a list of cells")
        graded, origins = build_graded_notebook(student, ref)
    except Exception as exc:  # invalid JSON, not a notebook, bad encoding
        note = f"not a valid notebook: {strip_ansi(str(exc)).splitlines()[0][:200] if str(exc) else type(exc).__name__}"
        return NotebookResult(ref.name, "invalid", all_checks("error", note), path=relative, note=note)
    if time.monotonic() >= deadline:
        note = "not run: the submission's wall-clock limit was already used up"
        return NotebookResult(ref.name, "timeout", all_checks("timeout", note), path=relative, note=note)

    if all(origins.get(c) == "missing" for c in ref.check_ids):
        note = "no cell of the reference was found in this notebook: the checks cannot be placed"
        return NotebookResult(ref.name, "missing", [
            CheckResult(c, "missing", note, origin="missing", points=points[c])
            for c in ref.check_ids], path=relative, note=note)
    nbformat.write(graded, path)  # over the student's copy, in the fresh working copy
    n_code = sum(1 for c in graded.cells if c.cell_type == "code")
    try:
        run = run_graded_notebook(path, n_code, options, isolation, deadline, scratch)
    except OSError as exc:
        note = f"grader could not start nbval: {exc}"
        return NotebookResult(ref.name, "grader-error", all_checks("error", note), path=relative,
                              note=note)
    reports: dict[str, list[dict]] = {}
    collect_errors = [e for e in run.events if e.get("event") == "collect-error"]
    for event in run.events:
        if event.get("event") == "report" and event.get("cell_id"):
            reports.setdefault(event["cell_id"], []).append(event)

    checks = []
    for check_id in ref.check_ids:
        origin = origins.get(check_id, "missing")
        if origin == "missing":
            checks.append(CheckResult(check_id, "missing", "could not be placed: no cell of the "
                                      "reference before it was found in the submission",
                                      origin="missing", points=points[check_id]))
            continue
        got = reports.get(check_id, [])
        if any(r.get("when") == "call" or r.get("outcome") != "passed" for r in got):
            status, message, seconds = _check_from_events(check_id, got)
        elif run.killed:
            status = "timeout" if run.killed == "timeout" else "error"
            where = "while it ran" if run.running_cell == check_id else "before it ran"
            message = f"{run.detail} ({where})"
            seconds = None
        elif collect_errors:
            status, message, seconds = "error", _short(collect_errors[0].get("longrepr", "")), None
        else:
            status, message, seconds = "error", "no result from nbval", None
        checks.append(CheckResult(check_id, status, message, origin=origin,
                                  points=points[check_id], seconds=seconds))

    if run.killed:
        status, note = run.killed, run.detail
    elif collect_errors or (run.returncode not in (0, 1)):
        status = "grader-error"
        note = (f"nbval/pytest exited with status {run.returncode}: "
                f"{_short(run.log_tail) or 'no output'}")
    elif any(c.status == "timeout" for c in checks):
        status, note = "timeout", "a cell ran past the per-cell limit (interrupted by nbval)"
    else:
        status, note = "graded", ""
    changed = sorted(c for c, o in origins.items() if o in ("edited", "restored"))
    if changed:
        note = (note + "; " if note else "") + "check cells restored from the reference: " + \
            ", ".join(f"{c} ({origins[c]})" for c in changed)
    return NotebookResult(ref.name, status, checks, path=relative, note=note)


def grade_submissions(submissions: Sequence[str | os.PathLike],
                      reference: str | os.PathLike | Sequence[str | os.PathLike],
                      options: GradeOptions | None = None) -> list[SubmissionResult]:
    """Grade several submission folders, ``options.jobs`` at a time; results in input order."""
    options = options or GradeOptions()
    references = load_references(reference)
    isolation = detect_isolation(options.network, options.memory_mb)
    names = [pathlib.Path(s).name for s in submissions]
    labels = [str(s) if names.count(n) > 1 else n for s, n in zip(submissions, names)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=int(options.jobs)) as pool:
        futures = [pool.submit(grade_submission, s, references, options, isolation, label)
                   for s, label in zip(submissions, labels)]
        return [f.result() for f in futures]


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------

def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def to_markdown(results: Sequence[SubmissionResult], title: str = "Grading report") -> str:
    """A Markdown report: a summary table, then each submission's notebooks and checks."""
    lines = [f"# {title}", ""]
    isolations = sorted({r.isolation for r in results if r.isolation})
    if isolations:
        lines += [f"Isolation: {i}" for i in isolations] + [""]
    lines += ["| submission | score | passed | failed | error | timeout | missing | graded |",
              "|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        c = r.counts()
        lines.append(f"| {_md_escape(r.name)} | {r.score:g}/{r.max_score:g} | {c['passed']} | "
                     f"{c['failed']} | {c['error']} | {c['timeout']} | {c['missing']} | "
                     f"{'yes' if r.graded else 'NO'} |")
    for r in results:
        lines += ["", f"## {_md_escape(r.name)} — {r.score:g}/{r.max_score:g}", ""]
        for nb in r.notebooks:
            status = nb.status + (f": {_md_escape(nb.note)}" if nb.note else "")
            lines += [f"**{nb.name}** ({nb.path or 'not found'}) — {status}", "",
                      "| check | status | message |", "|---|---|---|"]
            for check in nb.checks:
                origin = "" if check.origin == "kept" else f" ({check.origin})"
                lines.append(f"| `{check.id}`{origin} | {check.status} | {_md_escape(check.message)} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


CSV_COLUMNS = ["submission", "notebook", "notebook_status", "check", "status", "message", "origin",
               "points", "submission_score", "submission_max_score"]


def to_csv(results: Sequence[SubmissionResult]) -> str:
    """One row per check cell of every submission (see :data:`CSV_COLUMNS`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in results:
        for nb in r.notebooks:
            for check in nb.checks:
                writer.writerow([r.name, nb.name, nb.status, check.id, check.status, check.message,
                                 check.origin, f"{check.points:g}", f"{r.score:g}",
                                 f"{r.max_score:g}"])
    return buffer.getvalue()


def to_json(results: Sequence[SubmissionResult]) -> str:
    """The full results as JSON (what ``grade --collect`` reads back)."""
    return json.dumps({"format": RESULT_FORMAT, "submissions": [r.to_dict() for r in results]},
                      ensure_ascii=False, indent=1) + "\n"


def write_report(results: Sequence[SubmissionResult], path: str | os.PathLike) -> pathlib.Path:
    """Write a report whose format follows the suffix: ``.md``, ``.csv`` or ``.json``.

    Raises:
        ValueError: for another suffix.
    """
    path = pathlib.Path(path)
    writers = {".md": to_markdown, ".csv": to_csv, ".json": to_json}
    if path.suffix.lower() not in writers:
        raise ValueError(f"Report {str(path)!r}: use a .md, .csv or .json file name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(writers[path.suffix.lower()](results), encoding="utf-8", newline="\n")
    return path


def collect_results(paths: Iterable[str | os.PathLike]) -> tuple[list[SubmissionResult], list[str]]:
    """Merge JSON results (``grade --report x.json``, e.g. from each student's CI run).

    Folders are searched for ``*.json``. Returns ``(results, problems)``: an unreadable or foreign
    file becomes a problem line (and an ungraded entry), never an exception.
    """
    files: list[pathlib.Path] = []
    for item in map(pathlib.Path, paths):
        files.extend(sorted(item.rglob("*.json")) if item.is_dir() else [item])
    results: list[SubmissionResult] = []
    problems: list[str] = []
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            if data.get("format") != RESULT_FORMAT:
                raise ValueError(f"not a {RESULT_FORMAT} result")
            loaded = [SubmissionResult.from_dict(s) for s in data["submissions"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            problems.append(f"{file}: {exc}")
            results.append(SubmissionResult(name=str(file), path=str(file), notebooks=[NotebookResult(
                "(result file)", "invalid", [], note=f"could not be collected: {exc}")]))
            continue
        for sub in loaded:
            if sub.name in ("", ".") or any(r.name == sub.name for r in results):
                sub.name = f"{sub.name} ({file})"
            results.append(sub)
    return results, problems
