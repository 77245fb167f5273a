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

pytestmark = pytest.mark.ui  # browser tests run last (tests/conftest.py says why)

NOTEBOOK = "trainer.ipynb"
CELLS = [
    "import rnnviz\n"
    "tr = rnnviz.train(['rnn', 'lstm'], 'adding', units=16, delay=30, batch=16, seed=0,\n"
    "                  lr=1e-2, max_steps=100000)\n"
    "tr"
]
ROOT = '[data-testid="rnnviz-trainer"]'
WAIT = 240_000


def attr(page, name: str) -> str | None:
    return page.locator(ROOT).last.get_attribute(f"data-{name}")


def wait_text(page, name: str, value: str, timeout: float = WAIT) -> None:
    """Wait until the view's ``data-<name>`` reads exactly ``value``."""
    page.wait_for_function(
        """([root, name, value]) => {
          const r = [...document.querySelectorAll(root)].pop();
          return !!r && r.getAttribute(`data-${name}`) === value;
        }""",
        arg=[ROOT, name, value],
        timeout=timeout,
        polling=250,
    )


def wait_attr(page, name: str, predicate_js: str, timeout: float = WAIT) -> None:
    """Wait until ``predicate_js`` (a JS expression of ``v``, the attribute's number) holds."""
    page.wait_for_function(
        """([root, name, body]) => {
          const r = [...document.querySelectorAll(root)].pop();
          const raw = r && r.getAttribute(`data-${name}`);
          if (raw === null || raw === undefined) return false;
          const v = Number(raw);
          return Function("v", `return (${body});`)(v);
        }""",
        arg=[ROOT, name, predicate_js],
        timeout=timeout,
        polling=250,
    )


@pytest.fixture(scope="module")
def trainer_lab(ui_dir, lab_server, ui_browser, lab_guard) -> pages.Lab:
    # A page of its own: the shared JupyterLab page keeps showing explore.ipynb for the
    # other tests of the session.
    harness.write_notebook(ui_dir / "lab-root" / NOTEBOOK, CELLS)
    context = harness.new_context(ui_browser, lab_guard)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.page_errors = []  # read by the tests: the console stays clean
    page.on("pageerror", lambda exc: page.page_errors.append(str(exc)))
    lab = pages.Lab(page, lab_server)
    try:
        lab.open(NOTEBOOK)
        lab.run_all()
        try:
            page.wait_for_selector(f"{ROOT}[data-drawn]", timeout=WAIT)
            wait_attr(page, "runs", "v === 2")
        except Exception:
            harness.screenshot(page, "trainer-failed")
            raise
        lab.wait_idle(WAIT)
        yield lab
        lab.kernel_execute("tr.close()")
    finally:
        context.close()


def test_play_grows_the_curves_while_the_kernel_stays_free_and_pause_stops(trainer_lab, lab_guard):
    lab = trainer_lab
    page = lab.page
    root = page.locator(ROOT).last
    assert attr(page, "points") == "0"
    assert attr(page, "cells") == "rnn,lstm"

    root.locator('[data-testid="rnnviz-trainer-play"]').click()
    wait_text(page, "running", "true")
    wait_attr(page, "points", "v >= 3")
    before = int(attr(page, "points"))
    wait_attr(page, "points", f"v > {before}")  # the loss curve keeps growing

    # The kernel answers while the thread trains.
    reply = lab.kernel_execute("print(tr.running, 6 * 7)", timeout=WAIT)
    assert reply["status"] == "ok", reply["text"]
    assert reply["text"].split() == ["True", "42"]

    # Mid-run, RNN and LSTM overlaid: the screenshot the README shows (once the LSTM has
    # had the ~500 steps it needs here; ~10 s on an idle machine).
    wait_attr(page, "step", "v >= 800", timeout=900_000)
    harness.screenshot(root, "trainer")

    root.locator('[data-testid="rnnviz-trainer-pause"]').click()
    wait_text(page, "running", "false")
    reply = lab.kernel_execute("print(tr.running, tr.step_count)", timeout=WAIT)
    assert reply["status"] == "ok", reply["text"]
    running, steps = reply["text"].split()
    assert running == "False"
    wait_attr(page, "step", f"v === {steps}")  # the final state reached the view
    reply = lab.kernel_execute("print(tr.step_count, tr.result.steps)", timeout=WAIT)
    assert reply["text"].split() == [steps, steps]  # paused: nothing trained meanwhile

    # Step advances exactly one step.
    root.locator('[data-testid="rnnviz-trainer-step"]').click()
    wait_attr(page, "step", f"v === {int(steps) + 1}")
    reply = lab.kernel_execute("print(tr.result.steps)", timeout=WAIT)
    assert reply["text"].split() == [str(int(steps) + 1)]

    assert lab_guard.blocked == []
    assert lab_guard.outside() == []
    assert page.page_errors == []


def test_every_control_has_its_testid(trainer_lab):
    root = trainer_lab.page.locator(ROOT).last
    for name in ("play", "pause", "step", "reset", "keep", "clear", "cell", "units", "task",
                 "delay", "lr", "clip", "clip-norm", "loss", "metric", "grad-norm",
                 "signal-map"):  # fmt: skip
        assert root.locator(f'[data-testid="rnnviz-trainer-{name}"]').count() == 1, name


def test_a_setting_from_the_view_restarts_training(trainer_lab):
    page = trainer_lab.page
    root = page.locator(ROOT).last
    units = root.locator('[data-testid="rnnviz-trainer-units"]')
    units.fill("12")
    units.press("Enter")
    wait_attr(page, "step", "v === 0")  # the kernel restarted the run and sent it
    reply = trainer_lab.kernel_execute(
        "print(tr.units, tr.result.steps, tr.cell.units, tr.running)", timeout=WAIT
    )
    assert reply["text"].split() == ["12", "0", "12", "False"]


def test_views_out_of_sight_wait_and_come_back_with_the_newest_step(trainer_lab):
    """Scrolled out of sight, a run's views of the current weights are not redrawn while
    it trains; scrolled back into view they show the newest state's step at once."""
    page = trainer_lab.page
    root = page.locator(ROOT).last
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 420})
    try:
        root.evaluate("r => r.scrollIntoView({block: 'start'})")  # the curves; views below
        root.locator('[data-testid="rnnviz-trainer-play"]').click()
        wait_text(page, "running", "true")
        box = root.locator(".rnnviz-trainer-views")
        panel = root.locator('[data-testid="rnnviz-trainer-views"]').first
        panel.wait_for(state="attached", timeout=WAIT)
        seen = panel.evaluate("p => p.getBoundingClientRect().top")
        assert seen > 420 * 1.5, f"the views are not out of sight (top at {seen} px)"
        held = panel.get_attribute("data-step")
        # the kernel sends newer views meanwhile (the box knows their steps) ...
        page.wait_for_function(
            "([b, s]) => Number(b.dataset.steps.split(',')[0]) > s",
            arg=[box.element_handle(), int(held)],
            timeout=WAIT,
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
        root.locator('[data-testid="rnnviz-trainer-pause"]').click()
        wait_text(page, "running", "false")
        assert page.page_errors == []
    finally:
        page.set_viewport_size(size)


def test_voila_runs_the_training_notebook(voila_context, voila_server, voila_guard):
    """The course notebook 08 as a Voila app: the Trainer draws, Play trains, Pause stops."""
    page = voila_context.new_page()
    try:
        page.goto(f"{voila_server.url}/voila/render/notebooks/08_training.ipynb",
                  timeout=WAIT)  # fmt: skip
        page.wait_for_selector(f"{ROOT}[data-drawn]", timeout=WAIT)
        assert attr(page, "cells") == "rnn,lstm"
        page.locator(ROOT).last.locator('[data-testid="rnnviz-trainer-play"]').click()
        wait_attr(page, "step", "v >= 2")
        before = int(attr(page, "step"))
        wait_attr(page, "step", f"v > {before}")
        page.locator(ROOT).last.locator('[data-testid="rnnviz-trainer-pause"]').click()
        wait_text(page, "running", "false")
        text = page.inner_text("body")
        assert "Traceback" not in text
        assert voila_guard.outside() == []
        assert voila_guard.blocked == []
    finally:
        page.close()
