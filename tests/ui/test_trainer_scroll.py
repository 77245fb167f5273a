"""The Trainer's plots scrolled back into view in real JupyterLab never show an old state.

JupyterLab scrolls the notebook inside its own element (``.jp-WindowedPanel-outer``), not the
page. The Trainer skips drawing the plots scrolled out of sight while it trains and must
draw them with the newest state *before* they come back into view
(js/src/lib/trainer_visibility.js). The page is sampled frame by frame: in every animation
frame the test scrolls the notebook, then reads, as that frame will paint it, whether the
loss plot is inside the notebook's view, whether it is hidden, and the step it shows
(``data-step``) against the step the Trainer's other plots show (the root's ``data-step``).
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api")

import harness
import trainer_page as tp

pytestmark = pytest.mark.ui

NOTEBOOK = "trainer_scroll.ipynb"

#: Scroll the notebook so that the loss plot's bottom is `gap` px above its view, wait until
#: the Trainer has drawn newer states meanwhile, then scroll it back in, `step` px per frame
#: (or at once: step 0), sampling every frame. Resolves to the samples.
SCROLL_BACK_JS = """
async ([gap, step]) => {
  const root = [...document.querySelectorAll('[data-testid="rnnviz-trainer"]')].pop();
  const plot = root.querySelector('[data-testid="rnnviz-trainer-loss"]');
  const box = root.closest('.jp-WindowedPanel-outer');
  const frame = () => new Promise((ok) => requestAnimationFrame(ok));
  const placed = () => plot.getBoundingClientRect().bottom - box.getBoundingClientRect().top;
  box.scrollTop += placed() + gap;
  const missed = Number(root.dataset.step);
  while (Number(root.dataset.step) < missed + 20) await frame();  // states it did not draw
  const samples = [];
  // in view: the plot's top 20 px under the top of the notebook's view
  const target = Math.max(0, box.scrollTop - gap - plot.offsetHeight - 20);
  while (samples.length < 400) {
    await frame();
    // scrolled in this frame; what follows is what this frame paints
    box.scrollTop = step > 0 ? Math.max(target, box.scrollTop - step) : target;
    const p = plot.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    samples.push({
      inView: p.bottom > b.top && p.top < b.bottom,
      hidden: getComputedStyle(plot).visibility === 'hidden',
      shows: Number(plot.dataset.step),
      newest: Number(root.dataset.step),
      modes: root.dataset.drawModes,
    });
    if (box.scrollTop <= target && samples.length > 30) break;
  }
  return samples;
}
"""


@pytest.fixture(scope="module")
def trainer_lab(lab_notebook):
    with lab_notebook(NOTEBOOK, tp.CELLS) as lab:
        page = lab.page
        page.set_viewport_size({"width": 1280, "height": 700})
        try:
            page.wait_for_selector(f"{tp.ROOT}[data-drawn]", timeout=tp.WAIT)
            tp.wait_number(page, "runs", lambda v: v == 2)
        except Exception:
            harness.screenshot(page, "trainer-scroll-failed")
            raise
        lab.wait_idle(tp.WAIT)
        tp.click(page, "play")
        tp.wait_until(page, "running", lambda v: v == "true")
        tp.wait_number(page, "points", lambda v: v >= 3)
        yield lab
        tp.click(page, "pause")
        lab.kernel_execute("tr.close()")


def _stale(samples: list[dict]) -> list[dict]:
    """The frames that painted the loss plot in view, not hidden, with an older step than
    the Trainer's other plots."""
    return [s for s in samples if s["inView"] and not s["hidden"] and s["shows"] < s["newest"]]


def test_scrolled_back_smoothly_the_plot_was_drawn_before_it_came_into_view(trainer_lab):
    page = trainer_lab.page
    samples = page.evaluate(SCROLL_BACK_JS, [900, 25])
    seen = [s for s in samples if s["inView"]]
    assert seen, "the loss plot never came back into view"
    assert _stale(samples) == [], samples
    # it was drawn, not hidden, in the first frame it appeared in
    assert not seen[0]["hidden"], seen[0]
    assert page.page_errors == []


def test_a_plot_that_jumps_into_view_shows_no_old_state(trainer_lab):
    page = trainer_lab.page
    samples = page.evaluate(SCROLL_BACK_JS, [900, 0])
    assert samples[0]["inView"]
    assert _stale(samples) == [], samples
    # and it shows the newest state within a few frames
    assert any(s["inView"] and not s["hidden"] and s["shows"] == s["newest"] for s in samples[:10])
    assert page.page_errors == []
