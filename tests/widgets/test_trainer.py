"""The Trainer widget: its thread's lifecycle, determinism, latest-wins sending, settings.

Training runs are tiny (4 units, T = 6, batch 2) so that the tests stay fast on a loaded
machine. No test sleeps or times anything: waits are on events set by trait observers.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

import rnnviz
from rnnviz.widgets import _trainer_runs as R
from rnnviz.widgets import _trainer_send, _trainer_thread
from rnnviz.widgets import trainer as trainer_module
from rnnviz.widgets.trainer import Trainer, train

TINY = {"units": 4, "delay": 6, "batch": 2}


@pytest.fixture
def tiny():
    made: list[Trainer] = []

    def make(**kw) -> Trainer:
        t = train(**{**TINY, **kw})
        made.append(t)
        return t

    yield make
    for t in made:
        t.close()


def wait_for(trainer: Trainer, predicate, timeout: float = 120.0) -> None:
    """Block until ``predicate(trainer)`` holds after some state was sent (event-driven)."""
    done = threading.Event()

    def check(_change=None):
        if predicate(trainer):
            done.set()

    trainer.observe(check, names=["revision", "running"])
    try:
        check()
        assert done.wait(timeout), f"condition not reached; {trainer!r}"
    finally:
        trainer.unobserve(check, names=["revision", "running"])


def test_train_is_exported_lazily():
    assert rnnviz.train is train
    assert "train" in rnnviz.__all__


def test_step_advances_exactly_one_step(tiny):
    t = tiny()
    assert t.result.steps == 0
    assert t.step_count == 0
    t.step()
    assert t.result.steps == 1
    assert t.step_count == 1
    assert t.live_runs[0]["steps"] == 1
    assert len(t.live_runs[0]["loss"]) == 1
    t.step(3)
    assert t.result.steps == 4
    assert not t.running


def test_play_trains_in_the_background_and_pause_stops_it(tiny):
    t = tiny()
    t.play()
    assert t.running
    wait_for(t, lambda tr: tr.step_count >= 3)
    assert t._loop.alive
    t.pause()
    assert not t.running
    assert not t._loop.alive
    steps = t.result.steps
    assert t.step_count == steps  # the final state was sent when the thread ended
    t.step()
    assert t.result.steps == steps + 1


def test_running_false_from_the_view_ends_the_thread(tiny):
    t = tiny()
    t.running = True  # what the Play button does
    wait_for(t, lambda tr: tr.step_count >= 1)
    t.running = False  # the Pause button
    assert not t._loop.alive


def test_reset_starts_again_from_the_same_weights(tiny):
    t = tiny()
    t.step(3)
    first = t.result.losses.copy()
    t.play()
    wait_for(t, lambda tr: tr.step_count >= 4)
    t.reset()
    assert not t.running
    assert not t._loop.alive
    assert t.result.steps == 0
    assert t.step_count == 0
    t.step(3)
    np.testing.assert_array_equal(t.result.losses, first)


def test_close_ends_the_thread(tiny):
    t = tiny()
    t.play()
    wait_for(t, lambda tr: tr.step_count >= 1)
    thread = t._loop.thread
    t.close()
    assert not thread.is_alive()


def test_deleting_the_trainer_ends_the_thread(tiny):
    t = tiny()
    t.play()
    wait_for(t, lambda tr: tr.step_count >= 1)
    thread = t._loop.thread
    t.__del__()  # what the garbage collector calls
    thread.join(120)
    assert not thread.is_alive()


def test_the_thread_holds_the_trainer_only_weakly():
    import weakref

    class Gone:
        pass

    obj = Gone()
    ref = weakref.ref(obj)
    del obj
    _trainer_thread._worker(ref, threading.Event())  # returns at once: nothing to train


def test_a_new_trainer_pauses_the_running_one(tiny):
    a = tiny()
    a.play()
    wait_for(a, lambda tr: tr.step_count >= 1)
    b = tiny()
    assert not a.running
    assert not a._loop.alive
    b.play()
    wait_for(b, lambda tr: tr.step_count >= 1)
    a.play()  # playing one pauses the others
    assert not b.running
    assert not b._loop.alive
    a.pause()


def test_deterministic_given_the_seed(tiny):
    a, b = tiny(seed=3), tiny(seed=3)
    a.step(5)
    b.step(5)
    np.testing.assert_array_equal(a.result.losses, b.result.losses)
    np.testing.assert_array_equal(a.cell.recurrent_kernel, b.cell.recurrent_kernel)
    c = tiny(seed=4)
    c.step(5)
    assert not np.array_equal(a.result.losses, c.result.losses)


def test_playing_to_max_steps_equals_stepping(tiny):
    """The background thread trains the same run as stepping, and stops at max_steps."""
    played = tiny(max_steps=7)
    played.play().wait()
    assert not played.running
    assert not played._loop.alive
    assert played.result.steps == 7
    assert played.step_count == 7
    assert "max_steps" in played.status
    stepped = tiny()
    stepped.step(7)
    np.testing.assert_array_equal(played.result.losses, stepped.result.losses)
    np.testing.assert_array_equal(played.result.dh_norms, stepped.result.dh_norms)


def test_a_stale_state_is_never_sent_after_a_newer_one(tiny):
    t = tiny()
    old_version, old_state = t._snapshot()  # taken at step 0 ...
    t.step()  # ... then a newer state (step 1) is sent
    assert t.step_count == 1
    assert t._deliver(old_version, old_state) is False
    assert t.step_count == 1
    assert t.live_runs[0]["steps"] == 1


def test_states_are_sent_at_most_every_publish_interval(tiny, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(_trainer_send.time, "monotonic", lambda: clock[0])
    t = tiny()
    assert t._publish(force=True)
    revision = t.revision
    clock[0] += trainer_module.PUBLISH_SECONDS / 2
    assert t._publish() is False
    assert t.revision == revision
    clock[0] += trainer_module.PUBLISH_SECONDS
    assert t._publish() is True
    assert t.revision > revision


def test_maps_go_out_at_most_every_map_interval_while_training(tiny, monkeypatch):
    """The signal maps (the bulk of a state) travel less often than the curves; a forced
    state (a step, a reset, the end of training) always carries them."""
    clock = [1000.0]
    monkeypatch.setattr(_trainer_send.time, "monotonic", lambda: clock[0])
    t = tiny()
    t.step()
    maps = t.live_maps
    assert maps[0]["label"] == "RNN"
    assert maps[0]["map"].shape == (TINY["delay"] + 1, 1)
    assert "map" not in t.live_runs[0]
    t._advance(threading.Event())  # step 2 ...
    clock[0] += 2 * trainer_module.PUBLISH_SECONDS
    assert t._publish()  # ... its curves go out, not its map
    assert t.live_runs[0]["steps"] == 2
    assert t.live_maps is maps
    clock[0] += _trainer_send.MAP_SECONDS
    t._advance(threading.Event())  # step 3 goes out MAP_SECONDS later: with the maps
    assert t.live_runs[0]["steps"] == 3
    assert t.live_maps[0]["map"].shape == (TINY["delay"] + 1, 3)


def test_with_several_runs_a_state_can_go_out_after_each_runs_step(tiny, monkeypatch):
    clock = [1000.0]

    def tick():  # every look at the clock finds the interval passed
        clock[0] += 2 * trainer_module.PUBLISH_SECONDS
        return clock[0]

    monkeypatch.setattr(_trainer_send.time, "monotonic", tick)
    t = tiny(cell=["rnn", "lstm"])
    seen: list[list[int]] = []
    t.observe(lambda c: seen.append([r["steps"] for r in t.live_runs]), names=["revision"])
    assert t._advance(threading.Event())
    assert seen == [[1, 0], [1, 1]]


def test_revisions_only_increase_while_training(tiny):
    t = tiny()
    seen: list[tuple[int, int]] = []
    t.observe(lambda c: seen.append((c["new"], t.step_count)), names=["revision"])
    t.play()
    wait_for(t, lambda tr: tr.step_count >= 5)
    t.pause()
    revisions = [r for r, _ in seen]
    steps = [s for _, s in seen]
    assert revisions == sorted(set(revisions))
    assert steps == sorted(steps)


def test_compare_trains_cells_side_by_side_on_the_same_batches(tiny):
    t = tiny()
    t.compare(["rnn", "lstm", "gru"])
    t.step(3)
    assert [r["cell"] for r in t.live_runs] == ["rnn", "lstm", "gru"]
    assert all(run.steps == 3 for run in t.runs.values())
    alone = tiny(cell="lstm")
    alone.step(3)
    np.testing.assert_array_equal(t.runs["LSTM"].losses, alone.result.losses)
    assert t.cell_type == "rnn"
    with pytest.raises(ValueError, match="once"):
        t.compare(["rnn", "rnn"])
    with pytest.raises(ValueError, match="cell must be one of"):
        t.compare(["rnn", "transformer"])
    assert [r["cell"] for r in t.live_runs] == ["rnn", "lstm", "gru"]  # nothing changed


def test_train_with_a_list_of_cells_compares_them(tiny):
    t = tiny(cell=["lstm", "rnn"])
    assert [r["label"] for r in t.live_runs] == ["LSTM", "RNN"]


def test_keep_freezes_the_run_and_starts_again(tiny):
    t = tiny()
    t.step(4)
    losses = t.result.losses.copy()
    t.keep()
    assert t.result.steps == 0
    assert t.step_count == 0
    assert len(t.kept_runs) == 1
    assert t.kept_runs[0]["steps"] == 4
    assert t.kept_runs[0]["kept"]
    assert "kept 1" in t.kept_runs[0]["label"]
    kept_label = t.kept_runs[0]["label"]
    np.testing.assert_array_equal(t.runs[kept_label].losses, losses)
    t.lr = 0.01  # another learning rate: the kept run stays for comparison
    assert len(t.kept_runs) == 1
    t.delay = 7  # another task length: the curves no longer compare
    assert t.kept_runs == []


def test_clear_kept(tiny):
    t = tiny()
    t.step()
    t.keep()
    t.clear_kept()
    assert t.kept_runs == []
    assert t.runs.keys() == {"RNN"}


def test_a_setting_restarts_training_and_a_bad_one_changes_nothing(tiny):
    t = tiny()
    t.step(2)
    t.units = 5
    assert t.result.steps == 0
    assert t.cell.units == 5
    t.step(2)
    with pytest.raises(ValueError, match="units must be a whole number from 1 to 256"):
        t.units = 0
    with pytest.raises(ValueError, match="lr"):
        t.lr = -1.0
    with pytest.raises(ValueError, match="task must be one of"):
        t.task = "chess"
    assert (t.units, t.lr, t.task, t.result.steps) == (5, 3e-3, "adding", 2)


def test_a_setting_changed_while_playing_keeps_playing(tiny):
    t = tiny()
    t.play()
    wait_for(t, lambda tr: tr.step_count >= 2)
    t.cell_type = "gru"
    assert t.running
    assert t.result.initial_cell.name == "gru"
    wait_for(t, lambda tr: tr.step_count >= 1 and tr.live_runs[0]["cell"] == "gru")
    t.pause()


def test_clipping_setting_reaches_the_optimizer(tiny):
    t = tiny(clip=False)
    assert t.result.clip_norm is None
    t.clip = True
    t.clip_norm = 0.5
    assert t.result.clip_norm == 0.5


def test_lstm_forget_bias_starts_at_one(tiny):
    t = tiny(cell="lstm")
    b = t.result.initial_cell.bias
    u = TINY["units"]
    np.testing.assert_array_equal(b[u : 2 * u], np.ones(u))
    np.testing.assert_array_equal(b[:u], np.zeros(u))


def test_buttons_send_actions(tiny):
    t = tiny()
    t._on_message(t, {"type": "step"}, [])
    assert t.result.steps == 1
    t._on_message(t, {"type": "keep"}, [])
    assert len(t.kept_runs) == 1
    assert t.result.steps == 0
    t._on_message(t, {"type": "clear"}, [])
    assert t.kept_runs == []
    t._on_message(t, {"type": "step"}, [])
    t._on_message(t, {"type": "reset"}, [])
    assert t.result.steps == 0


def test_overflow_stops_training_with_a_message(tiny):
    t = tiny(max_steps=50)
    t.step()
    t.result._params["W_hy"][...] = 1e300  # outputs overflow: the loss is inf
    t.play().wait()
    assert not t.running
    assert t.result.overflowed
    assert t.result.steps == 2
    assert "overflow (RNN at step 2)" in t.status
    assert t.live_runs[0]["overflowed"]
    assert np.isinf(t.live_runs[0]["loss"][-1])


def test_an_error_while_training_stops_the_thread_and_is_shown(tiny):
    t = tiny()

    def broken(steps, callback=None):
        raise FloatingPointError("something went wrong")

    t.result.train = broken
    t.play().wait()
    assert not t.running
    assert not t._loop.alive
    assert t.status == "training stopped: FloatingPointError: something went wrong"


def test_arrays_cross_as_float32_buffers(tiny, wire, split_state):
    t = tiny()
    wire.attach(t)
    t.step(2)
    updates = wire.updates(t)
    assert updates, "no update was sent"
    assert wire.buffer_bytes(t) > 0
    state, buffers = split_state(t)
    run, maps = state["live_runs"][0], state["live_maps"][0]
    for key in ("x", "loss", "metric", "grad_norm"):
        assert run[key]["dtype"] == "float32"
        assert "data" not in run[key]  # moved out of the JSON into a binary buffer
    for key in ("map_x", "map"):
        assert maps[key]["dtype"] == "float32"
        assert "data" not in maps[key]
    assert maps["map"]["shape"] == [TINY["delay"] + 1, 2]
    assert len(buffers) >= 6


def test_a_run_at_step_zero_can_be_sent(tiny, split_state):
    t = tiny()
    state, _ = split_state(t)
    assert state["live_runs"][0]["loss"]["shape"] == [0]


def test_bad_arguments_are_rejected_in_the_learners_words():
    with pytest.raises(ValueError, match="cell must be one of"):
        train(cell="cnn", **TINY)
    with pytest.raises(TypeError, match="cell must be"):
        train(cell=3, **TINY)
    with pytest.raises(ValueError, match="delay must be a whole number"):
        train(units=4, delay=0)
    with pytest.raises(ValueError, match="optimizer"):
        train(optimizer="rmsprop", **TINY)


# -- pure helpers -------------------------------------------------------------------------


def test_sample_steps_keeps_every_step_then_every_kth_and_the_last():
    np.testing.assert_array_equal(R.sample_steps(5, 10), np.arange(5))
    idx = R.sample_steps(25, 10)
    np.testing.assert_array_equal(idx, [0, 4, 8, 12, 16, 20, 24])
    assert len(R.sample_steps(10_000, 2000)) <= 2001
    # points already drawn stay where they are as the run grows (same k)
    assert set(R.sample_steps(30, 10)[:-1]) <= set(R.sample_steps(31, 10))


def test_signal_map_is_relative_to_each_steps_largest_norm():
    dh = np.array([[0.001, 0.1, 1.0], [0.0, 2.0, 20.0]])
    m = R.signal_map(dh)
    assert m.shape == (3, 2)
    np.testing.assert_allclose(m[:, 0], [-3.0, -1.0, 0.0])
    np.testing.assert_allclose(m[1:, 1], [-1.0, 0.0])
    assert m[0, 1] == -np.inf


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_the_demo_trains_what_training_demo_builds(cell):
    """rnnviz.train(demo=...) reads training.DEMOS: the same cell, task and optimizer."""
    from rnnviz.sim import training

    spec = training.DEMOS["long-memory"]
    t = train(demo="long-memory", seed=1)
    try:
        assert [r["cell"] for r in t.live_runs] == list(spec["cells"])
        assert t.info["timesteps"] == spec["task"]["timesteps"]
        assert t.info["max_steps"] == spec["steps"]
        assert t.units == spec["units"]
        t.step(2)
        built, task, kw = training.demo("long-memory", cell, seed=1)
        ref = training.fit(built, task, 2, seed=1, **kw)
        np.testing.assert_array_equal(t.runs[R.CELL_LABELS[cell]].losses, ref.losses)
    finally:
        t.close()
    with pytest.raises(ValueError, match="demo must be one of"):
        train(demo="short-memory")


def test_explore_opens_the_trained_cell_in_the_explorer():
    tr = rnnviz.train(cell="rnn", task="adding", units=6, delay=8, batch=4, seed=0)
    try:
        tr.step()
        ex = tr.explore()
        assert (ex.units, ex.cell, ex.timesteps) == (6, "rnn", 8)
        x = tr.result.task.batch(0)[0][:1]
        np.testing.assert_allclose(ex.frame.states[0], tr.cell.run(x).states[0], rtol=1e-12)
    finally:
        tr.close()


def test_lstm_forget_bias_zero_starts_at_zero():
    """forget_bias=0 gives b_f = 0 (σ(0) = 0.5), not the LSTM's default of 1."""
    from rnnviz.widgets import _trainer_runs as R

    s = R.Settings(cell="lstm", units=3, forget_bias=0.0).checked()
    cell = R.make_run("lstm", s, R.make_task(s)).initial_cell
    np.testing.assert_array_equal(cell.bias, np.zeros(12))
