"""EigenView: the recurrent matrix's eigenvalues in the complex plane and its singular values.

The picture behind ρ and σ_max: left, every eigenvalue λ_i of W_hh (for LSTM / GRU the
candidate block U_c / U_h) with the unit circle — ρ = max |λ_i| < 1 when they all lie inside
it; right, the singular values σ_1 ≥ … ≥ σ_p against their index with a line at 1 —
σ_max = σ_1 is the most one step can stretch a vector. With ``init="orthogonal"`` every λ lies
on the circle of radius s and every σ_i = s; with ``init="gaussian"`` the eigenvalues fill a
disc of radius s while σ_max > s, so ρ < 1 < σ_max is possible.
"""

from __future__ import annotations

from typing import Any, ClassVar

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
    eigenvalues : array (units, 2) float32
        Row i = (Re λ_i, Im λ_i), sorted by |λ| from the largest.
    singular_values : array (units,) float32
        σ_1 ≥ … ≥ σ_p.
    frame_info : dict
        settings (``init``: "orthogonal" or "gaussian", how W_hh was drawn), timesteps,
        matrix ("W_hh" (rnn), "U_c" (LSTM candidate block), "U_h" (GRU)), rho = max |λ_i|
        and sigma_max = σ_1 (computed in float64), gamma = max f′ of the activation (the
        view marks σ = 1/γ when γ ≠ 1); layer_names (``frame.layer_names``) and
        shown_layer (``frame.gradient_layer``, the layer whose matrix this is: the one
        chosen in the gradient panel): the title names it when there is more than one.
    """

    _esm = bundle("eigen")
    NAME = "eigen"
    #: The spectrum does not change along the run: the view draws no time cursor.
    USES_TIME: ClassVar[bool] = False

    eigenvalues = traitlets.Any(None, allow_none=True, help="(units, 2) float32: Re, Im.").tag(
        sync=True, **ARRAY_SERIALIZERS
    )
    singular_values = traitlets.Any(None, allow_none=True, help="(units,) float32.").tag(
        sync=True, **ARRAY_SERIALIZERS
    )

    def _payload(self, frame: Frame) -> dict[str, Any]:
        sp = frame.spectrum
        if sp is None:
            raise ValueError("show() needs a Frame with its spectrum; build it with build_frame().")
        lam = np.asarray(sp.eigenvalues)
        info = self._info(
            frame,
            matrix=str(sp.matrix),
            rho=float(sp.rho),
            sigma_max=float(sp.sigma_max),
            gamma=float(frame.theory.gamma),
            layer_names=[str(name) for name in frame.layer_names],
            shown_layer=int(frame.gradient_layer),
        )
        return {
            "frame_info": info,
            "eigenvalues": np.stack([lam.real, lam.imag], axis=1).astype(np.float32),
            "singular_values": np.asarray(sp.singular_values, dtype=np.float32),
        }

    def __repr__(self) -> str:
        s, i = self.frame.settings, self.frame_info
        return (
            f"EigenView(matrix={i['matrix']!r}, units={s['units']}, init={s['init']!r}, "
            f"weight_scale={s['weight_scale']:g}, rho={i['rho']:.4g}, "
            f"sigma_max={i['sigma_max']:.4g})"
        )
