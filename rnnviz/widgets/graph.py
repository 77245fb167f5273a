"""UnrolledGraph: the recurrent layer unrolled in time, drawn as SVG.

One column per timestep t: x_t (bottom) → h_t (middle, its p units stacked and coloured by
value) → y_t (top), joined by the recurrent edges h_{t−1} → h_t. The shared weights
W_xh, W_hh and W_hy are drawn as the *same* matrix at every step::

    h_t = f(x_t W_xh + h_{t−1} W_hh + b)        x_t: (batch, features), h_t: (batch, units)
    y_t = g(h_t W_hy + b_y)                     (with an output layer)

The backward (BPTT) lane under the chain shows ‖∂L/∂h_t‖ (log-scaled thickness), with the
truncated-BPTT window shaded. Long sequences are compressed (first and last steps and a
"k steps" gap); a shapes panel lists every array and the parameter count, which does not
depend on the number of timesteps.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import traitlets

from rnnviz.frame import Frame
from rnnviz.frame.cells import cell_facts
from rnnviz.frame.draw import to_float32
from rnnviz.frame.timeline import decoder_steps
from rnnviz.frame.truncation import truncation
from rnnviz.widgets._base import ViewBase, bundle
from rnnviz.widgets._buffers import ARRAY_SERIALIZERS, array_to_json, json_to_array

__all__ = ["UnrolledGraph", "bptt_window"]


def _arrays_to_json(value: Any, widget: Any = None) -> list | None:
    """A list of arrays, each as a float32 binary buffer (see ``_buffers``)."""
    return None if value is None else [array_to_json(a) for a in value]


def _arrays_from_json(value: Any, widget: Any = None) -> list | None:
    return None if value is None else [json_to_array(a) for a in value]


def _check_frame(frame: Frame) -> tuple[list[np.ndarray], np.ndarray]:
    """Validate a frame before anything changes; returns (states, dh_norms) as float32."""
    s = frame.settings
    units, layers = s["units"], s["layers"]
    arch = s["architecture"]
    expected = 2 * layers if arch == "seq2seq" else layers
    if not isinstance(frame.states, (list, tuple)) or len(frame.states) != expected:
        n = len(frame.states) if isinstance(frame.states, (list, tuple)) else "no list of"
        raise ValueError(
            f"frame.states must hold one (timesteps, units) array per layer ({expected} for "
            f"{arch} with layers={layers}); got {n} arrays."
        )
    states = []
    for i, st in enumerate(frame.states):
        arr = np.asarray(st)
        if arr.ndim != 2 or arr.shape[1] != units:
            raise ValueError(
                f"frame.states[{i}] must have shape (timesteps, units={units}); got shape "
                f"{arr.shape}."
            )
        states.append(to_float32(arr))
    dh = np.asarray(frame.dh_norms)
    top_steps = states[-1].shape[0]
    if dh.shape != (top_steps + 1,):
        raise ValueError(
            f"frame.dh_norms must have shape (timesteps + 1,) = ({top_steps + 1},) for "
            f"h_0 … h_{top_steps} of the top layer; got shape {dh.shape}."
        )
    return states, to_float32(dh)


def _layer_norms(frame: Frame, states: list[np.ndarray]) -> list[np.ndarray]:
    """‖∂L/∂h_t^(ℓ)‖ (T_layer + 1,) per layer as float32, checked against ``states``."""
    norms = list(getattr(frame, "layer_dh_norms", None) or [])
    if not norms:
        return []
    if len(norms) != len(states):
        raise ValueError(
            f"frame.layer_dh_norms must hold one array per layer ({len(states)}); got {len(norms)}."
        )
    out = []
    for i, (n, st) in enumerate(zip(norms, states, strict=True)):
        arr = np.asarray(n)
        if arr.shape != (st.shape[0] + 1,):
            raise ValueError(
                f"frame.layer_dh_norms[{i}] must have shape (timesteps + 1,) = "
                f"({st.shape[0] + 1},); got shape {arr.shape}."
            )
        out.append(to_float32(arr))
    return out


def bptt_window(settings: dict[str, Any], layers: int) -> dict[str, Any]:
    """The truncated-BPTT window the graph draws, from the one rule
    (``rnnviz.frame.truncation.truncation``), for each of the frame's ``layers`` entries of
    ``frame.states`` (seq2seq: encoder layers, then decoder layers).

    Returns
    -------
    dict, JSON-ready:
        ``active`` : bool — the window cuts the run (else full BPTT: no band).
        ``starts`` : list of (int or None), one per layer — the window's first state s:
        ∂L/∂h_t ≠ 0 for t = s … T_ℓ only (0: the whole layer, T_ℓ: h_T only, through the
        context); None where no gradient reaches the layer (a seq2seq encoder, k < S).
    """
    starts = []
    for i in range(layers):
        window = truncation(settings, i)
        kept = window["kept"]
        starts.append(None if kept is None else window["steps"] - kept[1])
    return {"active": truncation(settings)["active"], "starts": starts}


class UnrolledGraph(ViewBase):
    """The RNN unrolled in time: x_t → h_t → y_t columns, shared weights, BPTT lane.

    Build it from settings with ``UnrolledGraph.from_settings(units=32, timesteps=50)`` or
    from a frame with ``UnrolledGraph(frame)``; ``show(frame)`` redraws it. A view has no
    settings of its own: ``graph.units`` reads the frame's, and assigning it raises an
    ``AttributeError`` (change ``ex.units`` on the Explorer, or build another view).

    Synced traits (beyond ``ViewBase``)
    -----------------------------------
    rolled : bool
        Show one cell with its W_hh self-loop instead of the unrolled chain.
    states : list of arrays (T_layer, units) float32
        h_1 … h_T of each layer (seq2seq: encoder layers, then decoder layers).
    dh_norms : array (T_top + 1,) float32
        ‖∂L/∂h_t‖₂ for t = 0 … T of the top layer, 0 outside the truncation window.
    layer_dh_norms : list of arrays (T_layer + 1,) float32
        The same for every layer (seq2seq: encoder layers, then decoder): the backward lane
        of each layer and of the encoder.
    frame_info : dict
        settings; timesteps (T of the input), decoder_steps (the decoder's T, seq2seq);
        tokens (labels of x_1 … x_T, or []); shapes (array name -> list of int, the bottom
        layer's; ``output`` of the top layer); n_params (all layers, independent of
        timesteps); overflowed; window (the truncated-BPTT window per layer:
        ``bptt_window``); state_range ([lo, hi] of the colour scale of h_t, one for
        every layer: ``Frame.colour_range("h")``); cell_info (the cell type's facts:
        ``rnnviz.frame.cells.cell_facts``).
    """

    _esm = bundle("graph")
    NAME = "graph"
    VIEW_OPTIONS = ("presenter", "rolled")

    rolled = traitlets.Bool(False, help="Rolled (one cell + self-loop) or unrolled.").tag(sync=True)
    states = traitlets.Any(None, allow_none=True, help="Per layer (T, units) float32.").tag(
        sync=True, to_json=_arrays_to_json, from_json=_arrays_from_json
    )
    dh_norms = traitlets.Any(None, allow_none=True, help="(T + 1,) float32.").tag(
        sync=True, **ARRAY_SERIALIZERS
    )
    layer_dh_norms = traitlets.Any(
        None, allow_none=True, help="Per layer ‖∂L/∂h_t‖ (T_layer + 1,) float32."
    ).tag(sync=True, to_json=_arrays_to_json, from_json=_arrays_from_json)

    def _payload(self, frame: Frame) -> dict[str, Any]:
        states, dh = _check_frame(frame)
        layer_dh = _layer_norms(frame, states)
        s = frame.settings
        info = self._info(
            frame,
            timesteps=s["timesteps"],
            decoder_steps=decoder_steps(s),
            tokens=[str(t) for t in frame.tokens] if frame.tokens else [],
            shapes={k: [int(n) for n in v] for k, v in frame.shapes.items()},
            n_params=int(frame.n_params),
            overflowed=bool(frame.overflowed),
            window=bptt_window(s, len(states)),  # the band and cut lanes: the one rule
            state_range=list(frame.colour_range("h")),
            cell_info=cell_facts(s["cell"]),  # label, gates, split bias: from the cell class
        )
        return {"frame_info": info, "states": states, "dh_norms": dh, "layer_dh_norms": layer_dh}

    def to_svg(self, path: Any = None) -> str:
        """The graph as SVG text (also written to ``path`` when given); see ``rnnviz.export``."""
        from rnnviz.export import graph_svg

        return graph_svg(self, path)

    def __repr__(self) -> str:
        s = self.frame.settings
        layers = f", layers={s['layers']}" if s["layers"] > 1 else ""
        truncated = truncation(s)["active"]  # k shorter than the run's timeline: the one rule
        window = f"truncated BPTT {s['truncate']}" if truncated else "full BPTT"
        dh = self.dh_norms
        grad = ""
        if dh is not None and len(dh) > 1:
            grad = f", ‖∂L/∂h_0‖={dh[0]:.3g}, ‖∂L/∂h_T‖={dh[-1]:.3g}"
        return (
            f"UnrolledGraph({s['cell']!r}, units={s['units']}, timesteps={s['timesteps']}, "
            f"{s['architecture']}{layers}, parameters={self.frame.n_params}, {window}"
            f"{', rolled' if self.rolled else ''}{grad})"
        )
