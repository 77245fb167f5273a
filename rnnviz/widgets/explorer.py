"""The Explorer: controls + the three linked views, fed by one simulator run per change.

``rnnviz.explore(units=32, cell="lstm")`` returns an ``Explorer`` (an ipywidgets ``VBox``)
that displays itself as the last expression of a cell. Every setting is a traitlet linked
to its control both ways: ``ex.units = 32`` moves the slider and redraws the views, and a
slider drag changes ``ex.units``.

Latest wins, never a queue (see ``_scheduler.FrameScheduler``): every change takes a
snapshot of the settings and a new generation number; one worker thread builds the newest
generation — first the forward pass, shown at once on the graph and the heatmap, then the
gradient analysis (the gradient plot says "updating…" meanwhile) — and abandons it as soon
as a newer generation exists. Frames are shown on the kernel's event loop, and only when
they belong to the newest generation, so an older, slower build can never replace a newer
one, whatever threads the changes came from. During a burst (a slider drag) a build starts
no earlier than ``FLUSH_DELAY`` after the end of the previous one; an isolated change
starts at once. Outside an event loop (plain Python, tests) each change is applied at once,
fully. ``ex.frame`` and ``ex.wait_settled()`` wait for the newest frame.
"""

from __future__ import annotations

import threading
from typing import Any

import ipywidgets as widgets
import traitlets

from rnnviz.frame import Frame, analyse, build_forward, compose
from rnnviz.settings import (
    SPECS,
    implied_changes,
    non_default,
    unknown_attribute,
    validate_settings,
)
from rnnviz.widgets._controls import (
    CSS,
    TimeTrait,
    build_controls,
    set_presenter,
    time_to_cursor,
)
from rnnviz.widgets._explorer_text import describe, error_html, status_html
from rnnviz.widgets._scheduler import FrameScheduler
from rnnviz.widgets._setting_traits import Flag, check_presenter, setting_traits
from rnnviz.widgets._stage import Stage
from rnnviz.widgets._user_model import UserModel, fixed_reasons, fixed_settings
from rnnviz.widgets.eigen import EigenView
from rnnviz.widgets.gradients import GradientFlow
from rnnviz.widgets.heatmap import StateHeatmap

__all__ = ["FLUSH_DELAY", "Explorer"]

#: Name of each view in ``Explorer.views`` order (the stage's names).
_VIEW_NAMES = ("graph", "heatmap", "gradients", "eigen")

#: Seconds from the end of one frame build to the earliest next one (coalesces bursts); a
#: change arriving later than that after the last build starts a new one at once.
FLUSH_DELAY = 0.03


def _load_graph_class():
    """The UnrolledGraph view, or None while ``rnnviz.widgets.graph`` is not available."""
    try:
        from rnnviz.widgets.graph import UnrolledGraph
    except ImportError:
        return None
    return UnrolledGraph


class Explorer(widgets.VBox):
    """Sliders and dropdowns for every setting above the unrolled graph, the hidden-state
    heatmap, the gradient-flow plot and W_hh's eigenvalues (``eigen``), all drawn from one
    frame. With ``presenter=True`` they are laid out as a lecture stage (``stage``, see
    ``_stage.py``): a control strip above one large view, the others small beside it.

    Settings (all also attributes): every entry of ``rnnviz.settings.SPECS``, listed in
    :func:`rnnviz.explore`'s docstring (a setting of some cells only, such as forget_bias,
    has its control disabled for the others); plus ``presenter`` (large fonts and controls).

    ``frame`` is the frame of the current settings and ``wait_settled()`` waits until every
    view shows it; ``frame_builds`` counts the complete frames shown so far.

    With a user's ``model`` (see :func:`explore`), the settings the model decides (units,
    cell, activation, layers, features, output_units; timesteps and batch when ``x`` is
    given) are fixed and their controls disabled; ``weight_scale`` multiplies the trained
    recurrent matrices (1 = as trained); ``result`` is the simulator run the views show.
    """

    # One validated trait per setting, all from rnnviz.settings.SPECS (a new setting needs
    # no line here; see _setting_traits.py).
    locals().update(setting_traits())
    presenter = Flag(False, help="Large fonts, thick lines and big controls.")
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

    def __init__(
        self, model: Any = None, x: Any = None, presenter: bool = False, **settings: Any
    ) -> None:
        presenter = check_presenter(presenter)
        validate_settings(settings)  # TypeError for unknown names, before anything
        self._model = None if model is None else UserModel.of(model, x)
        if model is None and x is not None:
            raise TypeError(
                "x (your input batch) needs a model to feed: explore(model, x); for rnnviz's "
                "own cells choose an input preset with input=…"
            )
        given = {**settings, **self._fixed_settings(settings)}
        full = validate_settings(given)
        # the values the learner (or their model) gave, not those a rule set: a rule that
        # stops applying gives them back (rnnviz.settings.implied_changes)
        self._chosen = {name: full[name] for name in given}
        self._ready = False
        self._local = threading.local()  # .depth: changes in progress in this thread
        self._frame: Frame | None = None
        self.frame_builds = 0
        self.controls = build_controls()
        self.status = widgets.HTML()
        self.status.add_class("rnnviz-status")
        forward = build_forward(full, self._model)
        self.heatmap = StateHeatmap(frame=compose(forward, analyse(forward)))
        self.gradients = GradientFlow(frame=self.heatmap.frame)
        graph_class = _load_graph_class()
        self.graph = None if graph_class is None else graph_class(frame=self.heatmap.frame)
        self.eigen = EigenView(frame=self.heatmap.frame)  # W_hh's spectrum: ρ vs σ_max
        named = dict(
            zip(_VIEW_NAMES, (self.graph, self.heatmap, self.gradients, self.eigen), strict=True)
        )
        self.views = tuple(v for v in named.values() if v is not None)
        plots = (self.heatmap, self.gradients, self.eigen)
        pair = widgets.Box(
            list(plots), layout=widgets.Layout(display="flex", flex_flow="row wrap", width="100%")
        )
        for view in plots:
            view.layout = widgets.Layout(flex="1 1 440px", min_width="320px")
        css = widgets.HTML(CSS)
        children = [css, self.controls.box, self.status]
        children += [v for v in (self.graph,) if v is not None] + [pair]
        self._layouts = {False: children}  # presenter -> the Explorer's children
        self.stage = Stage(self.controls, self.status, named)
        self._layouts[True] = self.stage.children(css)
        super().__init__(children, layout=widgets.Layout(width="100%"))
        self.add_class("rnnviz-explorer")
        with self.hold_trait_notifications():
            for name, value in full.items():
                setattr(self, name, value)
            self.presenter = bool(presenter)
        self._link_controls()
        self._frame = self.heatmap.frame
        self.frame_builds = 1
        self._scheduler = FrameScheduler(
            read_settings=lambda: self.settings,
            build_forward=lambda settings: build_forward(settings, self._model),
            # the layer the gradient panel asks for (view-local state; -1: the top one)
            analyse=lambda forward, check: analyse(
                forward, check, layer=self.gradients.layer_in(forward.result.names)
            ),
            compose=compose,
            show_partial=self._show_partial,
            show_full=self._show_full,
            show_error=self._show_error,
            delay=FLUSH_DELAY,
        )
        for name in self.fixed:
            if name in self.controls.by_setting:
                self.controls.by_setting[name].disabled = True
        self.gradients.relayer = self._request_update
        self._ready = True
        self._sync_views_extras()
        self._update_status(self._frame)

    # -- a user's model ----------------------------------------------------------------------
    def _fixed_settings(self, given: dict[str, Any]) -> dict[str, Any]:
        """The settings the user's model decides (none without a model); refuses others."""
        return fixed_settings(self._model, given)

    @property
    def fixed(self) -> dict[str, str]:
        """Setting -> why it cannot change (the user's model decides it)."""
        return fixed_reasons(self._model)

    def frame_for(self, **settings: Any) -> Frame:
        """A complete frame of ``settings`` (missing ones: the defaults) drawn from the same
        model as this Explorer (used by exports that precompute a sweep)."""
        forward = build_forward({**settings, **self._fixed_settings(settings)}, self._model)
        return compose(forward, analyse(forward))

    @property
    def result(self) -> Any:
        """The simulator run the views show (``rnnviz.sim.architectures.ArchitectureResult``
        of batch sample 0: ``result.layers[i]`` is layer i's ``RunResult``, ``result.top``
        the top one)."""
        return self.frame.result

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
        if name in self.fixed and value != getattr(self, name):
            raise ValueError(
                f"{name} is {self.fixed[name]} ({name}={getattr(self, name)!r}); got {value!r}."
            )
        # raises when a rule forbids it, or when it would change what the user's model fixes
        for other, implied in implied_changes({name: value}, self.settings, self._chosen).items():
            if other != name and other in self.fixed and implied != getattr(self, other):
                raise ValueError(
                    f"{name}={value!r} needs {other}={implied!r}, but {other} is "
                    f"{self.fixed[other]} ({other}={getattr(self, other)!r})."
                )

    @traitlets.observe(*SPECS)
    def _setting_changed(self, change: dict) -> None:
        if not getattr(self, "_ready", False):
            return
        name, new = change["name"], change["new"]
        if not self._depth:  # the learner's own change, not one a rule implied
            self._chosen[name] = new
        self._local.depth = self._depth + 1  # derived settings are folded into this update
        try:
            # the other settings this one implies (rnnviz.settings.implied_changes)
            before = {**self.settings, name: change["old"]}
            for other, value in implied_changes({name: new}, before, self._chosen).items():
                if other != name:
                    setattr(self, other, value)
            if name == "timesteps":
                self.controls.by_setting["truncate"].max = new
                self.controls.time.max = self.controls.play.max = 2 * new + 1
        finally:
            self._local.depth -= 1
        self._request_update()

    @traitlets.observe("presenter")
    def _presenter_changed(self, change: dict) -> None:
        on = bool(change["new"])
        for view in getattr(self, "views", ()):
            view.presenter = on
        set_presenter(self.controls, on)
        self.children = self._layouts[on]  # presenter: the lecture stage (see _stage.py)
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
    @property
    def _depth(self) -> int:
        return getattr(self._local, "depth", 0)

    def _request_update(self) -> None:
        if not self._depth:
            self._scheduler.request()

    def _show_partial(self, frame: Frame) -> None:
        """The forward pass of newer settings: graph and heatmap now; the gradient plot and
        the spectrum (drawn from the analysis) keep their picture and say they are updating."""
        for view in self.views:
            if view in self._analysed:
                view.updating = True
            else:
                view.show(frame)
        self._sync_views_extras()
        self._update_status(frame)

    def _show_full(self, frame: Frame) -> None:
        """The complete frame of the newest settings on every view."""
        for view in self.views:
            if view in self._analysed:
                with view.hold_sync():  # the picture and "updated" in one message
                    view.show(frame)
                    view.updating = False
            elif _same_drawing(view.frame, frame):
                view.frame = frame  # already drawn from the partial frame: same data
            else:
                view.show(frame)
        self.frame_builds += 1
        self._frame = frame
        self._sync_views_extras()
        self._update_status(frame)

    @property
    def _analysed(self) -> tuple:
        """The views drawn from the analysis (not from the forward pass alone)."""
        return (self.gradients, self.eigen)

    def _show_error(self, error: BaseException) -> None:
        for view in self._analysed:
            view.updating = False
        self.status.value = error_html(error)

    @property
    def frame(self) -> Frame:
        """The frame of the current settings (waits until it is built; the views show it).

        When the current settings cannot be shown (the status line says why), the last
        frame shown.
        """
        _done, item = self._scheduler.latest()
        return item if isinstance(item, Frame) else self._frame

    def wait_settled(self, timeout: float | None = None) -> bool:
        """Wait until every view shows the complete frame of the current settings.

        Returns False if that took more than ``timeout`` seconds. Called on the kernel's
        own thread (a notebook cell) it shows the newest frame itself.
        """
        return self._scheduler.wait_settled(timeout)

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

    def _update_status(self, f: Frame) -> None:
        # a view whose chosen layer is gone says so here too (it shows the top one)
        notes = [(view.NAME, view.frame_info.get("layer_note")) for view in self.views]
        self.status.value = status_html(f, [f"{name}: {note}" for name, note in notes if note])

    # -- hosts ---------------------------------------------------------------------------------
    def _display_(self) -> Any:
        """marimo's display hook. marimo renders anywidgets but not ipywidgets containers,
        so there the Explorer shows its anywidget ``ControlPanel`` above the three views."""
        import marimo as mo

        from rnnviz.widgets.control_panel import bind_panel

        if getattr(self, "_panel", None) is None:
            self._panel = bind_panel(self)
        return mo.vstack([self._panel, *self.views])

    @property
    def panel(self) -> Any:
        """The anywidget ControlPanel shown in marimo (None until the Explorer is shown there)."""
        return getattr(self, "_panel", None)

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
        # the frame of the current settings (a change made just before is built first)
        f = self.frame if hasattr(self, "_scheduler") else self._frame
        return describe(self.config, self._model, f)


def _same_drawing(shown: Frame | None, frame: Frame) -> bool:
    """True when a view showing ``shown`` already draws what ``frame`` holds for it: the same
    settings give the same run (the simulator is deterministic) and the same overflow flag."""
    return (
        shown is not None
        and shown.settings == frame.settings
        and shown.overflowed == frame.overflowed
    )
