"""One simulator run → one ``Frame`` of plain NumPy data that every view draws from.

The ``rnnviz.frame`` modules are the only ones outside ``rnnviz.sim`` that run the
simulator: the views never do RNN maths, so the graph, the heatmap and the gradient plot
always show the same run. A frame is composed of two parts (``compose``): the forward pass
(``forward.py``: the run and its loss gradients) and the analysis (``analysis.py``: the
Jacobian-norm curve, bounds, overlays, spectrum); ``frame_of`` computes both, from
settings and a model (``build_frame``: rnnviz's own cells).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnnviz.frame.analysis import Analysis, _layer_index, analyse
from rnnviz.frame.draw import beyond_float32, colour_range
from rnnviz.frame.forward import Forward, build_forward
from rnnviz.sim.architectures import input_shape

__all__ = ["Frame", "build_frame", "compose", "frame_of", "reanalyse"]


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
        The input sequence the run read (first of the batch; one-to-many: x_1, then zeros).
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
        ‖∂h_T/∂h_t‖₂ for t = 0 … T of the layer ``gradient_layer`` (the top one unless
        another was asked for; T its own length; [T] = 1). None in a partial frame
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
        GRU), bound, pascanu_holds of the layer ``gradient_layer``.
    overflowed : bool
        True when any value overflowed: to inf in the simulator (float64), or beyond float32's
        ±3.4e38 in what the views draw as float32 (states, cell states, outputs,
        ‖∂L/∂h_t‖₂), which they then show as inf.
    shapes : dict
        Array shapes of the bottom layer (x, W_xh, W_hh, b, h_t …); ``output`` (and ``y``
        with an output layer) is what leaves the top layer (seq2seq: the decoder's steps).
        ``x`` is what the architecture takes (one-to-many: one vector per sequence,
        (batch, features); the run then reads zero vectors).
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
        Eigenvalues and singular values of the analysed layer's recurrent block (the matrix
        of ``theory``).
    model : UserModel or None
        The user's model the run used (None: cells built from the settings); a re-analysis
        (``reanalyse``) runs its overlay curves with it too.
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
    model: Any = None

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
    # x as the architecture takes it (one-to-many: one vector per sequence)
    shapes["x"] = input_shape(s["architecture"], *shapes["x"])
    shapes["output"] = (s["batch"], *result.output_shape[1:])  # the run holds sample 0 only
    # W_hy, b_y and y belong to the top layer (seq2seq: the top decoder layer), whatever
    # the bottom layer the other rows describe; y leaves the top layer as output does.
    top_shapes = top.cell.shapes(s["batch"], 1)
    if "W_hy" in top_shapes and top.outputs is not None:
        shapes.update(W_hy=top_shapes["W_hy"], b_y=top_shapes["b_y"])
        shapes["y"] = (*shapes["output"][:-1], top.outputs.shape[-1])  # seq2seq: S steps
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
        model=forward.model,
    )


def reanalyse(frame: Frame, layer: int) -> Frame:
    """``frame`` with its analysis redone for another layer (index into ``frame.states``;
    -1: the top one), from the run it holds: no forward pass. Overlay curves re-run their
    settings with the frame's model (its user's model, else cells built from the settings,
    as the frame itself was)."""
    index = _layer_index(frame.result, layer)
    if index == frame.gradient_layer:
        return frame
    forward = Forward(frame.settings, frame.result, [], frame.x[None], frame.tokens,
                      frame.dh_norms, frame.model, list(frame.layer_dh_norms))  # fmt: skip
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


def frame_of(settings: dict[str, Any], model: Any = None) -> Frame:
    """The complete frame of ``settings`` (missing ones: the defaults) run with ``model``.

    The one place a whole frame is made: ``compose(f, analyse(f))`` with
    ``f = build_forward(settings, model)`` (the Explorer's worker runs the two parts apart).
    ``model``: None for cells built from the settings, or a user's model
    (``rnnviz.widgets._user_model.UserModel``), whose cells run with the settings it
    decides put in (``model.with_fixed(settings)``). ``build_frame(**s)`` is
    ``frame_of(s)``; the Explorer's ``frame_for`` and the export's sweep frames are
    ``frame_of(s, their model)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`build_frame`; and a ValueError when ``settings`` asks for another value
        of a setting the model decides.
    """
    if model is not None:
        settings = model.with_fixed(settings)
    forward = build_forward(settings, model)
    return compose(forward, analyse(forward))


def build_frame(**settings: Any) -> Frame:
    """Validate ``settings`` (any of ``rnnviz.settings.SPECS``), run the simulator, collect.

    The whole frame at once, of rnnviz's own cells: ``frame_of(settings)``.

    Parameters
    ----------
    **settings
        Any of ``rnnviz.settings.SPECS`` (listed with their ranges in
        :func:`rnnviz.explore`'s docstring). Missing ones take their defaults.

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
    return frame_of(settings)
