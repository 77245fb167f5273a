"""Views are pure renderers of a frame: no settings of their own, never out of step.

A view alone shows exactly the settings it was made from; a view of an Explorer cannot
diverge from it (assigning a setting on the view raises and changes nothing, and the
Explorer's views always share one frame); what is drawn is decided once, in the frame.
"""

from __future__ import annotations

import contextlib
import gc
import sys

import pytest
import traitlets

import rnnviz
from rnnviz.frame import build_forward, build_frame, compose
from rnnviz.settings import SPECS
from rnnviz.widgets import EigenView, GradientFlow, StateHeatmap, UnrolledGraph
from rnnviz.widgets._base import ViewBase

VIEWS = [UnrolledGraph, StateHeatmap, GradientFlow, EigenView]
GIVEN = {"units": 32, "timesteps": 9, "cell": "gru", "weight_scale": 0.7, "activation": "relu"}


@pytest.mark.parametrize("view_class", VIEWS, ids=lambda c: c.__name__)
def test_a_view_alone_shows_exactly_the_settings_it_was_given(view_class):
    view = view_class.from_settings(**GIVEN)
    info = view.frame_info
    assert {k: info["settings"][k] for k in GIVEN} == GIVEN
    assert {k: getattr(view, k) for k in GIVEN} == GIVEN
    if view_class is StateHeatmap:
        assert view.values.shape == (32, 9)  # 32 rows: one per unit
    if view_class is UnrolledGraph:
        assert [s.shape for s in view.states] == [(9, 32)]
    if view_class is GradientFlow:
        assert view.log10_jacobian_norms.shape == (10,)
    if view_class is EigenView:
        assert view.singular_values.shape == (32,)


@pytest.mark.parametrize("view_class", VIEWS, ids=lambda c: c.__name__)
def test_settings_as_keywords_are_refused_not_ignored(view_class):
    with pytest.raises(
        AttributeError, match=rf"{view_class.__name__}.from_settings\(units=\.\.\.\)"
    ):
        view_class(units=32)


@pytest.mark.parametrize("view_class", VIEWS, ids=lambda c: c.__name__)
def test_views_have_no_settings_traits(view_class):
    synced = set(view_class.class_trait_names(sync=True))
    assert synced & set(SPECS) == set()
    assert "frame_info" in synced


@pytest.fixture(scope="module")
def explorer():
    return rnnviz.explore(units=8, timesteps=6)


def test_a_setting_assigned_on_any_view_raises_and_changes_nothing(explorer):
    ex = explorer
    for view in ex.views:
        name = type(view).__name__
        before = (view.frame, dict(view.frame_info))
        with pytest.raises(AttributeError) as info:
            view.units = 64
        assert f"{name}.units" in str(info.value)
        assert "ex.units = 64" in str(info.value)
        assert f"{name}.from_settings(units=...)" in str(info.value)
        assert (view.frame, view.frame_info) == before
        assert view.units == ex.units == 8


def test_the_explorer_views_always_share_one_frame(explorer):
    ex = explorer
    for change in ({"units": 12}, {"cell": "lstm"}, {"timesteps": 4}, {"architecture": "seq2seq"}):
        for name, value in change.items():
            setattr(ex, name, value)
        frame = ex.frame
        for view in ex.views:
            assert view.frame is frame, type(view).__name__
            assert view.frame_info["settings"] == ex.settings


def test_colour_ranges_are_the_frame_s(explorer):
    """The heatmap and the graph send Frame.colour_range; the export figure uses it too."""
    frame = build_frame(activation="linear", layers=2, units=6, timesteps=7, weight_scale=1.4)
    heatmap = StateHeatmap(frame)
    graph = UnrolledGraph(frame)
    assert heatmap.frame_info["range"] == list(frame.colour_range("h", layer=1))
    assert graph.frame_info["state_range"] == list(frame.colour_range("h"))
    heatmap.layer = 0
    assert heatmap.frame_info["range"] == list(frame.colour_range("h", layer=0))
    lstm = StateHeatmap(build_frame(cell="lstm", units=5, timesteps=6), quantity="c")
    assert lstm.frame_info["range"] == list(lstm.frame.colour_range("c", layer=0))
    from rnnviz.export import to_figures

    figure = to_figures(frame)["heatmap"].data[0]
    assert [figure.zmin, figure.zmax] == list(frame.colour_range("h", layer=1))


def test_every_view_defines_its_payload():
    # ViewBase._payload is the one hook a view must define; it raises for a class without it.
    from rnnviz.widgets.eigen import EigenView
    from rnnviz.widgets.gradients import GradientFlow
    from rnnviz.widgets.graph import UnrolledGraph
    from rnnviz.widgets.heatmap import StateHeatmap

    for cls in (UnrolledGraph, StateHeatmap, GradientFlow, EigenView):
        assert cls._payload is not ViewBase._payload, cls.__name__

    class NoPayload(ViewBase):  # a whole widget, not one half-built with object.__new__
        _esm = "export default {};"

    with (
        _unraisable() as ignored,
        pytest.raises(NotImplementedError, match="a view subclass must return the traits"),
    ):
        NoPayload()
    assert ignored == []


@contextlib.contextmanager
def _unraisable():
    """The exceptions Python ignores (``__del__`` …) inside the block, a garbage collection
    at its end included: what pytest reports as PytestUnraisableExceptionWarning."""
    seen, hook = [], sys.unraisablehook
    sys.unraisablehook = lambda u: seen.append(f"{u.exc_type.__name__}: {u.exc_value}")
    try:
        yield seen
    finally:
        gc.collect()
        sys.unraisablehook = hook


PARTIAL = "partial"  # a frame without its analysis


@pytest.mark.parametrize(
    ("view_class", "frame_kind", "options", "error"),
    [
        (StateHeatmap, "complete", {"quantity": "c"}, ValueError),  # no c_t in an rnn frame
        (GradientFlow, PARTIAL, {}, ValueError),  # it needs the Jacobian curve
        (GradientFlow, "complete", {"layer": 5}, traitlets.TraitError),
    ],
)
def test_a_view_that_refuses_its_frame_or_options_is_not_left_open(
    view_class, frame_kind, options, error
):
    """The constructor fails after the widget opened its comm: it closes it again, so no
    half-built view stays open in ipywidgets' registry (alive) for the rest of the kernel,
    and nothing raises when it is collected."""
    import weakref

    begun = []

    class Tracked(view_class):
        def __init__(self, *args, **kwargs):
            begun.append(weakref.ref(self))
            super().__init__(*args, **kwargs)

    frame = build_frame(units=3, timesteps=4)
    if frame_kind == PARTIAL:
        frame = compose(build_forward(frame.settings))
    with _unraisable() as ignored:
        with pytest.raises(error):
            Tracked(frame, **options)
        gc.collect()
        assert len(begun) == 1
        assert begun[0]() is None, "a view that failed to build is still open (ipywidgets holds it)"
    assert ignored == []


def test_every_switch_of_a_view_takes_true_or_false_only():
    """A view's switches are its Bool options, whatever their name: the base knew only
    presenter and rolled, so a new switch given "yes" failed with traitlets' own error."""

    class Flipped(StateHeatmap):
        VIEW_OPTIONS = (*StateHeatmap.VIEW_OPTIONS, "flipped")
        flipped = traitlets.Bool(False).tag(sync=True)

    frame = build_frame(units=2, timesteps=3)
    with pytest.raises(TypeError, match="flipped must be True or False; got 'yes'"):
        Flipped(frame, flipped="yes")
    assert Flipped(frame, flipped=True).flipped is True
    assert "flipped" not in Flipped._data_traits()  # the view's own state, not the frame's
    with pytest.raises(TypeError, match="presenter must be True or False; got 1"):
        UnrolledGraph(frame, presenter=1)


@pytest.mark.parametrize("view_class", VIEWS, ids=lambda c: c.__name__)
def test_a_closed_view_is_freed_with_its_frame(view_class):
    """anywidget ties every instance to its class's module file (for hot reloading): each
    view ever made, and the frame it holds, stayed in memory for the whole kernel."""
    import weakref

    frame = build_frame(units=3, timesteps=4)
    views = [view_class(frame) for _ in range(3)]
    refs = [weakref.ref(v) for v in views]
    for view in views:
        view.close()
    del views, view
    gc.collect()
    assert [r() for r in refs] == [None] * 3


def test_hot_reloading_keeps_the_views_module_file(monkeypatch):
    """With ANYWIDGET_HMR=1 (README, JS development) a view keeps anywidget's watched file,
    so a rebuilt bundle reaches the running views; else its module is given as text."""
    import warnings

    from rnnviz.widgets._base import bundle

    monkeypatch.setenv("ANYWIDGET_HMR", "1")
    with warnings.catch_warnings():  # "install watchfiles": whether it watches is not the point
        warnings.simplefilter("ignore", UserWarning)

        class Watched(StateHeatmap):
            _esm = bundle("heatmap")

    monkeypatch.delenv("ANYWIDGET_HMR")

    class Plain(StateHeatmap):
        _esm = bundle("heatmap")

    assert not isinstance(Watched._esm, str)
    assert str(Watched._esm) == Plain._esm == bundle("heatmap").read_text(encoding="utf-8")


def _quiz():
    import rnnviz

    return rnnviz.predict("How many?", 3, why="three")


def _trainer():
    import rnnviz

    return rnnviz.train(cell="rnn", task="adding", units=4, delay=4, batch=2, seed=0)


def _panel():
    from rnnviz.widgets.control_panel import ControlPanel

    return ControlPanel()


def _switch():
    from rnnviz.widgets._stage import StageSwitch

    return StageSwitch()


@pytest.mark.parametrize("make", [_quiz, _trainer, _panel, _switch], ids=lambda f: f.__name__[1:])
def test_every_closed_rnnviz_widget_is_freed(make):
    """Not only the views: the quiz (its answer), the trainer (its model and runs), the
    control panel and the stage's switch stayed in memory after close() the same way."""
    import weakref

    from rnnviz.widgets._base import BundledWidget

    widgets = [make() for _ in range(2)]
    assert all(isinstance(w, BundledWidget) for w in widgets)
    refs = [weakref.ref(w) for w in widgets]
    for widget in widgets:
        widget.close()
    del widgets, widget
    gc.collect()
    assert [r() for r in refs] == [None] * 2
