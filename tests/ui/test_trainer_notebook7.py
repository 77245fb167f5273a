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
from test_notebook7 import Notebook7

pytestmark = pytest.mark.ui

NOTEBOOK = "trainer.ipynb"
CELLS = [
    "import rnnviz\n"
    "tr = rnnviz.train(['rnn', 'lstm'], 'adding', units=16, delay=30, batch=16, seed=0,\n"
    "                  lr=1e-2, max_steps=100000)\n"
    "tr"
]


@pytest.fixture(scope="module")
def nb7_trainer(ui_browser, ui_dir):
    root = ui_dir / "nb7-trainer-root"
    root.mkdir()
    harness.write_notebook(root / NOTEBOOK, CELLS)
    server = hosts.start_notebook(root, ui_dir / "nb7-trainer-home")
    guard = harness.NetworkGuard()
    context = harness.new_context(ui_browser, guard)
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{exc}\n{exc.stack}"))
    try:
        nb = Notebook7(page, server)
        nb.open(NOTEBOOK)
        nb.run_all()
        yield nb, guard, errors
        nb.kernel_execute("tr.close()")
    finally:
        context.close()
        server.stop()


def test_the_trainer_plays_grows_pauses_and_steps_in_notebook7(nb7_trainer):
    nb, guard, errors = nb7_trainer
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
    # Notebook 7's own bundle throws once while reading the isolated settings directory
    # ("reading 'schema'", from /static/notebook/); no error may come from anything else.
    assert [e for e in errors if "/static/notebook/" not in e] == []
    assert guard.blocked == []
    assert guard.outside() == []
