"""Explorer: settings as attributes linked to controls, one frame per settled change."""

from __future__ import annotations

import asyncio
import threading

import ipywidgets as widgets
import numpy as np
import pytest

import rnnviz
from rnnviz.frame.timeline import time_to_cursor
from rnnviz.sim.result import RunResult
from rnnviz.widgets.explorer import FLUSH_DELAY, Explorer

WAIT = 60  # seconds: a bound on waiting for threads, never a timing assertion


@pytest.fixture
def ex() -> Explorer:
    return rnnviz.explore(timesteps=8)


def _snapshot(ex: Explorer) -> dict:
    return {
        "settings": ex.settings,
        "controls": {n: w.value for n, w in ex.controls.by_setting.items()},
        "builds": ex.frame_builds,
        "frame": ex._frame,
        "heatmap": ex.heatmap.values.copy(),
        "gradients": ex.gradients.log10_jacobian_norms.copy(),
    }


def _assert_same(a: dict, b: dict) -> None:
    assert a["settings"] == b["settings"]
    assert a["controls"] == b["controls"]
    assert a["builds"] == b["builds"]
    assert a["frame"] is b["frame"]
    np.testing.assert_array_equal(a["heatmap"], b["heatmap"])
    np.testing.assert_array_equal(a["gradients"], b["gradients"])


def test_explore_returns_a_vbox_with_all_views():
    ex = rnnviz.explore()
    assert isinstance(ex, widgets.VBox)
    assert ex.frame_builds == 1
    assert ex.heatmap in ex.children[-1].children
    assert ex.gradients in ex.children[-1].children
    assert ex.eigen in ex.children[-1].children  # below the gradients
    assert ex.graph is not None
    assert ex.graph in ex.children
    assert ex.views == (ex.graph, ex.heatmap, ex.gradients, ex.eigen)
    assert ex.heatmap.frame is ex.gradients.frame is ex.graph.frame is ex.eigen.frame is ex.frame


def test_controls_show_full_descriptions():
    c = rnnviz.explore().controls.by_setting
    assert c["units"].description == "units"
    assert c["timesteps"].description == "timesteps"
    assert c["weight_scale"].description == "weight scale"
    assert c["return_sequences"].description == "return_sequences"
    assert c["truncate"].description.startswith("truncate BPTT")
    for w in c.values():
        assert w.style.description_width == "initial"
    assert (c["units"].min, c["units"].max) == (1, 256)
    assert (c["timesteps"].min, c["timesteps"].max) == (1, 200)
    assert (c["weight_scale"].min, c["weight_scale"].max, c["weight_scale"].step) == (
        0.05,
        3.0,
        0.05,
    )
    assert (c["layers"].min, c["layers"].max) == (1, 3)


def test_attribute_drives_slider_and_views(ex):
    ex.units = 32
    assert ex.units == 32
    assert ex.controls.by_setting["units"].value == 32
    assert ex.heatmap.values.shape == (32, 8)
    assert ex.graph.units == 32
    assert ex.gradients.units == 32
    assert ex.frame.settings["units"] == 32
    assert ex.frame_builds == 2


def test_slider_drives_attribute_and_views(ex):
    ex.controls.by_setting["weight_scale"].value = 0.5
    assert ex.weight_scale == 0.5
    assert ex.gradients.theory["sigma_max"] == pytest.approx(0.5, abs=1e-12)
    ex.controls.by_setting["cell"].value = "gru"
    assert ex.cell == "gru"
    assert ex.heatmap.cell == ex.graph.cell == "gru"


def test_slider_change_from_the_front_end_reaches_the_views(ex):
    # what ipywidgets does when a browser moves the slider
    ex.controls.by_setting["timesteps"].set_state({"value": 12})
    assert ex.timesteps == 12
    assert ex.heatmap.values.shape == (16, 12)
    assert ex.gradients.log10_jacobian_norms.shape == (13,)


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("units", 0, ValueError),
        ("units", 257, ValueError),
        ("units", "many", TypeError),
        ("weight_scale", -1.0, ValueError),
        ("cell", "transformer", ValueError),
        ("truncate", 9, ValueError),  # more than timesteps = 8
        ("layers", 0, ValueError),
    ],
)
def test_bad_values_raise_and_change_nothing(ex, name, value, error):
    before = _snapshot(ex)
    with pytest.raises(error) as info:
        setattr(ex, name, value)
    assert name in str(info.value)
    _assert_same(before, _snapshot(ex))


def test_return_sequences_false_is_rejected_for_seq2seq_without_changes():
    ex = rnnviz.explore(architecture="seq2seq", timesteps=5)
    before = _snapshot(ex)
    with pytest.raises(ValueError, match="many-to-one"):
        ex.return_sequences = False
    _assert_same(before, _snapshot(ex))


def test_unknown_keyword_lists_valid_settings():
    with pytest.raises(TypeError) as info:
        rnnviz.explore(hidden_size=8)
    for name in ("units", "timesteps", "weight_scale", "presenter"):
        assert name in str(info.value)


def test_architecture_and_return_sequences_follow_each_other(ex):
    builds = ex.frame_builds
    ex.return_sequences = False
    assert ex.architecture == "many-to-one"
    assert ex.controls.by_setting["architecture"].value == "many-to-one"
    assert ex.frame.shapes["output"] == (1, 16)
    assert ex.frame_builds == builds + 1  # one build for the pair
    ex.architecture = "one-to-many"
    assert ex.return_sequences is True
    assert ex.controls.by_setting["return_sequences"].value is True


def test_lowering_timesteps_lowers_truncate_and_slider_ranges(ex):
    ex.truncate = 6
    ex.timesteps = 4
    assert ex.truncate == 4
    assert ex.controls.by_setting["truncate"].max == 4
    assert ex.controls.time.max == ex.controls.play.max == 9
    assert ex.gradients.truncate == 4


def test_config_round_trip():
    ex = rnnviz.explore()
    assert ex.config == {}
    ex.units = 48
    ex.cell = "lstm"
    ex.architecture = "many-to-one"
    ex.weight_scale = 1.25
    ex.presenter = True
    cfg = ex.config
    assert cfg == {
        "units": 48,
        "cell": "lstm",
        "architecture": "many-to-one",
        "weight_scale": 1.25,
        "presenter": True,
    }
    again = rnnviz.explore(**cfg)
    assert again.settings == ex.settings
    assert again.presenter is True
    np.testing.assert_array_equal(again.heatmap.values, ex.heatmap.values)


def test_presenter_reaches_every_view_and_the_controls(ex):
    ex.presenter = True
    assert all(v.presenter for v in ex.views)
    assert "rnnviz-presenter" in ex._dom_classes
    assert ex.stage.stage in ex.children  # the lecture stage (tests/widgets/test_explorer_stage.py)
    assert ex.controls.by_setting["cell"].style.button_width == "120px"
    assert "440px" in ex.controls.grid.layout.grid_template_columns
    ex.presenter = False
    assert not any(v.presenter for v in ex.views)
    assert "rnnviz-presenter" not in ex._dom_classes
    assert ex.controls.box in ex.children
    assert ex.stage.stage not in ex.children
    assert ex.heatmap.layout.flex == "1 1 440px"
    assert ex.controls.by_setting["cell"].style.button_width == "72px"


def test_time_scrubber_walks_forward_then_backward():
    T, settings = 3, {"timesteps": 3, "layers": 1, "architecture": "many-to-many"}
    assert [time_to_cursor(i, settings) for i in range(2 * T + 2)] == [
        (-1, "forward"),
        (1, "forward"),
        (2, "forward"),
        (3, "forward"),
        (3, "backward"),
        (2, "backward"),
        (1, "backward"),
        (0, "backward"),
    ]


def test_time_slider_moves_the_cursor_on_every_view(ex):
    ex.controls.time.value = 3
    assert {(v.t_cursor, v.phase) for v in ex.views} == {(3, "forward")}
    ex.controls.time.value = 12  # T = 8: backward pass at t = 2*8 + 1 - 12 = 5
    assert {(v.t_cursor, v.phase) for v in ex.views} == {(5, "backward")}
    assert ex.controls.time_label.value == "backward pass, t = 5"
    assert ex.frame_builds == 1  # scrubbing never re-runs the simulator


def test_seq2seq_scrubber_walks_the_encoder_then_the_decoder():
    """The scrubber counted encoder steps while the heatmap and gradient panel read t
    against the decoder: at the encoder's step 3 they marked the decoder's step 3."""
    from rnnviz.frame import build_frame

    ex = rnnviz.explore(architecture="seq2seq", timesteps=4, decoder_steps=2, units=3, layers=2)
    assert ex.controls.time.max == 2 * (4 + 2) + 1
    info = ex.heatmap.frame_info
    assert info["timeline"] == [
        {"name": "encoder", "start": 0, "steps": 4, "layers": [0, 1]},
        {"name": "decoder", "start": 4, "steps": 2, "layers": [2, 3]},
    ]
    assert all(v.frame_info["timeline"] == info["timeline"] for v in ex.views)
    # the timeline is the run's: each layer's own number of steps
    frame = build_frame(**ex.settings)
    assert [len(frame.states[i]) for seg in info["timeline"] for i in seg["layers"]] == [4, 4, 2, 2]
    labels = []
    for time in (3, 5, 6, 7, 9, 11, 13):
        ex.time = time
        labels.append(ex.controls.time_label.value)
    assert labels == [
        "forward pass, encoder t = 3",
        "forward pass, decoder t = 1",
        "forward pass, decoder t = 2",
        "backward pass, decoder t = 2",
        "backward pass, encoder t = 4",  # the context: the decoder's h_0 is the encoder's h_T
        "backward pass, encoder t = 2",
        "backward pass, encoder t = 0",
    ]
    with pytest.raises(ValueError, match="to 13: 1 … 6 step through the forward pass"):
        ex.time = 14


def test_rapid_changes_in_an_event_loop_end_with_the_last_value(ex):
    async def drag():
        for units in range(1, 101):
            ex.units = units
        # nothing is shown while the loop is busy: frames are shown on the loop's turns
        assert ex.heatmap.values.shape == (16, 8)
        # waited for from another thread: the loop itself must show the frames
        assert await asyncio.to_thread(ex.wait_settled, WAIT)

    asyncio.run(drag())
    assert ex.heatmap.values.shape == (100, 8)
    assert ex.graph.units == ex.gradients.units == 100
    assert ex.frame.settings["units"] == 100
    assert ex.frame_builds < 100  # coalesced, not one frame per change


def test_changes_interleaved_with_loop_turns_are_coalesced(ex):
    slider = ex.controls.by_setting["units"]

    async def drag():
        for units in range(2, 42):
            slider.set_state({"value": units})  # one comm message per drag event
            await asyncio.sleep(0)  # the kernel's loop runs between messages
        assert await asyncio.to_thread(ex.wait_settled, WAIT)

    asyncio.run(drag())
    assert ex.frame_builds < 40
    assert ex.units == 41
    assert ex.heatmap.values.shape == (41, 8)
    assert ex.graph.units == 41


def test_outside_an_event_loop_a_change_is_shown_at_once_without_a_thread(ex):
    ex.units = 17
    assert ex.heatmap.values.shape == (17, 8)
    assert ex.gradients.log10_jacobian_norms.shape == (9,)
    assert ex.frame_builds == 2
    assert ex._scheduler._worker is None
    assert ex.wait_settled(0)


def test_frame_property_applies_pending_changes(ex):
    async def change_then_read():
        ex.timesteps = 5
        assert ex.frame.settings["timesteps"] == 5  # built and shown on demand
        assert ex.heatmap.values.shape == (16, 5)
        builds = ex.frame_builds
        await asyncio.to_thread(ex.wait_settled, WAIT)
        await asyncio.sleep(FLUSH_DELAY * 2)
        assert ex.frame_builds == builds  # the loop's own delivery finds nothing to do

    asyncio.run(change_then_read())


# -- latest wins across threads (ipykernel 7 may handle comm messages on two threads) ------


class Gate:
    """Holds the exact Jacobian curve of runs with ``units`` until released."""

    def __init__(self, monkeypatch, units: int) -> None:
        self.units = units
        self.entered = threading.Event()
        self.release = threading.Event()
        self.calls: list[int] = []
        original = RunResult.jacobian_norms

        def gated(res, *args, **kwargs):
            self.calls.append(res.units)
            if res.units == self.units and not self.release.is_set():
                self.entered.set()
                assert self.release.wait(WAIT)
            return original(res, *args, **kwargs)

        monkeypatch.setattr(RunResult, "jacobian_norms", gated)


def _loop_thread():
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    return loop, thread


def _on(loop, fn):
    async def call():
        return fn()

    return asyncio.run_coroutine_threadsafe(call(), loop).result(WAIT)


def _stop(loop, thread):
    loop.call_soon_threadsafe(loop.stop)
    thread.join(WAIT)
    loop.close()


def test_a_slow_older_frame_never_replaces_a_newer_one(monkeypatch):
    """The issue's race: → (a slow frame) handled on one thread, Home (a fast one) on another."""
    ex = rnnviz.explore(units=255, timesteps=8)
    gate = Gate(monkeypatch, 256)
    shown_gradients = []
    show = ex.gradients.show
    monkeypatch.setattr(
        ex.gradients, "show", lambda f: (shown_gradients.append(f.settings["units"]), show(f))
    )
    loop_a, thread_a = _loop_thread()
    loop_b, thread_b = _loop_thread()
    try:
        # as comm handlers: each change arrives on its own thread's loop
        loop_a.call_soon_threadsafe(setattr, ex, "units", 256)
        assert gate.entered.wait(WAIT)  # the frame of 256 is being analysed
        loop_b.call_soon_threadsafe(setattr, ex, "units", 1)
        _on(loop_b, lambda: None)  # whatever the change started on that loop has run
        gate.release.set()  # the older analysis comes back last
        _on(loop_a, lambda: None)
        assert ex.frame.settings["units"] == 1
        assert ex.wait_settled(WAIT)
    finally:
        _stop(loop_a, thread_a)
        _stop(loop_b, thread_b)
    assert ex.units == 1
    assert ex.heatmap.values.shape == (1, 8)
    assert ex.graph.units == ex.gradients.units == 1
    assert ex.gradients.updating is False
    assert "W_hh (1, 1)" in ex.status.value
    assert 256 not in shown_gradients  # the abandoned analysis was never shown
    assert ex._scheduler.abandoned == 1


def test_analysis_is_abandoned_between_its_curves(monkeypatch):
    """With three overlay curves to compute, newer settings stop the analysis after the one
    that was running: the later curves of the old settings are never computed."""
    ex = rnnviz.explore(units=6, timesteps=8, overlay="weight_scale")
    gate = Gate(monkeypatch, 7)
    loop, thread = _loop_thread()
    try:
        loop.call_soon_threadsafe(setattr, ex, "units", 7)
        assert gate.entered.wait(WAIT)
        _on(loop, lambda: setattr(ex, "units", 5))  # the loop is free: the build is not on it
        gate.release.set()
        assert ex.wait_settled(WAIT)
    finally:
        _stop(loop, thread)
    assert gate.calls.count(7) == 1  # main curve only; none of the 3 overlay curves
    assert gate.calls.count(5) == 4  # main curve + 3 overlays
    assert ex.frame.settings["units"] == 5
    assert sorted(ex.gradients.log10_overlays) == ["s = 1", "s = 1.5", "s = 2"]


def test_forward_pass_is_shown_first_and_the_gradient_plot_says_it_is_updating(monkeypatch):
    ex = rnnviz.explore(units=6, timesteps=8)
    gate = Gate(monkeypatch, 9)
    updating = []
    ex.gradients.observe(lambda c: updating.append(c["new"]), "updating")
    loop, thread = _loop_thread()
    try:
        loop.call_soon_threadsafe(setattr, ex, "units", 9)
        assert gate.entered.wait(WAIT)
        _on(loop, lambda: None)  # the loop is free; the forward pass reached it and is shown
        assert ex.heatmap.values.shape == (9, 8)
        assert ex.graph.units == 9
        assert ex.gradients.units == 6  # the last curve stays visible …
        assert ex.gradients.updating is True  # … marked as being updated
        assert "W_hh (9, 9)" in ex.status.value
        assert not ex.wait_settled(0)
        gate.release.set()
        assert ex.wait_settled(WAIT)
    finally:
        _stop(loop, thread)
    assert ex.gradients.units == 9
    assert updating == [True, False]
    assert ex.heatmap.frame is ex.graph.frame is ex.gradients.frame is ex.frame


def test_repr_describes_the_current_settings_right_after_a_change(ex):
    async def cell():
        ex.units = 8  # in a notebook cell: the frame is built in the worker thread
        return repr(ex)  # e.g. the cell's text/plain output, before the loop runs again

    text = asyncio.run(cell())
    assert text.startswith("Explorer(units=8, timesteps=8)")
    assert "8 units × 8 timesteps" in text


def test_repr_is_helpful_without_a_front_end():
    text = repr(rnnviz.explore(units=8, timesteps=5))
    assert text.startswith("Explorer(units=8, timesteps=5)")
    assert "rnn cell, 8 units × 5 timesteps" in text
    assert "sufficient for vanishing: yes" in text  # γ σ_max = 0.5 at the default scale
    assert "sufficient for vanishing: no" in repr(rnnviz.explore(units=8, weight_scale=1.0))
    assert "display it in Jupyter" in text


def test_plain_text_fallback_is_not_cut_short():
    ex = rnnviz.explore(units=8, timesteps=5)
    bundle = ex._repr_mimebundle_()
    assert bundle["text/plain"] == repr(ex)
    assert len(bundle["text/plain"]) > 110
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_presenter_and_time_reject_bad_values(ex):
    with pytest.raises(TypeError, match=r"presenter.*True or False"):
        ex.presenter = "yes"
    with pytest.raises(TypeError, match="presenter"):
        rnnviz.explore(presenter=1)
    with pytest.raises(ValueError, match=r"time must be from 0 \(off\) to 17"):
        ex.time = 18
    assert ex.presenter is False
    assert ex.time == 0


def test_views_accept_their_options_in_from_settings():
    view = rnnviz.widgets.StateHeatmap.from_settings(cell="lstm", quantity="c", layer=0)
    assert view.quantity == "c"
    np.testing.assert_array_equal(view.values, view.frame.cell_states[0].T.astype(np.float32))
    with pytest.raises(ValueError, match="quantity"):
        rnnviz.widgets.StateHeatmap.from_settings(quantity="c")  # the rnn cell has no c_t
