"""rnnviz.explore() in a real JupyterLab, driven with the keyboard like a student would.

Each test asserts what the page shows (the views' data-* attributes, the graph's h_t
columns, the slider readouts) and, where it matters, the Python state behind it.
"""

from __future__ import annotations

import time

import pytest
from harness import screenshot
from pages import (
    CONTRAST_JS,
    DEFAULT_STATE,
    WEIGHT_DOWN,
    WEIGHT_UP,
    dropdown_select,
    h_node_steps,
    hot_h_nodes,
    press_on_slider,
    shapes_panel,
    slider_handle,
    slider_readout,
    view_attrs,
    wait_view,
    wait_views,
)

from rnnviz.settings import DEFAULTS

pytestmark = pytest.mark.ui

DEFAULT = {k: str(v).removesuffix(".0") for k, v in DEFAULT_STATE.items()}
FEATURES = DEFAULTS["features"]  # the Explorer's default input width


def simple_rnn_params(units: int, features: int = FEATURES) -> int:
    """W_xh (features, units) + W_hh (units, units) + b_h (units,)."""
    return units * (features + units + 1)


def python_value(lab, expr: str) -> str:
    result = lab.kernel_execute(f"print({expr})")
    assert result["status"] == "ok", result["text"]
    return result["text"].strip()


def test_explore_shows_three_views_with_default_state(fresh):
    # `fresh`: other browser tests share this Explorer and may run first (file order)
    attrs = view_attrs(fresh.page)
    for testid, got in attrs.items():
        assert got is not None, f"{testid} is not on the page"
        subset = {k: got.get(k) for k in DEFAULT}
        subset["weight-scale"] = str(float(subset["weight-scale"] or "nan")).removesuffix(".0")
        assert subset == DEFAULT, testid
    # T = 20 columns of hidden states h_1 .. h_20 (h_0 may be drawn as t = 0).
    steps = [t for t in h_node_steps(fresh.page) if t >= 1]
    assert steps[0] == 1
    assert steps[-1] == 20
    screenshot(fresh.page, "lab-explore-light")


def test_units_slider_follows_the_keyboard(fresh):
    page = fresh.page
    press_on_slider(page, "units", "ArrowRight")
    wait_views(page, {"units": 17})
    assert slider_readout(page, "units") == "17"
    assert python_value(fresh, "ex.units") == "17"
    panel = shapes_panel(page)
    assert panel["W_hh"] == "(17, 17)"
    assert panel["W_xh"] == f"({FEATURES}, 17)"
    assert f"parameters: {simple_rnn_params(17)} " in panel["parameters"] + " "

    press_on_slider(page, "units", "ArrowLeft")
    press_on_slider(page, "units", "ArrowLeft")
    wait_views(page, {"units": 15})

    press_on_slider(page, "units", "End")
    wait_views(page, {"units": 256, "timesteps": 20})
    assert python_value(fresh, "ex.units") == "256"
    # units change the size of every h_t, not the number of unrolled steps
    assert [t for t in h_node_steps(page) if t >= 1][-1] == 20

    press_on_slider(page, "units", "Home")
    wait_views(page, {"units": 1})
    assert python_value(fresh, "ex.units") == "1"


def test_timesteps_slider_changes_the_unrolled_columns(fresh):
    page = fresh.page
    press_on_slider(page, "timesteps", "Home")
    wait_views(page, {"timesteps": 1})
    assert [t for t in h_node_steps(page) if t >= 1] == [1]
    panel = shapes_panel(page)
    assert panel["x"] == f"(1, 1, {FEATURES})"
    # the parameter count does not depend on the number of timesteps
    assert f"parameters: {simple_rnn_params(16)} " in panel["parameters"] + " "

    press_on_slider(page, "timesteps", "ArrowRight")
    wait_views(page, {"timesteps": 2})
    assert [t for t in h_node_steps(page) if t >= 1] == [1, 2]

    press_on_slider(page, "timesteps", "ArrowRight")
    press_on_slider(page, "timesteps", "ArrowRight")
    wait_views(page, {"timesteps": 4})
    assert [t for t in h_node_steps(page) if t >= 1] == [1, 2, 3, 4]

    press_on_slider(page, "timesteps", "End")
    wait_views(page, {"timesteps": 200, "units": 16})
    assert shapes_panel(page)["x"] == f"(1, 200, {FEATURES})"
    assert f"parameters: {simple_rnn_params(16)} " in shapes_panel(page)["parameters"] + " "
    steps = [t for t in h_node_steps(page) if t >= 1]
    # long sequences may be compressed, but the first and the last step are always drawn
    assert steps[0] == 1
    assert steps[-1] == 200
    assert python_value(fresh, "ex.timesteps") == "200"


def python_float_after(lab, expr: str, old: float, timeout_s: float = 30.0) -> float:
    """Poll the kernel until ``expr`` differs from ``old``; return the new value."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = float(python_value(lab, expr))
        if value != old:
            return value
        lab.page.wait_for_timeout(100)
    raise AssertionError(f"{expr} stayed {old} for {timeout_s:.0f} s")


def test_weight_scale_slider_follows_the_keyboard(fresh):
    page = fresh.page
    press_on_slider(page, "weight scale", "ArrowRight")
    wait_views(page, {"weight-scale": WEIGHT_UP})
    assert float(python_value(fresh, "ex.weight_scale")) == pytest.approx(WEIGHT_UP)

    press_on_slider(page, "weight scale", "ArrowLeft")
    press_on_slider(page, "weight scale", "ArrowLeft")
    wait_views(page, {"weight-scale": WEIGHT_DOWN})

    # End / Home jump to the slider's ends: Python, the readout and the views agree
    press_on_slider(page, "weight scale", "End")
    high = python_float_after(fresh, "ex.weight_scale", WEIGHT_DOWN)
    wait_views(page, {"weight-scale": high})
    assert high >= 2.0
    assert float(slider_readout(page, "weight scale")) == pytest.approx(high)

    press_on_slider(page, "weight scale", "Home")
    low = python_float_after(fresh, "ex.weight_scale", high)
    wait_views(page, {"weight-scale": low, "units": 16, "timesteps": 20})
    assert 0 < low < WEIGHT_DOWN
    assert float(slider_readout(page, "weight scale")) == pytest.approx(low)


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_cell_control_switches_every_view(fresh, cell):
    page = fresh.page
    if cell == "rnn":  # start from another cell so that the change is visible
        fresh.kernel_execute("ex.cell = 'gru'")
        wait_views(page, {"cell": "gru"})
    dropdown_select(page, "cell", cell)
    wait_views(page, {"cell": cell, "units": 16, "timesteps": 20})
    assert python_value(fresh, "ex.cell") == cell


def test_python_assignment_moves_slider_and_views(fresh):
    fresh.run_new_cell("ex.units = 32")
    page = fresh.page
    wait_views(page, {"units": 32})
    assert slider_readout(page, "units") == "32"
    assert slider_handle(page, "units").get_attribute("aria-valuenow") in ("32", "32.0", "32.00")
    # and the other way round still works after a Python assignment
    press_on_slider(page, "units", "ArrowRight")
    wait_views(page, {"units": 33})
    assert python_value(fresh, "ex.units") == "33"


def test_time_scrubber_walks_forward_then_backward(fresh):
    page = fresh.page
    press_on_slider(page, "time", "ArrowRight")  # off -> forward pass, t = 1
    for testid in ("rnnviz-heatmap", "rnnviz-gradients"):
        wait_view(page, testid, {"t-cursor": 1, "phase": "forward"})
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="rnnviz-graph"] .h-node.hot')]
                 .some((n) => n.getAttribute('data-t') === '1')"""
    )
    assert hot_h_nodes(page) == [1]
    assert python_value(fresh, "ex.time") == "1"

    press_on_slider(page, "time", "End")  # the backward pass ends at t = 0
    for testid in ("rnnviz-heatmap", "rnnviz-gradients"):
        wait_view(page, testid, {"t-cursor": 0, "phase": "backward"})

    press_on_slider(page, "time", "Home")  # off
    for testid in ("rnnviz-heatmap", "rnnviz-gradients"):
        wait_view(page, testid, {"t-cursor": -1})
    assert python_value(fresh, "ex.time") == "0"


@pytest.mark.parametrize("theme", ["JupyterLab Dark", "JupyterLab Light"])
def test_views_are_legible_in_light_and_dark_themes(fresh, theme):
    page = fresh.page
    fresh.set_theme(theme)
    page.wait_for_timeout(500)  # let the views react to the theme change
    name = "dark" if "Dark" in theme else "light"
    output = page.locator(".jp-OutputArea-output", has=page.locator('[data-testid="rnnviz-graph"]'))
    screenshot(page, f"lab-explore-{name}")
    # a tall window so that the whole Explorer output fits in one picture
    page.set_viewport_size({"width": 1280, "height": 2400})
    try:
        output.last.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        screenshot(output.last, f"views-{name}")
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
    worst = page.evaluate(CONTRAST_JS)
    for testid, found in worst.items():
        assert found is not None, f"{testid}: no text found"
        ratio, text = found["ratio"], found["text"]
        assert ratio >= 3.0, f"{testid}: text contrast {ratio:.2f} < 3 in {theme}: {text}"


def test_no_request_left_loopback(explorer, lab_guard):
    # Runs after the other tests of this module: the whole session's traffic is recorded.
    assert len(lab_guard.requests) > 20, "the request recorder saw nothing"
    assert lab_guard.outside() == []
    assert lab_guard.blocked == []
    assert lab_guard.websockets, "the kernel websocket was not recorded"
    assert all(u.startswith("ws://127.0.0.1:") for u in lab_guard.websockets)
