"""``explore(static=True)``: a kernel-free output that survives ``nbconvert --to html``."""

from __future__ import annotations

import html
import pathlib
import subprocess
import sys

import nbformat
import pytest

pytest.importorskip("anywidget")

import rnnviz
from rnnviz.export import StaticPage

SCREENSHOTS = pathlib.Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"


def test_static_explore_is_one_html_output_holding_the_page():
    page = rnnviz.explore(units=6, timesteps=8, static=True)
    assert isinstance(page, StaticPage)
    out = page._repr_html_()
    assert out.startswith("<iframe")
    assert out.endswith("</iframe>")
    srcdoc = html.unescape(out.split('srcdoc="', 1)[1].rsplit('"', 1)[0])
    assert srcdoc == page.html
    assert 'id="rnnviz-payload"' in srcdoc
    assert "MB of self-contained HTML" in repr(page)


@pytest.mark.parametrize("bad", ["yes", 1, None])
def test_static_must_be_a_bool(bad):
    with pytest.raises(TypeError, match=r"static .* must be True or False"):
        rnnviz.explore(static=bad)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> pathlib.Path:
    """A notebook with ``explore(static=True)``, executed and converted by nbconvert."""
    folder = tmp_path_factory.mktemp("publish")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import rnnviz\nrnnviz.explore(units=6, timesteps=8, cell='lstm', static=True)"
        )
    ]
    nbformat.write(nb, folder / "course.ipynb")
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--execute",
         str(folder / "course.ipynb")],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return folder / "course.html"


@pytest.mark.ui
def test_published_page_shows_the_views_offline(published, ui_browser):
    url = published.as_uri()
    off_page = []

    def route(r):
        if r.request.url == url:
            r.continue_()
        else:  # nbconvert's own template asks CDNs for MathJax and require.js: refuse all
            off_page.append(r.request.url)
            r.abort()

    context = ui_browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        tab = context.new_page()
        errors = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.route("**/*", route)
        tab.goto(url)
        frame = tab.frame_locator("iframe.rnnviz-static")
        frame.locator("body[data-rnnviz-ready=true]").wait_for(timeout=60_000)
        for testid in ("rnnviz-graph", "rnnviz-heatmap", "rnnviz-gradients"):
            view = frame.locator(f'[data-testid="{testid}"][data-units="6"]')
            view.wait_for(timeout=30_000)
        assert frame.locator('[data-testid="h-node"]').count() == 9  # h_0 … h_8
        frame.locator(".main-svg").first.wait_for(timeout=30_000)  # plotly drew
        # The sweep slider still switches precomputed frames.
        frame.locator("#rnnviz-sweep").focus()
        tab.keyboard.press("Home")
        frame.locator('[data-testid="rnnviz-gradients"][data-weight-scale="0.25"]').wait_for(
            timeout=30_000
        )
        # The iframe grew to its content (no inner scrollbar hiding the views).
        height = tab.evaluate("document.querySelector('iframe.rnnviz-static').offsetHeight")
        inner = tab.evaluate(
            "document.querySelector('iframe.rnnviz-static')"
            ".contentDocument.documentElement.scrollHeight"
        )
        assert height >= inner
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / "static-nbconvert.png"), full_page=True)
        assert errors == []
    finally:
        context.close()
    assert all(not u.startswith(("blob:", "data:")) for u in off_page)
