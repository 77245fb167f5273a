"""The Trainer in real JupyterLab: play grows the curves, the kernel stays free, pause stops.

Runs its own notebook (``trainer.ipynb``) in the session's JupyterLab. The runs are small
(16 units, T = 30, batch 16) so that training moves on a loaded machine; every wait is on
the view's ``data-*`` attributes or the kernel's answer, with generous timeouts.
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api")

import harness
import pages
import trainer_page as tp

pytestmark = pytest.mark.ui  # browser tests run last (tests/conftest.py says why)


@pytest.fixture(scope="module")
def trainer_lab(lab_notebook) -> pages.Lab:
    with lab_notebook(tp.NOTEBOOK, tp.CELLS) as lab:
        try:
            lab.page.wait_for_selector(f"{tp.ROOT}[data-drawn]", timeout=tp.WAIT)
            tp.wait_number(lab.page, "runs", lambda v: v == 2)
        except Exception:
            harness.screenshot(lab.page, "trainer-failed")
            raise
        lab.wait_idle(tp.WAIT)
        yield lab
        lab.kernel_execute("tr.close()")


def test_play_grows_the_curves_while_the_kernel_stays_free_and_pause_stops(trainer_lab, lab_guard):
    lab = trainer_lab
    page = lab.page
    root = tp.root(page)
    assert tp.attr(page, "points") == "0"
    assert tp.attr(page, "cells") == "rnn,lstm"

    tp.click(page, "play")
    tp.wait_until(page, "running", lambda v: v == "true")
    tp.wait_number(page, "points", lambda v: v >= 3)
    before = int(tp.attr(page, "points"))
    tp.wait_number(page, "points", lambda v: v > before)  # the loss curve keeps growing

    # The kernel answers while the thread trains.
    reply = lab.kernel_execute("print(tr.running, 6 * 7)", timeout=tp.WAIT)
    assert reply["status"] == "ok", reply["text"]
    assert reply["text"].split() == ["True", "42"]

    # Mid-run, RNN and LSTM overlaid: the screenshot the README shows (once the LSTM has
    # had the ~500 steps it needs here; ~10 s on an idle machine).
    tp.wait_number(page, "step", lambda v: v >= 800, timeout=900_000)
    harness.screenshot(root, "trainer")

    tp.click(page, "pause")
    tp.wait_until(page, "running", lambda v: v == "false")
    reply = lab.kernel_execute("print(tr.running, tr.step_count)", timeout=tp.WAIT)
    assert reply["status"] == "ok", reply["text"]
    running, steps = reply["text"].split()
    assert running == "False"
    tp.wait_number(page, "step", lambda v: v == int(steps))  # the final state reached the view
    reply = lab.kernel_execute("print(tr.step_count, tr.result.steps)", timeout=tp.WAIT)
    assert reply["text"].split() == [steps, steps]  # paused: nothing trained meanwhile

    # Step advances exactly one step.
    tp.click(page, "step")
    tp.wait_number(page, "step", lambda v: v == int(steps) + 1)
    reply = lab.kernel_execute("print(tr.result.steps)", timeout=tp.WAIT)
    assert reply["text"].split() == [str(int(steps) + 1)]

    assert lab_guard.blocked == []
    assert lab_guard.outside() == []
    assert page.page_errors == []


def test_every_control_has_its_testid(trainer_lab):
    root = tp.root(trainer_lab.page)
    for name in ("play", "pause", "step", "reset", "keep", "clear", "cell", "units", "task",
                 "delay", "lr", "clip", "clip-norm", "loss", "metric", "grad-norm",
                 "signal-map"):  # fmt: skip
        assert root.locator(f'[data-testid="rnnviz-trainer-{name}"]').count() == 1, name


def test_a_setting_from_the_view_restarts_training(trainer_lab):
    page = trainer_lab.page
    root = tp.root(page)
    units = root.locator('[data-testid="rnnviz-trainer-units"]')
    units.fill("12")
    units.press("Enter")
    tp.wait_number(page, "step", lambda v: v == 0)  # the kernel restarted the run and sent it
    reply = trainer_lab.kernel_execute(
        "print(tr.units, tr.result.steps, tr.cell.units, tr.running)", timeout=tp.WAIT
    )
    assert reply["text"].split() == ["12", "0", "12", "False"]


def test_views_out_of_sight_wait_and_come_back_with_the_newest_step(trainer_lab):
    """Scrolled out of sight, a run's views of the current weights are not redrawn while
    it trains; scrolled back into view they show the newest state's step at once."""
    page = trainer_lab.page
    root = tp.root(page)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 420})
    try:
        root.evaluate("r => r.scrollIntoView({block: 'start'})")  # the curves; views below
        tp.click(page, "play")
        tp.wait_until(page, "running", lambda v: v == "true")
        box = root.locator(".rnnviz-trainer-views")
        panel = root.locator('[data-testid="rnnviz-trainer-views"]').first
        panel.wait_for(state="attached", timeout=tp.WAIT)
        seen = panel.evaluate("p => p.getBoundingClientRect().top")
        assert seen > 420 * 1.5, f"the views are not out of sight (top at {seen} px)"
        held = panel.get_attribute("data-step")
        # the kernel sends newer views meanwhile (the box knows their steps) ...
        page.wait_for_function(
            "([b, s]) => Number(b.dataset.steps.split(',')[0]) > s",
            arg=[box.element_handle(), int(held)],
            timeout=tp.WAIT,
            polling=250,
        )
        assert panel.get_attribute("data-step") == held  # ... and they are not drawn
        newest = int(box.get_attribute("data-steps").split(",")[0])
        panel.evaluate("p => p.scrollIntoView({block: 'center'})")
        page.wait_for_function(
            "([p, s]) => Number(p.dataset.step) >= s",
            arg=[panel.element_handle(), newest],
            timeout=10_000,
            polling=100,
        )
        tp.click(page, "pause")
        tp.wait_until(page, "running", lambda v: v == "false")
        assert page.page_errors == []
    finally:
        page.set_viewport_size(size)


def test_voila_runs_the_training_notebook(voila_context, voila_server, voila_guard):
    """The course notebook 08 as a Voila app: the Trainer draws, Play trains, Pause stops."""
    page = voila_context.new_page()
    try:
        page.goto(f"{voila_server.url}/voila/render/notebooks/08_training.ipynb",
                  timeout=tp.WAIT)  # fmt: skip
        page.wait_for_selector(f"{tp.ROOT}[data-drawn]", timeout=tp.WAIT)
        assert tp.attr(page, "cells") == "rnn,lstm"
        tp.click(page, "play")
        tp.wait_number(page, "step", lambda v: v >= 2)
        before = int(tp.attr(page, "step"))
        tp.wait_number(page, "step", lambda v: v > before)
        tp.click(page, "pause")
        tp.wait_until(page, "running", lambda v: v == "false")
        text = page.inner_text("body")
        assert "Traceback" not in text
        assert voila_guard.outside() == []
        assert voila_guard.blocked == []
    finally:
        page.close()
