"""One simulator run → one ``Frame`` of plain NumPy data that every view draws from.

This is the only widget module that calls ``rnnviz.sim``: the views never do RNN maths,
so the graph, the heatmap and the gradient plot always show the same run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnnviz.widgets._buffers import beyond_float32
from rnnviz.widgets._controls_settings import validate_settings

__all__ = ["CELL_SWEEP", "SCALE_SWEEP", "Frame", "build_frame"]

#: Weight scales drawn by the "weight_scale" overlay (the current one is the main curve).
SCALE_SWEEP = (0.5, 1.0, 1.5, 2.0)
#: Cells drawn by the "cell" overlay (the current cell is the main curve, not repeated).
CELL_SWEEP = ("rnn", "lstm", "gru")


@dataclass(frozen=True)
class Frame:
    """Everything the views draw for one set of settings (batch sample 0).

    Attributes
    ----------
    settings : dict
        Every setting, validated (see ``_controls_settings.SPECS``).
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
        ‖∂h_T/∂h_t‖₂ for t = 0 … T of the top layer ([T] = 1).
    dh_norms : ndarray, shape (T + 1,)
        ‖∂L/∂h_t‖₂ for t = 0 … T with the truncation window applied (0 outside it).
    bound : ndarray, shape (T + 1,)
        (γ σ_max)^(T − t), the bound on ``jacobian_norms`` for the rnn cell.
    theory : rnnviz.sim.theory.Summary
        matrix, rho, sigma_max, gamma, vanishing_sufficient (σ_max < 1/γ), bound of the top
        layer.
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
    """

    settings: dict
    tokens: list[str] | None
    x: np.ndarray
    states: list[np.ndarray]
    cell_states: list[np.ndarray | None]
    gates: list[dict[str, np.ndarray]]
    outputs: np.ndarray | None
    jacobian_norms: np.ndarray
    dh_norms: np.ndarray
    bound: np.ndarray
    theory: Any
    overflowed: bool
    shapes: dict[str, tuple]
    n_params: int
    overlays: dict[str, np.ndarray] = field(default_factory=dict)
    layer_names: list[str] = field(default_factory=list)

    @property
    def timesteps(self) -> int:
        """T of the top layer: the length of ``jacobian_norms`` minus one."""
        return len(self.jacobian_norms) - 1


def _inputs(s: dict[str, Any]) -> tuple[np.ndarray, list[str] | None]:
    """The input batch (batch, T, features) and its token labels (sentence input only)."""
    from rnnviz.sim import inputs

    x = inputs.make(s["input"], s["timesteps"], s["features"], batch=s["batch"], seed=s["seed"])
    tokens = inputs.tokens(s["input"], s["timesteps"], seed=s["seed"])
    return np.asarray(x, dtype=np.float64), tokens


def _cells(s: dict[str, Any], offset: int = 0) -> list:
    """The stacked layers: layer ℓ + 1 reads the units of layer ℓ as its features."""
    from rnnviz.sim import make_cell

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
        if s["cell"] == "rnn" and top and s["output_units"] > 0:
            kwargs["output_units"] = s["output_units"]
        cells.append(make_cell(s["cell"], **kwargs))
    return cells


def _run(s: dict[str, Any]):
    """Run the architecture the settings describe; returns (ArchitectureResult, x, tokens)."""
    from rnnviz.sim.architectures import run_architecture

    x, tokens = _inputs(s)
    cells = _cells(s)
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


def _jacobian_curve(s: dict[str, Any]) -> np.ndarray:
    """‖∂h_T/∂h_t‖₂ (T + 1,) of the top layer for other settings (used by the overlays)."""
    result, _, _, _ = _run(s)
    return np.asarray(result.top.jacobian_norms(wrt="state")[0], dtype=np.float64)


def _overlays(s: dict[str, Any]) -> dict[str, np.ndarray]:
    if s["overlay"] == "weight_scale":
        return {
            f"s = {v:g}": _jacobian_curve({**s, "weight_scale": v})
            for v in SCALE_SWEEP
            if v != s["weight_scale"]
        }
    if s["overlay"] == "cell":
        return {c: _jacobian_curve({**s, "cell": c}) for c in CELL_SWEEP if c != s["cell"]}
    return {}


def build_frame(**settings: Any) -> Frame:
    """Validate ``settings`` (any of ``_controls_settings.SPECS``), run the simulator, collect.

    Parameters
    ----------
    **settings
        units, timesteps, weight_scale, cell, activation, input, architecture,
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
    s = validate_settings(settings)
    result, cells, x, tokens = _run(s)
    top = result.top

    jac = np.asarray(top.jacobian_norms(wrt="state")[0], dtype=np.float64)
    grads = top.loss_gradients(truncate=s["truncate"] or None)
    dh = np.asarray(grads.dh_norms[0], dtype=np.float64)
    theory = top.theory
    bound = np.asarray(theory.bound, dtype=np.float64)

    states = [np.asarray(r.states[0]) for r in result.layers]
    cell_states = [
        None if r.cell_states is None else np.asarray(r.cell_states[0]) for r in result.layers
    ]
    gates = [{k: np.asarray(v[0]) for k, v in r.gates.items()} for r in result.layers]
    outputs = None if top.outputs is None else np.asarray(top.outputs[0])
    bottom_returns = s["return_sequences"] if s["layers"] == 1 else True
    shapes = dict(cells[0].shapes(s["batch"], s["timesteps"], bottom_returns))
    shapes["output"] = tuple(result.output_shape)

    return Frame(
        settings=s,
        tokens=tokens,
        x=np.asarray(x[0]),
        states=states,
        cell_states=cell_states,
        gates=gates,
        outputs=outputs,
        jacobian_norms=jac,
        dh_norms=dh,
        bound=bound,
        theory=theory,
        overflowed=any(bool(r.overflowed) for r in result.layers)
        or beyond_float32(*states, *cell_states, outputs, dh),
        shapes=shapes,
        n_params=int(result.n_params),
        overlays=_overlays(s),
        layer_names=list(result.names),
    )
