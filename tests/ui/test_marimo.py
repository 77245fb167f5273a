"""The Explorer in marimo (``marimo run``), in headless Chromium: controls included.

marimo renders anywidgets but not ipywidgets containers, so the Explorer shows its
anywidget ControlPanel there. Moving its units control from the keyboard, or a marimo
slider whose cell sets ``ex.units``, must update all three views; nothing may leave
127.0.0.1.
"""

from __future__ import annotations

import harness
import hosts
import pytest

pytestmark = pytest.mark.ui

VIEWS = harness.VIEW_TESTIDS


@pytest.fixture(scope="module")
def marimo_page(ui_browser, ui_dir):
    with hosts.marimo_page(ui_browser, ui_dir, "marimo") as page:
        page.locator('[data-testid="rnnviz-control-units"] input').wait_for(timeout=90_000)
        yield page


def _wait_units(page, units: int) -> None:
    for testid in VIEWS:
        page.locator(f'[data-testid="{testid}"][data-units="{units}"]').wait_for(timeout=30_000)


def test_explore_renders_controls_and_all_views(marimo_page):
    page = marimo_page
    _wait_units(page, 8)
    for setting in ("units", "timesteps", "weight_scale", "cell", "activation", "overlay"):
        assert page.locator(f'[data-testid="rnnviz-control-{setting}"]').count() == 1, setting
    assert page.locator('[data-testid="rnnviz-control-time"] input').count() == 1
    assert page.locator('[data-testid="h-node"]').count() == 11  # h_0 … h_10
    harness.screenshot(page, "marimo-explorer")
    assert page.page_errors == []
    assert page.guard.outside() == []


def test_units_control_from_the_keyboard_updates_every_view(marimo_page):
    page = marimo_page
    units = page.locator('[data-testid="rnnviz-control-units"] input')
    units.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    _wait_units(page, 10)
    assert page.get_attribute('[data-testid="rnnviz-control-units"]', "data-value") == "10"
    page.keyboard.press("ArrowLeft")
    _wait_units(page, 9)
    assert page.guard.outside() == []


def test_a_marimo_slider_setting_ex_units_updates_every_view(marimo_page):
    page = marimo_page
    slider = page.locator('[role="slider"]').first  # the marimo slider (value 8)
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    _wait_units(page, 13)
    # The rnnviz panel follows what Python set.
    page.locator('[data-testid="rnnviz-control-units"][data-value="13"]').wait_for()
    harness.screenshot(page, "marimo-after-slider")
    assert page.page_errors == []
    assert page.guard.outside() == []
