"""rnnviz's Jupyter views and the Explorer that links them.

``explore(**settings)`` opens everything at once; the views can also be used alone:
``StateHeatmap.from_settings(...)``, ``GradientFlow.from_settings(...)`` and
``UnrolledGraph.from_settings(...)``, ``EigenView.from_settings(...)`` (W_hh's eigenvalues
and singular values), or built from one ``Frame`` (``build_frame``) so they show the same
run. ``ControlPanel`` is the Explorer's anywidget controls (what marimo shows).
"""

from __future__ import annotations

from rnnviz.frame import Frame, build_frame
from rnnviz.widgets._explore import explore
from rnnviz.widgets.control_panel import ControlPanel
from rnnviz.widgets.eigen import EigenView
from rnnviz.widgets.explorer import Explorer
from rnnviz.widgets.gradients import GradientFlow
from rnnviz.widgets.heatmap import StateHeatmap

__all__ = [
    "ControlPanel",
    "EigenView",
    "Explorer",
    "Frame",
    "GradientFlow",
    "StateHeatmap",
    "UnrolledGraph",
    "build_frame",
    "explore",
]


def __getattr__(name: str):
    if name == "UnrolledGraph":
        from rnnviz.widgets.graph import UnrolledGraph

        return UnrolledGraph
    raise AttributeError(f"module 'rnnviz.widgets' has no attribute {name!r}")
