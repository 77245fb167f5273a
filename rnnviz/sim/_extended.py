"""Numbers beyond float64's range, for the forward pass after an overflow.

Once a state overflows, float64 can only say ``inf``: x_t W + h_{t−1} W_hh then meets
+inf and −inf in one sum and gives NaN, whose true sign is lost — and the sign decides
relu′(a), every later state and every gate σ(z). So the careful forward pass (run only
when the fast one overflowed) keeps each value as an extended number

    v = m · 2^e        m float64, e int64 (elementwise, arrays of the same shape)

with the exponent in a separate integer array: the sign and the relative size of every
value survive any magnitude. ``value`` turns one back into float64 (±inf beyond the range,
with its sign). Only what the cells need is defined: sums, products with float64 arrays,
and a product with a float64 weight matrix.

The matrix product Σ_j v_j W_jk groups the v_j into exponent bands: values below 2^768
are multiplied as plain float64 (bitwise the same as the fast pass), and each band of
larger ones, 2^768 wide, is scaled by one power of two so that every entry of the band is
in (2^−768, 1] before one ordinary matrix product. The bands' results are then added as
extended numbers, so an output that no large value reaches (a zero weight, a diagonal or
block-diagonal W) keeps its exact, finite value.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Ext", "activate", "ext", "value"]

_PLAIN = 768  # |v| < 2^_PLAIN: plain float64 products are safe
_BAND = 768  # exponent width of one band of large values
_ZERO_E = np.int64(-(2**40))  # exponent of an exact zero (below every real exponent)


class Ext:
    """An array of extended numbers m · 2^e (m in [0.5, 1) or 0, see the module)."""

    __slots__ = ("e", "m")

    def __init__(self, m: np.ndarray, e: np.ndarray) -> None:
        self.m, self.e = m, e

    def __add__(self, other: Ext) -> Ext:
        E = np.maximum(self.e, other.e)
        with np.errstate(under="ignore"):
            m = np.ldexp(self.m, _shift(self.e - E)) + np.ldexp(other.m, _shift(other.e - E))
        return _normal(m, E)

    def __mul__(self, f: np.ndarray) -> Ext:
        """Product with float64 values (finite)."""
        with np.errstate(under="ignore"):
            return _normal(self.m * f, self.e)

    __rmul__ = __mul__

    def __getitem__(self, key) -> Ext:
        return Ext(self.m[key], self.e[key])

    def relu(self) -> Ext:
        return Ext(np.where(self.m > 0, self.m, 0.0), np.where(self.m > 0, self.e, _ZERO_E))

    def matmul(self, W: np.ndarray) -> Ext:
        """Σ_j v_j W_jk over the last axis of v; W (j, k) float64, finite."""
        lead = self.m.shape[:-1]
        m = self.m.reshape(-1, self.m.shape[-1])
        e = self.e.reshape(-1, self.e.shape[-1])
        plain = e < _PLAIN
        e_plain = np.clip(np.where(plain, e, 0), -1100, _PLAIN).astype(np.int32)
        out = ext(np.where(plain, np.ldexp(m, e_plain), 0.0) @ W)
        big = ~plain & (m != 0)
        if big.any():
            band = np.where(big, (e - _PLAIN) // _BAND, -1)
            for b in np.unique(band[big]):
                sel = band == b
                E = np.where(sel, e, _ZERO_E).max(axis=1, keepdims=True)  # per row
                E = np.where(sel.any(axis=1, keepdims=True), E, 0)
                with np.errstate(under="ignore"):
                    part = np.where(sel, np.ldexp(m, _shift(e - E)), 0.0) @ W
                out = out + _normal(part, np.broadcast_to(E, part.shape))
        k = W.shape[1]
        return Ext(out.m.reshape(*lead, k), out.e.reshape(*lead, k))


def _shift(d: np.ndarray) -> np.ndarray:
    """Exponent shifts ≤ 0 clipped to a range np.ldexp accepts (anything below −1100 is 0)."""
    return np.maximum(d, -1100).astype(np.int32)


def _normal(m: np.ndarray, e: np.ndarray) -> Ext:
    """m · 2^e with m brought to [0.5, 1) (or 0 with the zero exponent)."""
    frac, de = np.frexp(m)
    zero = frac == 0
    return Ext(frac, np.where(zero, _ZERO_E, e + de))


def ext(a: np.ndarray) -> Ext:
    """float64 array (finite) → extended numbers."""
    a = np.asarray(a, dtype=np.float64)
    return _normal(a, np.zeros(a.shape, dtype=np.int64))


def value(x: Ext) -> np.ndarray:
    """Extended numbers → float64: ±inf beyond the range (sign kept), 0 below it."""
    e = np.clip(x.e, -1200, 1200).astype(np.int32)
    with np.errstate(over="ignore", under="ignore"):
        return np.ldexp(x.m, e)


def activate(act, x: Ext) -> Ext:
    """f(x) for an :class:`rnnviz.sim.activations.Activation`: relu and linear act on the
    extended numbers themselves (they are positively homogeneous); the bounded ones
    (tanh, sigmoid) see float64 values, ±inf included, and give bounded values."""
    if act.name == "linear":
        return x
    if act.name == "relu":
        return x.relu()
    with np.errstate(over="ignore", under="ignore"):
        return ext(act.f(value(x)))
