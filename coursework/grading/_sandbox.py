"""Exec helper run inside the grading sandbox: bring loopback up, join a cgroup, then exec.

``python -P -m coursework.grading._sandbox [--cgroup DIR] -- COMMAND ...``. Inside a fresh network
namespace (``unshare -n``) only ``lo`` exists and it is down; the Jupyter kernel talks to nbval over
127.0.0.1, so loopback must be up. Failures are ignored when loopback is already up (``bwrap`` does it
itself). With ``--cgroup`` the process moves itself into that cgroup v2 directory before exec, so
everything it starts is accounted there.
"""

from __future__ import annotations

import fcntl
import os
import socket
import struct
import sys

_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1
_IFF_RUNNING = 0x40


def loopback_up() -> bool:
    """Set ``lo`` up (needs CAP_NET_ADMIN in the namespace); True when it is up afterwards."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock, _SIOCGIFFLAGS, request))[1]
        if flags & _IFF_UP:
            return True
        try:
            fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | _IFF_UP | _IFF_RUNNING))
        except OSError:
            return False
        return True


def main(argv: list[str]) -> int:
    cgroup = None
    if argv[:1] == ["--cgroup"]:
        cgroup, argv = argv[1], argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print("usage: python -m coursework.grading._sandbox [--cgroup DIR] -- COMMAND ...", file=sys.stderr)
        return 2
    if not loopback_up():
        print("sandbox: could not bring the loopback interface up", file=sys.stderr)
        return 97
    if cgroup:
        with open(os.path.join(cgroup, "cgroup.procs"), "w") as handle:
            handle.write(str(os.getpid()))
    os.execvp(argv[0], argv)
    return 98  # pragma: no cover - execvp does not return


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
