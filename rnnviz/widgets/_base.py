"""The one base of every rnnviz view: a pure renderer of a ``Frame``.

A view has no settings of its own. It is made from a frame (``View(frame)``) or from
settings (``View.from_settings(units=32)``, which builds the frame and shows exactly those
settings), and ``view.show(frame)`` redraws it. What it draws crosses to the front end as
one JSON-able ``frame_info`` trait (the frame's settings and the small facts the view
needs: shapes, colour ranges, readouts) plus float32 buffers (``_buffers.py``); only the
state of the view itself (presenter, the scrubber's ``t_cursor`` and ``phase``,
``updating``, and per-view choices such as the heatmap's quantity) are traits of their own.

Reading a setting (``view.units``) reads the frame's; assigning one raises an
``AttributeError`` that says what to do instead (``ex.units = 64`` on the Explorer, or
``View.from_settings(units=64)``), and changes nothing: a view can never disagree with the
Explorer it is part of.
"""

from __future__ import annotations

import os
import pathlib
from typing import Any, ClassVar

import anywidget
import numpy as np
import traitlets

from rnnviz.frame import Frame, build_frame
from rnnviz.frame.timeline import timeline
from rnnviz.settings import SPECS, did_you_mean

__all__ = [
    "PHASES",
    "ReadOnlyError",
    "ViewBase",
    "ViewValueError",
    "bundle",
    "read_only",
    "setting_error",
]

STATIC = pathlib.Path(__file__).resolve().parent.parent / "static"

PHASES = ("forward", "backward")


def bundle(name: str) -> pathlib.Path:
    """Path of the built JS module ``rnnviz/static/<name>.js`` (built from ``js/src/<name>.js``)."""
    path = STATIC / f"{name}.js"
    if not path.exists():
        raise FileNotFoundError(
            f"rnnviz's front-end bundle {path} is missing. It is built from js/ by the package "
            "build: reinstall with `pip install -e .` (or run `npm run build` in js/)."
        )
    return path


#: Traits of every widget that are no option of a view (left out of suggestions).
_INTERNAL = {"comm", "keys", "log", "tabbable", "tooltip", "layout", "frame_info"}


class ReadOnlyError(traitlets.TraitError, AttributeError):
    """Something drawn from the frame was assigned (an ``AttributeError``)."""


class ViewValueError(traitlets.TraitError, ValueError):
    """A rejected value of a view's own state (a ``ValueError``; a ``TraitError`` so
    traitlets rolls back)."""


def _given(value: Any) -> str:
    return f"an array of shape {value.shape}" if isinstance(value, np.ndarray) else repr(value)


def read_only(view: str, name: str, value: Any, settable: str) -> ReadOnlyError:
    """The error for assigning ``name`` of ``view``, which is drawn from the frame."""
    return ReadOnlyError(
        f"{view}.{name} is drawn from the simulator's frame and cannot be set directly "
        f"(that would show data no run produced); got {_given(value)}. Expected: {settable}."
    )


def setting_error(view: str, name: str, value: Any) -> ReadOnlyError:
    """The error for assigning the setting ``name`` on a view (or giving it as a keyword)."""
    return ReadOnlyError(
        f"{view}.{name} is a setting of the frame the view draws, not of the view: a view has "
        f"no settings of its own, so it never disagrees with the Explorer it is part of; got "
        f"{_given(value)}. Expected: change it on the Explorer (ex.{name} = {value!r}), or "
        f"build a view of other settings with {view}.from_settings({name}=...)."
    )


class BundledWidget(anywidget.AnyWidget):
    """An anywidget whose front end is one of rnnviz's bundles (``_esm = bundle(name)``).

    anywidget turns a path ``_esm`` into a FileContents, and every instance connects a
    closure over itself to its ``changed`` signal (for hot reloading): each widget ever made,
    with what it holds (a view's frame, a quiz's answer, a trainer's model), would stay
    reachable from its class for the whole kernel, closed or not. Unless hot reloading is on
    (ANYWIDGET_HMR=1, README "For JS development"), the module is given as its text, which
    needs no signal.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        esm = cls.__dict__.get("_esm")  # (a trait in the copies traitlets' add_traits makes)
        watched = esm is not None and not isinstance(esm, (str, traitlets.TraitType))
        if watched and os.getenv("ANYWIDGET_HMR") != "1":
            cls._esm = str(esm)


class ViewBase(BundledWidget):
    """A view of one frame (see the module doc). Subclasses define ``_payload(frame)``."""

    #: Short name used in messages ("graph.show(frame)").
    NAME: ClassVar[str] = "view"
    #: Keywords of the constructor and ``from_settings`` that are options of the view.
    VIEW_OPTIONS: ClassVar[tuple[str, ...]] = ("presenter",)
    #: The view's selectors: its own traits whose choice changes what the kernel sends
    #: (another quantity or layer drawn), not only how the JS draws it; each with the
    #: attribute (a key of ``frame_info``) listing its options, as [key, label] pairs or as
    #: names chosen by index. Trait -> that attribute. The export page, which has no
    #: kernel, precomputes every choice of every selector declared here.
    SELECTORS: ClassVar[dict[str, str]] = {}
    #: Whether the view draws the time scrubber's cursor (``t_cursor``, ``phase``): views
    #: that do share one scrubber on the export page, so they must agree on its steps.
    USES_TIME: ClassVar[bool] = True
    #: Options applied after the first frame (they are checked against it).
    AFTER_FRAME: ClassVar[tuple[str, ...]] = ()
    #: JS libraries the view's bundle reads from the page where no kernel serves them (the
    #: export page): global name -> its bundle in rnnviz/static, e.g. {"Plotly": "plotly_runtime"}.
    PAGE_GLOBALS: ClassVar[dict[str, str]] = {}

    frame_info = traitlets.Dict(
        help="What the view draws besides its float32 buffers (JSON): the frame's settings, "
        "shapes, colour ranges, readouts."
    ).tag(sync=True)
    _drawn_traits = traitlets.List(
        help="Every trait the front end draws from (its listeners watch these); set once."
    ).tag(sync=True)
    presenter = traitlets.Bool(False, help="Large fonts and thick lines for projectors.").tag(
        sync=True
    )
    t_cursor = traitlets.Int(
        -1,
        help="Step g of the run highlighted by the scrubber (-1: none); each layer reads it "
        'against frame_info["timeline"] (seq2seq: encoder steps, then decoder steps).',
    ).tag(sync=True)
    phase = traitlets.Unicode("forward", help='Scrubber phase: "forward" or "backward".').tag(
        sync=True
    )
    updating = traitlets.Bool(
        False, help="True while newer settings are being analysed (the view shows the last result)."
    ).tag(sync=True)

    def __init__(self, frame: Frame | None = None, **options: Any) -> None:
        name = type(self).__name__
        settings = [k for k in options if k in SPECS and k not in self.VIEW_OPTIONS]
        if settings:
            raise setting_error(name, settings[0], options[settings[0]])
        # traitlets would drop an unknown keyword with a warning: a typo must not pass.
        unknown = [k for k in options if not k.startswith("_") and not self._is_option(k)]
        if unknown:
            takes = ["frame", *self._options()]
            plural = "arguments" if len(unknown) > 1 else "argument"
            raise TypeError(
                f"{name}() got unknown keyword {plural} {', '.join(map(repr, unknown))}"
                f"{did_you_mean(unknown, [*takes, *SPECS])}; it takes {', '.join(takes)}. "
                f"Settings go to {name}.from_settings(...)."
            )
        traits = self.class_traits()
        for key in self.VIEW_OPTIONS:  # a switch (presenter, rolled …) takes True or False only
            if isinstance(traits.get(key), traitlets.Bool) and key in options:
                value = options[key]
                if not isinstance(value, (bool, np.bool_)):
                    raise TypeError(f"{key} must be True or False; got {value!r}.")
                options[key] = bool(value)
        after = {k: options.pop(k) for k in self.AFTER_FRAME if k in options}
        self.frame: Frame | None = None
        self._showing = False
        super().__init__(_drawn_traits=self.drawn_traits(), **options)
        try:
            self.show(frame if frame is not None else build_frame())
            for key, value in after.items():
                setattr(self, key, value)
        except BaseException:
            # Never left half-built: the widget opened its comm and ipywidgets holds it
            # (Widget.widgets) until it is closed, so a refused frame or option would leave
            # a view that draws nothing, open for the rest of the kernel.
            self.close()
            raise
        self._ready = True

    @classmethod
    def from_settings(cls, **settings: Any) -> ViewBase:
        """The view of the frame built from ``settings`` (any of ``rnnviz.settings.SPECS``,
        see ``rnnviz.explore``); the view's own options (``VIEW_OPTIONS``, e.g.
        ``presenter``) may be given too. It shows exactly these settings."""
        options = {k: settings.pop(k) for k in cls.VIEW_OPTIONS if k in settings}
        return cls(build_frame(**settings), **options)

    # -- drawing -------------------------------------------------------------------------
    def show(self, frame: Frame) -> None:
        """Draw ``frame``: every trait that changes in one message. A bad frame changes
        nothing."""
        if not isinstance(frame, Frame):
            raise TypeError(
                f"show() expects a Frame; got {type(frame).__name__} (build frames with "
                "rnnviz.frame.build_frame(**settings))."
            )
        payload = self._payload(frame)  # checks the frame before anything changes
        self._assign(payload)
        self.frame = frame

    def _payload(self, frame: Frame) -> dict[str, Any]:
        """Trait name -> value for ``frame``, ``frame_info`` included.

        The one hook a view defines (ViewBase itself draws nothing; anywidget's metaclass
        rules out ``abc.abstractmethod`` here): see CONTRIBUTING.md, "Add a view"."""
        raise NotImplementedError(
            f"{type(self).__name__} is a view without _payload(frame): a view subclass must "
            "return the traits it draws from a frame (see CONTRIBUTING.md, 'Add a view')."
        )

    def _info(self, frame: Frame, **extra: Any) -> dict[str, Any]:
        """The ``frame_info`` every view sends: the frame's settings, T of what it shows,
        the run's timeline (what a cursor value ``t_cursor`` means in each layer:
        ``rnnviz.frame.timeline``) and the view's own facts (``extra``; what a view needs to
        know about the cell comes from ``rnnviz.frame.cells``, never from comparing its name)."""
        return {
            "settings": dict(frame.settings),
            "timesteps": frame.timesteps,
            "timeline": timeline(frame.settings),
            **extra,
        }

    def _assign(self, payload: dict[str, Any]) -> None:
        self._showing = True
        try:
            with self.hold_sync(), self.hold_trait_notifications():
                for name, value in payload.items():
                    setattr(self, name, value)
        finally:
            self._showing = False

    @classmethod
    def drawn_traits(cls) -> list[str]:
        """Every synced trait the front end draws from (what its listeners watch)."""
        base = set(anywidget.AnyWidget.class_trait_names(sync=True))
        names = cls.class_trait_names(sync=True)
        return sorted(n for n in names if n not in base and not n.startswith("_"))

    # -- settings are the frame's ----------------------------------------------------------
    def _is_option(self, name: str) -> bool:
        return self.has_trait(name) and name not in _INTERNAL and name not in self._data_traits()

    def _options(self) -> list[str]:
        return sorted(n for n in self.trait_names(sync=True) if self._is_option(n))

    @classmethod
    def _data_traits(cls) -> set[str]:
        """Traits drawn from the frame: everything synced but the view's own state."""
        own = {*ViewBase.drawn_traits(), *cls.VIEW_OPTIONS} - {"frame_info"}  # presenter …
        return {n for n in cls.drawn_traits() if n not in own}

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails: a setting or a fact of the frame shown.
        state = self.__dict__
        frame = state.get("frame")
        info = state.get("_trait_values", {}).get("frame_info") or {}
        if not name.startswith("_") and frame is not None:
            if name in info:
                return info[name]
            if name in frame.settings:
                return frame.settings[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if self.__dict__.get("_ready") and not self.__dict__.get("_showing"):
            view = type(self).__name__
            if name in SPECS and name not in self.VIEW_OPTIONS:
                raise setting_error(view, name, value)
            info = self.__dict__.get("_trait_values", {}).get("frame_info") or {}
            if name in self._data_traits() or (name in info and not self.has_trait(name)):
                raise read_only(
                    view,
                    name,
                    value,
                    f"change a setting (ex.units = 32 on the Explorer, or "
                    f"{view}.from_settings(...)) or draw another frame with "
                    f"{self.NAME}.show(frame)",
                )
        super().__setattr__(name, value)

    @traitlets.validate("phase")
    def _check_phase(self, proposal: Any) -> str:
        value = proposal["value"]
        if value not in PHASES:
            raise ViewValueError(f"phase must be 'forward' or 'backward'; got {value!r}.")
        return value

    @traitlets.validate("t_cursor")
    def _check_t_cursor(self, proposal: Any) -> int:
        value = proposal["value"]
        if value < -1:
            raise ViewValueError(
                f"t_cursor must be a step g ≥ 0 of the run (forward: 1 … N, backward: "
                f"0 … N, N = timesteps, or timesteps + decoder steps in seq2seq) or -1 for "
                f"none; got {value}."
            )
        return value
