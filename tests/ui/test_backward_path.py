"""The whole backward path in real JupyterLab: a gradient lane in every layer of a 3-layer
stack, and the gradient panel's layer menu answered by the kernel (the Explorer analyses
the chosen layer in its worker)."""

from __future__ import annotations

import harness
import pytest
from pages import wait_view

pytestmark = pytest.mark.ui

LANES_JS = """() => {
  const r = [...document.querySelectorAll('[data-testid="rnnviz-graph"]')].pop();
  const layers = new Set([...r.querySelectorAll('g.bwd:not(.down)')].map((g) => g.dataset.bwdLayer));
  return { layers: [...layers].sort(), down: r.querySelectorAll('g.bwd.down').length,
           label: r.querySelector('text.band')?.textContent ?? null };
}"""


def test_every_layer_has_a_lane_and_the_panel_shows_the_layer_chosen(fresh):
    page = fresh.page
    try:
        assert fresh.kernel_execute("ex.timesteps = 10; ex.layers = 3")["status"] == "ok"
        wait_view(page, "rnnviz-graph", {"layers": 3, "timesteps": 10}, timeout=30_000)
        lanes = page.evaluate(LANES_JS)
        assert lanes["layers"] == ["1", "2", "3"]
        assert lanes["down"] > 0
        assert lanes["label"] == "full BPTT: back through every step of every layer"
        wait_view(page, "rnnviz-gradients", {"layer": "layer 3 of 3 (top)"}, timeout=30_000)
        menu = page.locator('[data-testid="gradients-layer"]').last
        menu.scroll_into_view_if_needed()
        menu.select_option("0")  # the learner picks the bottom layer
        wait_view(page, "rnnviz-gradients", {"layer": "layer 1 of 3"}, timeout=30_000)
        shown = fresh.kernel_execute(
            "ex.wait_settled(30); print(ex.frame.gradient_layer, ex.gradients.shown_layer)"
        )
        assert shown["text"].split() == ["0", "0"]
        harness.screenshot(
            page.locator('[data-testid="rnnviz-gradients"]').last, "lab_gradients_layer1"
        )
    finally:
        reset = fresh.kernel_execute("ex.gradients.layer = -1; ex.layers = 1")
        assert reset["status"] == "ok", reset["text"]
