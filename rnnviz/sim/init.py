"""Seeded weight initialisers.

The recurrent matrix sets whether gradients vanish or explode, so its scale is the one
knob learners turn (``weight_scale`` = s):

``"orthogonal"`` (default)
    W = s · Q with Q a Haar-random orthogonal matrix (QR of a Gaussian matrix, signs
    fixed by diag(R)). Every singular value of W equals s, so s is at once the spectral
    radius ρ(W) and the largest singular value σ_max(W).
``"gaussian"``
    W = s · G / ρ(G) with G_ij ~ N(0, 1/units). G is non-normal, so its spectral radius is
    exactly s but σ_max(W) > s: it shows that ρ < 1 does not guarantee σ_max < 1.

For gated cells each gate's ``units × units`` block is drawn this way on its own.
The input kernel is Glorot-uniform: U(−ℓ, ℓ) with ℓ = √(6 / (features + units·gates)),
as Keras does for its ``kernel``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["INITS", "gaussian", "glorot_uniform", "orthogonal", "recurrent_kernel"]

#: Names accepted for the recurrent initialiser.
INITS: tuple[str, ...] = ("orthogonal", "gaussian")


def glorot_uniform(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    """Glorot-uniform matrix of shape (fan_in, fan_out): U(−ℓ, ℓ), ℓ = √(6/(fan_in+fan_out))."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    """Haar-random orthogonal matrix of shape (n, n)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    signs = np.sign(np.diag(r))
    signs[signs == 0] = 1.0
    return q * signs


def gaussian(rng: np.random.Generator, n: int) -> np.ndarray:
    """Non-normal Gaussian matrix of shape (n, n) rescaled to spectral radius exactly 1."""
    g = rng.standard_normal((n, n)) / np.sqrt(n)
    rho = float(np.max(np.abs(np.linalg.eigvals(g))))
    return g / rho


def recurrent_kernel(
    rng: np.random.Generator, units: int, gates: int, scale: float, init: str
) -> np.ndarray:
    """Recurrent kernel of shape (units, units·gates): ``gates`` blocks, each ``scale`` × base.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness (consumed in a fixed order, so results are reproducible).
    units, gates : int
        Hidden size and number of gate blocks (1 SimpleRNN, 4 LSTM, 3 GRU).
    scale : float
        s > 0: every block has spectral radius s (and, for ``"orthogonal"``, all
        singular values s).
    init : {"orthogonal", "gaussian"}
    """
    draw = orthogonal if init == "orthogonal" else gaussian
    return np.concatenate([scale * draw(rng, units) for _ in range(gates)], axis=1)
