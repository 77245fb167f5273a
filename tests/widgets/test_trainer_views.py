"""The Trainer's views of the current weights: the Explorer's heatmap and gradient flow.

They must show the weights the run has *now* (not the initial ones), on the task's own
loss, follow training while it runs, never show another run's analysis after a reset,
and end their worker with the Trainer. Runs are tiny; waits are event-driven.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from rnnviz.widgets.trainer import train

TINY = {"units": 5, "delay": 9, "batch": 3}


@pytest.fixture
def trainer():
    made = []

    def make(*args, **kw):
        t = train(*args, **{**TINY, **kw})
        made.append(t)
        return t

    yield make
    for t in made:
        t.close()


def decoded(array: dict) -> np.ndarray:
    return np.frombuffer(bytes(array["data"]), dtype=np.float32).reshape(array["shape"])


def wait_views(t, predicate, timeout: float = 120.0) -> None:
    done = threading.Event()

    def check(_change=None):
        if predicate(t.views):
            done.set()

    t.observe(check, names=["views"])
    try:
        check()
        assert done.wait(timeout), f"views never satisfied the condition: {t!r}"
    finally:
        t.unobserve(check, names=["views"])


def test_the_views_show_the_current_weights_on_the_tasks_loss(trainer):
    t = trainer(["rnn", "lstm"])
    t.step(4)
    t._views.refresh()
    wait_views(t, lambda v: [e["step"] for e in v] == [4, 4])
    x, target = t.result.task.batch(0)
    for entry, label in zip(t.views, ("RNN", "LSTM"), strict=True):
        assert entry["label"] == label
        run = t.runs[label]
        res = run.cell.run(x[:1])  # the weights after 4 steps, not the initial ones
        assert not np.allclose(res.states, run.initial_cell.run(x[:1]).states)
        np.testing.assert_allclose(decoded(entry["heatmap"]["values"]), res.states[0].T,
                                   rtol=1e-6, atol=1e-7)  # fmt: skip
        grads = entry["gradients"]
        np.testing.assert_allclose(
            decoded(grads["log10_jacobian_norms"]),
            np.log10(res.jacobian_norms(wrt="state")[0]), rtol=1e-5, atol=1e-6
        )  # fmt: skip
        # The task's loss (MSE over one output: L = (y_T − target)², so ∂L/∂y_T is twice
        # that of the Explorer's ½‖y_T − target‖²), not ½‖y_T‖².
        dh = 2 * res.loss_gradients(target=target[:1]).dh_norms[0]
        np.testing.assert_allclose(decoded(grads["log10_dh_norms"]), np.log10(dh), rtol=1e-5,
                                   atol=1e-6)  # fmt: skip
        assert grads["frame_info"]["settings"]["cell"] == run.cell.name
        assert "log10_dh_norms" in grads["_drawn_traits"]  # what the view's JS listens to


def test_the_views_follow_training_while_it_plays(trainer):
    t = trainer("rnn", max_steps=60)
    t.play()
    t.wait(120)
    wait_views(t, lambda v: bool(v) and v[0]["step"] == 60)
    assert t._views.analyses >= 1


def test_a_reset_drops_the_old_runs_views(trainer):
    t = trainer("lstm")
    t.step(3)
    t._views.refresh()
    old = t._views.generation
    t.reset()
    assert t.views == [] or t.views[0]["step"] == 0
    assert not t._deliver_views(old, [{"label": "LSTM", "step": 3}])  # stale: refused
    assert t.views == [] or t.views[0]["step"] == 0
    t._views.refresh()
    wait_views(t, lambda v: bool(v) and v[0]["step"] == 0)


def test_a_choice_in_the_embedded_heatmap_is_applied_and_checked(trainer):
    t = trainer(["rnn", "lstm"])
    t.step(2)
    t._views.refresh()
    t._on_message(None, {"type": "view", "index": 1, "view": "heatmap", "name": "quantity",
                         "value": "c"}, [])  # fmt: skip
    t._views.refresh()
    wait_views(t, lambda v: v[1]["heatmap"]["quantity"] == "c")
    x = t.result.task.batch(0)[0][:1]
    c = t.runs["LSTM"].cell.run(x).cell_states[0]
    np.testing.assert_allclose(decoded(t.views[1]["heatmap"]["values"]), c.T, rtol=1e-6,
                               atol=1e-7)  # fmt: skip
    with pytest.raises(ValueError, match="quantity must be one of"):
        t._views.set_option(0, "heatmap", "quantity", "c")  # the RNN has no c_t
    t._views.set_option(0, "heatmap", "values", None)  # not an option: ignored
    t._views.set_option(5, "heatmap", "quantity", "h")  # no such run: ignored


def test_closing_the_trainer_ends_the_views_worker(trainer):
    t = trainer("rnn")
    thread = t._views._thread
    assert thread.is_alive()
    t.close()
    thread.join(30)
    assert not thread.is_alive()
