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
