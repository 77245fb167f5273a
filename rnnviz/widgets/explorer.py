"""The Explorer: controls + the three linked views, fed by one simulator run per change.

``rnnviz.explore(units=32, cell="lstm")`` returns an ``Explorer`` (an ipywidgets ``VBox``)
that displays itself as the last expression of a cell. Every setting is a traitlet linked
to its control both ways: ``ex.units = 32`` moves the slider and redraws the views, and a
slider drag changes ``ex.units``.

The Explorer is built from three parts, one concept each: this file lays out the controls
and views and holds what concerns the whole widget (a user's model, presenter mode,
export, display hooks, text); ``_explorer_settings.py`` links the settings (traits,
controls, the rules between them); ``_explorer_frames.py`` shows the frames (latest
wins: the newest settings' frame is shown, never a queue of older ones).
"""

from __future__ import annotations

import threading
from typing import Any

import ipywidgets as widgets
import traitlets

from rnnviz.frame import Frame, frame_of
from rnnviz.settings import SPECS, unknown_attribute, validate_settings
from rnnviz.widgets._controls import CSS, TimeTrait, build_controls, set_presenter
from rnnviz.widgets._explorer_frames import FLUSH_DELAY, ExplorerFrames
from rnnviz.widgets._explorer_settings import ExplorerSettings
from rnnviz.widgets._explorer_text import describe
from rnnviz.widgets._setting_traits import Flag, check_presenter, setting_traits
from rnnviz.widgets._stage import Stage
from rnnviz.widgets._user_model import (
    UserModel,
    fixed_reasons,
    fixed_settings,
    starting_settings,
)
from rnnviz.widgets.eigen import EigenView
from rnnviz.widgets.gradients import GradientFlow
from rnnviz.widgets.heatmap import StateHeatmap

__all__ = ["FLUSH_DELAY", "Explorer"]

#: Name of each view in ``Explorer.views`` order (the stage's names).
_VIEW_NAMES = ("graph", "heatmap", "gradients", "eigen")


def _load_graph_class():
    """The UnrolledGraph view, or None while ``rnnviz.widgets.graph`` is not available."""
    try:
        from rnnviz.widgets.graph import UnrolledGraph
    except ImportError:
        return None
    return UnrolledGraph


class Explorer(ExplorerSettings, ExplorerFrames, widgets.VBox):
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
    time = TimeTrait(help="Scrubber: 0 off, 1…N forward, N+1…2N+1 backward (N = T; seq2seq T + S).")

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
        start = starting_settings(self._model)  # a model: its weights as trained
        given = {**start, **settings, **self._fixed_settings(settings)}
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
        self.heatmap = StateHeatmap(frame=frame_of(full, self._model))
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
        self._start_scheduler()
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
        model as this Explorer (used by exports that precompute a sweep): ``frame_of``."""
        return frame_of(settings, self._model)

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
