"""What the exports need from the rest of rnnviz: declared interfaces, imported here only.

The exports read nothing private of anywidget or of the views. They use

- ``Frame``: everything drawn; ``frame_of`` makes one from settings and the frame's model
  (views exported alone are swept with it); ``SCALE_SWEEP``
  / ``CELL_SWEEP``: the overlay values (one fixed colour each);
- ``SPECS`` / ``validate_settings``: the settings, their labels and the rules linking them
  (a sweep moves one setting as its control would); ``format_number``: the views' numbers;
- ``bundle(name)``: the path of the built JS module ``rnnviz/static/<name>.js``;
- :class:`Exportable`: what an Explorer offers (settings, the frame shown, the views in
  display order, and ``frame_for`` to build the frame of other settings from the same model);
- :class:`ExportableView`: an anywidget view that draws a frame (``frame``, ``show(frame)``,
  ipywidgets' ``get_state()``, ``VIEW_OPTIONS``: its display options, ``SELECTORS``: those
  whose choices the page answers from precomputed states, ``USES_TIME``: whether it draws
  the time scrubber's cursor, ``PAGE_GLOBALS``: the libraries its JS reads from the page);
  its JS module is the bundle named after the Python module that defines the view's class
  (``rnnviz/widgets/heatmap.py`` ↔ ``js/src/heatmap.js``, see :func:`bundle_name`).

This is the one module of ``rnnviz/export`` that imports from ``rnnviz.widgets`` (when
``Frame`` moves, this is the line to change).
"""

from __future__ import annotations

import pathlib
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import anywidget

from rnnviz.frame import CELL_SWEEP, SCALE_SWEEP, Frame, format_number, frame_of
from rnnviz.frame.timeline import run_steps, timeline
from rnnviz.settings import SPECS, did_you_mean, validate_settings
from rnnviz.widgets._base import ViewBase, bundle

__all__ = [
    "CELL_SWEEP",
    "SCALE_SWEEP",
    "SPECS",
    "Exportable",
    "ExportableView",
    "Frame",
    "ViewsSource",
    "bundle",
    "bundle_name",
    "did_you_mean",
    "format_number",
    "is_view",
    "page_bundle",
    "page_globals",
    "run_steps",
    "scrubber_frame",
    "selectors",
    "timeline",
    "validate_settings",
    "view_class",
    "view_names",
]


@runtime_checkable
class ExportableView(Protocol):
    """A view the page can show: an ``anywidget.AnyWidget`` that draws one frame."""

    frame: Frame
    #: The view's own display options (traits such as ``quantity``), kept by the export.
    VIEW_OPTIONS: tuple[str, ...]
    #: Its selectors (``{"quantity": "quantities"}``): trait -> the attribute listing its
    #: options ([key, label] pairs, or names chosen by index); the page answers every
    #: choice from states precomputed here.
    SELECTORS: dict[str, str]
    #: Whether it draws the time scrubber's cursor (the page's one scrubber drives it).
    USES_TIME: bool
    #: JS libraries the view's bundle reads from the page, where no kernel serves them:
    #: global name -> bundle (``{"Plotly": "plotly_runtime"}``), inlined once per page.
    PAGE_GLOBALS: dict[str, str]

    def show(self, frame: Frame) -> None:
        """Draw ``frame`` (all traits the JS reads come from it)."""

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict:
        """The synced traits (ipywidgets), as the JS module receives them."""


@runtime_checkable
class Exportable(Protocol):
    """Something with several views of one frame (the Explorer)."""

    @property
    def settings(self) -> dict:
        """Every setting of the frame shown (``frame_for(**settings)`` rebuilds it)."""

    @property
    def frame(self) -> Frame:
        """The frame the views show."""

    @property
    def views(self) -> tuple:
        """The :class:`ExportableView` s, in display order."""

    def frame_for(self, **settings: Any) -> Frame:
        """The frame of other ``settings``, from the same model (a sweep's frames)."""


def view_names() -> list[str]:
    """The names of rnnviz's views: the classes ``rnnviz.widgets`` exports that draw a frame
    (for messages; a new view is named without a line here)."""
    import rnnviz.widgets as package

    classes = (getattr(package, name) for name in package.__all__)
    return [c.__name__ for c in classes if isinstance(c, type) and issubclass(c, ViewBase)]


def is_view(obj: object) -> bool:
    """True for an anywidget view that draws a frame (:class:`ExportableView`)."""
    return isinstance(obj, anywidget.AnyWidget) and isinstance(obj, ExportableView)


class ViewsSource:
    """Views exported without an Explorer, as an :class:`Exportable`. Each view is drawn
    with its own frame (``frames_at``), and a sweep's frames come from each view's own
    settings and model (``frame.model``: a user's model, whose settings stay fixed, else
    rnnviz's own cells built from the settings). ``frame`` / ``settings``: the first view's.

    The page has one time scrubber and one sweep slider: views whose frames disagree on
    what those mean (other timesteps, architecture or decoder steps; another value of the
    swept setting) cannot share a page, and ``frames_at`` says so (``ValueError``).
    """

    def __init__(self, views: list) -> None:
        self.views = tuple(views)
        self.frame = self.views[0].frame
        self.settings = dict(self.frame.settings)
        self._built: dict[tuple, Frame] = {}

    def frame_for(self, **settings: Any) -> Frame:
        return self._frame_of(self.frame.model, settings)

    def frames_at(self, sweep: str | None, value: Any, swept: Any = None) -> list[Frame]:
        """One frame per view: its own (``sweep`` None), else its own settings with
        ``sweep`` moved to ``value`` (``swept(settings, sweep, value)``), from its model."""
        if sweep is None:
            frames = [view.frame for view in self.views]
        else:
            _same(self.views, lambda f: f.settings.get(sweep), f"the same {sweep} (the sweep")
            frames = [
                self._frame_of(v.frame.model, swept(v.frame.settings, sweep, value))
                for v in self.views
            ]
        timed = [(v, f) for v, f in zip(self.views, frames, strict=True) if _uses_time(v)]
        _same(
            tuple(v for v, _ in timed),
            _scrubber_steps,
            "the same timesteps (the time scrubber",
            [f for _, f in timed],
        )
        return frames

    def _frame_of(self, model: Any, settings: dict) -> Frame:
        """The frame of ``settings`` with ``model`` (``frame_of``, built once per page)."""
        key = (id(model), repr(sorted(settings.items())))
        if key not in self._built:
            self._built[key] = frame_of(settings, model)
        return self._built[key]


def _uses_time(view: Any) -> bool:
    """Whether the view draws the time scrubber's cursor (its ``USES_TIME``)."""
    return bool(type(view).USES_TIME)


def _scrubber_steps(frame: Frame) -> str:
    """What the page's one time scrubber steps through (``rnnviz.frame.timeline``): "5 steps"
    (seq2seq: the encoder's, then the decoder's, "encoder 5 + decoder 3 steps")."""
    segments = timeline(frame.settings)
    return " + ".join(f"{s['name']} {s['steps']}".strip() for s in segments) + " steps"


def scrubber_frame(views: Sequence, frames: Sequence[Frame]) -> Frame:
    """The frame whose timeline the page's time scrubber walks: the first view's that draws
    the cursor (they all agree, ``ViewsSource.frames_at``), else the first."""
    return next((f for v, f in zip(views, frames, strict=True) if _uses_time(v)), frames[0])


def _same(views: tuple, fact: Any, what: str, frames: list | None = None) -> None:
    """Refuse views whose frames differ in ``fact``: the page has one control for it."""
    frames = [view.frame for view in views] if frames is None else frames
    values = [fact(f) for f in frames]
    if len(set(values)) > 1:
        got = ", ".join(f"{type(v).__name__}: {x}" for v, x in zip(views, values, strict=True))
        raise ValueError(
            f"views exported together need {what} is one for the whole page); got {got}. "
            "Export them one at a time (to_html(view)), or show them with the same settings."
        )


def _has_bundle(name: str) -> bool:
    try:
        bundle(name)
    except FileNotFoundError:
        return False
    return True


def _view_classes(view_class: type):
    """The classes of ``view_class``'s MRO, without the copies traitlets' ``add_traits``
    makes per instance (a subclass with the same module and name as its base)."""
    for klass, base in zip(view_class.__mro__, view_class.__mro__[1:], strict=False):
        if (klass.__module__, klass.__qualname__) != (base.__module__, base.__qualname__):
            yield klass


def _rnnviz_view_class(view_class: type) -> tuple[type, str]:
    """The first class of the MRO whose Python module has a JS bundle of the same name."""
    for klass in _view_classes(view_class):
        name = klass.__module__.rsplit(".", 1)[-1]
        if klass.__module__.startswith("rnnviz.") and _has_bundle(name):
            return klass, name
    raise TypeError(
        f"{view_class.__name__} is no rnnviz view: the export inlines the built JS module "
        "rnnviz/static/<name>.js of the rnnviz module that defines the view "
        f"(none among {[k.__module__ for k in view_class.__mro__]})."
    )


def bundle_name(view_class: type) -> str:
    """The name of a view class's JS module: the name of the rnnviz module that defines it
    (``rnnviz.widgets.heatmap.StateHeatmap`` → ``heatmap``, built from js/src/heatmap.js;
    a subclass defined elsewhere uses its rnnviz base's module)."""
    return _rnnviz_view_class(view_class)[1]


def view_class(view: Any) -> type:
    """The rnnviz class to build a fresh copy of ``view`` with (``cls(frame=...)``)."""
    return _rnnviz_view_class(type(view))[0]


def page_globals(views: list) -> dict[str, str]:
    """Global name -> bundle of every JS library ``views`` read from the page (each once,
    in the order the views first declare them: their ``PAGE_GLOBALS``)."""
    out: dict[str, str] = {}
    for view in views:
        for name, module in type(view).PAGE_GLOBALS.items():
            if out.setdefault(name, module) != module:
                raise ValueError(
                    f"two views want different bundles as the page's {name}: "
                    f"{out[name]!r} and {module!r}."
                )
    return out


def selectors(views: list) -> list[str]:
    """Every selector trait of ``views`` (their ``SELECTORS``), each once, in view order."""
    return list(dict.fromkeys(name for view in views for name in type(view).SELECTORS))


def page_bundle() -> pathlib.Path:
    """The export page's own JS module (built from ``js/src/page.js``)."""
    return bundle("page")
