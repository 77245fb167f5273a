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

from rnnviz.frame import Frame, build_frame
from rnnviz.widgets._base import ViewBase, bundle

__all__ = ["PlotlyView", "plotly_source"]


@functools.cache
def plotly_source() -> bytes:
    """The plotly.js ES module (default export ``Plotly``) as bytes, read once."""
    return bundle("plotly_runtime").read_bytes()


class PlotlyView(ViewBase):
    """A view of one frame drawn with plotly.js; answers the front end's request for the
    library. Built from a frame (``View(frame=frame)``, default: the default settings' frame)
    or from settings (``View.from_settings(units=32, ...)``); ``show(frame)`` redraws it."""

    #: Keywords of ``from_settings`` that are options of the view, not settings.
    VIEW_OPTIONS: ClassVar[tuple[str, ...]] = ("presenter",)

    def __init__(self, frame: Frame | None = None, **kwargs: Any) -> None:
        self.frame: Frame | None = None
        super().__init__(**kwargs)
        self.on_msg(self._on_plotly_request)
        self.show(frame if frame is not None else build_frame())

    @classmethod
    def from_settings(cls, **settings: Any) -> PlotlyView:
        """The view of the frame built from ``settings`` (see ``rnnviz.explore``)."""
        view_options = {k: settings.pop(k) for k in cls.VIEW_OPTIONS if k in settings}
        return cls(frame=build_frame(**settings), **view_options)

    def _on_plotly_request(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "plotly:request":
            self.send({"type": "plotly:source"}, buffers=[plotly_source()])
