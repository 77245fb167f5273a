"""The Trainer in Jupyter Notebook 7, in headless Chromium (buttons pressed with the mouse:
Notebook 7 swallows arrow keys).

It draws, Play trains (the curves grow, the views of the current weights appear) while the
kernel stays free, Pause stops it, Step trains exactly one step; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import harness
import hosts
import pytest
import trainer_page as tp

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def nb7_trainer(ui_browser, ui_dir):
    with hosts.notebook7_page(ui_browser, ui_dir, "nb7-trainer", tp.NOTEBOOK, tp.CELLS) as nb:
        yield nb
        nb.kernel_execute("tr.close()")


def test_the_trainer_plays_grows_pauses_and_steps_in_notebook7(nb7_trainer):
    nb = nb7_trainer
    page = nb.page
    try:
        steps = tp.play_grow_pause_step(page)
    except Exception:
        harness.screenshot(page, "notebook7-trainer-failed")
        raise
    reply = nb.kernel_execute("print(tr.running, tr.step_count, tr.result.steps)")
    assert reply["status"] == "ok", reply["text"]
    assert reply["text"].split() == ["False", str(steps), str(steps)]
    harness.screenshot(tp.root(page), "notebook7-trainer")
    assert hosts.notebook7_errors(page) == []
    assert page.guard.blocked == []
    assert page.guard.outside() == []
