"""The Trainer in marimo (``marimo run``), in headless Chromium.

marimo renders anywidgets (the Trainer is one, its views of the current weights included):
it draws, Play trains (the curves grow, the heatmap and gradient flow of the current
weights appear), Pause stops it, Step trains exactly one step; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import harness
import hosts
import pytest
import trainer_page as tp

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def marimo_trainer(ui_browser, ui_dir):
    app = hosts.marimo_app(tp.CODE, returns="(tr,)")
    with hosts.marimo_page(ui_browser, ui_dir, "marimo-trainer", source=app) as page:
        yield page


def test_the_trainer_plays_grows_pauses_and_steps_in_marimo(marimo_trainer):
    page = marimo_trainer
    try:
        tp.play_grow_pause_step(page)
    except Exception:
        harness.screenshot(page, "marimo-trainer-failed")
        raise
    harness.screenshot(tp.root(page), "marimo-trainer")
    assert page.page_errors == []
    assert page.guard.blocked == []
    assert page.guard.outside() == []
