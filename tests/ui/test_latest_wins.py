"""Latest value wins in real JupyterLab at (units 256, timesteps 200): whatever order the kernel
handles the slider's messages in (ipykernel 7 may handle comm messages on two threads), the
views, the status line and ``ex.frame`` end at the slider's final value — never at an older,
slower frame.
"""

from __future__ import annotations

import re

import pytest
from pages import press_on_slider, slider_handle, view_attrs, wait_views

pytestmark = pytest.mark.ui

BIG = "ex.time = 0; ex.cell = 'rnn'; ex.weight_scale = 1.0; ex.units = 255; ex.timesteps = 200"
RESET = "ex.units = 16; ex.timesteps = 20"
SETTLE_MS = 60_000  # generous: the machine may be busy; a stale view never settles at all


def python_value(lab, expr: str) -> str:
    result = lab.kernel_execute(f"print({expr})")
    assert result["status"] == "ok", result["text"]
    return result["text"].strip()


def status_line(page) -> str:
    # the Explorer's own status line (the views have a status line of their own)
    return page.locator(".rnnviz-explorer > .widget-html.rnnviz-status").last.inner_text()


def assert_everything_shows(lab, units: int) -> None:
    """Views (data-*), gradient plot not updating, status line, ex.units and ex.frame: ``units``."""
    page = lab.page
    wait_views(page, {"units": units, "timesteps": 200}, timeout=SETTLE_MS)
    page.wait_for_timeout(1500)  # anything still in flight would land now and be seen below
    attrs = view_attrs(page)
    shown = {testid: (a or {}).get("units") for testid, a in attrs.items()}
    assert shown == dict.fromkeys(attrs, str(units)), shown
    assert attrs["rnnviz-gradients"].get("updating") in (None, "false"), attrs["rnnviz-gradients"]
    assert f"W_hh ({units}, {units})" in status_line(page)
    assert python_value(lab, "ex.units") == str(units)
    got = python_value(lab, "(ex.frame.settings['units'], ex.frame.states[-1].shape[1])")
    assert got == f"({units}, {units})"
    # the heatmap really holds `units` rows (not just the attribute)
    assert python_value(lab, "ex.heatmap.values.shape[0]") == str(units)


@pytest.fixture
def big(explorer):
    result = explorer.kernel_execute(BIG)
    assert result["status"] == "ok", result["text"]
    wait_views(explorer.page, {"units": 255, "timesteps": 200}, timeout=SETTLE_MS)
    explorer.wait_idle()
    yield explorer
    explorer.kernel_execute(RESET)
    wait_views(explorer.page, {"units": 16, "timesteps": 20}, timeout=SETTLE_MS)


def test_right_then_home_after_300_ms_ends_at_one(big):
    """The issue's repro: → (255 → 256, a slow frame), 0.3 s later Home (→ 1, a fast one)."""
    page = big.page
    press_on_slider(page, "units", "ArrowRight")
    page.wait_for_timeout(300)
    press_on_slider(page, "units", "Home")
    assert slider_handle(page, "units").get_attribute("aria-valuenow").startswith("1")
    assert_everything_shows(big, 1)


def test_storm_of_key_presses_and_a_drag_ends_at_the_slider_value(big):
    page = big.page
    handle = slider_handle(page, "units")
    handle.focus()
    keys = ["ArrowLeft", "ArrowRight", "PageDown", "ArrowLeft", "End", "PageUp", "Home"]
    for i in range(100):
        handle.press(keys[(i * 5 + i // 7) % len(keys)])
    # then drag the handle with the mouse across the track and release it near one third
    track = page.locator(".widget-slider", has=page.locator("label.widget-label",
                        has_text=re.compile(r"^\s*units\s*$"))).last.locator(".noUi-base")  # fmt: skip
    box = track.bounding_box()
    hbox = handle.bounding_box()
    y = hbox["y"] + hbox["height"] / 2
    page.mouse.move(hbox["x"] + hbox["width"] / 2, y)
    page.mouse.down()
    for k in range(40):
        frac = 0.9 - 0.6 * abs(((k / 20) % 2) - 1)  # sweeps back and forth
        page.mouse.move(box["x"] + frac * box["width"], y, steps=2)
    page.mouse.move(box["x"] + 0.33 * box["width"], y, steps=3)
    page.mouse.up()
    page.wait_for_timeout(500)  # the slider's last value reaches the kernel
    final = int(float(handle.get_attribute("aria-valuenow")))
    assert 1 < final < 256
    assert python_value(big, "ex.units") == str(final)
    assert_everything_shows(big, final)
