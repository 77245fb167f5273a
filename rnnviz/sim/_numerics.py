"""Array helpers shared by the cells and the chain rule (a leaf: imports nothing from rnnviz).

* :func:`matmul_rows` — ``m @ w`` over any leading axes as one matrix product;
* :func:`through_sigmoid` — a cotangent pulled back through v ⊙ σ(z), safe after overflow;
* :func:`nan_to_inf` — overflow is reported as +inf, never NaN;
* :func:`readonly_copy` / :func:`freeze` — read-only arrays (cells and results are immutable).
"""

from __future__ import annotations

import numpy as np

__all__ = ["freeze", "matmul_rows", "nan_to_inf", "readonly_copy", "through_sigmoid"]


def matmul_rows(m: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``m @ w`` for m of shape (..., k) and w of shape (k, n) as a single matrix product."""
    lead = m.shape[:-1]
    return (m.reshape(-1, m.shape[-1]) @ w).reshape(*lead, w.shape[1])


def nan_to_inf(a: np.ndarray) -> np.ndarray:
    """Overflow made inf − inf or 0·inf: report the value as +inf, never NaN (in place)."""
    if np.isnan(a).any():
        a[np.isnan(a)] = np.inf
    return a


def through_sigmoid(d: np.ndarray, v: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """d ⊙ v ⊙ σ′(z), slope = σ′(z) (``activations.sigmoid_slope``): a cotangent d pulled back
    through a product v ⊙ σ(z) to the gate pre-activation z.

    v ⊙ σ′ is formed first (after an overflow v is huge and σ′ tiny). A σ′ that underflowed
    to 0 (|z| > 745) gives 0 even when v is ±inf — as the true product does: v comes from the
    same overflowing states as z, so e^(−|z|) is far smaller than 1/|v| — and so does an
    exact 0 in d, instead of 0 · inf = NaN.
    """
    out = d * (v * slope)
    zero = slope == 0
    if zero.any():
        out = np.where(zero, 0.0, out)
    if not np.isfinite(v).all():
        out = np.where(d == 0, 0.0, out)
    return out


def readonly_copy(a: np.ndarray | None) -> np.ndarray | None:
    """A read-only float64 copy of ``a`` (None stays None): weights a caller cannot change."""
    if a is None:
        return None
    a = np.array(a, dtype=np.float64, copy=True)
    a.flags.writeable = False
    return a


def freeze(a):
    """Mark an array read-only in place (no copy) and return it; anything else unchanged."""
    if isinstance(a, np.ndarray):
        a.flags.writeable = False
    return a
