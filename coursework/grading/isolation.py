"""How student code is confined: a network namespace when one can be made, and a memory limit.

:func:`detect_isolation` probes the strongest isolation this machine allows (unshare with a PID
namespace, unshare -n, unshare -r -n, bwrap; a cgroup v2 memory limit through systemd-run) once
per setting, and caches it.
"""

from __future__ import annotations

import dataclasses
import pathlib
import shutil
import subprocess
import sys
import threading
from collections.abc import Sequence


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
_PROBE = (
    "import socket; names = sorted(n for _, n in socket.if_nameindex()); "
    "assert names == ['lo'], names; s = socket.socket(); s.bind(('127.0.0.1', 0)); "
    "s.listen(); c = socket.create_connection(s.getsockname(), timeout=5); print('ok')"
)
_isolation_cache: dict[tuple, Isolation] = {}
_isolation_lock = threading.Lock()


def _probe(argv: Sequence[str]) -> bool:
    try:
        done = subprocess.run(
            [*argv, sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout.strip().endswith("ok")


def _network_candidates() -> list[tuple[str, tuple[str, ...]]]:
    candidates = []
    unshare, bwrap = shutil.which("unshare"), shutil.which("bwrap")
    if unshare:
        # A PID namespace too (when allowed): killing its first process kills every process of it,
        # even ones that daemonized themselves.
        candidates.append(
            (
                "unshare -n -p (network + PID namespace)",
                (unshare, "--net", "--pid", "--fork", "--kill-child", "--", *_SANDBOX),
            )
        )
        candidates.append(("unshare -n (network namespace)", (unshare, "--net", "--", *_SANDBOX)))
        candidates.append(
            (
                "unshare -r -n (user + network namespace)",
                (unshare, "--map-root-user", "--net", "--", *_SANDBOX),
            )
        )
    if bwrap:
        candidates.append(
            (
                "bwrap --unshare-net",
                (bwrap, "--dev-bind", "/", "/", "--unshare-net", "--die-with-parent", "--", *_SANDBOX),
            )
        )
    return candidates


def _cgroup_scope_prefix(memory_mb: int) -> tuple[str, ...] | None:
    """``systemd-run --user --scope`` with MemoryMax, when it really takes effect (checked)."""
    systemd_run = shutil.which("systemd-run")
    if not systemd_run or not pathlib.Path("/sys/fs/cgroup/cgroup.controllers").exists():
        return None
    prefix = (
        systemd_run,
        "--user",
        "--scope",
        "--quiet",
        "-p",
        f"MemoryMax={memory_mb}M",
        "-p",
        "MemorySwapMax=0",
        "--",
    )
    script = (
        "import pathlib; g = pathlib.Path('/proc/self/cgroup').read_text().split('::')[-1].strip();"
        "print(pathlib.Path('/sys/fs/cgroup' + g, 'memory.max').read_text().strip())"
    )
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-c", script], capture_output=True, text=True, timeout=30
        )
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
                    raise RuntimeError(
                        "No network namespace could be created (tried unshare and "
                        "bwrap): student code would reach the network."
                    )
                net_name = "none (no unshare/bwrap namespace available on this machine)"
                print(
                    "warning: network isolation unavailable (unshare -n and bwrap "
                    "--unshare-net both failed or are missing); student code can reach the "
                    "network",
                    file=sys.stderr,
                )
        scope = _cgroup_scope_prefix(memory_mb)
        memory = (
            "cgroup v2 MemoryMax via systemd-run --user --scope, plus resident-memory watchdog"
            if scope
            else "resident-memory watchdog (no delegated cgroup v2 memory controller)"
        )
        isolation = Isolation(
            network_prefix=tuple(net_prefix),
            network=net_name,
            memory_prefix=tuple(scope or ()),
            memory=memory,
            memory_mb=memory_mb,
        )
        _isolation_cache[key] = isolation
        return isolation
