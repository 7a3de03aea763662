"""The web page in a real browser: Debian's headless Chromium driven by Playwright (no downloads)."""

import re

import pytest

from coursework.serving.background import ServerProcess
from coursework.serving.browser import browser_unavailable_reason, try_in_browser
from coursework.serving.demo import NEGATIVE, POSITIVE, demo_model_file

REASON = browser_unavailable_reason()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"browser test skipped: {REASON}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    model = demo_model_file(tmp_path_factory.getbasetemp() / "serving-demo")
    with ServerProcess(model, name="sentiment") as running:
        yield running


def test_type_a_review_click_and_read_the_prediction(server, tmp_path):
    shot = tmp_path / "page.png"
    result = try_in_browser(server.url, POSITIVE[0], screenshot=shot)
    assert result["error"] == ""
    assert result["label"] == "positiva (fresh)"
    match = re.fullmatch(r"(\d+\.\d) %", result["probability"])  # P(fresh)
    assert match and 50.0 <= float(match.group(1)) <= 100.0
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The page loads nothing from other hosts (no CDN): every request went to this server.
    assert result["requests"] and all(url.startswith(server.url) for url in result["requests"])

    result = try_in_browser(server.url, NEGATIVE[1])
    assert result["label"] == "negativa (rotten)" and result["error"] == ""
    # the page shows P(fresh), not the probability of the label: low for a negative review
    match = re.fullmatch(r"(\d+\.\d) %", result["probability"])
    assert match and float(match.group(1)) < 50.0


def test_the_page_reports_errors_instead_of_failing(server):
    result = try_in_browser(server.url, "   ")
    assert result["label"] == "—" and "Escribí una reseña" in result["error"]
    result = try_in_browser(server.url, "x" * 10_001)  # textarea maxlength keeps it at 10,000
    assert result["error"] == "" and result["label"] in {"positiva (fresh)", "negativa (rotten)"}
    result = try_in_browser(server.url, "!!! ???")  # the server answers 422: no words to classify
    assert result["label"] == "—" and "no le quedan palabras" in result["error"]
