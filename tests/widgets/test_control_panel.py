"""The anywidget ControlPanel (what the Explorer shows in marimo) and its binding."""

from __future__ import annotations

import pytest

import rnnviz
from rnnviz.settings import CONTROLS, SPECS
from rnnviz.widgets.control_panel import bind_panel, control_specs


def test_every_control_reads_its_range_and_choices_from_the_settings_table():
    specs = {c["name"]: c for c in control_specs()}
    assert list(specs) == list(CONTROLS)
    for name, c in specs.items():
        spec = SPECS[name]
        assert c["kind"] == spec.kind
        if spec.kind in ("int", "float"):
            assert (c["min"], c["max"]) == (spec.low, spec.high)
        if spec.kind == "choice":
            assert [v for v, _ in c["options"]] == list(spec.choices)
    assert specs["cell"]["options"] == [["rnn", "RNN"], ["lstm", "LSTM"], ["gru", "GRU"]]
    assert specs["weight_scale"]["step"] == 0.05


@pytest.fixture
def bound():
    ex = rnnviz.explore(units=8, timesteps=10)
    return ex, bind_panel(ex)


def test_panel_shows_the_explorer_settings(bound):
    ex, panel = bound
    assert panel.values == {n: getattr(ex, n) for n in CONTROLS}
    assert panel.limits == {"truncate": 10}
    assert panel.time_max == 21
    assert "W_hh (8, 8)" in panel.status
    assert "<b>" not in panel.status
    assert "LSTM only" in panel.disabled["forget_bias"]
    ex.cell = "lstm"
    assert panel.disabled == {}


def test_a_change_in_the_page_goes_through_the_explorer(bound):
    ex, panel = bound
    panel.values = {**panel.values, "units": 12}  # what the page sends
    assert ex.units == 12
    assert ex.frame.settings["units"] == 12
    assert panel.error == ""
    ex.timesteps = 15  # and Python changes reach the panel
    assert panel.values["timesteps"] == 15
    assert panel.limits == {"truncate": 15}
    assert panel.time_max == 31


def test_a_refused_value_is_put_back_with_the_error(bound):
    ex, panel = bound
    before = ex.settings
    panel.values = {**panel.values, "units": 999}
    assert ex.settings == before
    assert panel.values["units"] == 8
    assert "units" in panel.error
    assert "999" in panel.error
    panel.values = {**panel.values, "units": 9}  # a good value clears the error
    assert panel.error == ""
    assert ex.units == 9


def test_time_scrubber_both_ways(bound):
    ex, panel = bound
    panel.time = 3
    assert ex.time == 3
    assert panel.time_label == "forward pass, t = 3"
    ex.time = 12
    assert panel.time == 12
    panel.time = 99
    assert ex.time == 12
    assert "time" in panel.error


def test_marimo_display_hook_stacks_panel_and_views():
    mo = pytest.importorskip("marimo")
    ex = rnnviz.explore(units=4, timesteps=5)
    shown = ex._display_()
    assert isinstance(shown, mo.Html)
    panel = ex.panel
    assert panel is not None
    ex._display_()
    assert ex.panel is panel  # built once, reused on re-display
