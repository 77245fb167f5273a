"""StateHeatmap: the hidden state h_t of every unit at every timestep, as a heatmap.

Rows are units (1 … p), columns timesteps (1 … T): one column is one vector h_t, so the
picture answers "units vs timesteps" at a glance. For an LSTM the heatmap can show the
cell state c_t or a gate instead; for a GRU a gate.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import traitlets

from rnnviz.frame import Frame
from rnnviz.widgets._base import bundle
from rnnviz.widgets._buffers import ARRAY_SERIALIZERS
from rnnviz.widgets._plotly import PlotlyView

__all__ = ["StateHeatmap"]

_GATE_LABELS = {
    "i": "i_t (input gate)",
    "f": "f_t (forget gate)",
    "o": "o_t (output gate)",
    "z": "z_t (update gate)",
    "r": "r_t (reset gate)",
}


def quantities(frame: Frame) -> list[list[str]]:
    """``[key, label]`` of what the heatmap can show for this frame ("h", "c", "gate_<g>")."""
    out = [["h", "h_t (hidden state)"]]
    cell = frame.settings["cell"]
    if frame.cell_states and frame.cell_states[0] is not None:
        out.append(["c", "c_t (cell state)"])
    gate_names = list(frame.gates[0]) if frame.gates else []
    for g in gate_names:
        if (cell, g) in (("lstm", "c"), ("gru", "h")):
            label = f"{g}̃_t (candidate)"
        else:
            label = _GATE_LABELS.get(g, f"{g}_t (gate)")
        out.append([f"gate_{g}", label])
    return out


def _tokens(frame: Frame, layer: int) -> list[str]:
    """Word labels for the columns of ``layer``: every layer reading the sentence step by
    step has them (a seq2seq decoder runs its own steps and has none)."""
    name = frame.layer_names[layer] if layer < len(frame.layer_names) else ""
    if not frame.tokens or name.startswith("decoder"):
        return []
    return list(frame.tokens)


#: Traits drawn from the frame: only ``show(frame)`` sets them.
FROM_FRAME = (
    "values",
    "tokens",
    "quantities",
    "layer_names",
    "units",
    "timesteps",
    "weight_scale",
    "cell",
    "activation",
)


class ReadOnlyError(traitlets.TraitError, AttributeError):
    """A trait that is drawn from the frame was assigned (an ``AttributeError``)."""


def read_only(view: str, name: str, value: Any, settable: str) -> ReadOnlyError:
    """The error for assigning a frame-derived trait ``name`` of ``view``."""
    given = f"an array of shape {value.shape}" if isinstance(value, np.ndarray) else repr(value)
    return ReadOnlyError(
        f"{view}.{name} is drawn from the simulator's frame and cannot be set directly "
        f"(that would show data no run produced); got {given}. Expected: {settable}."
    )


class StateHeatmap(PlotlyView):
    """Heatmap of h_t (units × timesteps), or of c_t / a gate for LSTM and GRU.

    Build it from settings with ``StateHeatmap.from_settings(units=32, ...)`` or from a
    frame with ``StateHeatmap(frame=frame)``; ``show(frame)`` redraws it.
    The colour scale is fixed to the activation's range (−1 … 1 for tanh, 0 … 1 for
    sigmoid and gates) so that a colour means the same value at every setting.

    Synced traits
    -------------
    values : array (units, T) float32
        The quantity shown, ``values[i, t-1]`` = unit i + 1 at timestep t.
    quantity : str
        ``"h"``, ``"c"`` (LSTM cell state) or ``"gate_<name>"``; see ``quantities``.
    layer : int
        Index into ``layer_names`` of the layer shown (default: the top layer).
    """

    _esm = bundle("heatmap")

    activation = traitlets.Unicode("tanh").tag(sync=True)
    quantity = traitlets.Unicode("h", help='"h", "c" (LSTM) or "gate_<name>".').tag(sync=True)
    quantities = traitlets.List(help="[key, label] of the quantities available.").tag(sync=True)
    layer = traitlets.Int(0, help="Index of the layer shown (into layer_names).").tag(sync=True)
    layer_names = traitlets.List(help='"layer 1", … or "encoder 1", "decoder 1".').tag(sync=True)
    tokens = traitlets.List(help="Column labels x_1 … x_T (sentence input), else [].").tag(
        sync=True
    )
    values = traitlets.Any(None, allow_none=True, help="(units, T) float32.").tag(
        sync=True, **ARRAY_SERIALIZERS
    )

    VIEW_OPTIONS = ("quantity", "layer", "presenter")

    def __init__(self, frame: Frame | None = None, **kwargs: Any) -> None:
        self._showing = False
        # quantity and layer are checked against the frame, so they are applied after it
        choice = {k: kwargs.pop(k) for k in ("quantity", "layer") if k in kwargs}
        super().__init__(frame, **kwargs)
        for name, value in choice.items():
            setattr(self, name, value)

    def show(self, frame: Frame) -> None:
        """Draw ``frame``: keeps the chosen quantity and layer when the new frame has them."""
        if not isinstance(frame, Frame):
            raise TypeError(f"show() expects a Frame; got {type(frame).__name__}.")
        available = quantities(frame)
        keys = [k for k, _ in available]
        quantity = self.quantity if self.quantity in keys else "h"
        n_layers = len(frame.states)
        same_stack = self.frame is not None and len(self.frame.states) == n_layers
        layer = self.layer if same_stack and 0 <= self.layer < n_layers else n_layers - 1
        self.frame = frame
        self._showing = True
        try:
            self._assign(frame, available, quantity, layer)
        finally:
            self._showing = False

    def _assign(self, frame: Frame, available: list, quantity: str, layer: int) -> None:
        s = frame.settings
        n_layers = len(frame.states)
        with self.hold_sync(), self.hold_trait_notifications():
            self.units = s["units"]
            self.timesteps = int(frame.states[layer].shape[0])
            self.weight_scale = s["weight_scale"]
            self.cell = s["cell"]
            self.activation = s["activation"]
            self.quantities = available
            names = list(frame.layer_names) or [f"layer {i + 1}" for i in range(n_layers)]
            self.layer_names = names
            self.tokens = _tokens(frame, layer)
            self.quantity = quantity
            self.layer = layer
            self.values = self._values(frame, quantity, layer)

    @staticmethod
    def _values(frame: Frame, quantity: str, layer: int) -> np.ndarray:
        if quantity == "h":
            data = frame.states[layer]
        elif quantity == "c":
            data = frame.cell_states[layer]
        else:
            data = frame.gates[layer][quantity.removeprefix("gate_")]
        with np.errstate(over="ignore"):  # overflow stays inf; the view clips it visibly
            return np.ascontiguousarray(np.asarray(data, dtype=np.float32).T)

    @traitlets.validate(*FROM_FRAME)
    def _read_only(self, proposal: Any) -> Any:
        if not self._showing:
            name = proposal["trait"].name
            raise read_only(
                "StateHeatmap",
                name,
                proposal["value"],
                f"change the settings (StateHeatmap.from_settings({name}=...) or the "
                "Explorer's), or draw another frame with heatmap.show(frame)"
                if name in ("units", "timesteps", "weight_scale", "cell", "activation")
                else "heatmap.show(frame), or choose heatmap.quantity / heatmap.layer",
            )
        return proposal["value"]

    @traitlets.validate("quantity")
    def _check_quantity(self, proposal: Any) -> str:
        value = proposal["value"]
        keys = [k for k, _ in self.quantities] or ["h"]
        if value not in keys:
            raise ValueError(
                f"quantity must be one of {', '.join(map(repr, keys))} for the "
                f"{self.cell} cell; got {value!r}."
            )
        return value

    @traitlets.validate("layer")
    def _check_layer(self, proposal: Any) -> int:
        value = proposal["value"]
        n = len(self.layer_names) or 1
        if not 0 <= value < n:
            raise ValueError(f"layer must be an index from 0 to {n - 1}; got {value!r}.")
        return value

    @traitlets.observe("quantity", "layer")
    def _redraw(self, _change: Any) -> None:
        frame = self.frame
        if frame is None or self._showing:
            return
        self._showing = True
        try:
            self.timesteps = int(frame.states[self.layer].shape[0])
            self.tokens = _tokens(frame, self.layer)
            self.values = self._values(frame, self.quantity, self.layer)
        finally:
            self._showing = False

    def __repr__(self) -> str:
        return (
            f"StateHeatmap(units={self.units}, timesteps={self.timesteps}, cell={self.cell!r}, "
            f"quantity={self.quantity!r}, layer={self.layer})"
        )
