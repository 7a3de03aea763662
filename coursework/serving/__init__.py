"""Deployment: export a raw-string text classifier and serve it over HTTP (class 8).

Modules (import them directly; this package imports nothing heavy):

- :mod:`coursework.serving.predictor`: :class:`~coursework.serving.predictor.Predictor`, a loaded
  model (``.keras`` file or SavedModel folder) that turns a list of texts into labels and probabilities.
- :mod:`coursework.serving.export`: :func:`~coursework.serving.export.export_model` writes the
  ``.keras`` file and a TensorFlow SavedModel in TF Serving's folder layout.
- :mod:`coursework.serving.app`: :func:`~coursework.serving.app.create_app`, the FastAPI app
  (``GET /``, ``POST /predict``, ``POST /v1/models/<name>:predict``, ``GET /health``).
- :mod:`coursework.serving.requests`: the request bodies as pydantic models, and their 4xx messages.
- :mod:`coursework.serving.background`: :class:`~coursework.serving.background.ServerProcess`, which
  starts ``python -m coursework serve`` on a free loopback port and always stops it.
- :mod:`coursework.serving.browser`: drive Debian's headless Chromium with Playwright.
- :mod:`coursework.serving.demo`: a tiny raw-string sentiment model for tests and demos.

Example:
    >>> from coursework.serving.background import ServerProcess      # doctest: +SKIP
    >>> with ServerProcess("sentiment.keras") as server:             # doctest: +SKIP
    ...     server.predict(["a wonderful film"])
"""
