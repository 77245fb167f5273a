"""What the views draw, decided once: float32's limit, colour ranges, the number format.

Every view, the exported page and the plotly.py figures take these from here (through the
frame's payload), so a colour or a number means the same thing everywhere:

* ``FLOAT32_MAX``: values beyond ±3.4e38 reach the views (float32 buffers) as ±inf;
* :func:`colour_range`: [lo, hi] of the colour scale of a quantity (h_t, c_t, a gate);
* :func:`format_number`: the one compact number format of labels and readouts
  (``js/src/lib/format.js`` is its only JS copy, tested against this one).

Pure NumPy: no widget library.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from rnnviz.frame.cells import SIGMOID_GATES  # LSTM i, f, o; GRU z, r: in 0 … 1

__all__ = [
    "BOUNDED",
    "FLOAT32_MAX",
    "SIGMOID_GATES",
    "beyond_float32",
    "bounded_range",
    "colour_range",
    "format_number",
    "to_float32",
]

#: The largest float32 (≈ 3.4e38): beyond it a value reaches the views as ±inf.
FLOAT32_MAX = float(np.finfo(np.float32).max)

#: Activations with a fixed range: their colour scale never depends on the data.
BOUNDED: dict[str, tuple[float, float]] = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}


def beyond_float32(*arrays: Any) -> bool:
    """True when any value of the arrays (None skipped) would reach the views as ±inf:
    already infinite, or finite in float64 but beyond ±``FLOAT32_MAX``."""
    for a in arrays:
        if a is not None and not (np.abs(np.asarray(a, dtype=np.float64)) <= FLOAT32_MAX).all():
            return True
    return False


def to_float32(a: Any) -> np.ndarray:
    """C-contiguous float32 copy as sent to the views; beyond float32's range becomes ±inf."""
    with np.errstate(over="ignore"):
        return np.ascontiguousarray(np.asarray(a, dtype=np.float32))


def bounded_range(quantity: str, activation: str) -> tuple[float, float] | None:
    """The range a quantity can take, or None when it is unbounded.

    h_t and the candidate (LSTM gate c, GRU gate h) take the activation's range (LSTM
    h_t = o_t ⊙ f(c_t) with o_t ∈ (0, 1) stays inside it too); sigmoid gates lie in 0 … 1;
    the LSTM cell state c_t is a running sum and has no bound.
    """
    if quantity in SIGMOID_GATES:
        return (0.0, 1.0)
    if quantity == "c":
        return None
    return BOUNDED.get(activation)


def colour_range(quantity: str, activation: str, arrays: Iterable[Any] = ()) -> tuple[float, float]:
    """[lo, hi] of the colour scale of ``quantity`` ("h", "c" or "gate_<name>").

    Fixed to the activation's range when it has one (a colour means the same value at every
    setting). Otherwise from the data as the views receive it (float32; non-finite values
    ignored): [0, max] for relu h_t and the relu candidate, which are never negative (a
    sequential scale, all of it used), else symmetric [−m, m] by the largest |value| (a
    diverging scale with 0 neutral: linear, the LSTM cell state). [0, 1] / [−1, 1] when
    there is no finite non-zero value.
    """
    fixed = bounded_range(quantity, activation)
    if fixed is not None:
        return fixed
    m = 0.0
    for a in arrays:
        if a is None:
            continue
        values = np.abs(to_float32(a))
        finite = values[np.isfinite(values)]
        if finite.size:
            m = max(m, float(finite.max()))
    m = m or 1.0
    if activation == "relu" and quantity != "c":
        return (0.0, m)
    return (-m, m)


def format_number(v: float) -> str:
    """A number for a label: 3 significant digits; exponent form ("1.5e-5", "2e+8" → "2e8")
    outside [1e-3, 1e4); "inf", "-inf", "nan"; 0 as "0"."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    a = abs(v)
    if 1e-3 <= a < 1e4:
        return f"{float(f'{v:.3g}'):g}"
    mantissa, exponent = f"{v:.2e}".split("e")
    return f"{float(mantissa):g}e{int(exponent)}"
