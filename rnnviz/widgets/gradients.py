"""GradientFlow: how much of h_t still reaches h_T, step by step back in time.

Plots ‖∂h_T/∂h_t‖₂ against the number of steps back T − t on a log axis: the chain rule
multiplies one Jacobian per step, so the norm shrinks (vanishing) or grows (exploding)
roughly geometrically. Two upper lines:

* the product of the per-step norms ∏ ‖∂(h,c)_s/∂(h,c)_{s−1}‖₂ along the run, a bound for
  every cell (always ≥ the curve; the gap is what the chained product loses to factors
  that do not line up), one per curve, in the curve's colour;
* for the Elman cell only, the Pascanu bound (γ σ_max(W_hh))^(T−t), and the readout of
  whether σ_max < 1/γ, the sufficient condition for vanishing gradients. For LSTM and GRU
  neither is drawn or stated: the gates carry the gradient past W_hh's candidate block, so
  that line bounds nothing there.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import traitlets

from rnnviz.frame import Frame
from rnnviz.widgets._base import bundle
from rnnviz.widgets._buffers import ARRAY_SERIALIZERS, array_to_json
from rnnviz.widgets._plotly import PlotlyView

__all__ = ["GradientFlow"]


def _overlays_to_json(value: dict | None, widget: Any = None) -> list:
    """Overlay curves as ``[[name, {data, shape, dtype}], ...]`` (float32 buffers, ordered)."""
    return [[str(name), array_to_json(arr)] for name, arr in (value or {}).items()]


def _finite_or_none(v: Any) -> float | None:
    """JSON has no inf/NaN: such numbers are sent as None (shown as "inf" by the view)."""
    v = float(v)
    return v if math.isfinite(v) else None


class GradientFlow(PlotlyView):
    """‖∂h_T/∂h_t‖₂ against steps back T − t (log axis), its bounds and the theory readout.

    Build it with ``GradientFlow.from_settings(weight_scale=0.5, ...)`` or
    ``GradientFlow(frame)``; ``show(frame)`` redraws it.

    Synced traits
    -------------
    log10_jacobian_norms, log10_dh_norms, log10_product_bound : array (T + 1,) float32
        log₁₀ of ‖∂h_T/∂h_t‖₂, ‖∂L/∂h_t‖₂ and the product of per-step norms, indexed by
        t = 0 … T (the view plots them against k = T − t). Logarithms keep every float64
        value (1e-300 and 1e300 alike) within float32; only a true overflow (inf) or
        underflow (0, i.e. −inf) reaches the view, which draws it clipped at the axis edge
        with ▲ / ▼.
    log10_bound : array (T + 1,) float32 or None
        log₁₀ of the Pascanu bound (γ σ_max)^(T−t); None for LSTM and GRU.
    log10_overlays, log10_overlay_bounds : dict name -> array (T + 1,)
        log₁₀ of the comparison curves (weight scales or cells) and of their own product
        bounds (same names, same order).
    frame_info : dict
        settings, timesteps, overflowed, theory (matrix, rho, sigma_max, gamma,
        gamma_sigma (γ σ_max), pascanu_holds (rnn only), vanishing_sufficient (None when
        not pascanu_holds)).
    """

    _esm = bundle("gradients")
    NAME = "gradients"

    log10_jacobian_norms = traitlets.Any(None, allow_none=True).tag(sync=True, **ARRAY_SERIALIZERS)
    log10_dh_norms = traitlets.Any(None, allow_none=True).tag(sync=True, **ARRAY_SERIALIZERS)
    log10_bound = traitlets.Any(None, allow_none=True).tag(sync=True, **ARRAY_SERIALIZERS)
    log10_product_bound = traitlets.Any(None, allow_none=True).tag(sync=True, **ARRAY_SERIALIZERS)
    log10_overlays = traitlets.Dict().tag(sync=True, to_json=_overlays_to_json)
    log10_overlay_bounds = traitlets.Dict().tag(sync=True, to_json=_overlays_to_json)

    def _payload(self, frame: Frame) -> dict[str, Any]:
        if not frame.analysed:
            raise ValueError(
                "show() needs a complete Frame (with its gradient analysis); build it with "
                "rnnviz.frame.build_frame()."
            )
        th = frame.theory
        gamma_sigma = float(th.gamma) * float(th.sigma_max)
        theory = {
            "matrix": str(th.matrix),
            "rho": _finite_or_none(th.rho),
            "sigma_max": _finite_or_none(th.sigma_max),
            "gamma": _finite_or_none(th.gamma),
            "gamma_sigma": _finite_or_none(gamma_sigma),
            "pascanu_holds": bool(th.pascanu_holds),
            "vanishing_sufficient": (
                None if th.vanishing_sufficient is None else bool(th.vanishing_sufficient)
            ),
        }
        return {
            "frame_info": self._info(frame, overflowed=bool(frame.overflowed), theory=theory),
            "log10_jacobian_norms": log10_f32(frame.jacobian_norms),
            "log10_dh_norms": log10_f32(frame.dh_norms),
            "log10_bound": None if frame.bound is None else log10_f32(frame.bound),
            "log10_product_bound": (
                None if frame.product_bound is None else log10_f32(frame.product_bound)
            ),
            "log10_overlays": {k: log10_f32(v) for k, v in frame.overlays.items()},
            "log10_overlay_bounds": {k: log10_f32(v) for k, v in frame.overlay_bounds.items()},
        }

    def __repr__(self) -> str:
        s, th = self.frame.settings, self.frame_info.get("theory", {})
        return (
            f"GradientFlow(units={s['units']}, timesteps={self.frame.timesteps}, "
            f"cell={s['cell']!r}, weight_scale={s['weight_scale']:g}, "
            f"sigma_max={th.get('sigma_max')}, "
            f"vanishing_sufficient={th.get('vanishing_sufficient')})"
        )


def log10_f32(a: Any) -> np.ndarray:
    """log₁₀ of non-negative norms as float32: 0 → −inf, inf → inf, NaN stays NaN."""
    with np.errstate(divide="ignore"):
        return np.ascontiguousarray(np.log10(np.asarray(a, dtype=np.float64)), dtype=np.float32)
