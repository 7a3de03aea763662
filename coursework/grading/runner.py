"""Running one rebuilt notebook through nbval, watched from outside.

Each notebook runs through ``pytest --nbval-lax --nbval-current-env`` in its own process group,
inside the isolation of :mod:`coursework.grading.isolation`, under a memory limit and wall-clock
limits enforced from outside. A small pytest plugin (:mod:`coursework.grading._nbval_events`) writes
one JSON line per cell as it happens, so a notebook killed half-way still reports the checks it
reached.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time

from coursework.grading.isolation import Isolation
from coursework.grading.results import strip_ansi
from coursework.grading.tamper import tamper_message

#: Environment variables passed to student code (everything else, e.g. tokens, is dropped).
_ENV_KEEP = {
    "PATH",
    "HOME",
    "LANG",
    "LANGUAGE",
    "TERM",
    "USER",
    "LOGNAME",
    "TMPDIR",
    "TZ",
    "VIRTUAL_ENV",
    "PYTHONHASHSEED",
    "NLTK_DATA",
}
_ENV_KEEP_PREFIXES = (
    "LC_",
    "TF_",
    "KERAS_",
    "COURSEWORK_",
    "JUPYTER_",
    "OMP_",
    "MKL_",
    "OPENBLAS_",
    "CUDA_",
    "XDG_",
)


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
class NotebookRun:
    events: list[dict]
    killed: str | None  # None | timeout | memory-limit | kernel-died
    detail: str
    returncode: int | None
    log_tail: str
    running_cell: str | None


def _student_env(events_path: pathlib.Path, profile: str, private: pathlib.Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in _ENV_KEEP or k.startswith(_ENV_KEEP_PREFIXES)}
    # The kernel connection file (it holds the HMAC key) is a mkstemp file in $TMPDIR; a private
    # folder that the grader deletes keeps it out of the system's temporary folder even when the
    # kernel dies and nobody shuts it down.
    env.update({"TMPDIR": str(private), "JUPYTER_RUNTIME_DIR": str(private / "runtime")})
    env.update(
        {
            "COURSEWORK_PROFILE": profile,
            "MPLBACKEND": "Agg",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            "COURSEWORK_GRADE_EVENTS": str(events_path),
            "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3"),
            "PYTHONWARNINGS": "ignore::DeprecationWarning",
        }
    )
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


def run_graded_notebook(
    notebook: pathlib.Path,
    n_code_cells: int,
    options: GradeOptions,
    isolation: Isolation,
    deadline: float,
    scratch: pathlib.Path,
) -> NotebookRun:
    """Run one rebuilt notebook through nbval in its own process group, watched from outside.

    The run gets a private temporary folder (``$TMPDIR`` and ``$JUPYTER_RUNTIME_DIR``), deleted on
    every exit path, so the kernel connection file never outlives the run.
    """
    events_path = scratch / f"{notebook.stem}.events.jsonl"
    log_path = scratch / f"{notebook.stem}.log"
    ini = scratch / "pytest.ini"
    ini.write_text("[pytest]\n", encoding="utf-8")
    events_path.unlink(missing_ok=True)
    private = scratch / f"{notebook.stem}.tmp"
    shutil.rmtree(private, ignore_errors=True)
    private.mkdir(mode=0o700)
    (private / "runtime").mkdir(mode=0o700)
    try:
        return _run(notebook, n_code_cells, options, isolation, deadline, events_path, log_path, ini, private)
    finally:
        shutil.rmtree(private, ignore_errors=True)  # kernel connection file, student temp files


def _run(
    notebook: pathlib.Path,
    n_code_cells: int,
    options: GradeOptions,
    isolation: Isolation,
    deadline: float,
    events_path: pathlib.Path,
    log_path: pathlib.Path,
    ini: pathlib.Path,
    private: pathlib.Path,
) -> NotebookRun:
    import psutil

    argv = [
        *isolation.memory_prefix,
        *isolation.network_prefix,
        sys.executable,
        "-P",
        "-m",
        "pytest",
        str(notebook),
        "-p",
        "nbval",
        "-p",
        "coursework.grading._nbval_events",
        "--nbval-lax",
        "--nbval-current-env",
        f"--nbval-cell-timeout={options.cell_timeout:g}",
        f"--nbval-kernel-startup-timeout={options.kernel_startup_timeout:g}",
        "-c",
        str(ini),
        "--rootdir",
        str(notebook.parent),
        "--noconftest",
        "-p",
        "no:cacheprovider",
        "--color=no",
        "-q",
        "-o",
        "addopts=",
        "--continue-on-collection-errors",
    ]
    env = _student_env(events_path, options.profile, private)
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
        proc = subprocess.Popen(
            argv,
            cwd=notebook.parent,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
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
                    event.get("when") == "call" or event.get("outcome") != "passed"
                ):
                    done_cells.add(str(event.get("nodeid")))
            if now >= deadline:
                killed, detail = "timeout", "the submission's wall-clock limit was reached"
            elif (
                running is not None
                and now - running_since > options.cell_timeout + options.kill_grace
                and len(done_cells) < n_code_cells
            ):
                killed, detail = (
                    "timeout",
                    (
                        f"cell {running!r} ran past the {options.cell_timeout:g} s "
                        "cell limit and could not be interrupted"
                    ),
                )
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
                    killed, detail = (
                        "memory-limit",
                        (f"used {rss / 2**20:.0f} MiB, over the {options.memory_mb} MiB limit"),
                    )
                elif kernel_pids and not alive_kernels and len(done_cells) < n_code_cells:
                    kernel_gone_since = kernel_gone_since or now
                    if now - kernel_gone_since > 2.0:
                        killed, detail = (
                            "kernel-died",
                            ("the kernel died (os._exit, a crash, or killed for memory)"),
                        )
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
    return NotebookRun(events, killed, detail, proc.returncode, tail, running)


def check_from_events(check_id: str, reports: list[dict]) -> tuple[str, str, float | None]:
    """(status, message, seconds) of a check cell from its plugin reports."""
    call = next((r for r in reports if r.get("when") == "call"), None)
    setup = next((r for r in reports if r.get("when") == "setup"), None)
    if setup and setup.get("outcome") == "failed":
        return "error", short_message(setup.get("longrepr", "setup failed")), None
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
    tampered = tamper_message(report)
    if tampered:
        return "tampered", tampered, seconds
    longrepr = report.get("longrepr", "")
    if "Timeout of" in longrepr and "exceeded" in longrepr:
        return (
            "timeout",
            short_message(next((line for line in longrepr.splitlines() if "Timeout of" in line), "timeout")),
            seconds,
        )
    if ename == "AssertionError":
        return "failed", strip_ansi(evalue).strip() or "assert failed (no message)", seconds
    if ename:
        return "error", f"{ename}: {strip_ansi(evalue).strip()}".strip().rstrip(":"), seconds
    return "error", short_message(longrepr), seconds


def short_message(text: str, limit: int = 300) -> str:
    lines = [line.strip() for line in strip_ansi(str(text)).splitlines() if line.strip()]
    interesting = [line for line in lines if "Error" in line or "Timeout" in line or "dead" in line]
    line = (interesting or lines or [""])[-1]
    return line[:limit]


# --------------------------------------------------------------------------------------------
# Grading submissions
