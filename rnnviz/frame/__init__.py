"""One simulator run → one ``Frame``: everything the views draw, as plain NumPy data.

``build.py`` turns settings (``rnnviz.settings``) and a model into a frame (``frame_of``,
the one place that does), in two parts:
``forward.py`` (the run and its loss gradients) and ``analysis.py`` (the Jacobian-norm
curve, bounds, overlays, spectrum) — the only place outside ``rnnviz.sim`` that runs the
simulator, so every view shows the same run; ``draw.py`` decides how values are drawn
(colour ranges, the number format, float32's limit); ``cells.py`` what the views are told
about a cell type (from its class attributes).
Imports no widget library and needs no JS bundle (``tests/test_layering.py``).
"""

from __future__ import annotations

from rnnviz.frame.analysis import CELL_SWEEP, SCALE_SWEEP, Analysis, analyse
from rnnviz.frame.build import Frame, build_frame, compose, frame_of, reanalyse
from rnnviz.frame.draw import FLOAT32_MAX, beyond_float32, colour_range, format_number
from rnnviz.frame.forward import Forward, build_forward

__all__ = [
    "CELL_SWEEP",
    "FLOAT32_MAX",
    "SCALE_SWEEP",
    "Analysis",
    "Forward",
    "Frame",
    "analyse",
    "beyond_float32",
    "build_forward",
    "build_frame",
    "colour_range",
    "compose",
    "format_number",
    "frame_of",
    "reanalyse",
]
