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

from rnnviz.frame import Frame, build_frame
from rnnviz.settings import DEFAULTS, SPECS, check_setting, validate_settings
from rnnviz.widgets._base import ViewBase, bundle
from rnnviz.widgets._buffers import ARRAY_SERIALIZERS, array_to_json, json_to_array
from rnnviz.widgets.heatmap import read_only

__all__ = ["UnrolledGraph"]

#: Traits that are settings of the simulator: assigning one re-runs it (see ``_rerun``).
SETTING_TRAITS = (
    "units",
    "timesteps",
    "weight_scale",
    "cell",
    "activation",
    "architecture",
    "return_sequences",
    "layers",
    "truncate",
    "output_units",
    "decoder_steps",
)
PHASES = ("forward", "backward")
#: Traits drawn from the frame: only ``show(frame)`` sets them.
FROM_FRAME = ("states", "dh_norms", "tokens", "shapes", "n_params", "overflowed")


def _arrays_to_json(value: Any, widget: Any = None) -> list | None:
    """A list of arrays, each as a float32 binary buffer (see ``_buffers``)."""
    return None if value is None else [array_to_json(a) for a in value]


def _arrays_from_json(value: Any, widget: Any = None) -> list | None:
    return None if value is None else [json_to_array(a) for a in value]


def _float32(a: Any) -> np.ndarray:
    """C-contiguous float32 copy; values beyond float32's range become ±inf (never NaN)."""
    with np.errstate(over="ignore"):
        return np.ascontiguousarray(np.asarray(a, dtype=np.float32))


def _check_frame(frame: Any) -> tuple[list[np.ndarray], np.ndarray]:
    """Validate a frame before anything changes; returns (states, dh_norms) as float32."""
    if not isinstance(frame, Frame):
        raise TypeError(
            f"show() expects a Frame (from rnnviz.widgets.build_frame); got {type(frame).__name__}."
        )
    s = frame.settings
    missing = [k for k in SETTING_TRAITS if k not in s]
    if missing:
        raise ValueError(
            f"frame.settings lacks {', '.join(missing)}; build frames with "
            "rnnviz.widgets.build_frame(**settings)."
        )
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
        states.append(_float32(arr))
    dh = np.asarray(frame.dh_norms)
    top_steps = states[-1].shape[0]
    if dh.shape != (top_steps + 1,):
        raise ValueError(
            f"frame.dh_norms must have shape (timesteps + 1,) = ({top_steps + 1},) for "
            f"h_0 … h_{top_steps} of the top layer; got shape {dh.shape}."
        )
    return states, _float32(dh)


class _SettingError(traitlets.TraitError, ValueError):
    """A rejected value (a ``ValueError``; a ``TraitError`` so traitlets rolls back)."""


class _SettingTypeError(traitlets.TraitError, TypeError):
    """A value of the wrong type (a ``TypeError``; a ``TraitError`` so traitlets rolls back)."""


class _Setting(traitlets.TraitType):
    """A simulator setting as a trait, checked by ``rnnviz.settings.check_setting``.

    Wrong types raise ``TypeError`` and out-of-range values ``ValueError``, with the
    setting's meaning and accepted values in the message.
    """

    def __init__(self, name: str, **kwargs: Any) -> None:
        super().__init__(default_value=DEFAULTS[name], help=SPECS[name].meaning, **kwargs)

    def validate(self, obj: Any, value: Any) -> Any:
        try:
            return check_setting(self.name, value)
        except TypeError as e:
            raise _SettingTypeError(str(e)) from None
        except ValueError as e:
            raise _SettingError(str(e)) from None


class UnrolledGraph(ViewBase):
    """The RNN unrolled in time: x_t → h_t → y_t columns, shared weights, BPTT lane.

    Build it from settings with ``UnrolledGraph.from_settings(units=32, timesteps=50)`` or
    from a frame with ``UnrolledGraph(frame=frame)``; ``show(frame)`` redraws it. Setting a
    simulator setting on the view (``graph.units = 64``) re-runs the simulator; a rejected
    value raises ``ValueError`` / ``TypeError`` and leaves the view as it was.

    Synced traits (beyond ``ViewBase``)
    -----------------------------------
    rolled : bool
        Show one cell with its W_hh self-loop instead of the unrolled chain.
    architecture, layers, return_sequences, truncate, activation, output_units,
    decoder_steps : settings of the frame (see ``rnnviz.explore``).
    tokens : list of str
        Labels of x_1 … x_T (sentence input), else [].
    states : list of arrays (T_layer, units) float32
        h_1 … h_T of each layer (seq2seq: encoder layers, then decoder layers).
    dh_norms : array (T_top + 1,) float32
        ‖∂L/∂h_t‖₂ for t = 0 … T of the top layer, 0 outside the truncation window.
    shapes : dict name -> list of int
        Array shapes of the bottom layer; ``output`` of the top layer.
    n_params : int
        Parameter count of all layers (independent of timesteps).
    overflowed : bool
        Some value overflowed (drawn as inf).
    """

    _esm = bundle("graph")

    rolled = traitlets.Bool(False, help="Rolled (one cell + self-loop) or unrolled.").tag(sync=True)
    units = _Setting("units").tag(sync=True)
    timesteps = _Setting("timesteps").tag(sync=True)
    weight_scale = _Setting("weight_scale").tag(sync=True)
    cell = _Setting("cell").tag(sync=True)
    activation = _Setting("activation").tag(sync=True)
    architecture = _Setting("architecture").tag(sync=True)
    return_sequences = _Setting("return_sequences").tag(sync=True)
    layers = _Setting("layers").tag(sync=True)
    truncate = _Setting("truncate").tag(sync=True)
    output_units = _Setting("output_units").tag(sync=True)
    decoder_steps = _Setting("decoder_steps").tag(sync=True)
    tokens = traitlets.List(traitlets.Unicode(), help="Labels of x_1 … x_T, or [].").tag(sync=True)
    states = traitlets.Any(None, allow_none=True, help="Per layer (T, units) float32.").tag(
        sync=True, to_json=_arrays_to_json, from_json=_arrays_from_json
    )
    dh_norms = traitlets.Any(None, allow_none=True, help="(T + 1,) float32.").tag(
        sync=True, **ARRAY_SERIALIZERS
    )
    shapes = traitlets.Dict(help="Array name -> shape (list of int).").tag(sync=True)
    n_params = traitlets.Int(0, help="Parameters of all layers.").tag(sync=True)
    overflowed = traitlets.Bool(False, help="Some value overflowed to inf.").tag(sync=True)

    def __init__(self, frame: Frame | None = None, **kwargs: Any) -> None:
        # Simulator settings given as keywords build the frame (``UnrolledGraph(units=32)``);
        # the other keywords are traits of the view (presenter, rolled, t_cursor, ...).
        settings = {k: kwargs.pop(k) for k in list(kwargs) if k in SPECS}
        if frame is not None and settings:
            raise TypeError(
                f"give either frame= or settings ({', '.join(settings)}), not both: a frame "
                "already fixes every setting."
            )
        if frame is None:
            frame = build_frame(**settings)
        self.frame: Frame | None = None
        self._showing = False
        super().__init__(**kwargs)
        self.show(frame)

    @classmethod
    def from_settings(cls, **settings: Any) -> UnrolledGraph:
        """A graph of the frame built from ``settings`` (see ``rnnviz.explore``).

        ``presenter`` and ``rolled`` are options of the view; every other keyword is a
        simulator setting (unknown ones raise ``TypeError``).
        """
        options = {k: settings.pop(k) for k in ("presenter", "rolled") if k in settings}
        for name, value in options.items():
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False; got {value!r}.")
        return cls(frame=build_frame(**settings), **options)

    def show(self, frame: Frame) -> None:
        """Draw ``frame`` (all traits in one sync message). A bad frame changes nothing."""
        states, dh = _check_frame(frame)
        s = frame.settings
        self._showing = True
        try:
            with self.hold_sync(), self.hold_trait_notifications():
                self.units = s["units"]
                self.timesteps = s["timesteps"]
                self.weight_scale = s["weight_scale"]
                self.cell = s["cell"]
                self.activation = s["activation"]
                self.architecture = s["architecture"]
                self.return_sequences = s["return_sequences"]
                self.layers = s["layers"]
                self.truncate = s["truncate"]
                self.output_units = s["output_units"]
                self.decoder_steps = s["decoder_steps"] or s["timesteps"]
                self.tokens = [str(t) for t in frame.tokens] if frame.tokens else []
                self.states = states
                self.dh_norms = dh
                self.shapes = {k: [int(n) for n in v] for k, v in frame.shapes.items()}
                self.n_params = int(frame.n_params)
                self.overflowed = bool(frame.overflowed)
            self.frame = frame
        finally:
            self._showing = False

    # -- validation ------------------------------------------------------------------------
    @traitlets.validate(*SETTING_TRAITS)
    def _rerun(self, proposal: Any) -> Any:
        """A setting assigned on the view re-runs the simulator before anything changes.

        A value the simulator rejects (e.g. ``truncate`` > ``timesteps``) leaves the view
        as it was; an accepted one is sent together with the new arrays, in one message.
        """
        name = proposal["trait"].name
        value = proposal["value"]  # already checked by the trait type
        if self._showing or self.frame is None or value == getattr(self, name):
            return value
        try:
            settings = validate_settings({name: value}, base=self.frame.settings)
            frame = build_frame(**settings)
        except TypeError as e:
            raise _SettingTypeError(str(e)) from None
        except ValueError as e:
            raise _SettingError(str(e)) from None
        self.show(frame)
        return value

    @traitlets.validate(*FROM_FRAME)
    def _read_only(self, proposal: Any) -> Any:
        if not self._showing:
            raise read_only(
                "UnrolledGraph",
                proposal["trait"].name,
                proposal["value"],
                "change a setting (graph.units = 32, …) or draw another frame with "
                "graph.show(frame)",
            )
        return proposal["value"]

    @traitlets.validate("phase")
    def _check_phase(self, proposal: Any) -> str:
        value = proposal["value"]
        if value not in PHASES:
            raise _SettingError(f"phase must be 'forward' or 'backward'; got {value!r}.")
        return value

    @traitlets.validate("t_cursor")
    def _check_t_cursor(self, proposal: Any) -> int:
        value = proposal["value"]
        if value < -1:
            raise _SettingError(
                f"t_cursor must be a timestep t ≥ 0 (forward: 1 … timesteps, backward: "
                f"0 … timesteps) or -1 for none; got {value}."
            )
        return value

    def to_svg(self, path: Any = None) -> str:
        """The graph as SVG text (also written to ``path`` when given); see ``rnnviz.export``."""
        from rnnviz.export import graph_svg

        return graph_svg(self, path)

    def __repr__(self) -> str:
        arch = self.architecture
        layers = f", layers={self.layers}" if self.layers > 1 else ""
        window = f"truncated BPTT {self.truncate}" if self.truncate else "full BPTT"
        dh = self.dh_norms
        grad = ""
        if dh is not None and len(dh) > 1:
            grad = f", ‖∂L/∂h_0‖={dh[0]:.3g}, ‖∂L/∂h_T‖={dh[-1]:.3g}"
        return (
            f"UnrolledGraph({self.cell!r}, units={self.units}, timesteps={self.timesteps}, "
            f"{arch}{layers}, parameters={self.n_params}, {window}"
            f"{', rolled' if self.rolled else ''}{grad})"
        )
