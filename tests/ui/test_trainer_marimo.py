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

APP = """
import marimo

app = marimo.App()


@app.cell
def _():
    import rnnviz

    tr = rnnviz.train(["rnn", "lstm"], "adding", units=16, delay=30, batch=16, seed=0,
                      lr=1e-2, max_steps=100000)
    tr
    return (tr,)


if __name__ == "__main__":
    app.run()
"""


@pytest.fixture(scope="module")
def marimo_trainer(ui_browser, ui_dir):
    server = hosts.start_marimo(ui_dir / "marimo-trainer-root", ui_dir / "marimo-trainer-home",
                               source=APP)  # fmt: skip
    guard = harness.NetworkGuard()
    context = harness.new_context(ui_browser, guard)
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(server.url + "/")
        yield page, guard, errors
    finally:
        context.close()
        server.stop()


def test_the_trainer_plays_grows_pauses_and_steps_in_marimo(marimo_trainer):
    page, guard, errors = marimo_trainer
    try:
        tp.play_grow_pause_step(page)
    except Exception:
        harness.screenshot(page, "marimo-trainer-failed")
        raise
    harness.screenshot(tp.root(page), "marimo-trainer")
    assert errors == []
    assert guard.blocked == []
    assert guard.outside() == []
