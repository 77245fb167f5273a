"""rnnviz — Jupyter widgets that make recurrent neural networks visible.

``rnnviz.sim`` is the pure-NumPy simulator (importable without any widget library);
``rnnviz.explore()`` opens the interactive Explorer in a notebook; ``rnnviz.train()``
opens the Trainer (a cell learning a task, live); ``rnnviz.predict()`` asks a question whose
answer the simulator measures, revealed after the learner's prediction.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

__all__ = ["__version__", "explore", "predict", "sim", "train"]


def __getattr__(name: str):
    # Widgets are imported lazily so that ``import rnnviz.sim`` never pulls in
    # ipywidgets, anywidget or plotly.
    # ``from rnnviz import sim`` inside this hook would call the hook again (the
    # submodule is not an attribute until it has been imported), so import it by
    # its full name.
    if name == "sim":
        return importlib.import_module("rnnviz.sim")
    if name == "explore":
        return importlib.import_module("rnnviz.widgets").explore
    if name == "predict":
        return importlib.import_module("rnnviz.widgets.quiz").predict
    if name == "train":
        return importlib.import_module("rnnviz.widgets.trainer").train
    raise AttributeError(f"module 'rnnviz' has no attribute {name!r}")
