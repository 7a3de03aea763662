"""Benchmark: the HTTP service on loopback — latency, throughput, and a mixed run of good and bad requests.

Starts ``python -m coursework serve`` in the background on a free 127.0.0.1 port (never any other
address) and measures, with keep-alive HTTP/1.1 connections from this process:

1. **single**: one short review per ``POST /predict``, one request after another → requests/s and
   p50 / p99 latency;
2. **batched**: ``--batch-size`` reviews per request → texts/s and latency per request;
3. **mixed**: ``--mixed`` requests (default 10,000) from ``--concurrency`` client threads, about 55 %
   good (``/predict`` and TF Serving's ``:predict``) and 45 % bad (invalid JSON, missing field, wrong
   types, empty list, 1,001 texts, a 10,001-character text, unknown model, wrong method, unknown route),
   counting answers by status, answers with a status other than the expected one, 5xx answers and
   dropped connections (a request that got no HTTP answer).

Every phase is bounded by its request count and by ``--max-seconds``; the server is always stopped.
Targets (issue 8, 2 CPU cores): p50 ≤ 20 ms for one short text, ≥ 500 texts/s batched, 0 × 5xx and
0 dropped connections over 10,000 mixed requests.

    python benchmarks/serve.py --model sentiment.keras    # a model from `train glove-sentiment --save`
    python benchmarks/serve.py                            # trains glove-sentiment (ci size) first
    python benchmarks/serve.py --demo --mixed 1000        # tiny demo model, quick smoke run

Prints a table and one JSON line.
"""

from __future__ import annotations

import _bootstrap  # noqa: F401  (first: TensorFlow's start-up lines stay off stderr)

# isort: split
import argparse
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from coursework.reporting import format_table  # noqa: E402
from coursework.serving.background import ServerProcess  # noqa: E402

SHORT = "A moving, beautifully acted film."
REVIEWS = [
    "A moving, beautifully acted film.",
    "Dull, predictable and far too long.",
    "The cast is fine, but the script is a mess.",
    "One of the best films of the year.",
    "I laughed, I cried, I wanted more.",
    "A tedious exercise in style over substance.",
]


class Client:
    """One keep-alive connection to ``127.0.0.1:port``; reconnects after a dropped connection."""

    def __init__(self, port: int, timeout: float = 60.0):
        self.port, self.timeout, self.conn = port, timeout, None

    def send(self, method: str, path: str, body: bytes | None) -> int | None:
        """Status code, or ``None`` when the connection dropped (no HTTP answer)."""
        for _attempt in range(2):
            fresh = self.conn is None
            if fresh:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                headers = {"Content-Type": "application/json"} if body is not None else {}
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                response.read()
                if response.getheader("connection", "").lower() == "close":
                    self.close()
                return response.status
            except (http.client.HTTPException, OSError):
                self.close()
                # A keep-alive connection the server closed while idle is retried once on a fresh one;
                # a failure on a fresh connection is a dropped connection.
                if fresh:
                    return None
        return None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by process ``pid`` (all its threads; Linux /proc)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def percentile(values, q):
    import numpy as np

    return float(np.percentile(values, q)) if values else float("nan")


def timed_phase(port, body, n, max_seconds):
    """Send ``n`` identical ``POST /predict`` one after another; latencies in ms and wall seconds."""
    client, latencies, errors = Client(port), [], 0
    start = time.perf_counter()
    for _ in range(n):
        t0 = time.perf_counter()
        status = client.send("POST", "/predict", body)
        latencies.append(1000 * (time.perf_counter() - t0))
        errors += status != 200
        if time.perf_counter() - start > max_seconds:
            break
    wall = time.perf_counter() - start
    client.close()
    return latencies, wall, errors


def mixed_cases(name: str):
    """(weight, method, path, body, expected status) of the mixed run."""
    good = lambda k: json.dumps({"texts": REVIEWS[:k]}).encode()  # noqa: E731
    return [
        (30, "POST", "/predict", good(1), 200),
        (15, "POST", "/predict", good(6), 200),
        (10, "POST", f"/v1/models/{name}:predict", json.dumps({"instances": REVIEWS[:3]}).encode(), 200),
        (5, "POST", "/predict", b'{"texts": ["unterminated', 400),
        (5, "POST", "/predict", json.dumps({"reviews": [SHORT]}).encode(), 400),
        (5, "POST", "/predict", json.dumps({"texts": SHORT}).encode(), 400),
        (5, "POST", "/predict", json.dumps({"texts": [SHORT, 42]}).encode(), 400),
        (5, "POST", "/predict", json.dumps({"texts": []}).encode(), 400),
        (3, "POST", "/predict", json.dumps({"texts": ["ok"] * 1001}).encode(), 413),
        (3, "POST", "/predict", json.dumps({"texts": ["a" * 10_001]}).encode(), 413),
        (5, "POST", "/v1/models/no-such-model:predict", json.dumps({"instances": [SHORT]}).encode(), 404),
        (3, "GET", "/predict", None, 405),
        (3, "GET", "/no/such/route", None, 404),
        (3, "POST", "/predict", b"", 400),
    ]


def mixed_phase(port, name, n, concurrency, max_seconds, seed):
    cases = mixed_cases(name)
    rng = random.Random(seed)
    plan = rng.choices(range(len(cases)), weights=[c[0] for c in cases], k=n)
    lock, counts = threading.Lock(), {"sent": 0, "5xx": 0, "dropped": 0, "unexpected": 0, "by_status": {}}
    next_index = iter(range(n))
    deadline = time.perf_counter() + max_seconds

    def worker():
        client = Client(port)
        while time.perf_counter() < deadline:
            with lock:
                i = next(next_index, None)
            if i is None:
                break
            _, method, path, body, expected = cases[plan[i]]
            status = client.send(method, path, body)
            with lock:
                counts["sent"] += 1
                key = "dropped" if status is None else str(status)
                counts["by_status"][key] = counts["by_status"].get(key, 0) + 1
                counts["dropped"] += status is None
                counts["5xx"] += status is not None and status >= 500
                counts["unexpected"] += status != expected
        client.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts["seconds"] = time.perf_counter() - start
    return counts


def get_model(args) -> str:
    if args.model:
        return args.model
    folder = tempfile.mkdtemp(prefix="bench-serve-")
    if args.demo:
        from coursework.serving.demo import demo_model_file

        return str(demo_model_file(folder))
    from coursework.recipes import TrainConfig, get_recipe

    print(f"Training {args.task} ({args.profile} profile) for the benchmark…", flush=True)
    result = get_recipe(args.task).train(TrainConfig(profile=args.profile, verbose=2))
    path = os.path.join(folder, "sentiment.keras")
    result.model.save(path)
    print(f"test accuracy {result.metrics.get('accuracy', float('nan')):.3f}; saved to {path}", flush=True)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help=".keras file or SavedModel folder to serve")
    parser.add_argument("--task", default="glove-sentiment", help="recipe to train when --model is absent")
    parser.add_argument("--profile", choices=["full", "ci"], default="ci", help="its size (default ci)")
    parser.add_argument("--demo", action="store_true", help="serve the tiny demo model instead")
    parser.add_argument("--single", type=int, default=1000, help="single-text requests (default 1000)")
    parser.add_argument("--batched", type=int, default=50, help="batched requests (default 50)")
    parser.add_argument("--batch-size", type=int, default=100, help="texts per batched request")
    parser.add_argument("--mixed", type=int, default=10_000, help="mixed requests (default 10,000)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads of the mixed run")
    parser.add_argument("--max-seconds", type=float, default=300.0, help="time bound of each phase")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not 1 <= args.batch_size <= 1000:
        parser.error("--batch-size must be between 1 and 1000 (the server's limit)")

    model = get_model(args)
    load_before = os.getloadavg()[0]
    with ServerProcess(model, name="sentiment") as server:
        print(f"Serving {model} at {server.url} (pid {server.pid})", flush=True)
        warm = Client(server.port)
        for _ in range(20):  # warm-up: first graph calls, allocator, connection
            warm.send("POST", "/predict", json.dumps({"texts": [SHORT]}).encode())
        warm.close()

        cpu0 = cpu_seconds(server.pid)
        single_lat, single_wall, single_err = timed_phase(
            server.port, json.dumps({"texts": [SHORT]}).encode(), args.single, args.max_seconds
        )
        cpu1 = cpu_seconds(server.pid)
        batch_texts = (REVIEWS * (args.batch_size // len(REVIEWS) + 1))[: args.batch_size]
        batch_lat, batch_wall, batch_err = timed_phase(
            server.port, json.dumps({"texts": batch_texts}).encode(), args.batched, args.max_seconds
        )
        cpu2 = cpu_seconds(server.pid)
        mixed = mixed_phase(
            server.port, "sentiment", args.mixed, args.concurrency, args.max_seconds, args.seed
        )
        alive = server.request("GET", "health")[0] == 200

    single_cpu_ms = 1000 * (cpu1 - cpu0) / max(len(single_lat), 1)
    batch_cpu_ms = 1000 * (cpu2 - cpu1) / max(len(batch_lat), 1)
    rows = [
        [
            "single (1 text)",
            len(single_lat),
            f"{len(single_lat) / single_wall:.0f}",
            f"{len(single_lat) / single_wall:.0f}",
            f"{percentile(single_lat, 50):.1f}",
            f"{percentile(single_lat, 99):.1f}",
            f"{single_cpu_ms:.1f}",
            single_err,
        ],
        [
            f"batched ({args.batch_size} texts)",
            len(batch_lat),
            f"{len(batch_lat) / batch_wall:.1f}",
            f"{len(batch_lat) * args.batch_size / batch_wall:.0f}",
            f"{percentile(batch_lat, 50):.1f}",
            f"{percentile(batch_lat, 99):.1f}",
            f"{batch_cpu_ms:.1f}",
            batch_err,
        ],
    ]
    print()
    print(f"load average (1 min) before the phases: {load_before:.2f} on {os.cpu_count()} CPUs")
    print(
        format_table(
            [
                "phase",
                "requests",
                "requests/s",
                "texts/s",
                "p50 ms",
                "p99 ms",
                "server CPU ms/request",
                "errors",
            ],
            rows,
        )
    )
    print()
    print(
        format_table(
            ["mixed run", "requests", "seconds", "5xx", "dropped", "unexpected status", "by status"],
            [
                [
                    f"{args.concurrency} threads",
                    mixed["sent"],
                    f"{mixed['seconds']:.1f}",
                    mixed["5xx"],
                    mixed["dropped"],
                    mixed["unexpected"],
                    " ".join(f"{k}:{v}" for k, v in sorted(mixed["by_status"].items())),
                ]
            ],
        )
    )
    summary = {
        "benchmark": "serve",
        "model": model,
        "cpus": os.cpu_count(),
        "load_average_1min_before": round(load_before, 2),
        "load_average_1min_after": round(os.getloadavg()[0], 2),
        "single_requests": len(single_lat),
        "single_rps": round(len(single_lat) / single_wall, 1),
        "single_p50_ms": round(percentile(single_lat, 50), 2),
        "single_p99_ms": round(percentile(single_lat, 99), 2),
        "single_server_cpu_ms_per_request": round(single_cpu_ms, 2),
        "batch_size": args.batch_size,
        "batched_requests": len(batch_lat),
        "batched_texts_per_s": round(len(batch_lat) * args.batch_size / batch_wall, 1),
        "batched_p50_ms": round(percentile(batch_lat, 50), 2),
        "batched_p99_ms": round(percentile(batch_lat, 99), 2),
        "batched_server_cpu_ms_per_request": round(batch_cpu_ms, 2),
        "mixed_requests": mixed["sent"],
        "mixed_seconds": round(mixed["seconds"], 1),
        "mixed_5xx": mixed["5xx"],
        "mixed_dropped": mixed["dropped"],
        "mixed_unexpected_status": mixed["unexpected"],
        "mixed_by_status": mixed["by_status"],
        "server_alive_after": alive,
        "targets_met": {
            "p50_le_20ms": percentile(single_lat, 50) <= 20,
            "batched_ge_500_texts_per_s": len(batch_lat) * args.batch_size / batch_wall >= 500,
            "mixed_10000_no_5xx_no_drops": mixed["sent"] >= 10_000
            and mixed["5xx"] == 0
            and mixed["dropped"] == 0,
        },
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
