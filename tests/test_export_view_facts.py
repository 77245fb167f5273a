"""What the export reads of a view, each view declares itself; every selector is exported.

Each view declares its selectors (``SELECTORS``) and whether it draws the time cursor
(``USES_TIME``); the export keeps no list or default of its own.

A selector is a view's own trait whose choice makes the kernel send other data (the
heatmap's quantity and layer, the gradient panel's layer). The export page has no kernel,
so it answers those choices from states precomputed for every option; a selector the
export does not know of would silently do nothing on the page. The selectors are found
here by what they do (set each own trait of each view to every value it takes and watch
the state the kernel would send), not read from a list, so a view that grows a selector
fails this test until it declares it, and the page then precomputes it.
"""

from __future__ import annotations

import json
import re

import anywidget
import pytest
import traitlets

import rnnviz.widgets.graph  # noqa: F401  (every view class defined)
from rnnviz.export import page_html
from rnnviz.frame import build_frame
from rnnviz.widgets._base import ViewBase

#: A frame where every selector has a choice: gates and a cell state, two layers.
FRAME = build_frame(cell="lstm", layers=2, units=3, timesteps=4)


def _view_classes() -> list[type]:
    """rnnviz's concrete views: every subclass of ViewBase in rnnviz that draws a frame."""
    found, todo = {}, [ViewBase]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("rnnviz.") and cls._payload is not ViewBase._payload:
            found.setdefault((cls.__module__, cls.__qualname__), cls)
    return sorted(found.values(), key=lambda c: c.__name__)


def _own_traits(cls: type) -> list[str]:
    """The view's own synced traits: not anywidget's, not drawn from the frame."""
    base = set(anywidget.AnyWidget.class_trait_names(sync=True))
    names = cls.class_trait_names(sync=True)
    return sorted(
        n
        for n in names
        if n not in base and n not in cls._data_traits() and n not in ("frame_info",)
        if not n.startswith("_")
    )


def _strings(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*map(_strings, value.values())) if value else set()
    if isinstance(value, (list, tuple)):
        return set().union(*map(_strings, value)) if value else set()
    return set()


def _candidates(view: ViewBase, name: str) -> list:
    """Every value the trait ``name`` might take for this frame."""
    trait, now = view.traits()[name], getattr(view, name)
    if isinstance(trait, traitlets.Bool):
        return [not now]
    if isinstance(trait, traitlets.Int):
        return [v for v in range(-1, len(FRAME.states) + 2) if v != now]
    if isinstance(trait, traitlets.Enum):
        return [v for v in trait.values if v != now]
    if isinstance(trait, traitlets.Unicode):
        return sorted(_strings(view.frame_info) - {now})
    raise AssertionError(f"{type(view).__name__}.{name}: a trait kind this test cannot set")


def _changes(cls: type, name: str, value) -> set[str] | None:
    """Keys of the kernel's state that change when ``name`` is set to ``value`` (None: the
    view refuses the value)."""
    view = cls(frame=FRAME)
    before = view.get_state()
    try:
        setattr(view, name, value)
    except (traitlets.TraitError, ValueError, TypeError):
        return None
    after = view.get_state()
    view.close()
    return {k for k in after if k != name and after[k] != before[k]}


def _payload(text: str) -> dict:
    found = re.search(
        r'<script type="application/json" id="rnnviz-payload">(.*?)</script>', text, re.S
    )
    return json.loads(found.group(1))


@pytest.mark.parametrize("cls", _view_classes(), ids=lambda c: c.__name__)
def test_every_selector_a_view_has_is_declared_and_exported(cls):
    selectors = {}
    for name in _own_traits(cls):
        for value in _candidates(cls(frame=FRAME), name):
            changed = _changes(cls, name, value)
            if changed:
                selectors.setdefault(name, {})[value] = changed
    # what the view does is what it declares, both ways (so this search is not blind)
    assert set(selectors) == set(cls.SELECTORS), (
        f"{cls.__name__}: traits that change what the kernel sends {sorted(selectors)}, "
        f"declared SELECTORS {sorted(cls.SELECTORS)}"
    )
    view = cls(frame=FRAME)
    payload = _payload(page_html([view], sweep=None))
    assert set(selectors) <= set(payload["selectors"])
    variants = payload["frames"][0]["variants"][0]
    original = {name: getattr(view, name) for name in cls.SELECTORS}
    for name, answers in selectors.items():
        for value, changed in answers.items():
            key = {**original, name: value}
            patch = [v["patch"] for v in variants if v["key"] == key]
            assert patch, f"{cls.__name__}: the page cannot show {name}={value!r}"
            assert set(patch[0]) == changed, f"{cls.__name__}: {name}={value!r}"


def test_the_search_finds_the_views():
    names = {c.__name__ for c in _view_classes()}
    assert {"UnrolledGraph", "StateHeatmap", "GradientFlow", "EigenView"} <= names


@pytest.mark.parametrize("cls", _view_classes(), ids=lambda c: c.__name__)
def test_every_view_says_whether_it_draws_the_time_cursor(cls):
    """The export page's one scrubber drives the views that draw its cursor: a view says
    so itself (the export assumed True for a view that did not say)."""
    assert isinstance(cls.USES_TIME, bool)
    assert any("USES_TIME" in vars(k) for k in cls.__mro__ if k.__module__.startswith("rnnviz."))


def test_a_view_without_the_time_cursor_shares_a_page_with_any_timesteps():
    from rnnviz.widgets import EigenView, StateHeatmap

    short, long_ = build_frame(units=3, timesteps=4), build_frame(units=3, timesteps=9)
    assert EigenView.USES_TIME is False
    page_html([StateHeatmap(short), EigenView(long_)], sweep=None)  # accepted
    with pytest.raises(ValueError, match="the same timesteps"):
        page_html([StateHeatmap(short), StateHeatmap(long_)], sweep=None)


def test_a_refused_source_is_told_every_view_there_is(monkeypatch):
    """The message names the views rnnviz.widgets has, not a list kept in the export (which
    a new view would be missing from)."""
    import rnnviz.widgets as package
    from rnnviz.widgets import StateHeatmap

    class NewView(StateHeatmap):
        pass

    monkeypatch.setattr(package, "NewView", NewView, raising=False)
    monkeypatch.setattr(package, "__all__", [*package.__all__, "NewView"])
    with pytest.raises(TypeError) as refused:
        page_html(42)
    for name in ("UnrolledGraph", "StateHeatmap", "GradientFlow", "EigenView", "NewView"):
        assert name in str(refused.value)
    assert "ControlPanel" not in str(refused.value)  # a widget, but no view of a frame
