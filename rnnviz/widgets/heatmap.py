"""StateHeatmap: the hidden state h_t of every unit at every timestep, as a heatmap.

Rows are units (1 … p), columns timesteps (1 … T): one column is one vector h_t, so the
picture answers "units vs timesteps" at a glance. For an LSTM the heatmap can show the
cell state c_t or a gate instead; for a GRU a gate.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import traitlets

from rnnviz.frame import Frame
from rnnviz.frame.draw import to_float32
from rnnviz.sim import cell_class
from rnnviz.widgets._base import ReadOnlyError, bundle, read_only
from rnnviz.widgets._buffers import ARRAY_SERIALIZERS
from rnnviz.widgets._layer_choice import follow_layer
from rnnviz.widgets._plotly import PlotlyView

__all__ = ["ReadOnlyError", "StateHeatmap", "read_only"]

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
    candidate = cell_class(frame.settings["cell"]).candidate_gate  # LSTM "c", GRU "h"
    if frame.cell_states and frame.cell_states[0] is not None:
        out.append(["c", "c_t (cell state)"])
    gate_names = list(frame.gates[0]) if frame.gates else []
    for g in gate_names:
        candidate_label = f"{g}̃_t (candidate)"
        out.append(
            [
                f"gate_{g}",
                candidate_label if g == candidate else _GATE_LABELS.get(g, f"{g}_t (gate)"),
            ]
        )
    return out


def _layer_names(frame: Frame) -> list[str]:
    """The names of the frame's layers ("layer 1", … or "encoder 1", "decoder 1")."""
    return list(frame.layer_names) or [f"layer {i + 1}" for i in range(len(frame.states))]


def _tokens(frame: Frame, layer: int) -> list[str]:
    """Word labels for the columns of ``layer``: every layer reading the sentence step by
    step has them (a seq2seq decoder runs its own steps and has none)."""
    name = frame.layer_names[layer] if layer < len(frame.layer_names) else ""
    if not frame.tokens or name.startswith("decoder"):
        return []
    return list(frame.tokens)


class StateHeatmap(PlotlyView):
    """Heatmap of h_t (units × timesteps), or of c_t / a gate for LSTM and GRU.

    Build it from settings with ``StateHeatmap.from_settings(units=32, ...)`` or from a
    frame with ``StateHeatmap(frame)``; ``show(frame)`` redraws it.
    The colour scale is fixed to the activation's range (−1 … 1 for tanh, 0 … 1 for
    sigmoid and gates) so that a colour means the same value at every setting; unbounded
    quantities take theirs from the data (``Frame.colour_range``, sent as ``range``).

    Synced traits
    -------------
    values : array (units, T) float32
        The quantity shown, ``values[i, t-1]`` = unit i + 1 at timestep t.
    quantity : str
        ``"h"``, ``"c"`` (LSTM cell state) or ``"gate_<name>"``; see ``quantities``.
    layer : int
        Index into ``layer_names`` of the layer shown (default: the top layer). A layer the
        learner chose stays chosen in new frames while they have a layer of that name; else
        the top one is shown and ``frame_info["layer_note"]`` says so (``_layer_choice.py``).
    frame_info : dict
        settings, timesteps (of the layer shown), quantities ([key, label]), layer_names,
        tokens (column labels, or []), range ([lo, hi] of the colour scale), layer_note (""
        or the sentence saying the chosen layer is gone and the top one shown).
    """

    _esm = bundle("heatmap")
    NAME = "heatmap"
    VIEW_OPTIONS = ("quantity", "layer", "presenter")
    SELECTORS: ClassVar[dict[str, str]] = {"quantity": "quantities", "layer": "layer_names"}
    AFTER_FRAME = ("quantity", "layer")
    #: Whether ``layer`` is the learner's choice (False: the top layer, whatever the frame).
    _layer_chosen = False

    quantity = traitlets.Unicode("h", help='"h", "c" (LSTM) or "gate_<name>".').tag(sync=True)
    layer = traitlets.Int(0, help="Index of the layer shown (into layer_names).").tag(sync=True)
    values = traitlets.Any(None, allow_none=True, help="(units, T) float32.").tag(
        sync=True, **ARRAY_SERIALIZERS
    )

    def _payload(self, frame: Frame) -> dict[str, Any]:
        """Keeps the chosen quantity and layer when the new frame has them."""
        available = quantities(frame)
        keys = [k for k, _ in available]
        quantity = self.quantity if self.quantity in keys else "h"
        chosen = self.layer if self._layer_chosen else -1
        shown_names = self.frame_info.get("layer_names") or []
        index, note = follow_layer(chosen, shown_names, _layer_names(frame))
        layer = index if index >= 0 else len(frame.states) - 1
        return {
            **self._drawing(frame, quantity, layer, note),
            "quantity": quantity,
            "layer": layer,
            "_layer_chosen": index >= 0,
        }

    def _drawing(
        self, frame: Frame, quantity: str, layer: int, layer_note: str = ""
    ) -> dict[str, Any]:
        """``values`` and ``frame_info`` of one quantity of one layer (``layer_note``: "" or
        the sentence saying that the layer chosen is gone)."""
        info = self._info(
            frame,
            timesteps=int(frame.states[layer].shape[0]),
            quantities=quantities(frame),
            layer_names=_layer_names(frame),
            layer_note=layer_note,
            tokens=_tokens(frame, layer),
            range=list(frame.colour_range(quantity, layer)),
        )
        return {"frame_info": info, "values": self._values(frame, quantity, layer)}

    @staticmethod
    def _values(frame: Frame, quantity: str, layer: int) -> np.ndarray:
        if quantity == "h":
            data = frame.states[layer]
        elif quantity == "c":
            data = frame.cell_states[layer]
        else:
            data = frame.gates[layer][quantity.removeprefix("gate_")]
        # overflow stays inf (the view clips it visibly)
        return np.ascontiguousarray(to_float32(data).T)

    @traitlets.validate("quantity")
    def _check_quantity(self, proposal: Any) -> str:
        value = proposal["value"]
        keys = [k for k, _ in (self.frame_info.get("quantities") or [])] or ["h"]
        if value not in keys:
            cell = "" if self.frame is None else f" for the {self.frame.settings['cell']} cell"
            raise ValueError(
                f"quantity must be one of {', '.join(map(repr, keys))}{cell}; got {value!r}."
            )
        return value

    @traitlets.validate("layer")
    def _check_layer(self, proposal: Any) -> int:
        value = proposal["value"]
        n = len(self.frame_info.get("layer_names") or []) or 1
        if not 0 <= value < n:
            raise ValueError(f"layer must be an index from 0 to {n - 1}; got {value!r}.")
        return value

    @traitlets.observe("quantity", "layer")
    def _redraw(self, change: Any) -> None:
        if self.frame is None or self._showing:
            return
        if change["name"] == "layer":
            self._layer_chosen = True  # the learner's choice (kept while it exists)
        self._assign(self._drawing(self.frame, self.quantity, self.layer))

    def __repr__(self) -> str:
        s = self.frame.settings
        return (
            f"StateHeatmap(units={s['units']}, timesteps={self.frame_info['timesteps']}, "
            f"cell={s['cell']!r}, quantity={self.quantity!r}, layer={self.layer})"
        )
