"""A kernel-free notebook output: the standalone page, embedded, for published course pages.

``rnnviz.explore(..., static=True)`` returns a :class:`StaticPage` instead of a live
Explorer. Its only output is HTML: an ``<iframe srcdoc=…>`` holding the self-contained page
of :func:`rnnviz.export.page_html` (views, data and a stand-in model inlined; hover, the time
scrubber and a precomputed sweep keep working). Course notebooks published as static sites
(``jupyter nbconvert --to html``, Jupyter Book) then show live-looking views with no kernel
and no network, where a widget output would be blank (it needs a kernel, and ipywidgets'
static embedding fetches its manager from a CDN).

The page lives in an iframe so its styles and module scripts cannot touch the host page.
The iframe grows with its content where the host lets inline handlers run (nbconvert
pages, trusted notebooks); elsewhere it keeps a fixed height that fits the default views.
"""

from __future__ import annotations

import html
from typing import Any

#: Iframe height (px) before the page reports its own: fits the three default views.
DEFAULT_HEIGHT = 1400

# Inline onload handler: follow the embedded page's height as its views draw.
_FIT = (
    "(function(f){var d=f.contentDocument;if(!d)return;"
    "var fit=function(){f.style.height=(d.documentElement.scrollHeight+8)+'px'};"
    "fit();new f.contentWindow.ResizeObserver(fit).observe(d.documentElement)})(this)"
)


class StaticPage:
    """The standalone rnnviz page as one notebook output (no kernel, no network).

    Attributes
    ----------
    html : str
        The complete standalone page (what :func:`rnnviz.export.to_html` writes).
    title : str
        Its title (also the iframe's accessible name).
    """

    def __init__(self, page: str, title: str = "rnnviz") -> None:
        self.html = page
        self.title = title

    def _repr_html_(self) -> str:
        return (
            f'<iframe class="rnnviz-static" data-rnnviz-static="true" '
            f'title="{html.escape(self.title, quote=True)}" '
            f'style="width:100%;height:{DEFAULT_HEIGHT}px;border:0" '
            f'onload="{html.escape(_FIT, quote=True)}" '
            f'srcdoc="{html.escape(self.html, quote=True)}"></iframe>'
        )

    def __repr__(self) -> str:
        size = len(self.html.encode("utf-8"))
        return (
            f"StaticPage({self.title!r}, {size / 1e6:.1f} MB of self-contained HTML; "
            "display it in a notebook, or publish the notebook with nbconvert)"
        )


def static_page(source: Any, **page_kwargs: Any) -> StaticPage:
    """A :class:`StaticPage` of ``source`` (an Explorer, a view or a list of views).

    ``page_kwargs`` are those of :func:`rnnviz.export.page_html` (``sweep``,
    ``sweep_values``, ``title``).
    """
    from rnnviz.export._html import page_html

    return StaticPage(page_html(source, **page_kwargs), title=page_kwargs.get("title", "rnnviz"))
