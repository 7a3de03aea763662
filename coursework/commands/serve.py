"""``coursework serve --model PATH``: serve a raw-string text classifier over HTTP (FastAPI + uvicorn).

The model is loaded once, before the port opens; then ``GET /`` (web page), ``POST /predict``,
``POST /v1/models/<name>:predict`` (TF Serving's REST contract) and ``GET /health`` answer until
Ctrl+C / SIGTERM. ``--port 0`` lets the system pick a free port; the ``Serving ... on URL`` line
printed once the port is open gives it.
"""

from __future__ import annotations

import os
import sys

from coursework.commands.export import model_name


def register(subparsers) -> None:
    parser = subparsers.add_parser("serve", help="serve a saved text classifier over HTTP")
    parser.add_argument(
        "--model",
        required=True,
        metavar="PATH",
        help="a .keras file or a SavedModel folder (from `coursework export`)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="TCP port (default 8000; 0 = any free port)")
    parser.add_argument(
        "--name",
        default=None,
        type=model_name,
        help="model name in /v1/models/<name>:predict (default: the file's stem)",
    )
    parser.add_argument(
        "--labels",
        default=["negative", "positive"],
        type=_labels,
        help="comma-separated class names, index = class id (default negative,positive)",
    )
    parser.add_argument("--access-log", action="store_true", help="log every request (off by default)")
    parser.add_argument(
        "--body-timeout",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="seconds a client may take to send a request body; a client that "
        "stalls gets 408 and is disconnected (default 30)",
    )
    parser.set_defaults(handler=run)


def _port(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port between 0 and 65535, got {value}")
    return value


def _labels(text: str) -> list[str]:
    import argparse

    labels = [label.strip() for label in text.split(",") if label.strip()]
    if len(labels) < 2 or len(set(labels)) != len(labels):
        raise argparse.ArgumentTypeError(
            f"expected two or more distinct comma-separated class names, got {text!r}"
        )
    return labels


def _seconds(text: str) -> float:
    import argparse
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text}")
    return value


def default_name(path: str) -> str:
    """Model name from its path: ``models/sentiment.keras`` → ``sentiment``; SavedModel folders too."""
    import pathlib

    source = pathlib.Path(path).resolve()
    if source.name.isdigit():  # OUT/<name>/<version>
        source = source.parent
    return source.stem if source.suffix == ".keras" else source.name


def bind(host: str, port: int):
    """A TCP socket bound to ``host:port`` (not yet listening), with a clear error when it cannot be had.

    Binding first makes a taken port fail at once, before the model loads; listening only after the
    model is loaded means no client waits on a half-started server (connections are refused instead).
    """
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on accepted
    # sockets whose proto says TCP. With proto 0, a keep-alive client waited ~40 ms per answer
    # (headers and body are two writes; the body waited for the client's delayed ACK).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ValueError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.") from None
    return sock


def _exit_with_parent(server) -> None:
    """Stop ``server`` when the process named by $COURSEWORK_SERVE_PARENT_PID has gone."""
    import threading
    import time

    from coursework.serving.background import PARENT_ENV  # set by ServerProcess

    parent = os.environ.get(PARENT_ENV)
    if not parent or not parent.isdigit():
        return

    def watch():
        while not server.should_exit:
            if os.getppid() != int(parent):
                print("Parent process gone: stopping the server.", file=sys.stderr, flush=True)
                server.should_exit = True
                return
            time.sleep(0.5)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def run(args) -> int:
    import pathlib

    from coursework.paths import check_model_file
    from coursework.serving.export import check_model_name
    from coursework.serving.predictor import Predictor

    labels = args.labels
    name = check_model_name(args.name or default_name(args.model))
    sock = bind(args.host, args.port)  # a taken port fails now, not after loading the model
    try:
        if not pathlib.Path(args.model).is_dir():  # a folder is a SavedModel: Predictor checks it
            check_model_file(args.model)  # not found / not a .keras model, before loading anything
        predictor = Predictor.load(args.model, labels=labels)  # once, before the port opens
    except BaseException:
        sock.close()
        raise

    import uvicorn

    from coursework.serving.app import BODY_TIMEOUT, create_app

    sock.listen(2048)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    app = create_app(predictor, name=name, body_timeout=args.body_timeout or BODY_TIMEOUT)
    config = uvicorn.Config(app, log_level="info", access_log=args.access_log, timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    _exit_with_parent(server)
    print(
        f"Serving model {name!r} from {predictor.source} on http://{shown}:{port}/ (Ctrl+C stops it)",
        flush=True,
    )
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0
