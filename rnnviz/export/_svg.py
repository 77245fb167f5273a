"""The unrolled graph as SVG, drawn by the graph view itself in headless Chromium."""

from __future__ import annotations

import concurrent.futures
import os
import pathlib
import shutil
import tempfile
from typing import Any

from rnnviz.export._atomic import _checked_path, write_atomic
from rnnviz.export._html import _collect_views, page_html
from rnnviz.export._interfaces import bundle_name

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def find_chromium() -> str | None:
    """A Chromium executable: ``$RNNVIZ_CHROMIUM``, else ``chromium`` / ``chromium-browser``."""
    env = os.environ.get("RNNVIZ_CHROMIUM")
    if env:
        return env
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def graph_svg(
    source: Any,
    path: str | os.PathLike | None = None,
    *,
    width: int = 1280,
    height: int = 720,
) -> str:
    """The unrolled graph as SVG text, drawn by the graph view itself in headless Chromium.

    The standalone page of :func:`to_html` (no sweep) is opened offline — every network
    request is refused — and the graph's ``<svg>`` is serialised with its computed colours,
    strokes and fonts written in, so the file looks the same in any SVG viewer.

    Parameters
    ----------
    source : UnrolledGraph, Explorer, or list of views
        Where the graph comes from (an Explorer's graph is used).
    path : str or path-like, optional
        Also write the SVG there, all or nothing: through a temporary file in the same
        folder that replaces ``path`` only when complete (a failed write raises and
        leaves an existing file untouched).
    width, height : int
        Browser viewport in CSS pixels (the graph scales to the width).

    Returns
    -------
    str
        The SVG document.

    Raises
    ------
    RuntimeError
        When ``playwright`` or a Chromium is missing (then: ``to_html`` and the page's
        "Save graph as SVG" button do the same in any browser).
    """
    if path is not None:
        path = _checked_path(path, "graph_svg")
    graphs = [v for v in _collect_views(source) if bundle_name(type(v)) == "graph"]
    if not graphs:
        raise TypeError(f"graph_svg needs an UnrolledGraph; {type(source).__name__} has none.")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise RuntimeError(
            "graph_svg draws the graph in headless Chromium and needs the 'playwright' "
            "package (pip install 'rnnviz[test]'). Without it: export with to_html(...) and "
            "press 'Save graph as SVG' in the page."
        ) from err
    chromium = find_chromium()
    html = page_html(graphs[:1], sweep=None, title="rnnviz graph")
    # Playwright's sync API refuses to run inside a running asyncio loop (a Jupyter kernel
    # has one): draw in a worker thread, which has none.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        svg = pool.submit(_draw_svg, sync_playwright, html, chromium, width, height).result()
    if path is not None:
        write_atomic(path, svg, what="graph_svg")
    return svg


def _draw_svg(sync_playwright: Any, html: str, chromium: str | None, width: int, height: int):
    """Open the standalone page offline in headless Chromium and serialise the graph's SVG."""
    with tempfile.TemporaryDirectory() as tmp:
        page_path = pathlib.Path(tmp) / "graph.html"
        page_path.write_text(html, encoding="utf-8")
        url = page_path.as_uri()
        with sync_playwright() as pw:
            try:
                browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            except Exception as err:
                raise RuntimeError(
                    f"graph_svg could not start Chromium ({chromium or 'playwright default'}): "
                    f"{err}. Set RNNVIZ_CHROMIUM to a Chromium executable."
                ) from err
            try:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
                page.goto(url)
                page.wait_for_selector("body[data-rnnviz-ready=true]", timeout=30_000)
                page.wait_for_selector(
                    '[data-testid="rnnviz-graph"][data-units] svg', timeout=30_000
                )
                svg = page.evaluate("() => window.rnnvizExport.graphSVG()")
            finally:
                browser.close()
    return svg
