"""The spectrum of the recurrent matrix: the picture behind ρ and σ_max.

For h_t = f(x_t W_xh + h_{t−1} W_hh + b) the recurrent matrix W_hh (units, units) is applied
once per step. Two sets of numbers describe it:

- its eigenvalues λ_1 … λ_p (complex): W_hh^k shrinks or grows like ρ^k with the spectral
  radius ρ = max |λ_i|, so the long run vanishes when every λ lies inside the unit circle;
- its singular values σ_1 ≥ … ≥ σ_p ≥ 0: σ_max = σ_1 = ‖W_hh‖₂ is the most one step can
  stretch a vector, and σ_max < 1/γ is the sufficient condition for vanishing gradients.

ρ ≤ σ_max always. For a normal matrix (e.g. ``init="orthogonal"``, W = s·Q) they are equal
— every |λ_i| = σ_i = s — but a non-normal one (``init="gaussian"``) can have ρ < 1 < σ_max:
single steps stretch some vectors although powers of W_hh eventually shrink them.

For LSTM and GRU the matrix is the candidate block of the recurrent kernel (U_c of the LSTM,
U_h of the GRU), as in :mod:`rnnviz.sim.theory`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnviz.sim.theory import _square

__all__ = ["Spectrum", "of_cell", "of_matrix"]


@dataclass(frozen=True)
class Spectrum:
    """Eigenvalues and singular values of one recurrent matrix.

    Attributes
    ----------
    matrix : str
        Which matrix: "W_hh" (SimpleRNN), "U_c" (LSTM candidate block), "U_h" (GRU
        candidate block), or the name given to :func:`of_matrix`.
    eigenvalues : ndarray, shape (units,), complex128
        λ_i, sorted by |λ| from largest to smallest (read-only).
    singular_values : ndarray, shape (units,), float64
        σ_i, from largest to smallest (read-only).
    """

    matrix: str
    eigenvalues: np.ndarray
    singular_values: np.ndarray

    @property
    def rho(self) -> float:
        """Spectral radius ρ = max |λ_i|."""
        return float(np.abs(self.eigenvalues[0]))

    @property
    def sigma_max(self) -> float:
        """Largest singular value σ_max = ‖W‖₂."""
        return float(self.singular_values[0])


def of_matrix(W: object, name: str = "W_hh") -> Spectrum:
    """:class:`Spectrum` of a square (units, units) matrix ``W``.

    Raises
    ------
    ValueError
        ``W`` is not a non-empty square matrix, or holds inf / NaN.
    """
    a = _square(W, name)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must hold finite numbers; it contains inf or NaN")
    lam = np.linalg.eigvals(a).astype(np.complex128)
    order = np.lexsort((-lam.imag, -lam.real, -np.abs(lam)))
    lam = lam[order]
    sv = np.linalg.svd(a, compute_uv=False).astype(np.float64)
    lam.flags.writeable = False
    sv.flags.writeable = False
    return Spectrum(matrix=name, eigenvalues=lam, singular_values=sv)


def of_cell(cell) -> Spectrum:
    """:class:`Spectrum` of ``cell``'s recurrent block: W_hh, or U_c (LSTM) / U_h (GRU)."""
    return of_matrix(cell._candidate_block(), cell.candidate_matrix)
