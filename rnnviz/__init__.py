"""rnnviz — Jupyter widgets that make recurrent neural networks visible.

``rnnviz.sim`` is the pure-NumPy simulator (importable without any widget library);
``rnnviz.explore()`` opens the interactive Explorer in a notebook.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "explore", "sim"]


def __getattr__(name: str):
    # Widgets are imported lazily so that ``import rnnviz.sim`` never pulls in
    # ipywidgets, anywidget or plotly.
    if name == "sim":
        from rnnviz import sim

        return sim
    if name == "explore":
        from rnnviz.widgets import explore

        return explore
    raise AttributeError(f"module 'rnnviz' has no attribute {name!r}")
