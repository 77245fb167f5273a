"""Axis and colour rules of the exported figures, as the views draw them (js/src/lib/axes.js).

Log axes are labelled at powers of ten only, whole-number axes (units, timesteps, steps
back) get whole-number ticks at every size, counts have the right singular / plural, and
each overlay value (a weight scale or a cell) has one fixed colour in every figure.
"""

from __future__ import annotations

import math
import re

from rnnviz.widgets._frame import CELL_SWEEP, SCALE_SWEEP

#: Most labels on a log axis.
MAX_LOG_TICKS = 8
#: Overlay palette (light theme of the views, js/src/lib/theme.js).
OVERLAY_COLOURS = ("#8250df", "#1a7f37", "#bf8700", "#cf222e", "#0550ae", "#953800")


def _nice_step(span: int, max_ticks: int) -> int:
    """Smallest of 1, 2, 5, 10, 20, 50 … that puts at most ``max_ticks`` ticks on ``span``."""
    p = 1
    while True:
        for s in (p, 2 * p, 5 * p):
            if span // s + 1 <= max(1, max_ticks):
                return s
        p *= 10


def power_text(k: int) -> str:
    """10^k as plotly text: ``1``, ``10``, ``10<sup>−3</sup>``."""
    if k == 0:
        return "1"
    if k == 1:
        return "10"
    return f"10<sup>{'−' if k < 0 else ''}{abs(k)}</sup>"


def log_ticks(lo: float, hi: float, max_ticks: int = MAX_LOG_TICKS) -> dict:
    """Ticks of a log axis over log10 range [lo, hi]: powers of ten only, thinned to
    every 2nd, 5th, 10th … decade so that at most ``max_ticks`` labels are drawn."""
    a, b = math.ceil(min(lo, hi)), math.floor(max(lo, hi))
    step = _nice_step(max(b - a, 0), max_ticks)
    ks = list(range(math.ceil(a / step) * step, b + 1, step))
    return {
        "tickmode": "array",
        "tickvals": [float(f"1e{k}") for k in ks],
        "ticktext": [power_text(k) for k in ks],
    }


def integer_ticks(lo: int, hi: int, max_ticks: int = 10) -> dict:
    """Whole-number ticks 1, 2, 5, 10 … apart on [lo, hi]: never 0.6 … 1.4 at one unit."""
    dtick = _nice_step(max(math.ceil(hi) - math.floor(lo), 0), max_ticks)
    return {"tickmode": "linear", "tick0": 0, "dtick": dtick, "tickformat": "d"}


def count(n: int, one: str, many: str | None = None) -> str:
    """``1 unit``, ``16 units``."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def overlay_colour(name: str, position: int = 0) -> str:
    """Fixed colour of an overlay value ("lstm", "s = 2"): its slot in CELL_SWEEP or
    SCALE_SWEEP (other scales after them, by value); unknown names by their position."""
    key = str(name).lower()
    slot = CELL_SWEEP.index(key) if key in CELL_SWEEP else None
    m = re.fullmatch(r"\s*s\s*=\s*([-+0-9.e]+)\s*", key)
    if slot is None and m:
        try:
            s = float(m.group(1))
        except ValueError:
            s = math.nan
        if math.isfinite(s):
            near = [i for i, v in enumerate(SCALE_SWEEP) if abs(v - s) < 1e-9]
            slot = near[0] if near else len(SCALE_SWEEP) + abs(round(s * 10))
    return OVERLAY_COLOURS[(position if slot is None else slot) % len(OVERLAY_COLOURS)]
