"""The HTTP service against a real ``python -m coursework serve`` process on a free loopback port."""

import re
import socket
import time

import pytest

from coursework.serving.app import render_page
from coursework.serving.background import ServerProcess, is_loopback
from coursework.serving.demo import NEGATIVE, POSITIVE, demo_model_file
from coursework.serving.requests import (
    MAX_CHARS,
    MAX_TEXTS,
    RequestError,
    check_texts,
    parse_json,
    texts_from_predict_request,
    texts_from_tf_serving_request,
)


# ---------------------------------------------------------------- request checks (no server)
@pytest.mark.parametrize(
    "body, message",
    [
        (b"", "Empty request body"),
        (b"{bad", "Invalid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[" * 100_000, "Invalid JSON"),
        (b'{"texts": [' + b"7" * 5_000 + b"]}", "a number has more than 4,300 digits"),
    ],
)
def test_parse_json_errors(body, message):
    with pytest.raises(RequestError, match=message) as info:
        parse_json(body)
    assert info.value.status == 400


@pytest.mark.parametrize(
    "payload, status, message",
    [
        ([], 400, "must be a JSON object"),
        ({"text": ["x"]}, 400, 'Missing field "texts"'),
        ({"texts": "x"}, 400, "must be a list of strings, got string"),
        ({"texts": ["ok", 3]}, 400, r'"texts"\[1\] must be a string, got number'),
        ({"texts": [None]}, 400, "got null"),
        ({"texts": []}, 400, "is empty"),
        ({"texts": ["x"] * (MAX_TEXTS + 1)}, 413, "at most 1,000"),
        ({"texts": ["x" * (MAX_CHARS + 1)]}, 413, "at most 10,000 characters"),
        ({"texts": ["ok", ""]}, 400, r'"texts"\[1\] is empty: there is nothing to classify'),
        ({"texts": [" \n\t"]}, 400, r'"texts"\[0\] is empty'),
        ({"texts": ["!!! ... ?"]}, 422, r'"texts"\[0\] has no words, only punctuation'),
        (
            {"texts": ["bad \ud800 text"]},
            400,
            r'"texts"\[0\] is not valid Unicode: character 4 is a lone '
            r"surrogate \(U\+D800\)",
        ),
    ],
)
def test_predict_request_errors(payload, status, message):
    with pytest.raises(RequestError, match=message) as info:
        texts_from_predict_request(payload)
    assert info.value.status == status


def test_request_limits_are_inclusive():
    assert len(check_texts(["x"] * MAX_TEXTS)) == MAX_TEXTS
    assert check_texts(["x" * MAX_CHARS]) == ["x" * MAX_CHARS]


def test_tf_serving_request_formats():
    assert texts_from_tf_serving_request({"instances": ["a", ["b"], {"text": "c"}, {"text": ["d"]}]}) == (
        ["a", "b", "c", "d"],
        "instances",
    )
    assert texts_from_tf_serving_request({"inputs": {"text": ["a", "b"]}}) == (["a", "b"], "inputs")
    assert texts_from_tf_serving_request({"signature_name": "serving_default", "inputs": ["a"]}) == (
        ["a"],
        "inputs",
    )
    for payload, message in [
        ({"instances": ["a"], "inputs": ["a"]}, "exactly one of"),
        ({}, 'Missing field "instances"'),
        ({"instances": [1]}, "must be a string"),
        ({"instances": [["a", "b"]]}, "must be a string"),
        ({"instances": "a"}, "must be a list"),
        ({"instances": ["a"], "signature_name": "other"}, "Unknown signature_name"),
    ]:
        with pytest.raises(RequestError, match=message):
            texts_from_tf_serving_request(payload)


def test_page_is_self_contained():
    html = render_page("sentiment")
    for element in ('id="text"', 'id="predict"', 'id="label"', 'id="probability"'):
        assert element in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "no external files"
    assert "http://" not in html and "https://" not in html


def test_server_process_refuses_non_loopback_hosts():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    with pytest.raises(ValueError, match="loopback"):
        ServerProcess("model.keras", host="0.0.0.0")


def test_serve_fails_early_on_a_missing_model(tmp_path, capsys):
    from coursework.cli import main

    assert main(["serve", "--model", str(tmp_path / "missing.keras"), "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error:") and "not found" in err
    assert main(["serve", "--model", "m.keras", "--port", "70000"]) == 2
    for seconds in ("0", "-1", "nan", "soon"):
        assert main(["serve", "--model", "m.keras", "--body-timeout", seconds]) == 2
    assert "--body-timeout" in " ".join(ServerProcess("m.keras", body_timeout=2.5).command())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["serve", "--model", str(tmp_path / "missing.keras"), "--port", str(port)]) == 1
        err = capsys.readouterr().err
        assert f"Cannot listen on 127.0.0.1:{port}" in err


def test_serve_names_a_file_that_is_not_a_model_and_checks_labels_while_parsing(tmp_path, capsys):
    from coursework.cli import main

    (tmp_path / "notes.keras").write_text("hola")
    assert main(["serve", "--model", str(tmp_path / "notes.keras"), "--port", "0"]) == 1
    assert "is not a .keras model (not a zip archive)" in capsys.readouterr().err
    for labels in ("solo", "a,a", ","):
        assert main(["serve", "--model", "m.keras", "--labels", labels]) == 2
        assert "--labels" in capsys.readouterr().err
    assert main(["serve", "--model", "m.keras", "--name", "x/y"]) == 2
    assert "Invalid model name" in capsys.readouterr().err


def test_server_process_reports_a_server_that_cannot_start(tmp_path):
    server = ServerProcess(tmp_path)  # a folder without a SavedModel: `serve` exits at once
    with pytest.raises(RuntimeError, match="(?s)exited with status 1.*No SavedModel"):
        server.start()
    assert not server.running
    with pytest.raises(FileNotFoundError):
        ServerProcess(tmp_path / "missing.keras").start()


# ---------------------------------------------------------------- real server
BODY_TIMEOUT = 2.0  # seconds (the default is 30): short, so the stalled-body test is quick


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    model = demo_model_file(tmp_path_factory.getbasetemp() / "serving-demo")
    with ServerProcess(model, name="sentiment", body_timeout=BODY_TIMEOUT) as running:
        yield running
    # Leaving the block stopped the process and freed its port; stopping again is harmless.
    assert not running.running and running.stop() is None
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", running.port), timeout=2).close()


def test_health(server):
    status, body = server.request("GET", "health")
    assert status == 200 and body["status"] == "ok" and body["model"] == "sentiment"
    assert body["labels"] == ["negative", "positive"]
    assert body["source"].endswith(".keras") and "/" not in body["source"]  # no server folders leak
    assert server.url.startswith("http://127.0.0.1:") and server.port > 0


def test_predict(server):
    texts = list(POSITIVE[:2]) + list(NEGATIVE[:2])
    status, body = server.request("POST", "predict", {"texts": texts})
    assert status == 200
    labels = [p["label"] for p in body["predictions"]]
    assert labels == ["positive", "positive", "negative", "negative"]
    for p in body["predictions"]:
        assert 0.5 <= p["probability"] <= 1
        assert p["scores"]["positive"] + p["scores"]["negative"] == pytest.approx(1.0)


def test_tf_serving_contract_matches_predict(server):
    texts = [POSITIVE[0], NEGATIVE[0]]
    _, mine = server.request("POST", "predict", {"texts": texts})
    status, body = server.request("POST", "v1/models/sentiment:predict", {"instances": texts})
    assert status == 200 and set(body) == {"predictions"}
    assert [row[0] for row in body["predictions"]] == pytest.approx(
        [p["scores"]["positive"] for p in mine["predictions"]], abs=1e-6
    )
    status, columnar = server.request(
        "POST", "v1/models/sentiment/versions/1:predict", {"inputs": {"text": texts}}
    )
    assert status == 200
    assert [row[0] for row in columnar["outputs"]] == pytest.approx(
        [row[0] for row in body["predictions"]], abs=1e-6
    )
    status, state = server.request("GET", "v1/models/sentiment")
    assert status == 200 and state["model_version_status"][0]["state"] == "AVAILABLE"


def test_limits_accepted_at_the_boundary(server):
    status, body = server.request("POST", "predict", {"texts": ["fine"] * MAX_TEXTS})
    assert status == 200 and len(body["predictions"]) == MAX_TEXTS
    status, _ = server.request("POST", "predict", {"texts": [("a wonderful film " * 600)[:MAX_CHARS]]})
    assert status == 200


@pytest.mark.parametrize(
    "method, path, kwargs, status, message",
    [
        ("POST", "predict", {"body": b'{"texts": ["unterminated'}, 400, "Invalid JSON"),
        ("POST", "predict", {"body": b""}, 400, "Empty request body"),
        ("POST", "predict", {"payload": {"reviews": ["x"]}}, 400, 'Missing field "texts"'),
        ("POST", "predict", {"payload": {"texts": "a wonderful film"}}, 400, "must be a list"),
        ("POST", "predict", {"payload": {"texts": ["ok", 7]}}, 400, "must be a string"),
        ("POST", "predict", {"payload": ["a wonderful film"]}, 400, "must be a JSON object"),
        ("POST", "predict", {"payload": {"texts": []}}, 400, "is empty"),
        ("POST", "predict", {"payload": {"texts": ["x"] * 1001}}, 413, "at most 1,000"),
        ("POST", "predict", {"payload": {"texts": ["x" * 10_001]}}, 413, "at most 10,000"),
        ("POST", "v1/models/nope:predict", {"payload": {"instances": ["x"]}}, 404, "'nope' not found"),
        (
            "POST",
            "v1/models/sentiment/versions/2:predict",
            {"payload": {"instances": ["x"]}},
            404,
            "Version '2'",
        ),
        ("POST", "v1/models/sentiment:predict", {"payload": {"texts": ["x"]}}, 400, '"instances"'),
        ("POST", "v1/models/sentiment:predict", {"payload": {"instances": [3]}}, 400, "must be a string"),
        ("GET", "predict", {}, 405, "not allowed"),
        ("GET", "v1/models/sentiment:predict", {}, 405, "not allowed"),
        ("GET", "no/such/page", {}, 404, "No route"),
        # issue 19: these answered 500, or 200 for an empty text
        ("POST", "predict", {"body": b'{"texts": ["bad \\ud800 text"]}'}, 400, "lone surrogate (U+D800)"),
        (
            "POST",
            "v1/models/sentiment:predict",
            {"body": b'{"instances": ["\\udfff"]}'},
            400,
            '"instances"[0] is not valid Unicode',
        ),
        (
            "POST",
            "predict",
            {"body": b'{"texts": ["ok"], "n": ' + b"9" * 5_000 + b"}"},
            400,
            "more than 4,300 digits",
        ),
        ("POST", "predict", {"payload": {"texts": [""]}}, 400, '"texts"[0] is empty'),
        (
            "POST",
            "predict",
            {"payload": {"texts": ["a wonderful film", "?!"]}},
            422,
            '"texts"[1] has no words',
        ),
        (
            "POST",
            "v1/models/sentiment:predict",
            {"payload": {"instances": ["  "]}},
            400,
            '"instances"[0] is empty',
        ),
    ],
)
def test_bad_requests_get_4xx_json_and_the_server_keeps_serving(
    server, method, path, kwargs, status, message
):
    got, body = server.request(method, path, **kwargs)
    assert got == status, body
    assert isinstance(body, dict) and message in body["error"]
    assert server.running
    assert server.request("GET", "health")[0] == 200


def test_raw_socket_garbage_does_not_kill_the_server(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        sock.recv(1024)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n{")
        assert b" 413 " in sock.recv(1024).split(b"\r\n")[0] + b" "
    assert server.request("GET", "health")[0] == 200


def test_a_stalled_body_is_answered_408_and_closed_after_the_body_timeout(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=BODY_TIMEOUT + 10) as sock:
        start = time.monotonic()
        sock.sendall(
            b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n" + b'{"texts": '
        )  # 10 of the 100 bytes, then silence
        answer = b""
        while chunk := sock.recv(4096):  # until the server closes the connection
            answer += chunk
        waited = time.monotonic() - start
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert b"did not arrive within 2 s (10 bytes received)" in answer
    assert BODY_TIMEOUT - 0.5 <= waited <= BODY_TIMEOUT + 5
    assert server.request("GET", "health")[0] == 200


def test_page_is_served_with_a_strict_content_security_policy(server):
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(server.url, timeout=10) as response:
        html = response.read().decode()
        csp = response.headers["Content-Security-Policy"]
    assert response.status == 200 and 'id="predict"' in html
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp


def test_listening_socket_turns_nagle_off_for_accepted_connections():
    """Keep-alive answers must not wait ~40 ms for a delayed ACK: accepted sockets need TCP_NODELAY
    and a TCP ``proto`` (asyncio only sets TCP_NODELAY itself when ``proto`` says TCP)."""
    from coursework.commands.serve import bind

    listener = bind("127.0.0.1", 0)
    try:
        listener.listen(1)
        with socket.create_connection(listener.getsockname()[:2]):
            accepted, _ = listener.accept()
            with accepted:
                assert accepted.proto == socket.IPPROTO_TCP
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        listener.close()


# ---------------------------------------------------------------- fuzzed from the OpenAPI schema
FUZZ_EXAMPLES = 20  # per operation and generation mode (valid and invalid requests): about 180 in all


def test_schemathesis_finds_no_5xx_and_every_4xx_names_the_problem(server):
    """Schemathesis generates requests from the schema the server publishes (``GET /openapi.json``),
    valid ones and ones that break it, and sends them to the real server process."""
    import json

    import requests
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis.generation.modes import GenerationMode

    status, spec = server.request("GET", "openapi.json")
    assert status == 200
    schema = schemathesis.openapi.from_dict(spec)
    session = requests.Session()
    session.trust_env = False  # loopback: never through a proxy
    sent, statuses, problems = 0, {}, []

    def check(label, response):
        nonlocal sent
        sent += 1
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            problems.append(f"{label}: {response.status_code} {response.content[:300]!r}")
        elif response.status_code >= 400:
            try:
                message = json.loads(response.content)["error"]
            except (ValueError, KeyError, TypeError):
                message = None
            if not isinstance(message, str) or len(message) < 15 or "Internal error" in message:
                problems.append(
                    f"{label}: {response.status_code} without a message: {response.content[:300]!r}"
                )

    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {"POST /predict", "POST /v1/models/{model}:predict"}
    for operation in operations:
        for mode in GenerationMode:

            @settings(
                max_examples=FUZZ_EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def send(case):  # called right below, inside the loop that binds operation and mode
                check(
                    f"{operation.label} ({mode.value})",  # noqa: B023
                    case.call(base_url=server.url.rstrip("/"), session=session, timeout=60),
                )

            try:
                send()
            except Unsatisfiable:  # no input to break (GET /health has no parameters)
                assert mode is GenerationMode.NEGATIVE
    print(f"schemathesis sent {sent} requests: statuses {dict(sorted(statuses.items()))}")
    assert not problems, "\n".join(problems[:10])
    assert sent >= 8 * FUZZ_EXAMPLES // 2 and statuses.get(200, 0) >= FUZZ_EXAMPLES
    assert server.running
