"""Use the web page like a person: Debian's headless Chromium, driven by Playwright for Python.

Playwright's own browser downloads are not used: it drives the system's ``/usr/bin/chromium``
(Debian package ``chromium``). :func:`try_in_browser` opens the page, types a review, clicks
«Predecir», reads the prediction and P(fresh) the page shows and can save a screenshot. It runs in a
worker thread, so it also works inside Jupyter (whose running event loop Playwright's sync API
refuses). Only loopback URLs are accepted, and the page's requests are recorded so a test can check
it loads nothing from other hosts.

Example:
    >>> result = try_in_browser("http://127.0.0.1:8000/", "A wonderful film", "page.png")  # doctest: +SKIP
    >>> result["label"], result["probability"]                                            # doctest: +SKIP
    ('positiva (fresh)', '95.0 %')
"""

from __future__ import annotations

import concurrent.futures
import os
import pathlib
import shutil
import urllib.parse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_path() -> str | None:
    """Path of the system Chromium (``$COURSEWORK_CHROMIUM``, ``/usr/bin/chromium``, or on PATH)."""
    for candidate in (
        os.environ.get("COURSEWORK_CHROMIUM"),
        CHROMIUM,
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def browser_unavailable_reason() -> str | None:
    """Why :func:`try_in_browser` cannot run here (``None`` when it can)."""
    if chromium_path() is None:
        return (
            "Chromium not found at /usr/bin/chromium: install Debian's package (apt-get install -y chromium)."
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright)."
    return None


def _host_of(url: str) -> str:
    return urllib.parse.urlsplit(url).hostname or ""


def _run(url: str, text: str, screenshot: str | None, timeout_ms: int) -> dict:
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": 900, "height": 640})
            page.on("request", lambda request: requests.append(request.url))
            page.goto(url, wait_until="load", timeout=timeout_ms)
            page.fill("#text", text)
            page.click("#predict")
            # A CSS selector, not a JS predicate: the page's CSP forbids eval.
            page.wait_for_selector("body[data-state=done], #error:not(:empty)", timeout=timeout_ms)
            result = {
                "label": page.inner_text("#label").strip(),
                "probability": page.inner_text("#probability").strip(),
                "error": page.inner_text("#error").strip(),
                "title": page.title(),
            }
            if screenshot:
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    result["requests"] = requests
    return result


def try_in_browser(
    url: str, text: str, screenshot: str | os.PathLike | None = None, timeout: float = 60.0
) -> dict:
    """Open ``url`` in headless Chromium, type ``text``, click «Predecir» and read the result.

    Args:
        url: the page (a loopback URL such as ``server.url``).
        text: the review to type.
        screenshot: optional PNG path for a picture of the page after the prediction.
        timeout: seconds to wait for the page and for the prediction.

    Returns:
        ``{"label", "probability", "error", "title", "requests"}``: what the page shows (``label``: the
        prediction in Spanish, ``probability``: P(fresh) as ``"93.0 %"``, ``error``: the page's error
        line, empty when all went well) and every URL the page requested.

    Raises:
        RuntimeError: when Chromium or Playwright is missing (with the reason).
        ValueError: for a URL that is not on a loopback host.
    """
    from coursework.serving.background import is_loopback

    if not is_loopback(_host_of(url)):
        raise ValueError(f"try_in_browser only opens loopback URLs, got {url!r}.")
    reason = browser_unavailable_reason()
    if reason:
        raise RuntimeError(reason)
    if screenshot:
        pathlib.Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(
            _run, url, text, str(screenshot) if screenshot else None, int(timeout * 1000)
        ).result()
