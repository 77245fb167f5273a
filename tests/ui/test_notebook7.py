"""The Explorer in Jupyter Notebook 7 (the ``notebook`` package), in headless Chromium."""

from __future__ import annotations

import harness
import hosts
import pages
import pytest

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def notebook7(ui_browser, ui_dir):
    with hosts.notebook7_page(
        ui_browser, ui_dir, "nb7", harness.EXPLORE_NOTEBOOK, harness.EXPLORE_CELLS
    ) as nb:
        pages.wait_views(nb.page, {"units": 16}, timeout=90_000)
        yield nb


def test_explorer_renders_and_a_slider_drives_every_view(notebook7):
    nb = notebook7
    page = nb.page
    # Notebook 7 swallows arrow keys on focused sliders (its notebook keyboard handling
    # prevents the default action), so the slider is moved with the mouse here.
    handle = pages.slider_handle(page, "units")
    track = handle.locator("xpath=ancestor::div[contains(@class,'noUi-target')]")
    box = track.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "(h) => h.getAttribute('aria-valuenow') !== '16.0'", arg=handle.element_handle()
    )
    units = int(float(handle.get_attribute("aria-valuenow")))
    assert 16 < units < 256
    pages.wait_views(page, {"units": units})
    assert pages.slider_readout(page, "units") == str(units)
    result = nb.kernel_execute("print(ex.units, ex.frame.settings['units'])")
    assert result["text"].split() == [str(units)] * 2
    nb.kernel_execute("ex.timesteps = 12")
    pages.wait_views(page, {"timesteps": 12})
    harness.screenshot(page, "notebook7-explorer")
    assert hosts.notebook7_errors(page) == []
    assert page.guard.outside() == []
