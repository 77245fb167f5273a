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
from typing import Any, ClassVar

import numpy as np
import traitlets

from rnnviz.frame import Frame, reanalyse
from rnnviz.frame.cells import cell_choices, cell_facts
from rnnviz.frame.truncation import truncation
from rnnviz.widgets._base import bundle
from rnnviz.widgets._buffers import ARRAY_SERIALIZERS, array_to_json
from rnnviz.widgets._layer_choice import follow_layer
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
    layer : int
        The learner's choice (view-local state, set by the panel's layer menu; -1: the top
        layer), an index into the layer names of the frame shown. Alone the view
        re-analyses its frame for that layer; in an Explorer, ``relayer`` asks the
        Explorer, which analyses in its worker (only that layer's Jacobian curve is
        computed; ‖∂L/∂h_t‖ of every layer is in every frame). A new frame keeps the
        choice while it has a layer of that name (``layer_in``), else the top layer is
        shown, ``layer`` becomes -1 and ``frame_info["layer_note"]`` says so.
    frame_info : dict
        settings, timesteps (T of the layer shown), overflowed, theory (matrix, rho,
        sigma_max, gamma, gamma_sigma (γ σ_max), pascanu_holds (rnn only),
        vanishing_sufficient (None when not pascanu_holds)); layer_names
        (``frame.layer_names``: the title names the layer the curves describe), shown_layer
        (index of that layer, ``frame.gradient_layer``), layer_note ("" or the sentence
        saying the chosen layer is gone and the top one shown), truncation (the window k
        seen from that layer's h_T: ``rnnviz.frame.truncation.truncation``, the band of kept
        steps back and its words, as the exported figure draws them), cell_label (the cell
        type's display name), cells ([name, display name] of every cell type in ``CELLS``
        order with overlay="cell": the overlay curves' labels and colour slots; else []).
    """

    #: Called instead of re-analysing here when ``layer`` changes (the Explorer sets it).
    relayer: Any = None

    _esm = bundle("gradients")
    NAME = "gradients"
    VIEW_OPTIONS = ("presenter", "layer")
    SELECTORS: ClassVar[dict[str, str]] = {"layer": "layer_names"}
    AFTER_FRAME = ("layer",)

    log10_jacobian_norms = traitlets.Any(None, allow_none=True).tag(sync=True, **ARRAY_SERIALIZERS)
    log10_dh_norms = traitlets.Any(None, allow_none=True).tag(sync=True, **ARRAY_SERIALIZERS)
    log10_bound = traitlets.Any(None, allow_none=True).tag(sync=True, **ARRAY_SERIALIZERS)
    log10_product_bound = traitlets.Any(None, allow_none=True).tag(sync=True, **ARRAY_SERIALIZERS)
    log10_overlays = traitlets.Dict().tag(sync=True, to_json=_overlays_to_json)
    log10_overlay_bounds = traitlets.Dict().tag(sync=True, to_json=_overlays_to_json)
    layer = traitlets.Int(-1, help="Layer chosen in the panel (-1: the top one).").tag(sync=True)

    def show(self, frame: Frame) -> None:
        """Draw ``frame`` (one message); alone, for the layer chosen in the panel."""
        if isinstance(frame, Frame) and self.relayer is None and frame.result is not None:
            index = self.layer_in(frame.layer_names)
            if index >= 0:
                frame = reanalyse(frame, index)
        super().show(frame)

    def layer_in(self, names: Any) -> int:
        """Index in ``names`` (a new frame's ``layer_names``) of the layer chosen in the panel;
        -1 (the top one) when none is chosen or the new frame has no layer of that name."""
        return follow_layer(self.layer, self.frame_info.get("layer_names") or [], names)[0]

    def _payload(self, frame: Frame) -> dict[str, Any]:
        if not frame.analysed:
            raise ValueError(
                "show() needs a complete Frame (with its gradient analysis); build it with "
                "rnnviz.frame.build_frame()."
            )
        th = frame.theory
        gamma_sigma = float(th.gamma) * float(th.sigma_max)
        n = len(frame.layer_names)
        shown = frame.gradient_layer if 0 <= frame.gradient_layer < n else n - 1
        # the choice follows its layer into the new frame, or falls back to the top one
        layer, layer_note = follow_layer(
            self.layer, self.frame_info.get("layer_names") or [], frame.layer_names
        )
        per_layer = frame.layer_dh_norms
        dh = per_layer[shown] if len(per_layer) == n and n else frame.dh_norms
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
            "frame_info": self._info(
                frame,
                timesteps=len(dh) - 1,  # that layer's T (seq2seq: encoder or decoder)
                overflowed=bool(frame.overflowed),
                theory=theory,
                layer_names=[str(name) for name in frame.layer_names],
                shown_layer=int(shown),
                layer_note=layer_note,
                truncation=truncation(frame.settings, shown),  # the band: the one rule
                cell_label=cell_facts(frame.settings["cell"])["display_name"],
                # the "cell" overlay's curves: [name, label] of every cell type, in order (the
                # slot of its fixed colour); only then, to keep each update small
                cells=cell_choices() if frame.settings["overlay"] == "cell" else [],
            ),
            "log10_jacobian_norms": log10_f32(frame.jacobian_norms),
            "log10_dh_norms": log10_f32(dh),
            "log10_bound": None if frame.bound is None else log10_f32(frame.bound),
            "log10_product_bound": (
                None if frame.product_bound is None else log10_f32(frame.product_bound)
            ),
            "log10_overlays": {k: log10_f32(v) for k, v in frame.overlays.items()},
            "log10_overlay_bounds": {k: log10_f32(v) for k, v in frame.overlay_bounds.items()},
            "layer": layer,
        }

    @traitlets.validate("layer")
    def _check_layer(self, proposal: Any) -> int:
        value = proposal["value"]
        names = self.frame_info.get("layer_names") or []
        n = len(names)
        if not -1 <= value < max(n, 1):
            raise traitlets.TraitError(
                f"layer must be -1 (the top layer) or an index 0 … {n - 1} into "
                f"{names}; got {value}."
            )
        return value

    @traitlets.observe("layer")
    def _relayer(self, change: Any) -> None:
        """Another layer chosen: the Explorer re-analyses (``relayer``), or this view alone."""
        if self._showing:
            return
        if self.relayer is not None:
            self.relayer()
        elif self.frame is not None and self.frame.result is not None:
            super().show(reanalyse(self.frame, self.layer))

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
