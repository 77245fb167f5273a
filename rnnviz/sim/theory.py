"""What theory predicts about vanishing and exploding gradients (the Pascanu bound: SimpleRNN).

For h_t = f(x_t W_xh + h_{t−1} W_hh + b) one step's Jacobian is
∂h_t/∂h_{t−1} = diag(f′(a_t)) W_hhᵀ, whose norm is at most γ σ_max with γ = max f′ and
σ_max = ‖W_hh‖₂ (the largest singular value). Chaining T − t steps gives the bound of
Pascanu, Mikolov & Bengio (2013)::

    ‖∂h_T/∂h_t‖₂ ≤ (γ σ_max)^(T−t)

so σ_max < 1/γ is *sufficient* for gradients to vanish exponentially. The spectral radius
ρ(W_hh) = max |eigenvalue| ≤ σ_max governs the long-run growth of W_hh^k, but ρ < 1 does
not imply σ_max < 1 for a non-normal matrix (``init="gaussian"`` shows the difference).

For LSTM and GRU the summary reports ρ and σ_max of the candidate block of the recurrent
kernel (U_c for LSTM, U_h for GRU), but (γ σ_max)^(T−t) bounds nothing there: the cell
state c_t (LSTM) and the update gate's copy z_t ⊙ h_{t−1} (GRU) carry the gradient past
the candidate block, so ‖∂h_T/∂h_t‖₂ can stay near 1 while γ σ_max is far below 1. For
those cells ``Summary.bound`` and ``Summary.vanishing_sufficient`` are None. A bound that
holds for every cell is the product of the per-step norms along the run
(:mod:`rnnviz.sim.bounds`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnviz.sim import _validate, activations

__all__ = [
    "Summary",
    "gamma",
    "pascanu_bound",
    "pascanu_holds",
    "sigma_max",
    "spectral_radius",
    "summarize",
    "vanishing_sufficient",
]


def _square(W: object, name: str = "W") -> np.ndarray:
    a = np.asarray(W, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ValueError(f"{name} must be a square (units, units) matrix; got shape {a.shape}")
    return a


def spectral_radius(W: object) -> float:
    """ρ(W) = max |λ_i(W)| of a square (units, units) matrix."""
    return float(np.max(np.abs(np.linalg.eigvals(_square(W)))))


def sigma_max(W: object) -> float:
    """σ_max(W) = ‖W‖₂, the largest singular value of a square (units, units) matrix."""
    return float(np.linalg.norm(_square(W), 2))


def gamma(activation: str) -> float:
    """γ = max f′ of an activation: tanh 1, sigmoid 1/4, relu 1, linear 1."""
    return activations.get(activation).gamma


def pascanu_bound(sigma_max: float, gamma: float, T: int) -> np.ndarray:
    """The bound (γ σ_max)^(T−t) for t = 0..T, shape (T+1,); too large for float64 → inf.

    Entry T is 1. Computed as exp((T−t) log(γ σ_max)), so a product that overflows is
    ``inf`` (never NaN) and one that underflows is 0.
    """
    T = _validate.positive_int(T, "timesteps")
    rate = float(gamma) * float(sigma_max)
    if not np.isfinite(rate) or rate < 0:
        raise ValueError(f"gamma × sigma_max must be a finite number ≥ 0; got {rate}")
    k = np.arange(T, -1, -1, dtype=np.float64)  # T − t for t = 0..T
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        return np.power(rate, k)


def pascanu_holds(cell) -> bool:
    """True when (γ σ_max)^(T−t) bounds ``cell``'s ‖∂h_T/∂h_t‖₂: the Elman cell only.

    One Elman step's Jacobian is diag(f′(a_t)) W_hhᵀ, of norm ≤ γ σ_max(W_hh). An LSTM or
    GRU step also passes the gradient on through f_t ⊙ c_{t−1} or z_t ⊙ h_{t−1}, which the
    candidate block's σ_max does not control.
    """
    return bool(cell.pascanu_bound_holds)


#: γ σ_max within this (relative) distance of 1 is not claimed to be below 1: a computed
#: σ_max carries a relative error of a few units of p·ε (≈ 6e-14 at p = 256), and an
#: orthogonal W_hh at s = 1 — exactly σ_max = 1 — reads 0.9999999999999999 for some seeds.
UNDECIDED = 1e-12


def vanishing_sufficient(sigma_max: float, gamma: float) -> bool:
    """True when σ_max < 1/γ: the sufficient condition for gradients to vanish.

    Claimed only when γ σ_max < 1 − ``UNDECIDED``: at γ σ_max = 1 (an orthogonal W_hh at
    s = 1 with tanh, relu or linear) the gradient need not vanish, and float64's σ_max of
    such a matrix may read 1 − 1e-16.
    """
    return bool(float(sigma_max) * float(gamma) < 1.0 - UNDECIDED)


@dataclass(frozen=True)
class Summary:
    """Theory numbers for one cell and sequence length.

    ``bound`` and ``vanishing_sufficient`` are statements about the Elman cell only; for
    LSTM and GRU (``pascanu_holds`` False) they are None rather than a false guarantee.

    Attributes
    ----------
    matrix : str
        Which recurrent matrix was analysed: "W_hh" (SimpleRNN), "U_c" (LSTM candidate
        block) or "U_h" (GRU candidate block).
    rho : float
        Spectral radius ρ of that matrix.
    sigma_max : float
        Its largest singular value.
    gamma : float
        max f′ of the cell's activation.
    vanishing_sufficient : bool or None
        σ_max < 1/γ (SimpleRNN); None for LSTM and GRU, where it is not sufficient.
    bound : ndarray, shape (timesteps+1,), or None
        (γ σ_max)^(T−t) for t = 0..T (SimpleRNN); None for LSTM and GRU.
    pascanu_holds : bool
        Whether the Pascanu bound applies to this cell (SimpleRNN only).
    """

    matrix: str
    rho: float
    sigma_max: float
    gamma: float
    vanishing_sufficient: bool | None
    bound: np.ndarray | None
    pascanu_holds: bool = True


def summarize(cell, timesteps: int) -> Summary:
    """:class:`Summary` of ``cell``'s (candidate) recurrent block for ``timesteps`` steps."""
    W = cell._candidate_block()
    s, g = sigma_max(W), gamma(cell.activation)
    holds = pascanu_holds(cell)
    bound = pascanu_bound(s, g, timesteps) if holds else None
    if bound is not None:
        bound.flags.writeable = False
    return Summary(
        matrix=cell.candidate_matrix,
        rho=spectral_radius(W),
        sigma_max=s,
        gamma=g,
        vanishing_sufficient=vanishing_sufficient(s, g) if holds else None,
        bound=bound,
        pascanu_holds=holds,
    )
