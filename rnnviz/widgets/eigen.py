"""EigenView: the recurrent matrix's eigenvalues in the complex plane and its singular values.

The picture behind ρ and σ_max: left, every eigenvalue λ_i of W_hh (for LSTM / GRU the
candidate block U_c / U_h) with the unit circle — ρ = max |λ_i| < 1 when they all lie inside
it; right, the singular values σ_1 ≥ … ≥ σ_p against their index with a line at 1 —
σ_max = σ_1 is the most one step can stretch a vector. With ``init="orthogonal"`` every λ lies
on the circle of radius s and every σ_i = s; with ``init="gaussian"`` the eigenvalues fill a
disc of radius s while σ_max > s, so ρ < 1 < σ_max is possible.
"""

from __future__ import annotations

import numpy as np
import traitlets

from rnnviz.frame import Frame
from rnnviz.widgets._base import bundle
from rnnviz.widgets._buffers import ARRAY_SERIALIZERS
from rnnviz.widgets._plotly import PlotlyView

__all__ = ["EigenView"]


class EigenView(PlotlyView):
    """Eigenvalues (complex plane, unit circle) and singular values (against index, line at 1).

    Build it with ``EigenView.from_settings(weight_scale=0.9, init="gaussian")`` or
    ``EigenView(frame=frame)``; ``show(frame)`` redraws it.

    Synced traits
    -------------
    matrix : str
        The matrix shown: "W_hh" (rnn), "U_c" (LSTM candidate block), "U_h" (GRU).
    eigenvalues : array (units, 2) float32
        Row i = (Re λ_i, Im λ_i), sorted by |λ| from the largest.
    singular_values : array (units,) float32
        σ_1 ≥ … ≥ σ_p.
    rho, sigma_max : float
        ρ = max |λ_i| and σ_max = σ_1 (computed in float64).
    gamma : float
        γ = max f′ of the activation (the view marks σ = 1/γ when γ ≠ 1).
    init : str
        "orthogonal" or "gaussian": how W_hh was drawn.
    """

    _esm = bundle("eigen")

    activation = traitlets.Unicode("tanh").tag(sync=True)
    init = traitlets.Unicode("orthogonal", help='"orthogonal" or "gaussian".').tag(sync=True)
    matrix = traitlets.Unicode("W_hh", help='"W_hh", "U_c" (LSTM) or "U_h" (GRU).').tag(sync=True)
    rho = traitlets.Float(1.0, help="Spectral radius ρ = max |λ|.").tag(sync=True)
    sigma_max = traitlets.Float(1.0, help="Largest singular value σ_max.").tag(sync=True)
    gamma = traitlets.Float(1.0, help="γ = max f′ of the activation.").tag(sync=True)
    eigenvalues = traitlets.Any(None, allow_none=True, help="(units, 2) float32: Re, Im.").tag(
        sync=True, **ARRAY_SERIALIZERS
    )
    singular_values = traitlets.Any(None, allow_none=True, help="(units,) float32.").tag(
        sync=True, **ARRAY_SERIALIZERS
    )

    def show(self, frame: Frame) -> None:
        """Draw ``frame``'s spectrum (one message to the front end)."""
        if not isinstance(frame, Frame):
            raise TypeError(f"show() expects a Frame; got {type(frame).__name__}.")
        sp = frame.spectrum
        if sp is None:
            raise ValueError("show() needs a Frame with its spectrum; build it with build_frame().")
        s = frame.settings
        lam = np.asarray(sp.eigenvalues)
        self.frame = frame
        with self.hold_sync():
            self.units = s["units"]
            self.timesteps = frame.timesteps
            self.weight_scale = s["weight_scale"]
            self.cell = s["cell"]
            self.activation = s["activation"]
            self.init = s["init"]
            self.matrix = sp.matrix
            self.rho = sp.rho
            self.sigma_max = sp.sigma_max
            self.gamma = float(frame.theory.gamma)
            self.eigenvalues = np.stack([lam.real, lam.imag], axis=1).astype(np.float32)
            self.singular_values = np.asarray(sp.singular_values, dtype=np.float32)

    def __repr__(self) -> str:
        return (
            f"EigenView(matrix={self.matrix!r}, units={self.units}, init={self.init!r}, "
            f"weight_scale={self.weight_scale:g}, rho={self.rho:.4g}, "
            f"sigma_max={self.sigma_max:.4g})"
        )
