"""The HTTP service: a FastAPI app around a :class:`~coursework.serving.predictor.Predictor`.

Routes:

- ``GET /``: a self-contained HTML page (text box, button, label, probability; no external files);
- ``POST /predict``: ``{"texts": [...]}`` → ``{"predictions": [{"label", "probability", "scores"}, ...]}``;
- ``POST /v1/models/<name>:predict`` (also ``/v1/models/<name>/versions/<v>:predict``): TF Serving's
  REST contract, ``{"instances": [...]}`` → ``{"predictions": [[p], ...]}`` (or the columnar
  ``{"inputs": [...]}`` → ``{"outputs": [...]}``);
- ``GET /v1/models/<name>``: TF Serving's model status; ``GET /health``: liveness and model facts.

Every error is a 4xx JSON object ``{"error": "<what is wrong and how to fix it>"}`` (the shape TF
Serving uses), and the server keeps serving. Request bodies are parsed and checked here, by hand,
so the messages name the problem (``"texts"[2] must be a string, got number``).

Example:
    >>> from coursework.serving.predictor import Predictor              # doctest: +SKIP
    >>> app = create_app(Predictor.load("sentiment.keras"), name="sentiment")  # doctest: +SKIP
    >>> import uvicorn; uvicorn.run(app, host="127.0.0.1", port=8000)  # doctest: +SKIP
"""


import json
import time
from typing import Any

MAX_TEXTS = 1_000
MAX_CHARS = 10_000
MAX_BODY_BYTES = 32 * 1024 * 1024
SIGNATURE = "serving_default"


class RequestError(Exception):
    """A bad request: becomes ``{"error": message}`` with HTTP ``status``."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def _kind(value: Any) -> str:
    """JSON type name of a decoded value, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object"


def parse_json(body: bytes) -> Any:
    """Decode a JSON request body.

    Raises:
        RequestError: 400 if the body is empty, not UTF-8 or not valid JSON.

    Example:
        >>> parse_json(b'{"texts": ["ok"]}')
        {'texts': ['ok']}
    """
    if not body or not body.strip():
        raise RequestError('Empty request body: send JSON such as {"texts": ["a review"]}.')
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise RequestError("The request body is not UTF-8 text.") from None
    except json.JSONDecodeError as exc:
        raise RequestError(f"Invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).") from None
    except RecursionError:
        raise RequestError("Invalid JSON: nested too deeply.") from None


def check_texts(texts: Any, field: str = "texts") -> list[str]:
    """Check a list of texts: a non-empty list of at most 1,000 strings of at most 10,000 characters.

    Raises:
        RequestError: 400 for a wrong type or an empty list, 413 for too many or too long texts.

    Example:
        >>> check_texts(["good", "bad"])
        ['good', 'bad']
    """
    if not isinstance(texts, list):
        raise RequestError(f'"{field}" must be a list of strings, got {_kind(texts)}.')
    if not texts:
        raise RequestError(f'"{field}" is empty: send at least one text.')
    if len(texts) > MAX_TEXTS:
        raise RequestError(f'"{field}" has {len(texts):,} texts: at most {MAX_TEXTS:,} per request.', 413)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise RequestError(f'"{field}"[{i}] must be a string, got {_kind(text)}.')
        if len(text) > MAX_CHARS:
            raise RequestError(f'"{field}"[{i}] has {len(text):,} characters: at most {MAX_CHARS:,} '
                               "characters per text.", 413)
    return texts


def texts_from_predict_request(payload: Any) -> list[str]:
    """The texts of a ``POST /predict`` body, ``{"texts": [...]}``.

    Example:
        >>> texts_from_predict_request({"texts": ["a fine film"]})
        ['a fine film']
    """
    if not isinstance(payload, dict):
        raise RequestError(f'The body must be a JSON object like {{"texts": ["a review"]}}, '
                           f"got {_kind(payload)}.")
    if "texts" not in payload:
        raise RequestError('Missing field "texts": send {"texts": ["a review", ...]}.')
    return check_texts(payload["texts"])


def _instance_text(value: Any, where: str) -> str:
    """One TF Serving instance: ``"text"``, ``["text"]`` or ``{"<input name>": "text" | ["text"]}``."""
    if isinstance(value, dict):
        if len(value) != 1:
            raise RequestError(f"{where} must have exactly one input (the text), got {len(value)} keys.")
        (value,) = value.values()
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, str):
        raise RequestError(f"{where} must be a string (or a list holding one string), got {_kind(value)}.")
    return value


def texts_from_tf_serving_request(payload: Any) -> tuple[list[str], str]:
    """The texts of a TF Serving ``:predict`` body and its format, ``"instances"`` or ``"inputs"``.

    Example:
        >>> texts_from_tf_serving_request({"instances": ["great", ["awful"]]})
        (['great', 'awful'], 'instances')
    """
    if not isinstance(payload, dict):
        raise RequestError(f'The body must be a JSON object like {{"instances": ["a review"]}}, '
                           f"got {_kind(payload)}.")
    signature = payload.get("signature_name", SIGNATURE)
    if signature != SIGNATURE:
        raise RequestError(f"Unknown signature_name {signature!r}: this model has only {SIGNATURE!r}.")
    has_instances, has_inputs = "instances" in payload, "inputs" in payload
    if has_instances == has_inputs:
        raise RequestError('Send exactly one of "instances" (row format) or "inputs" (columnar format).'
                           if has_instances else
                           'Missing field "instances": send {"instances": ["a review", ...]}.')
    key = "instances" if has_instances else "inputs"
    values = payload[key]
    if key == "inputs" and isinstance(values, dict):  # columnar with a named input
        if len(values) != 1:
            raise RequestError(f'"inputs" must name exactly one input (the text), got {len(values)}.')
        (values,) = values.values()
    if not isinstance(values, list):
        raise RequestError(f'"{key}" must be a list, got {_kind(values)}.')
    if not values:
        raise RequestError(f'"{key}" is empty: send at least one text.')
    if len(values) > MAX_TEXTS:
        raise RequestError(f'"{key}" has {len(values):,} items: at most {MAX_TEXTS:,} per request.', 413)
    texts = [_instance_text(v, f'"{key}"[{i}]') for i, v in enumerate(values)]
    return check_texts(texts, key), key


PAGE = """<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sentimiento de reseñas · __NAME__</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 42rem;
         margin: 2rem auto; padding: 0 1rem; color: #1f2933; background: #f7f9fb; }
  h1 { font-size: 1.5rem; margin-bottom: .25rem; }
  p.hint { color: #52606d; margin-top: 0; }
  label[for=text] { font-weight: 600; display: block; margin: 1rem 0 .4rem; }
  textarea { width: 100%; box-sizing: border-box; min-height: 7rem; font: inherit; padding: .6rem;
             border: 1px solid #9aa5b1; border-radius: .4rem; }
  button { margin-top: .6rem; font: inherit; font-weight: 600; padding: .5rem 1.2rem; border: 0;
           border-radius: .4rem; background: #2563eb; color: white; cursor: pointer; }
  button:disabled { background: #9aa5b1; cursor: wait; }
  #result { margin-top: 1.2rem; padding: 1rem; border-radius: .4rem; background: white;
            border: 1px solid #d9e2ec; }
  .row { display: flex; gap: .5rem; align-items: baseline; margin: .2rem 0; }
  .key { color: #52606d; min-width: 8rem; }
  #label { font-size: 1.3rem; font-weight: 700; }
  #label.positive { color: #15803d; } #label.negative { color: #b91c1c; }
  .bar { height: .6rem; background: #e4e7eb; border-radius: .3rem; overflow: hidden; margin-top: .6rem; }
  #bar { height: 100%; width: 0; background: #2563eb; transition: width .2s; }
  #error { color: #b91c1c; margin-top: .8rem; min-height: 1.2rem; }
  footer { margin-top: 2rem; color: #7b8794; font-size: .85rem; }
</style>
</head>
<body>
<h1>Sentimiento de reseñas de cine</h1>
<p class="hint">Modelo <code>__NAME__</code>: escribí una reseña (en inglés) y presioná «Predecir».</p>
<label for="text">Reseña</label>
<textarea id="text" maxlength="__MAX_CHARS__" placeholder="A moving, beautifully acted film."></textarea>
<button id="predict" type="button">Predecir</button>
<div id="error" role="alert"></div>
<div id="result" aria-live="polite">
  <div class="row"><span class="key">Etiqueta</span><span id="label">—</span></div>
  <div class="row"><span class="key">Probabilidad</span><span id="probability">—</span></div>
  <div class="bar"><div id="bar"></div></div>
</div>
<footer>API: <code>POST /predict</code> · <code>POST /v1/models/__NAME__:predict</code> ·
<code>GET /health</code></footer>
<script>
(function () {
  var text = document.getElementById("text"), button = document.getElementById("predict");
  var label = document.getElementById("label"), probability = document.getElementById("probability");
  var bar = document.getElementById("bar"), error = document.getElementById("error");
  function show(message) { error.textContent = message; }
  function predict() {
    show("");
    if (!text.value.trim()) { show("Escribí una reseña primero."); return; }
    button.disabled = true;
    fetch("predict", {method: "POST", headers: {"Content-Type": "application/json"},
                      body: JSON.stringify({texts: [text.value]})})
      .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
      .then(function (res) {
        if (!res.ok) { show(res.body.error || "Error del servidor."); return; }
        var p = res.body.predictions[0];
        label.textContent = p.label;
        label.className = p.label;
        probability.textContent = (100 * p.probability).toFixed(1) + " %";
        bar.style.width = (100 * p.probability).toFixed(1) + "%";
        document.body.setAttribute("data-state", "done");
      })
      .catch(function (e) { show("No se pudo contactar al servidor: " + e); })
      .finally(function () { button.disabled = false; });
  }
  button.addEventListener("click", predict);
  text.addEventListener("keydown", function (e) { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) predict(); });
})();
</script>
</body>
</html>
"""

# The page may load nothing from other origins: no CDN, no external fonts or scripts.
PAGE_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'")


def render_page(name: str) -> str:
    """The HTML of ``GET /`` for model ``name``."""
    import html

    return PAGE.replace("__NAME__", html.escape(name)).replace("__MAX_CHARS__", str(MAX_CHARS))


def create_app(predictor, name: str = "sentiment"):
    """The FastAPI app serving ``predictor`` (already loaded: the model is loaded once, not per request).

    Args:
        predictor: a :class:`~coursework.serving.predictor.Predictor`.
        name: the model name used by ``/v1/models/<name>:predict``.
    """
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException as StarletteHTTPException

    import numpy as np

    from coursework import __version__
    from coursework.serving.export import check_model_name
    from coursework.serving.predictor import UnscorableText

    check_model_name(name)
    started = time.time()
    app = FastAPI(title=f"coursework · {name}", version=__version__,
                  docs_url=None, redoc_url=None,  # their pages load scripts from a CDN
                  description="Sentiment of movie reviews: raw texts in, label and probability out.")
    app.state.predictor, app.state.model_name = predictor, name

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status)

    @app.exception_handler(RequestError)
    async def _bad_request(request: Request, exc: RequestError):
        return error(exc.status, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        messages = {404: f"No route {request.method} {request.url.path}: see GET / for the API.",
                    405: f"Method {request.method} is not allowed on {request.url.path}."}
        return error(exc.status_code, messages.get(exc.status_code, str(exc.detail)))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        return error(400, f"Invalid request: {exc.errors()}")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):  # pragma: no cover - a bug, not user input
        return error(500, f"Internal error while serving the request: {type(exc).__name__}.")

    async def read_json(request: Request) -> Any:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise RequestError(f"Request body too large: at most {MAX_BODY_BYTES // 2**20} MiB.", 413)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise RequestError(f"Request body too large: at most {MAX_BODY_BYTES // 2**20} MiB.", 413)
            chunks.append(chunk)
        return parse_json(b"".join(chunks))

    def unscorable(field: str, index: int) -> RequestError:
        return RequestError(f'"{field}"[{index}] cannot be scored: the model gave NaN (is it empty or '
                            "without words after preprocessing?).", 422)

    def check_name(requested: str) -> None:
        if requested != name:
            raise RequestError(f"Model {requested!r} not found: this server serves {name!r} "
                               f"(POST /v1/models/{name}:predict).", 404)

    def check_version(version: str) -> None:
        if version != "1":
            raise RequestError(f"Version {version!r} of model {name!r} not found: only version '1'.", 404)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page():
        return HTMLResponse(render_page(name), headers={"Content-Security-Policy": PAGE_CSP})

    @app.get("/health")
    async def health():
        """Liveness and what is being served."""
        return {"status": "ok", "model": name, "source": predictor.source,
                "labels": list(predictor.labels), "max_texts": MAX_TEXTS, "max_chars": MAX_CHARS,
                "uptime_seconds": round(time.time() - started, 3)}

    @app.post("/predict")
    async def predict(request: Request):
        """``{"texts": [...]}`` → ``{"predictions": [{"label", "probability", "scores"}, ...]}``."""
        texts = texts_from_predict_request(await read_json(request))
        try:
            predictions = await run_in_threadpool(predictor.predict, texts)
        except UnscorableText as exc:
            raise unscorable("texts", exc.index) from None
        return {"model": name, "predictions": predictions}

    async def tf_serving_predict(request: Request):
        texts, key = texts_from_tf_serving_request(await read_json(request))
        outputs = await run_in_threadpool(predictor.probabilities, texts)
        bad = np.flatnonzero(~np.isfinite(outputs).all(axis=1))
        if bad.size:
            raise unscorable(key, int(bad[0]))
        return {"predictions" if key == "instances" else "outputs": outputs.tolist()}

    @app.post("/v1/models/{model}:predict")
    async def tf_serving(model: str, request: Request):
        """TF Serving's REST predict: ``{"instances": [...]}`` → ``{"predictions": [[p], ...]}``."""
        check_name(model)
        return await tf_serving_predict(request)

    @app.post("/v1/models/{model}/versions/{version}:predict")
    async def tf_serving_version(model: str, version: str, request: Request):
        """TF Serving's REST predict for an explicit version (only ``1``)."""
        check_name(model)
        check_version(version)
        return await tf_serving_predict(request)

    @app.get("/v1/models/{model}")
    async def tf_serving_status(model: str):
        """TF Serving's model status."""
        if model.endswith(":predict"):
            raise RequestError(f"Method GET is not allowed on /v1/models/{model}: use POST.", 405)
        check_name(model)
        return {"model_version_status": [{"version": "1", "state": "AVAILABLE",
                                          "status": {"error_code": "OK", "error_message": ""}}]}

    return app
