"""Run ``python -m coursework serve`` in the background on a free loopback port, and always stop it.

:class:`ServerProcess` starts the server as a child process with ``--port 0`` (the system picks a
free port, no race), waits until ``GET /health`` answers, and stops it on ``stop()``, at the end of a
``with`` block, when the Python process exits (``atexit``), and — through the server's own watch on
its parent — even when the parent dies without cleaning up (a killed notebook kernel). Only loopback
hosts are accepted.

Example:
    >>> with ServerProcess("sentiment.keras") as server:          # doctest: +SKIP
    ...     print(server.url, server.predict(["a wonderful film"])[0]["label"])
    http://127.0.0.1:41873/ positive
"""

from __future__ import annotations

import atexit
import ipaddress
import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

#: Environment variable naming the process that started the server: `serve` exits when it is gone.
PARENT_ENV = "COURSEWORK_SERVE_PARENT_PID"
_READY = re.compile(r"Serving model .* on (http://\S+/)")
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy


def is_loopback(host: str) -> bool:
    """True for ``localhost``, ``127.0.0.0/8`` and ``::1``.

    Example:
        >>> is_loopback("127.0.0.1"), is_loopback("0.0.0.0")
        (True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def http_json(
    method: str, url: str, payload: Any = None, body: bytes | None = None, timeout: float = 30.0
) -> tuple[int, Any]:
    """Send one HTTP request and return ``(status, decoded JSON body)``; 4xx/5xx do not raise.

    ``payload`` is encoded as JSON; ``body`` sends raw bytes instead (to test bad JSON).

    Example:
        >>> http_json("POST", "http://127.0.0.1:8000/predict", {"texts": ["great"]})  # doctest: +SKIP
        (200, {'model': 'sentiment', 'predictions': [...]})
    """
    data = body if body is not None else (None if payload is None else json.dumps(payload).encode())
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw.decode("utf-8"))
    except ValueError:
        return status, raw.decode("utf-8", "replace")


class ServerProcess:
    """``python -m coursework serve`` as a background process on a free loopback port.

    Args:
        model: ``.keras`` file or SavedModel folder to serve.
        host: a loopback address (default ``127.0.0.1``).
        port: TCP port; ``0`` (default) lets the system pick a free one.
        name: model name for ``/v1/models/<name>:predict`` (default: the file's stem).
        labels: class names (default ``negative``, ``positive``).
        startup_timeout: seconds to wait for ``/health`` (TensorFlow takes a while to import).
        log: file for the server's output (default: a temporary file; see :attr:`log_path`).
        body_timeout: seconds a client may take to send a request body (default: the server's, 30).

    Attributes (after :meth:`start`): ``url`` (ends in ``/``), ``port``, ``pid``, ``log_path``.

    Raises:
        ValueError: for a non-loopback host.
        RuntimeError: from :meth:`start` if the server exits or does not answer in time (with the
            end of its log).
    """

    def __init__(
        self,
        model: str | os.PathLike,
        host: str = "127.0.0.1",
        port: int = 0,
        name: str | None = None,
        labels: Sequence[str] | None = None,
        startup_timeout: float = 180.0,
        log: str | os.PathLike | None = None,
        body_timeout: float | None = None,
    ):
        if not is_loopback(host):
            raise ValueError(
                f"ServerProcess only listens on loopback addresses, got {host!r} "
                "(use `python -m coursework serve` directly for anything else)."
            )
        self.model, self.host, self.port = pathlib.Path(model), host, int(port)
        self.name, self.labels, self.startup_timeout = name, labels, float(startup_timeout)
        self.body_timeout = body_timeout
        self.log_path = pathlib.Path(log) if log else None
        self._own_log = log is None  # a temporary log is deleted by stop()
        self.url: str | None = None
        self._process: subprocess.Popen | None = None
        self._log_file = None

    # ------------------------------------------------------------------ life cycle
    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        """True while the server process is alive."""
        return self._process is not None and self._process.poll() is None

    def command(self) -> list[str]:
        """The command line that starts the server."""
        cmd = [
            sys.executable,
            "-m",
            "coursework",
            "serve",
            "--model",
            str(self.model),
            "--host",
            self.host,
            "--port",
            str(self.port),
        ]
        if self.name:
            cmd += ["--name", self.name]
        if self.labels:
            cmd += ["--labels", ",".join(self.labels)]
        if self.body_timeout is not None:
            cmd += ["--body-timeout", f"{self.body_timeout:g}"]
        return cmd

    def start(self) -> ServerProcess:
        """Start the server and wait until ``GET /health`` answers; returns ``self``."""
        if self.running:
            return self
        if not self.model.exists():
            raise FileNotFoundError(f"Model {str(self.model)!r} not found.")
        if self.log_path is None:
            handle, name = tempfile.mkstemp(prefix="coursework-serve-", suffix=".log")
            os.close(handle)
            self.log_path = pathlib.Path(name)
        self._log_file = open(self.log_path, "w", encoding="utf-8")
        package_root = str(pathlib.Path(__file__).resolve().parents[2])
        env = {
            **os.environ,
            PARENT_ENV: str(os.getpid()),
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])),
        }
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        self._process = subprocess.Popen(
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        atexit.register(self.stop)
        try:
            self._wait_until_ready()
        except BaseException as exc:
            log = self.log_tail()
            self.stop()
            if isinstance(exc, RuntimeError):  # the log is gone now: keep its end in the message
                raise RuntimeError(f"{exc}\nEnd of the server's log:\n{log}") from None
            raise
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"The server exited with status {self._process.returncode} before it was ready."
                )
            if self.url is None:
                match = _READY.search(self.log_path.read_text(encoding="utf-8", errors="replace"))
                if match:
                    self.url = match.group(1)
                    self.port = int(self.url.rstrip("/").rsplit(":", 1)[1])
            if self.url is not None:
                try:
                    status, _ = http_json("GET", self.url + "health", timeout=2)
                    if status == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError(f"The server did not answer within {self.startup_timeout:.0f} s.")

    def stop(self, timeout: float = 15.0) -> int | None:
        """Stop the server (SIGTERM, then SIGKILL after ``timeout`` s); returns its exit status.

        Safe to call several times, and when it never started.
        """
        atexit.unregister(self.stop)
        process, self._process = self._process, None
        code = None
        if process is not None:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)
            code = process.returncode
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
            if self._own_log and self.log_path is not None:
                self.log_path.unlink(missing_ok=True)
                self.log_path = None
        return code

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc) -> bool:
        self.stop()
        return False

    def __repr__(self) -> str:
        state = f"running at {self.url}" if self.running else "stopped"
        return f"ServerProcess({str(self.model)!r}, {state})"

    # ------------------------------------------------------------------ helpers
    def log_tail(self, lines: int = 20) -> str:
        """The last ``lines`` lines of the server's output."""
        if not self.log_path or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def request(
        self, method: str, path: str, payload: Any = None, body: bytes | None = None, timeout: float = 30.0
    ) -> tuple[int, Any]:
        """``(status, JSON)`` of one request to this server (``path`` without the leading ``/``)."""
        if self.url is None:
            raise RuntimeError("The server is not started: call start() or use `with`.")
        return http_json(method, self.url + path.lstrip("/"), payload=payload, body=body, timeout=timeout)

    def predict(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """``POST /predict`` and return the predictions; raises ``RuntimeError`` on an error answer."""
        status, body = self.request("POST", "predict", {"texts": list(texts)})
        if status != 200:
            raise RuntimeError(f"POST /predict answered {status}: {body}")
        return body["predictions"]
