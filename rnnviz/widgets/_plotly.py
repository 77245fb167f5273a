"""Serve plotly.js to the plotly views once per page (see ``js/src/lib/plotly.js``).

anywidget loads a widget's ``_esm`` once per *instance*, so the heatmap and gradient
bundles stay small and do not contain plotly.js (1.5 MB). The first view on a page that
needs it sends ``{"type": "plotly:request"}``; the kernel answers with
``{"type": "plotly:source"}`` and the bundle ``rnnviz/static/plotly_runtime.js`` as one
binary buffer. Every later view on that page reuses the loaded copy.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar

from rnnviz.frame import Frame
from rnnviz.widgets._base import ViewBase, bundle

__all__ = ["PlotlyView", "plotly_source"]


@functools.cache
def plotly_source() -> bytes:
    """The plotly.js ES module (default export ``Plotly``) as bytes, read once."""
    return bundle("plotly_runtime").read_bytes()


class PlotlyView(ViewBase):
    """A view of one frame drawn with plotly.js (``js/src/lib/view_shell.js``
    ``mountPlotlyView``); answers the front end's request for the library."""

    #: Without a kernel (the export page) plotly.js is inlined once and set as this global.
    PAGE_GLOBALS: ClassVar[dict[str, str]] = {"Plotly": "plotly_runtime"}

    def __init__(self, frame: Frame | None = None, **options: Any) -> None:
        super().__init__(frame, **options)
        self.on_msg(self._on_plotly_request)

    def _on_plotly_request(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "plotly:request":
            self.send({"type": "plotly:source"}, buffers=[plotly_source()])
