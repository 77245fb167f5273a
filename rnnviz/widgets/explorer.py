"""The Explorer: controls + the three linked views, fed by one simulator run per change.

``rnnviz.explore(units=32, cell="lstm")`` returns an ``Explorer`` (an ipywidgets ``VBox``)
that displays itself as the last expression of a cell. Every setting is a traitlet linked
to its control both ways: ``ex.units = 32`` moves the slider and redraws the views, and a
slider drag changes ``ex.units``.

Latest wins, never a queue: a change only marks the Explorer dirty and schedules one
flush on the kernel's event loop; every change that arrives before it runs is folded into
that one flush, which builds one frame from the settings *as they are then*. When the
Explorer is idle (its last flush ended at least ``FLUSH_DELAY`` ago) the flush runs on
the loop's next turn, so a single key press redraws at once; during a burst — a slider
drag, or the messages that queued up while a big frame was being built — the next flush
waits until ``FLUSH_DELAY`` after the end of the previous one, so the burst costs one
frame per ``FLUSH_DELAY`` at most. Outside an event loop (plain Python, tests) each
change is applied at once.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import ipywidgets as widgets
import numpy as np
import traitlets

from rnnviz.widgets._controls import (
    CSS,
    TimeTrait,
    build_controls,
    set_presenter,
    time_to_cursor,
)
from rnnviz.widgets._controls_settings import (
    SPECS,
    check_setting,
    non_default,
    unknown_attribute,
    validate_settings,
)
from rnnviz.widgets._frame import Frame, build_frame
from rnnviz.widgets.gradients import GradientFlow
from rnnviz.widgets.heatmap import StateHeatmap

__all__ = ["FLUSH_DELAY", "Explorer", "explore"]

#: Seconds from the end of one flush to the earliest next one (coalesces bursts); a change
#: arriving later than that after the last flush is applied on the loop's next turn.
FLUSH_DELAY = 0.03


class Setting(traitlets.TraitType):
    """A traitlet that validates with ``check_setting`` (ValueError / TypeError, never a
    TraitError) and then with the Explorer's cross-checks."""

    def __init__(self, name: str) -> None:
        spec = SPECS[name]
        super().__init__(default_value=spec.default, help=spec.meaning)
        self.setting = name
        self.info_text = spec.describe()

    def validate(self, obj: Any, value: Any) -> Any:
        value = check_setting(self.setting, value)
        obj._cross_check(self.setting, value)
        return value


class _Flag(traitlets.TraitType):
    """A True/False traitlet that rejects anything else with a TypeError."""

    info_text = "True or False"

    def validate(self, obj: Any, value: Any) -> bool:
        return _check_presenter(value)


def _load_graph_class():
    """The UnrolledGraph view, or None while ``rnnviz.widgets.graph`` is not available."""
    try:
        from rnnviz.widgets.graph import UnrolledGraph
    except ImportError:
        return None
    return UnrolledGraph


class Explorer(widgets.VBox):
    """Sliders and dropdowns for every setting above the unrolled graph, the hidden-state
    heatmap and the gradient-flow plot, all drawn from one frame.

    Settings (all also attributes): units, timesteps, weight_scale, cell, activation,
    input, architecture, return_sequences, layers, truncate, features, batch, seed, init,
    output_units, decoder_steps, overlay; plus ``presenter`` (large fonts and controls).
    """

    units = Setting("units").tag(setting=True)
    timesteps = Setting("timesteps").tag(setting=True)
    weight_scale = Setting("weight_scale").tag(setting=True)
    cell = Setting("cell").tag(setting=True)
    activation = Setting("activation").tag(setting=True)
    input = Setting("input").tag(setting=True)
    architecture = Setting("architecture").tag(setting=True)
    return_sequences = Setting("return_sequences").tag(setting=True)
    layers = Setting("layers").tag(setting=True)
    truncate = Setting("truncate").tag(setting=True)
    features = Setting("features").tag(setting=True)
    batch = Setting("batch").tag(setting=True)
    seed = Setting("seed").tag(setting=True)
    init = Setting("init").tag(setting=True)
    output_units = Setting("output_units").tag(setting=True)
    decoder_steps = Setting("decoder_steps").tag(setting=True)
    overlay = Setting("overlay").tag(setting=True)
    presenter = _Flag(False, help="Large fonts, thick lines and big controls.")
    time = TimeTrait(help="Scrubber: 0 off, 1…T forward pass, T+1…2T+1 backward.")

    @traitlets.validate("time")
    def _check_time(self, proposal: Any) -> int:
        value, top = proposal["value"], 2 * self.timesteps + 1
        if not 0 <= value <= top:
            raise ValueError(
                f"time must be from 0 (off) to {top}: 1 … {self.timesteps} step through the "
                f"forward pass, {self.timesteps + 1} … {top} the backward pass; got {value}."
            )
        return value

    def __init__(self, presenter: bool = False, **settings: Any) -> None:
        presenter = _check_presenter(presenter)
        full = validate_settings(settings)  # TypeError for unknown names, before anything
        self._ready = False
        self._depth = 0
        self._dirty = False
        self._scheduled = False
        self._last_flush = float("-inf")  # time.monotonic() at the end of the last flush
        self._frame: Frame | None = None
        self.frame_builds = 0
        self.controls = build_controls()
        self.status = widgets.HTML()
        self.status.add_class("rnnviz-status")
        self.heatmap = StateHeatmap(frame=build_frame(**full))
        self.gradients = GradientFlow(frame=self.heatmap.frame)
        graph_class = _load_graph_class()
        self.graph = None if graph_class is None else graph_class(frame=self.heatmap.frame)
        views = [v for v in (self.graph, self.heatmap, self.gradients) if v is not None]
        self.views = tuple(views)
        pair = widgets.Box(
            [self.heatmap, self.gradients],
            layout=widgets.Layout(display="flex", flex_flow="row wrap", width="100%"),
        )
        for view in (self.heatmap, self.gradients):
            view.layout = widgets.Layout(flex="1 1 440px", min_width="320px")
        children = [widgets.HTML(CSS), self.controls.box, self.status]
        children += [v for v in (self.graph,) if v is not None] + [pair]
        super().__init__(children, layout=widgets.Layout(width="100%"))
        self.add_class("rnnviz-explorer")
        with self.hold_trait_notifications():
            for name, value in full.items():
                setattr(self, name, value)
            self.presenter = bool(presenter)
        self._link_controls()
        self._frame = self.heatmap.frame
        self.frame_builds = 1
        self._ready = True
        self._sync_views_extras()
        self._update_status()

    def __setattr__(self, name: str, value: Any) -> None:
        # A typo (ex.unit = 32) would add a new attribute and change nothing: refuse it.
        if (
            getattr(self, "_ready", False)
            and not name.startswith("_")
            and name not in self.__dict__
            and not hasattr(type(self), name)
        ):
            raise unknown_attribute("Explorer", name, value, [*SPECS, "presenter", "time"])
        super().__setattr__(name, value)

    # -- settings --------------------------------------------------------------------------
    @property
    def settings(self) -> dict[str, Any]:
        """Every setting, as ``build_frame`` takes them."""
        return {name: getattr(self, name) for name in SPECS}

    @property
    def config(self) -> dict[str, Any]:
        """The non-default settings: ``rnnviz.explore(**ex.config)`` shows the same view."""
        out = non_default(self.settings)
        if self.presenter:
            out["presenter"] = True
        return out

    def _cross_check(self, name: str, value: Any) -> None:
        """Checks involving other settings, run before a new value is stored."""
        if not getattr(self, "_ready", False):
            return
        if name == "truncate" and value > self.timesteps:
            raise ValueError(
                f"truncate (steps of truncated BPTT) must be from 0 to timesteps="
                f"{self.timesteps} (0 = full BPTT); got {value}."
            )
        if (name == "return_sequences" and not value) or (name == "decoder_steps" and value):
            validate_settings({name: value}, base=self.settings)

    @traitlets.observe(*SPECS)
    def _setting_changed(self, change: dict) -> None:
        if not getattr(self, "_ready", False):
            return
        name, new = change["name"], change["new"]
        self._depth += 1  # settings derived here are folded into this change's update
        try:
            if name == "architecture":
                self.return_sequences = new != "many-to-one"
                if new != "seq2seq":
                    self.decoder_steps = 0  # the decoder's steps mean nothing elsewhere
            elif name == "return_sequences" and self.architecture in (
                "many-to-many",
                "many-to-one",
            ):
                self.architecture = "many-to-many" if new else "many-to-one"
            elif name == "timesteps":
                if self.truncate > new:
                    self.truncate = new
                self.controls.by_setting["truncate"].max = new
                self.controls.time.max = self.controls.play.max = 2 * new + 1
        finally:
            self._depth -= 1
        self._request_update()

    @traitlets.observe("presenter")
    def _presenter_changed(self, change: dict) -> None:
        on = bool(change["new"])
        for view in getattr(self, "views", ()):
            view.presenter = on
        for view in (self.heatmap, self.gradients):
            # a projector shows the two plots one above the other, each full width
            view.layout.flex = "1 1 100%" if on else "1 1 440px"
        set_presenter(self.controls, on)
        if on:
            self.add_class("rnnviz-presenter")
        else:
            self.remove_class("rnnviz-presenter")

    @traitlets.observe("time")
    def _time_changed(self, _change: dict) -> None:
        if getattr(self, "_ready", False):
            self._sync_views_extras()

    def _link_controls(self) -> None:
        c = self.controls
        c.by_setting["truncate"].max = self.timesteps
        c.time.max = c.play.max = 2 * self.timesteps + 1
        self._links = [traitlets.link((self, n), (w, "value")) for n, w in c.by_setting.items()]
        self._links.append(traitlets.link((self, "time"), (c.time, "value")))

    # -- latest wins -------------------------------------------------------------------------
    def _request_update(self) -> None:
        self._dirty = True
        if self._depth:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None:
            self._flush()
        elif not self._scheduled:
            self._scheduled = True
            wait = self._last_flush + FLUSH_DELAY - time.monotonic()
            if wait > 0:  # a burst: fold everything until then into one flush
                loop.call_later(wait, self._flush)
            else:  # idle: apply it on the loop's next turn
                loop.call_soon(self._flush)

    def _flush(self) -> None:
        """Build one frame from the current settings and show it on every view."""
        self._scheduled = False
        if not self._dirty:
            return
        self._dirty = False
        try:
            self._show_current()
        finally:
            self._last_flush = time.monotonic()

    def _show_current(self) -> None:
        try:
            frame = build_frame(**self.settings)
        except (TypeError, ValueError) as error:
            self.status.value = f"<b>cannot show these settings</b>: {_escape(str(error))}"
            return
        self.frame_builds += 1
        self._frame = frame
        for view in self.views:
            view.show(frame)
        self._sync_views_extras()
        self._update_status()

    @property
    def frame(self) -> Frame:
        """The frame the views show (pending changes are applied first)."""
        if self._dirty:
            self._flush()
        return self._frame

    # -- export -------------------------------------------------------------------------------
    def to_html(
        self,
        path: Any,
        sweep: str | None = "weight_scale",
        sweep_values: Any = None,
        title: str = "rnnviz",
    ) -> Any:
        """Write one self-contained, offline HTML file of these views (see ``rnnviz.export``).

        The page keeps hover, the time scrubber and a precomputed sweep over ``sweep``.
        """
        from rnnviz.export import to_html

        return to_html(self, path, sweep=sweep, sweep_values=sweep_values, title=title)

    def to_figures(self) -> dict:
        """plotly.py figures ``{"heatmap": Figure, "gradients": Figure}`` of the current frame."""
        from rnnviz.export import to_figures

        return to_figures(self.frame)

    def _sync_views_extras(self) -> None:
        t_cursor, phase = time_to_cursor(self.time, self.timesteps)
        label = "off" if t_cursor < 0 else f"{phase} pass, t = {t_cursor}"
        self.controls.time_label.value = label
        for view in self.views:
            with view.hold_sync():
                view.t_cursor = t_cursor
                view.phase = phase
                view.presenter = self.presenter

    def _update_status(self) -> None:
        f = self._frame
        shapes = f.shapes
        parts = [f"x {_shape(shapes['x'])}", f"W_xh {_shape(shapes['W_xh'])}"]
        parts += [f"W_hh {_shape(shapes['W_hh'])}", f"h_t {_shape(shapes['h_t'])}"]
        parts.append(f"output {_shape(shapes['output'])}")
        warn = " · <b>overflow: some values are inf</b>" if f.overflowed else ""
        self.status.value = (
            " · ".join(parts)
            + f" · <b>{f.n_params:,}</b> parameters (independent of timesteps){warn}"
        )

    # -- text ---------------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        # ipywidgets cuts text/plain at 110 characters; the full text helps where no
        # widget can be drawn (terminal IPython, nbconvert to text, a dead kernel).
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        if isinstance(data, dict):
            data["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config.items())
        f = self._frame
        lines = [f"Explorer({args})"]
        if f is not None:
            th = f.theory
            lines.append(
                f"  {f.settings['cell']} cell, {f.settings['units']} units × "
                f"{f.settings['timesteps']} timesteps, {f.n_params} parameters; "
                f"h_t shape {f.states[-1].shape[1:]} per step"
            )
            lines.append(
                f"  ‖∂h_T/∂h_0‖₂ = {f.jacobian_norms[0]:.3g}; σ_max({th.matrix}) = "
                f"{th.sigma_max:.3g}, γ = {th.gamma:g}, sufficient for vanishing: "
                f"{'yes' if th.vanishing_sufficient else 'no'}"
            )
        lines.append("  (an interactive widget: display it in Jupyter to see the views)")
        return "\n".join(lines)


def _check_presenter(value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"presenter (large fonts and controls for a projector) must be True or False; "
            f"got {type(value).__name__} {value!r}."
        )
    return bool(value)


def _shape(shape: tuple) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ")"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def explore(**settings: Any) -> Explorer:
    """Open the interactive Explorer.

    Parameters
    ----------
    **settings
        Any of units (1–256), timesteps (1–200), weight_scale (0.05–3), cell ("rnn",
        "lstm", "gru"), activation, input, architecture, return_sequences, layers (1–3),
        truncate (0 = full BPTT), features, batch, seed, init, output_units,
        decoder_steps, overlay ("none", "weight_scale", "cell"), and presenter.

    Raises
    ------
    TypeError
        For an unknown setting (the message lists the valid ones) or a wrong type.
    ValueError
        For a value out of range.
    """
    return Explorer(**settings)
