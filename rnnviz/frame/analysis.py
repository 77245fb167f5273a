"""The expensive part of a frame: the exact ‖∂h_T/∂h_t‖₂ curve of one layer, its bounds,
the overlay curves of other settings, the theory and the spectrum.

``analyse(forward)`` runs in the Explorer's worker thread; ``check()`` between the parts
lets a newer change abandon it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnnviz.frame.forward import Forward, _run
from rnnviz.sim import CELLS

__all__ = ["CELL_SWEEP", "SCALE_SWEEP", "Analysis", "analyse"]

#: Weight scales drawn by the "weight_scale" overlay (the current one is the main curve).
SCALE_SWEEP = (0.5, 1.0, 1.5, 2.0)
#: Cells drawn by the "cell" overlay (the current cell is the main curve, not repeated):
#: every registered cell type, in ``CELLS`` order.
CELL_SWEEP = CELLS


def _product_bound(top, curve: np.ndarray) -> np.ndarray:
    """∏ of per-step norms (T + 1,) of a top-layer run: its curve's bound for every cell.

    Taken with the curve's own (fast) norm solver; should the curve ever rise above it, the
    bound is recomputed with every per-step norm exact, so what is drawn always holds.
    """
    from rnnviz.sim import bounds

    bound = np.asarray(bounds.product_bound(top, "state", method="auto")[0], dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        broken = curve > bound * (1 + 1e-9)
    if broken.any():
        bound = np.asarray(bounds.product_bound(top, "state")[0], dtype=np.float64)
    return bound


def _layer_index(result: Any, layer: int) -> int:
    """``layer`` as an index into ``result.layers`` (-1 or out of range: the top layer)."""
    n = len(result.layers)
    return int(layer) if 0 <= int(layer) < n else n - 1


def _jacobian_curve(
    s: dict[str, Any], model: Any = None, layer: int = -1
) -> tuple[np.ndarray, np.ndarray]:
    """‖∂h_T/∂h_t‖₂ (T + 1,) of one layer (default the top) for other settings, and its
    product bound."""
    result, _, _, _ = _run(s, model)
    run = result.layers[_layer_index(result, layer)]
    curve = np.asarray(run.jacobian_norms(wrt="state")[0], dtype=np.float64)
    return curve, _product_bound(run, curve)


def _overlay_settings(s: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(curve name, settings) of each overlay curve the settings ask for."""
    if s["overlay"] == "weight_scale":
        return [
            (f"s = {v:g}", {**s, "weight_scale": v}) for v in SCALE_SWEEP if v != s["weight_scale"]
        ]
    if s["overlay"] == "cell":
        return [(c, {**s, "cell": c}) for c in CELL_SWEEP if c != s["cell"]]
    return []


@dataclass(frozen=True)
class Analysis:
    """The expensive part of a frame: the exact ‖∂h_T/∂h_t‖₂ curve and what goes with it.

    Attributes
    ----------
    jacobian_norms : ndarray, shape (T + 1,)
        ‖∂h_T/∂h_t‖₂ for t = 0 … T of the layer analysed (``layer``; T its own length).
    bound : ndarray, shape (T + 1,), or None
        (γ σ_max)^(T − t) for the Elman RNN; None for LSTM and GRU (no bound there).
    theory : rnnviz.sim.theory.Summary
        σ_max, γ, ρ, the bound and its verdicts of that layer.
    overlays : dict name -> ndarray (T + 1,)
        Comparison curves (weight scales or cells).
    overflowed : bool
        True when the curve overflowed to inf.
    spectrum : rnnviz.sim.spectrum.Spectrum
        Eigenvalues and singular values of that layer's candidate recurrent block.
    product_bound : ndarray, shape (T + 1,)
        ∏ of per-step norms along the run: a bound on ``jacobian_norms`` for every cell.
    overlay_bounds : dict name -> ndarray (T + 1,)
        The same bound for each overlay curve.
    layer : int
        Index into the run's layers of the layer analysed (the top one by default).
    """

    jacobian_norms: np.ndarray
    bound: np.ndarray
    theory: Any
    overlays: dict[str, np.ndarray]
    overflowed: bool
    spectrum: Any = None
    product_bound: np.ndarray | None = None
    overlay_bounds: dict = field(default_factory=dict)
    layer: int = -1


def _go_on() -> None:
    """The default ``check`` of ``analyse``: never stops it."""


def analyse(forward: Forward, check: Callable[[], None] = _go_on, layer: int = -1) -> Analysis:
    """The exact Jacobian-norm curve, the theory (σ_max, γ, the bound) and the overlays.

    ``check()`` is called between the parts (each curve is one part); it may raise to
    abandon the analysis (the Explorer does when newer settings arrive). ``layer``: index
    into ``forward.result.layers`` of the layer to analyse (-1 or out of range: the top
    one) — only that layer's curve is computed, the expensive part.
    """
    s = forward.settings
    index = _layer_index(forward.result, layer)
    top = forward.result.layers[index]
    check()
    jac = np.asarray(top.jacobian_norms(wrt="state")[0], dtype=np.float64)
    check()
    theory = top.theory
    bound = None if theory.bound is None else np.asarray(theory.bound, dtype=np.float64)
    check()
    product = _product_bound(top, jac)
    overlays, overlay_bounds = {}, {}
    for name, other in _overlay_settings(s):
        check()
        overlays[name], overlay_bounds[name] = _jacobian_curve(other, forward.model, index)
    from rnnviz.sim import spectrum as _spectrum

    return Analysis(
        jacobian_norms=jac,
        bound=bound,
        theory=theory,
        overlays=overlays,
        overflowed=bool(np.isinf(jac).any()),
        spectrum=_spectrum.of_cell(top.cell),
        product_bound=product,
        overlay_bounds=overlay_bounds,
        layer=index,
    )
