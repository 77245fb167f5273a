"""The cheap part of a frame: one simulator run of the settings and its loss gradients.

``build_forward(settings)`` validates the settings, builds the cells they describe (or
takes a user's model), runs the architecture and takes ‖∂L/∂h_t‖ of every layer: enough
for the unrolled graph and the heatmap, shown while the analysis (``analysis.py``) runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnnviz.frame.timeline import decoder_steps
from rnnviz.settings import validate_settings
from rnnviz.sim import cell_class, inputs

__all__ = ["Forward", "build_forward"]


def _inputs(s: dict[str, Any]) -> tuple[np.ndarray, list[str] | None]:
    """The input (1, T, features) — sample 0 of the batch — and its token labels."""
    # The views show sample 0 only, so only it is run and analysed: sample 0 of a preset
    # is the same whatever the batch (the shapes panel still reports the whole batch).
    x = inputs.make(s["input"], s["timesteps"], s["features"], batch=1, seed=s["seed"])
    tokens = inputs.tokens(s["input"], s["timesteps"], seed=s["seed"])
    return np.asarray(x, dtype=np.float64), tokens


def _cells(s: dict[str, Any], offset: int = 0, output: bool = True) -> list:
    """The stacked layers: layer ℓ + 1 reads the units of layer ℓ as its features; the top
    one carries the output layer y_t = h_t W_hy + b_y when ``output`` and output_units > 0
    (not a seq2seq encoder, whose outputs nobody reads)."""
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
        if output and top and s["output_units"] > 0:  # y_t = h_t W_hy + b_y, any cell
            kwargs["output_units"] = s["output_units"]
        if forget_gate is not None:  # b_f of the forget gate (LSTM); the others have none
            kwargs["forget_bias"] = s["forget_bias"]
        cells.append(make_cell(s["cell"], **kwargs))
    return cells


def _run(s: dict[str, Any], model: Any = None):
    """Run the architecture the settings describe; returns (ArchitectureResult, cells, x,
    tokens), x (1, T, features) and its labels being what the run read.

    ``model`` (a ``_user_model.UserModel``): its cells, scaled by the weight scale, and its
    input batch when it has one, instead of cells and inputs built from the settings.
    """
    from rnnviz.sim.architectures import run_architecture

    if model is None:
        x, tokens = _inputs(s)
        cells = _cells(s, output=s["architecture"] != "seq2seq")
    else:
        model.check(s)
        x, tokens = (model.x[:1], None) if model.x is not None else _inputs(s)
        cells = list(model.cells_at(s["weight_scale"]))
    arch = s["architecture"]
    if arch == "one-to-many":
        result = run_architecture(arch, cells, x[:, 0], steps=s["timesteps"])
        # what the run read: x_1, then zero vectors (rnnviz.sim.architectures), labelled as
        # the sentence's padding; not the preset's x_2 … x_T, which it never saw
        x = np.concatenate([x[:, :1], np.zeros_like(x[:, 1:])], axis=1)
        if tokens:
            tokens = tokens[:1] + [inputs.PAD] * (len(tokens) - 1)
    elif arch == "seq2seq":
        steps = decoder_steps(s)
        decoder = _cells(s, offset=100)
        result = run_architecture(arch, cells, x, decoder=decoder, steps=steps)
    else:
        result = run_architecture(arch, cells, x, return_sequences=s["return_sequences"])
    return result, cells, x, tokens


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
    x : ndarray, shape (1, T, features)
        The input the run read (batch sample 0; one-to-many: x_1, then zero vectors).
    tokens : list of str or None
        Labels of x_1 … x_T (sentence input; one-to-many: its first word, then
        ``inputs.PAD`` for the zero vectors), else None.
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
