"""Progressive frames in real JupyterLab: the forward pass (graph, heatmap) is drawn while the
gradient analysis still runs in the kernel's worker thread; meanwhile the gradient plot keeps
its last curve and says it is being updated.

The analysis is held at a gate in the kernel (patched in for the test and released by a
second request), so the in-between state is observed for certain, not by luck of timing.
"""

from __future__ import annotations

import pytest
from pages import press_on_slider, wait_view, wait_views

pytestmark = pytest.mark.ui

HOLD = """
import threading
from rnnviz.sim.result import RunResult as _RR
_gate, _plain_jacobian_norms = threading.Event(), _RR.jacobian_norms
def _held_jacobian_norms(res, *args, **kwargs):
    _gate.wait(120)
    return _plain_jacobian_norms(res, *args, **kwargs)
_RR.jacobian_norms = _held_jacobian_norms
"""
RELEASE = "_RR.jacobian_norms = _plain_jacobian_norms; _gate.set()"

GRADIENT_PLOT_JS = """
() => {
  const r = [...document.querySelectorAll('[data-testid="rnnviz-gradients"]')].pop();
  const label = r.querySelector('[data-testid="updating"]');
  return {
    label: !!label && !label.hidden && label.getBoundingClientRect().height > 0,
    text: label ? label.textContent : null,
    traces: r.querySelectorAll('.rnnviz-plot .scatterlayer .trace').length,
  };
}
"""


def test_graph_and_heatmap_first_then_the_curve_marked_as_updating(fresh):
    page = fresh.page
    assert fresh.kernel_execute(HOLD)["status"] == "ok"
    try:
        press_on_slider(page, "units", "ArrowRight")
        # the forward pass is drawn while the analysis is held in the worker thread …
        wait_view(page, "rnnviz-graph", {"units": 17}, timeout=30_000)
        wait_view(page, "rnnviz-heatmap", {"units": 17}, timeout=30_000)
        # … and the gradient plot keeps its last curve, marked as being updated
        wait_view(page, "rnnviz-gradients", {"units": 16, "updating": "true"}, timeout=30_000)
        plot = page.evaluate(GRADIENT_PLOT_JS)
        assert plot["label"], plot
        assert plot["text"] == "updating…"
        assert plot["traces"] > 0, "the gradient plot went blank while updating"
        # the kernel is free meanwhile: it answers at once (the analysis is in a thread)
        result = fresh.kernel_execute("print(ex.units, ex._scheduler.settled)", timeout=30_000)
        assert result["text"].split() == ["17", "False"]
    finally:
        assert fresh.kernel_execute(RELEASE)["status"] == "ok"
    wait_view(page, "rnnviz-gradients", {"units": 17, "updating": "false"}, timeout=30_000)
    assert not page.evaluate(GRADIENT_PLOT_JS)["label"]
    wait_views(page, {"units": 17})
