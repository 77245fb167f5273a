"""One simulator run → one ``Frame`` of plain NumPy data that every view draws from.

The only module outside ``rnnviz.sim`` that runs the simulator: the views never do RNN
maths, so the graph, the heatmap and the gradient plot always show the same run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnnviz.frame.draw import beyond_float32, colour_range
from rnnviz.settings import validate_settings
from rnnviz.sim import CELLS, cell_class

__all__ = [
    "CELL_SWEEP",
    "SCALE_SWEEP",
    "Analysis",
    "Forward",
    "Frame",
    "analyse",
    "build_forward",
    "build_frame",
    "compose",
    "reanalyse",
]

#: Weight scales drawn by the "weight_scale" overlay (the current one is the main curve).
SCALE_SWEEP = (0.5, 1.0, 1.5, 2.0)
#: Cells drawn by the "cell" overlay (the current cell is the main curve, not repeated):
#: every registered cell type, in ``CELLS`` order.
CELL_SWEEP = CELLS


@dataclass(frozen=True)
class Frame:
    """Everything the views draw for one set of settings (batch sample 0).

    Attributes
    ----------
    settings : dict
        Every setting, validated (see ``rnnviz.settings.SPECS``).
    tokens : list of str or None
        Labels of x_1 … x_T for the sentence input, else None.
    x : ndarray, shape (T, features)
        The input sequence (first of the batch).
    states : list of ndarray
        Per layer, h_1 … h_T of shape (T_layer, units); seq2seq: encoder layers, then decoder.
    layer_names : list of str
        Labels of ``states``: "layer 1", … or "encoder 1", "decoder 1".
    cell_states : list of (ndarray or None)
        Per layer, LSTM c_1 … c_T of shape (T_layer, units); None for other cells.
    gates : list of dict
        Per layer, gate name → (T_layer, units) ({} for the rnn cell).
    outputs : ndarray or None
        y_1 … y_T of the output layer, shape (T, output_units), or None.
    jacobian_norms : ndarray, shape (T + 1,)
        ‖∂h_T/∂h_t‖₂ for t = 0 … T of the top layer ([T] = 1). None in a partial frame
        (``compose(forward)`` without the analysis: ``bound`` and ``theory`` are None and
        ``overlays`` is empty too); ``build_frame`` always returns complete frames.
    dh_norms : ndarray, shape (T + 1,)
        ‖∂L/∂h_t‖₂ for t = 0 … T with the truncation window applied (0 outside it).
    layer_dh_norms : list of ndarray
        The whole backward path: per entry of ``states``, ‖∂L/∂h_t^(ℓ)‖₂ (T_layer + 1,) for
        t = 0 … T_layer — every layer of a stack, and in seq2seq every encoder step (through
        the context); the last entry is ``dh_norms`` (see ``rnnviz.sim.stack_gradients``).
    gradient_layer : int
        Index into ``states`` of the layer that ``jacobian_norms``, ``bound``, ``theory``,
        ``product_bound``, ``overlays`` and ``spectrum`` describe: the top one unless the
        gradient panel asked for another (``analyse(forward, layer=i)``); -1 in a partial
        frame.
    bound : ndarray, shape (T + 1,), or None
        The Pascanu bound (γ σ_max)^(T − t) on ``jacobian_norms``: rnn cell only (None for
        LSTM and GRU, where it bounds nothing).
    theory : rnnviz.sim.theory.Summary
        matrix, rho, sigma_max, gamma, vanishing_sufficient (σ_max < 1/γ; None for LSTM and
        GRU), bound, pascanu_holds of the top layer.
    overflowed : bool
        True when any value overflowed: to inf in the simulator (float64), or beyond float32's
        ±3.4e38 in what the views draw as float32 (states, cell states, outputs,
        ‖∂L/∂h_t‖₂), which they then show as inf.
    shapes : dict
        Array shapes of the bottom layer (x, W_xh, W_hh, b, h_t …); ``output`` is what
        leaves the top layer.
    n_params : int
        Parameters of all layers together.
    overlays : dict
        Extra ‖∂h_T/∂h_t‖₂ curves (T + 1,) for comparison, e.g. ``"s = 0.5"``, ``"lstm"``.
    product_bound : ndarray, shape (T + 1,), or None
        ∏_{s=t+1..T} ‖∂(h,c)_s/∂(h,c)_{s−1}‖₂ along the run: a bound on ``jacobian_norms``
        that holds for every cell (:func:`rnnviz.sim.bounds.product_bound`).
    overlay_bounds : dict
        The same bound for each overlay curve, same keys as ``overlays``.
    result : rnnviz.sim.architectures.ArchitectureResult or None
        The simulator run the frame was drawn from (every layer; sample 0 of the batch,
        the one the views show).
    spectrum : rnnviz.sim.spectrum.Spectrum or None
        Eigenvalues and singular values of the top layer's recurrent block (the matrix of
        ``theory``).
    """

    settings: dict
    tokens: list[str] | None
    x: np.ndarray
    states: list[np.ndarray]
    cell_states: list[np.ndarray | None]
    gates: list[dict[str, np.ndarray]]
    outputs: np.ndarray | None
    jacobian_norms: np.ndarray | None
    dh_norms: np.ndarray
    bound: np.ndarray | None
    theory: Any
    overflowed: bool
    shapes: dict[str, tuple]
    n_params: int
    overlays: dict[str, np.ndarray] = field(default_factory=dict)
    layer_names: list[str] = field(default_factory=list)
    spectrum: Any = None
    result: Any = None
    product_bound: np.ndarray | None = None
    overlay_bounds: dict[str, np.ndarray] = field(default_factory=dict)
    layer_dh_norms: list[np.ndarray] = field(default_factory=list)
    gradient_layer: int = -1

    @property
    def timesteps(self) -> int:
        """T of the top layer: the length of ``dh_norms`` (t = 0 … T) minus one."""
        return len(self.dh_norms) - 1

    def colour_range(self, quantity: str = "h", layer: int | None = None) -> tuple[float, float]:
        """[lo, hi] of the colour scale of ``quantity`` ("h", "c" or "gate_<name>") in
        ``layer`` (None: every layer, as the graph draws them with one scale); see
        :func:`rnnviz.frame.draw.colour_range`, the one rule of every view and export."""
        layers = range(len(self.states)) if layer is None else [layer]
        if quantity == "h":
            arrays = [self.states[i] for i in layers]
        elif quantity == "c":
            arrays = [self.cell_states[i] for i in layers]
        else:
            gate = quantity.removeprefix("gate_")
            arrays = [self.gates[i].get(gate) for i in layers]
        return colour_range(quantity, self.settings["activation"], arrays)

    @property
    def analysed(self) -> bool:
        """False for a partial frame (forward pass only, no Jacobian curve yet)."""
        return self.jacobian_norms is not None


def _inputs(s: dict[str, Any]) -> tuple[np.ndarray, list[str] | None]:
    """The input (1, T, features) — sample 0 of the batch — and its token labels."""
    from rnnviz.sim import inputs

    # The views show sample 0 only, so only it is run and analysed: sample 0 of a preset
    # is the same whatever the batch (the shapes panel still reports the whole batch).
    x = inputs.make(s["input"], s["timesteps"], s["features"], batch=1, seed=s["seed"])
    tokens = inputs.tokens(s["input"], s["timesteps"], seed=s["seed"])
    return np.asarray(x, dtype=np.float64), tokens


def _cells(s: dict[str, Any], offset: int = 0) -> list:
    """The stacked layers: layer ℓ + 1 reads the units of layer ℓ as its features."""
    from rnnviz.sim import make_cell

    forget_gate = cell_class(s["cell"]).forget_gate
    cells = []
    for layer in range(s["layers"]):
        kwargs = {
            "units": s["units"],
            "features": s["features"] if layer == 0 else s["units"],
            "activation": s["activation"],
            "weight_scale": s["weight_scale"],
            "seed": s["seed"] + offset + layer,
            "init": s["init"],
        }
        top = layer == s["layers"] - 1
        if top and s["output_units"] > 0:  # y_t = h_t W_hy + b_y, for every cell
            kwargs["output_units"] = s["output_units"]
        if forget_gate is not None:  # b_f of the forget gate (LSTM); the others have none
            kwargs["forget_bias"] = s["forget_bias"]
        cells.append(make_cell(s["cell"], **kwargs))
    return cells


def _run(s: dict[str, Any], model: Any = None):
    """Run the architecture the settings describe; returns (ArchitectureResult, x, tokens).

    ``model`` (a ``_user_model.UserModel``): its cells, scaled by the weight scale, and its
    input batch when it has one, instead of cells and inputs built from the settings.
    """
    from rnnviz.sim.architectures import run_architecture

    if model is None:
        x, tokens = _inputs(s)
        cells = _cells(s)
    else:
        model.check(s)
        x, tokens = (model.x[:1], None) if model.x is not None else _inputs(s)
        cells = list(model.cells_at(s["weight_scale"]))
    arch = s["architecture"]
    if arch == "one-to-many":
        result = run_architecture(arch, cells, x[:, 0], steps=s["timesteps"])
    elif arch == "seq2seq":
        steps = s["decoder_steps"] or s["timesteps"]
        decoder = _cells(s, offset=100)
        result = run_architecture(arch, cells, x, decoder=decoder, steps=steps)
    else:
        result = run_architecture(arch, cells, x, return_sequences=s["return_sequences"])
    return result, cells, x, tokens


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
class Forward:
    """The cheap part of a frame: one simulator run and its loss gradients (batch sample 0
    is what the views draw). Enough for the unrolled graph and the heatmap.

    Attributes
    ----------
    settings : dict
        Every setting, validated.
    result : rnnviz.sim.architectures.ArchitectureResult
        The run; ``result.top`` is the top layer's ``RunResult`` that ``analyse`` reads.
    cells : list
        The stacked cells (``cells[0]`` gives the bottom layer's array shapes).
    x : ndarray, shape (batch, T, features)
        The input batch.
    tokens : list of str or None
        Labels of x_1 … x_T (sentence input), else None.
    dh_norms : ndarray, shape (T + 1,)
        ‖∂L/∂h_t‖₂ for t = 0 … T of the top layer, truncation window applied.
    model : UserModel or None
        The user's model the run used (None: cells built from the settings).
    layer_dh_norms : list of ndarray
        ‖∂L/∂h_t^(ℓ)‖₂ (T_layer + 1,) per layer (seq2seq: encoder layers, then decoder).
    """

    settings: dict
    result: Any
    cells: list
    x: np.ndarray
    tokens: list[str] | None
    dh_norms: np.ndarray
    model: Any = None
    layer_dh_norms: list = field(default_factory=list)


@dataclass(frozen=True)
class Analysis:
    """The expensive part of a frame: the exact ‖∂h_T/∂h_t‖₂ curve and what goes with it.

    Attributes
    ----------
    jacobian_norms : ndarray, shape (T + 1,)
        ‖∂h_T/∂h_t‖₂ for t = 0 … T of the top layer.
    bound : ndarray, shape (T + 1,)
        (γ σ_max)^(T − t) for the Elman RNN; None for LSTM and GRU (no bound there).
    theory : rnnviz.sim.theory.Summary
    overlays : dict name -> ndarray (T + 1,)
        Comparison curves (weight scales or cells).
    overflowed : bool
        True when the analysis overflowed to inf.
    spectrum : rnnviz.sim.spectrum.Spectrum
        Eigenvalues and singular values of the top layer's candidate recurrent block.
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


def build_forward(settings: dict[str, Any], model: Any = None) -> Forward:
    """Validate ``settings``, run the simulator forward and take the loss gradients.

    ‖∂L/∂h_t‖ is one backward pass (≈ the cost of the forward one), so it belongs here: the
    graph's BPTT lane needs it.

    Raises
    ------
    TypeError, ValueError
        Unknown settings, wrong types, values out of range or contradicting each other.
    """
    s = validate_settings(settings)
    result, cells, x, tokens = _run(s, model)
    from rnnviz.sim.stack_gradients import stack_loss_gradients

    grads = stack_loss_gradients(result, truncate=s["truncate"] or None)
    per_layer = [np.asarray(n[0], dtype=np.float64) for n in grads.dh_norms]
    return Forward(s, result, cells, x, tokens, per_layer[-1], model, per_layer)


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


def compose(forward: Forward, analysis: Analysis | None = None) -> Frame:
    """The ``Frame`` of a run and its analysis. Without ``analysis``: a partial frame (the
    analysis fields are None / empty) that only the graph and the heatmap may draw."""
    s, result, cells = forward.settings, forward.result, forward.cells
    states = [np.asarray(r.states[0]) for r in result.layers]
    cell_states = [
        None if r.cell_states is None else np.asarray(r.cell_states[0]) for r in result.layers
    ]
    gates = [{k: np.asarray(v[0]) for k, v in r.gates.items()} for r in result.layers]
    top = result.top
    outputs = None if top.outputs is None else np.asarray(top.outputs[0])
    bottom_returns = s["return_sequences"] if s["layers"] == 1 else True
    shapes = dict(cells[0].shapes(s["batch"], s["timesteps"], bottom_returns))
    shapes["output"] = (s["batch"], *result.output_shape[1:])  # the run holds sample 0 only
    # Also when a drawn value is beyond float32 (the views show it as inf): flag and picture agree.
    overflowed = any(bool(r.overflowed) for r in result.layers) or beyond_float32(
        *states, *cell_states, outputs, forward.dh_norms, *forward.layer_dh_norms
    )
    return Frame(
        settings=s,
        tokens=forward.tokens,
        x=np.asarray(forward.x[0]),
        states=states,
        cell_states=cell_states,
        gates=gates,
        outputs=outputs,
        jacobian_norms=None if analysis is None else analysis.jacobian_norms,
        dh_norms=forward.dh_norms,
        bound=None if analysis is None else analysis.bound,
        theory=None if analysis is None else analysis.theory,
        overflowed=overflowed or (analysis is not None and analysis.overflowed),
        shapes=shapes,
        n_params=int(result.n_params),
        overlays={} if analysis is None else dict(analysis.overlays),
        layer_names=list(result.names),
        spectrum=None if analysis is None else analysis.spectrum,
        result=result,
        product_bound=None if analysis is None else analysis.product_bound,
        overlay_bounds={} if analysis is None else dict(analysis.overlay_bounds),
        layer_dh_norms=list(forward.layer_dh_norms),
        gradient_layer=-1 if analysis is None else analysis.layer,
    )


def reanalyse(frame: Frame, layer: int) -> Frame:
    """``frame`` with its analysis redone for another layer (index into ``frame.states``;
    -1: the top one), from the run it holds: no forward pass. Overlay curves re-run their
    settings with cells built from the settings (as ``build_frame`` does)."""
    index = _layer_index(frame.result, layer)
    if index == frame.gradient_layer:
        return frame
    forward = Forward(frame.settings, frame.result, [], frame.x[None], frame.tokens,
                      frame.dh_norms, None, list(frame.layer_dh_norms))  # fmt: skip
    a = analyse(forward, layer=index)
    return dataclasses.replace(
        frame,
        jacobian_norms=a.jacobian_norms,
        bound=a.bound,
        theory=a.theory,
        overlays=dict(a.overlays),
        overflowed=frame.overflowed or a.overflowed,
        spectrum=a.spectrum,
        product_bound=a.product_bound,
        overlay_bounds=dict(a.overlay_bounds),
        gradient_layer=a.layer,
    )


def build_frame(**settings: Any) -> Frame:
    """Validate ``settings`` (any of ``rnnviz.settings.SPECS``), run the simulator, collect.

    The whole frame at once: ``compose(f, analyse(f))`` with ``f = build_forward(settings)``
    (the Explorer runs the two parts apart, the analysis in a worker thread).

    Parameters
    ----------
    **settings
        units, timesteps, weight_scale, cell, forget_bias (LSTM), activation, input, architecture,
        return_sequences, layers, truncate, features, batch, seed, init, output_units,
        decoder_steps, overlay. Missing ones take their defaults.

    Returns
    -------
    Frame

    Raises
    ------
    TypeError
        An unknown setting (the message lists the valid ones) or a value of the wrong type.
    ValueError
        A value out of range, or settings that contradict each other.
    """
    forward = build_forward(settings)
    return compose(forward, analyse(forward))
