"""Traits every rnnviz view shares (the state its test hooks report)."""

from __future__ import annotations

import pathlib
from typing import Any

import anywidget
import traitlets

from rnnviz.settings import unknown_keywords

STATIC = pathlib.Path(__file__).resolve().parent.parent / "static"


def bundle(name: str) -> pathlib.Path:
    """Path of the built JS module ``rnnviz/static/<name>.js`` (built from ``js/src/<name>.js``)."""
    path = STATIC / f"{name}.js"
    if not path.exists():
        raise FileNotFoundError(
            f"rnnviz's front-end bundle {path} is missing. It is built from js/ by the package "
            "build: reinstall with `pip install -e .` (or run `npm run build` in js/)."
        )
    return path


#: Traits of every widget that are no option of a view (left out of suggestions).
_INTERNAL = {"comm", "keys", "log", "tabbable", "tooltip"}


class ViewBase(anywidget.AnyWidget):
    """Common state of the views; the JS root mirrors it in ``data-*`` attributes after drawing."""

    def __init__(self, **kwargs: Any) -> None:
        # traitlets would drop an unknown keyword with a warning: a typo must not pass.
        unknown = [k for k in kwargs if not k.startswith("_") and not self.has_trait(k)]
        if unknown:
            known = [n for n in self.trait_names() if not n.startswith("_")]
            options = ["frame", *sorted(n for n in known if n not in _INTERNAL)]
            raise unknown_keywords(type(self).__name__, unknown, options)
        super().__init__(**kwargs)

    units = traitlets.Int(16, help="Hidden units p: the size of every h_t.").tag(sync=True)
    timesteps = traitlets.Int(20, help="Timesteps T: the number of unrolled steps.").tag(sync=True)
    weight_scale = traitlets.Float(1.0, help="Scale s of W_hh (its spectral radius).").tag(
        sync=True
    )
    cell = traitlets.Unicode("rnn", help='Cell type: "rnn", "lstm" or "gru".').tag(sync=True)
    presenter = traitlets.Bool(False, help="Large fonts and thick lines for projectors.").tag(
        sync=True
    )
    t_cursor = traitlets.Int(-1, help="Timestep highlighted by the scrubber (-1: none).").tag(
        sync=True
    )
    phase = traitlets.Unicode("forward", help='Scrubber phase: "forward" or "backward".').tag(
        sync=True
    )
    updating = traitlets.Bool(
        False, help="True while newer settings are being analysed (the view shows the last result)."
    ).tag(sync=True)
