"""Take rnnviz views out of the notebook: one standalone HTML file, plotly figures, an SVG.

Three exports, none needing a running kernel afterwards:

``to_html(source, path)``
    ONE self-contained HTML file. The built view bundles (``rnnviz/static/*.js``) are
    inlined as ES modules, the data as base64 float32, and the page's own module
    (``rnnviz/static/page.js``, from ``js/src/page.js``) gives each view an in-page model
    that stands in for the kernel (the views only ever call ``get``, ``set``, ``on``, ``off``,
    ``save_changes`` and ``send``). What needs no kernel stays interactive: hover, the time
    scrubber (play button + range input driving ``t_cursor`` / ``phase``), and a sweep over
    one setting whose frames were precomputed here (weight scale by default, 13 values);
    the heatmap's quantity / layer choices are precomputed for every frame too. Nothing is
    fetched from the network: it works from a USB stick on a projector.
``to_figures(frame)``
    plotly.py figures ``{"heatmap", "gradients"}`` built from a frame, for
    ``fig.write_html(...)`` or further editing.
``static_page(source)``
    The same page as one notebook output (an iframe), for course notebooks published as
    static HTML: ``rnnviz.explore(..., static=True)`` returns it.
``graph_svg(source, path=None)``
    The unrolled graph as an SVG file. The graph is drawn by the *same* JS view, in the
    standalone page, inside headless Chromium (needs ``playwright`` and a Chromium: the
    test extras); its computed styles are written into the SVG so it renders anywhere.
    Without a browser, open the page from ``to_html`` and press "Save graph as SVG".
"""

from __future__ import annotations

from rnnviz.export._figures import to_figures
from rnnviz.export._html import page_html, to_html
from rnnviz.export._static import StaticPage, static_page
from rnnviz.export._svg import graph_svg
from rnnviz.export._sweep import DEFAULT_SWEEPS

__all__ = [
    "DEFAULT_SWEEPS",
    "StaticPage",
    "graph_svg",
    "page_html",
    "static_page",
    "to_figures",
    "to_html",
]
