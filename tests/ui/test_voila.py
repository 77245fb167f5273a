"""rnnviz rendered by Voila on 127.0.0.1: the dashboard a course author publishes."""

from __future__ import annotations

import pytest
from harness import EXPLORE_NOTEBOOK, LECTURE, is_local, record_errors, screenshot
from pages import press_on_slider, slider_readout, view_attrs, wait_views

pytestmark = pytest.mark.ui

# Voila's stock templates link Font Awesome stylesheets from jsDelivr
# (voila/templates/lab/index.html.j2); rnnviz's "rnnviz-offline" template (what
# `make lecture` uses, and these tests) drops them, so nothing at all may leave the machine.


@pytest.fixture(scope="module")
def voila_page(voila_context, voila_server):
    page = voila_context.new_page()
    record_errors(page)
    page.goto(f"{voila_server.url}/voila/render/{EXPLORE_NOTEBOOK}", timeout=120_000)
    wait_views(page, {"units": 16}, timeout=120_000)
    yield page
    page.close()


def test_voila_shows_the_three_views(voila_page):
    attrs = view_attrs(voila_page)
    for testid, got in attrs.items():
        assert got is not None, f"{testid} missing in Voila"
        assert (got["units"], got["timesteps"], got["cell"]) == ("16", "20", "rnn"), testid
    # Voila hides the code: the source cell must not be on the page.
    assert "rnnviz.explore()" not in voila_page.inner_text("body")
    screenshot(voila_page, "voila-explore", full_page=True)


def test_voila_slider_responds_to_keys(voila_page):
    press_on_slider(voila_page, "units", "ArrowRight")
    wait_views(voila_page, {"units": 17})
    assert slider_readout(voila_page, "units") == "17"
    press_on_slider(voila_page, "timesteps", "ArrowLeft")
    wait_views(voila_page, {"units": 17, "timesteps": 19})
    assert voila_page.page_errors == []


@pytest.mark.skipif(not LECTURE.exists(), reason="notebooks/lecture.ipynb not written yet")
def test_voila_renders_the_lecture(voila_context, voila_server):
    page = voila_context.new_page()
    try:
        page.goto(f"{voila_server.url}/voila/render/notebooks/{LECTURE.name}", timeout=180_000)
        page.wait_for_selector('[data-testid^="rnnviz-"][data-units]', timeout=180_000)
        page.wait_for_load_state("networkidle", timeout=60_000)
        # Voila scrolls inside the page, not the document: grow the window to see it all
        height = page.evaluate(
            "() => Math.max(...[...document.querySelectorAll('body, body *')]"
            ".map((e) => e.scrollHeight))"
        )
        page.set_viewport_size({"width": 1280, "height": min(max(height, 900), 12_000)})
        page.wait_for_timeout(500)
        screenshot(page, "voila-lecture")
        text = page.inner_text("body")
        assert "Traceback" not in text
        assert "There was an error when executing cell" not in text
        drawn = page.locator('[data-testid^="rnnviz-"][data-units]').count()
        assert drawn >= 1
    finally:
        page.close()


def test_voila_no_request_left_loopback(voila_page, voila_guard):
    # Runs last in this module: covers the explore page and the lecture.
    assert len(voila_guard.requests) > 10, "the request recorder saw nothing"
    assert voila_guard.outside() == []
    assert voila_guard.blocked == []
    assert voila_guard.websockets, "the kernel websocket was not recorded"
    assert all(is_local(u) for u in voila_guard.websockets)
