"""The HTTP service: a FastAPI app around a :class:`~coursework.serving.predictor.Predictor`.

Routes:

- ``GET /``: a self-contained HTML page (text box, button, label, probability; no external files);
- ``POST /predict``: ``{"texts": [...]}`` → ``{"predictions": [{"label", "probability", "scores"}, ...]}``
  (``probability`` = P(``label``); ``scores["positive"]`` = P(fresh), what the page shows);
- ``POST /v1/models/<name>:predict`` (also ``/v1/models/<name>/versions/<v>:predict``): TF Serving's
  REST contract, ``{"instances": [...]}`` → ``{"predictions": [[p], ...]}`` with ``p`` = P(fresh) (or
  the columnar ``{"inputs": [...]}`` → ``{"outputs": [...]}``);
- ``GET /v1/models/<name>``: TF Serving's model status; ``GET /health``: liveness and model facts.

Every error is a 4xx JSON object ``{"error": "<what is wrong and how to fix it>"}`` (the shape TF
Serving uses), and the server keeps serving. Request bodies are read here (size limit, a deadline for
the whole body) and checked by the pydantic models of :mod:`coursework.serving.requests`, whose
messages name the problem (``"texts"[2] must be a string, got number``); one handler turns every
:class:`~coursework.serving.requests.RequestError` into its answer. ``GET /openapi.json`` publishes
the request schemas. The page is ``templates/page.html``, shipped inside the package.

Example:
    >>> from coursework.serving.predictor import Predictor              # doctest: +SKIP
    >>> app = create_app(Predictor.load("sentiment.keras"), name="sentiment")  # doctest: +SKIP
    >>> import uvicorn; uvicorn.run(app, host="127.0.0.1", port=8000)  # doctest: +SKIP
"""

# (no `from __future__ import annotations`: FastAPI reads the route functions' annotations)
import asyncio
import functools
import importlib.resources
import pathlib
import time
from typing import Annotated, Any

from coursework.serving.requests import (
    MAX_BODY_BYTES,
    MAX_CHARS,
    MAX_TEXTS,
    PredictRequest,
    RequestError,
    TFServingRequest,
    parse_json,
    validate,
)

#: Seconds a client has to send the whole request body (a client that stalls is answered 408).
BODY_TIMEOUT = 30.0


@functools.lru_cache(maxsize=1)
def _page_template() -> str:
    return (importlib.resources.files("coursework.serving") / "templates" / "page.html").read_text(
        encoding="utf-8"
    )


# The page may load nothing from other origins: no CDN, no external fonts or scripts.
PAGE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"
)


def render_page(name: str) -> str:
    """The HTML of ``GET /`` for model ``name``."""
    import html

    return _page_template().replace("__NAME__", html.escape(name)).replace("__MAX_CHARS__", str(MAX_CHARS))


def _body(model) -> dict:
    """OpenAPI ``requestBody`` of a route that reads and validates its body itself."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": model.model_json_schema(ref_template="#/components/schemas/{model}")
                }
            },
        }
    }


def create_app(predictor, name: str = "sentiment", body_timeout: float = BODY_TIMEOUT):
    """The FastAPI app serving ``predictor`` (already loaded: the model is loaded once, not per request).

    Args:
        predictor: a :class:`~coursework.serving.predictor.Predictor`.
        name: the model name used by ``/v1/models/<name>:predict``.
        body_timeout: seconds a client has to send a whole request body; then it gets 408 and the
            connection is closed.
    """
    import numpy as np
    from fastapi import FastAPI, Path, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from coursework import __version__
    from coursework.serving.export import check_model_name
    from coursework.serving.predictor import UnscorableText

    check_model_name(name)
    started = time.time()
    app = FastAPI(
        title=f"coursework · {name}",
        version=__version__,
        docs_url=None,
        redoc_url=None,  # their pages load scripts from a CDN
        description="Sentiment of movie reviews: raw texts in, label and probability out.",
    )
    app.state.predictor, app.state.model_name = predictor, name
    # Path parameters as the OpenAPI document publishes them (the only values that are found)
    Model = Annotated[str, Path(json_schema_extra={"enum": [name]})]
    Version = Annotated[str, Path(json_schema_extra={"enum": ["1"]})]

    def error(status: int, message: str) -> JSONResponse:
        # A client that did not send its whole body cannot reuse the connection.
        headers = {"Connection": "close"} if status in (408, 413) else None
        return JSONResponse({"error": message}, status_code=status, headers=headers)

    @app.exception_handler(RequestError)
    async def _bad_request(request: Request, exc: RequestError):
        return error(exc.status, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        messages = {
            404: f"No route {request.method} {request.url.path}: see GET / for the API.",
            405: f"Method {request.method} is not allowed on {request.url.path}.",
        }
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
        try:
            async with asyncio.timeout(body_timeout):
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > MAX_BODY_BYTES:
                        raise RequestError(
                            f"Request body too large: at most {MAX_BODY_BYTES // 2**20} MiB.", 413
                        )
                    chunks.append(chunk)
        except TimeoutError:
            raise RequestError(
                f"The request body did not arrive within {body_timeout:g} s ({size:,} bytes received).", 408
            ) from None
        return parse_json(b"".join(chunks))

    def unscorable(field: str, index: int) -> RequestError:
        return RequestError(
            f'"{field}"[{index}] cannot be scored: the model gave NaN (is it empty or '
            "without words after preprocessing?).",
            422,
        )

    def check_name(requested: str) -> None:
        if requested != name:
            raise RequestError(
                f"Model {requested!r} not found: this server serves {name!r} "
                f"(POST /v1/models/{name}:predict).",
                404,
            )

    def check_version(version: str) -> None:
        if version != "1":
            raise RequestError(f"Version {version!r} of model {name!r} not found: only version '1'.", 404)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page():
        return HTMLResponse(render_page(name), headers={"Content-Security-Policy": PAGE_CSP})

    @app.get("/health")
    async def health():
        """Liveness and what is being served."""
        return {
            "status": "ok",
            "model": name,
            # the file name only: the server's folders are none of a client's business
            "source": pathlib.PurePath(predictor.source).name,
            "labels": list(predictor.labels),
            "max_texts": MAX_TEXTS,
            "max_chars": MAX_CHARS,
            "uptime_seconds": round(time.time() - started, 3),
        }

    @app.post("/predict", openapi_extra=_body(PredictRequest))
    async def predict(request: Request):
        """``{"texts": [...]}`` → ``{"predictions": [{"label", "probability", "scores"}, ...]}``.

        ``probability`` is P(``label``), the winning label's probability; ``scores`` gives every label's,
        so ``scores["positive"]`` is P(fresh) whatever the label.
        """
        texts = validate(PredictRequest, await read_json(request)).texts
        try:
            predictions = await run_in_threadpool(predictor.predict, texts)
        except UnscorableText as exc:
            raise unscorable("texts", exc.index) from None
        return {"model": name, "predictions": predictions}

    async def tf_serving_predict(request: Request):
        texts, key = validate(TFServingRequest, await read_json(request)).texts()
        outputs = await run_in_threadpool(predictor.probabilities, texts)
        bad = np.flatnonzero(~np.isfinite(outputs).all(axis=1))
        if bad.size:
            raise unscorable(key, int(bad[0]))
        return {"predictions" if key == "instances" else "outputs": outputs.tolist()}

    @app.post("/v1/models/{model}:predict", openapi_extra=_body(TFServingRequest))
    async def tf_serving(model: Model, request: Request):
        """TF Serving's REST predict: ``{"instances": [...]}`` → ``{"predictions": [[P(fresh)], ...]}``."""
        check_name(model)
        return await tf_serving_predict(request)

    @app.post("/v1/models/{model}/versions/{version}:predict", openapi_extra=_body(TFServingRequest))
    async def tf_serving_version(model: Model, version: Version, request: Request):
        """TF Serving's REST predict for an explicit version (only ``1``)."""
        check_name(model)
        check_version(version)
        return await tf_serving_predict(request)

    @app.get("/v1/models/{model}")
    async def tf_serving_status(model: Model):
        """TF Serving's model status."""
        if model.endswith(":predict"):
            raise RequestError(f"Method GET is not allowed on /v1/models/{model}: use POST.", 405)
        check_name(model)
        return {
            "model_version_status": [
                {"version": "1", "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}
            ]
        }

    return app
