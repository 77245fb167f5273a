"""One simulator run → one ``Frame``: everything the views draw, as plain NumPy data.

``build.py`` turns settings (``rnnviz.settings``) into a frame — the only place outside
``rnnviz.sim`` that runs the simulator, so every view shows the same run; ``draw.py``
decides how values are drawn (colour ranges, the number format, float32's limit).
Imports no widget library and needs no JS bundle (``tests/widgets/test_layering.py``).
"""

from __future__ import annotations

from rnnviz.frame.build import (
    CELL_SWEEP,
    SCALE_SWEEP,
    Analysis,
    Forward,
    Frame,
    analyse,
    build_forward,
    build_frame,
    compose,
    reanalyse,
)
from rnnviz.frame.draw import FLOAT32_MAX, beyond_float32, colour_range, format_number

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
    "reanalyse",
]
