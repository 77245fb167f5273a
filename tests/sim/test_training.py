"""training.fit and bptt.backward: finite differences, truncation forms, runs, errors."""

from __future__ import annotations

import numpy as np
import pytest
from simhelp import fd_weight, random_cell, random_inputs

from rnnviz.sim import CELLS, bptt, make_cell, tasks, training

RTOL, ATOL = 1e-6, 1e-8


def _linear_loss_with(cell, base_cell, x, h0, c0, V, start, chunk):
    """Σ_b Σ_t ⟨V_bt, h_bt⟩ over the differentiated steps of ``cell``, the cut states being
    constants computed once with ``base_cell`` (what detach means)."""
    T = x.shape[1]
    base = base_cell.run(x, h0=h0, c0=c0)
    cuts = [start] if chunk is None else list(range(0, T, chunk))
    total = 0.0
    for a, b in zip(cuts, [*cuts[1:], T], strict=True):
        h = h0 if a == 0 else base.states[:, a - 1]
        c = c0 if a == 0 else (None if c0 is None else base.cell_states[:, a - 1])
        res = cell.run(x[:, a:b], h0=h, c0=c)
        total += float(np.sum(V[:, a:b] * res.states))
    return total


@pytest.mark.parametrize(("start", "chunk"), [(0, None), (3, None), (0, 3), (0, 2)])
@pytest.mark.parametrize("name", CELLS)
def test_backward_weight_gradients_match_finite_differences(name, start, chunk):
    cell = random_cell(name, units=3, features=2, seed=2)
    x, h0, c0 = random_inputs(cell, batch=2, timesteps=7, seed=3)
    V = np.random.default_rng(4).standard_normal((2, 7, 3))
    back = bptt.backward(cell.run(x, h0=h0, c0=c0), V, start=start, chunk=chunk)
    for key, grad in back.params.items():
        fd = fd_weight(cell, key, lambda c: _linear_loss_with(c, cell, x, h0, c0, V, start, chunk))
        np.testing.assert_allclose(grad, fd, rtol=RTOL, atol=ATOL, err_msg=key)


@pytest.mark.parametrize("name", CELLS)
def test_backward_with_a_last_step_loss_equals_loss_gradients(name):
    cell = random_cell(name, units=4, features=2, seed=5)
    x, h0, c0 = random_inputs(cell, batch=3, timesteps=6, seed=6)
    res = cell.run(x, h0=h0, c0=c0)
    target = np.random.default_rng(0).standard_normal((3, 4))
    for k in (None, 2):
        ref = res.loss_gradients(target, truncate=k)
        back = bptt.backward(res, res.last_state - target, start=0 if k is None else 6 - k)
        np.testing.assert_allclose(back.dh, ref.dh, rtol=1e-13, atol=1e-15)
        for key, value in back.params.items():
            np.testing.assert_allclose(value, ref.params[key], rtol=1e-12, atol=1e-15)


def _sgd_gradient(cell, task):
    """The gradient fit used at step 0, read back from one SGD step with lr = 1."""
    run = training.fit(cell, task, 1, optimizer="sgd", lr=1.0)
    return {
        k: np.asarray(getattr(run.initial_cell, k)) - getattr(run.cell, k)
        for k in ("kernel", "recurrent_kernel", "bias", "W_hy", "b_y")
    }, run


@pytest.mark.parametrize("task_name", ["copy", "sine"])
@pytest.mark.parametrize("name", CELLS)
def test_fit_gradient_is_the_task_loss_gradient(name, task_name):
    task = (
        tasks.make("copy", delay=3, batch=3, symbols=3, distractors=1)
        if task_name == "copy"
        else tasks.make("sine", timesteps=5, batch=2)
    )
    cell = random_cell(name, units=3, features=task.features, seed=1, output_units=task.outputs)
    grads, run = _sgd_gradient(cell, task)
    x, y = task.batch(0)

    def loss(c):
        out = c.run(x).outputs
        return task.loss(out if task.every_step else out[:, -1], y)[0]

    assert run.losses[0] == pytest.approx(loss(cell), rel=1e-14)
    for key, grad in grads.items():
        fd = fd_weight(cell, key, loss)
        np.testing.assert_allclose(grad, fd, rtol=1e-5, atol=1e-8, err_msg=key)


def test_window_and_chunks_agree_when_k_divides_T_for_a_last_step_loss():
    task = tasks.make("adding", timesteps=12, batch=4)
    cell = make_cell("lstm", units=5, features=2, seed=1)
    a = training.fit(cell, task, 4, truncate=4, truncate_mode="window")
    b = training.fit(cell, task, 4, truncate=4, truncate_mode="chunks")
    np.testing.assert_array_equal(a.losses, b.losses)
    np.testing.assert_array_equal(a.dh_norms, b.dh_norms)
    assert np.all(a.dh_norms[:, :8] == 0)
    assert np.all(a.dh_norms[:, 8:] > 0)
    full = training.fit(cell, task, 4)
    assert np.all(full.dh_norms > 0)
    assert not np.allclose(full.losses[1:], a.losses[1:])


def test_chunks_differ_from_window_for_an_every_step_loss():
    task = tasks.make("sine", timesteps=12, batch=4)
    cell = make_cell("rnn", units=5, features=1, seed=1)
    a = training.fit(cell, task, 1, truncate=4, truncate_mode="window")
    b = training.fit(cell, task, 1, truncate=4, truncate_mode="chunks")
    assert np.all(a.dh_norms[0, :8] == 0)
    assert np.all(b.dh_norms[0] > 0)  # every chunk gets its own outputs' gradients


def test_fit_is_deterministic_and_leaves_the_cell_untouched():
    cell = make_cell("gru", units=6, features=9, seed=3)
    kernel = cell.kernel.copy()
    task = tasks.make("copy", batch=8)
    a = training.fit(cell, task, 5, clip_norm=0.5, seed=2)
    b = training.fit(cell, task, 5, clip_norm=0.5, seed=2)
    for key in ("losses", "metric", "grad_norm", "dh_norms", "clipped"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key))
    np.testing.assert_array_equal(a.cell.W_hy, b.cell.W_hy)
    np.testing.assert_array_equal(cell.kernel, kernel)
    assert cell.W_hy is None  # the output layer belongs to the run's cells
    assert a.cell.output_units == task.outputs
    assert a.cell.kernel.flags.writeable is False
    other = training.fit(cell, task, 1, seed=3)
    assert not np.array_equal(other.initial_cell.W_hy, a.initial_cell.W_hy)
    assert a.losses.shape == a.metric.shape == a.grad_norm.shape == (5,)
    assert a.dh_norms.shape == (5, task.timesteps + 1)


def test_train_continues_and_callback_stops():
    task = tasks.make("order", batch=8)
    cell = make_cell("rnn", units=8, features=task.features)
    seen = []

    def callback(step, run):
        seen.append((step, run.steps, len(run.losses)))
        return step < 3

    run = training.fit(cell, task, 10, callback=callback)
    assert run.steps == 3
    assert run.stopped
    assert seen == [(1, 1, 1), (2, 2, 2), (3, 3, 3)]
    run.train(4)
    one_go = training.fit(cell, task, 7)
    np.testing.assert_array_equal(run.losses, one_go.losses)
    np.testing.assert_array_equal(run.cell.kernel, one_go.cell.kernel)


def test_training_learns():
    task = tasks.make("order", batch=16)
    run = training.fit(make_cell("lstm", units=8, features=task.features), task, 60, lr=0.02)
    assert run.losses[-5:].mean() < 0.3 * run.losses[:5].mean()
    assert run.metric[-5:].mean() > 0.9


def test_overflow_stops_with_inf_and_keeps_finite_weights():
    task = tasks.make("adding", timesteps=5, batch=4)
    cell = make_cell("rnn", units=4, features=2, activation="relu", weight_scale=3.0)
    run = training.fit(cell, task, 20, optimizer="sgd", lr=1e200)  # the loss overflows
    assert run.overflowed
    assert run.steps == 2
    assert np.isfinite(run.losses[0])
    assert np.isinf(run.losses[1])
    assert np.isinf(run.grad_norm[1])
    for key in ("losses", "grad_norm", "dh_norms", "metric"):
        assert not np.isnan(getattr(run, key)).any(), key
    assert "overflowed=True" in repr(run)
    assert run.train(3).steps == 2  # an overflowed run does not continue
    # the update itself overflows (lr · g > 1.8e308): the weights stay the last finite ones
    run = training.fit(cell, task, 20, optimizer="sgd", lr=1e308)
    assert run.overflowed
    assert run.steps == 1
    assert np.isfinite(run.losses[0])
    for key in ("kernel", "recurrent_kernel", "W_hy"):
        np.testing.assert_array_equal(getattr(run.cell, key), getattr(run.initial_cell, key))


@pytest.mark.parametrize(
    ("kwargs", "err", "match"),
    [
        ({"cell": "lstm"}, TypeError, "cell must be an rnnviz cell"),
        ({"task": 3}, TypeError, "task must be a Task"),
        ({"task": "adding"}, ValueError, "2 features per step; the cell takes features=9"),
        ({"steps": 0}, ValueError, "steps must be ≥ 1"),
        ({"optimizer": "rmsprop"}, ValueError, "unknown optimizer 'rmsprop'"),
        ({"lr": 0}, ValueError, r"lr \(learning rate\) must be a finite number > 0; got 0"),
        ({"momentum": 0.9}, ValueError, "momentum applies to optimizer='sgd'"),
        ({"optimizer": "sgd", "momentum": 1.0}, ValueError, "momentum must be < 1"),
        ({"clip_norm": -1}, ValueError, "clip_norm must be a finite number > 0"),
        ({"truncate": 2.5}, TypeError, "truncate must be a whole number"),
        ({"truncate": 3, "truncate_mode": "blocks"}, ValueError, "unknown truncate_mode"),
        ({"callback": 5}, TypeError, "callback must be a function"),
    ],
)
def test_bad_arguments(kwargs, err, match):
    args = {"cell": make_cell("rnn", units=3, features=9), "task": tasks.make("copy"), "steps": 2}
    args.update(kwargs)
    with pytest.raises(err, match=match):
        training.fit(**args)


def test_output_layer_of_the_wrong_size_is_rejected():
    cell = make_cell("rnn", units=3, features=9, output_units=2)
    with pytest.raises(ValueError, match="output layer of 4 units; the cell's has output_units=2"):
        training.fit(cell, tasks.make("copy"), 1)


def test_long_memory_demo_setup():
    spec = training.DEMOS["long-memory"]
    lstm, task, kwargs = training.demo("long-memory", "lstm", seed=3)
    rnn, task2, _ = training.demo("long-memory", "rnn", seed=3)
    assert (task.name, task.timesteps, task.batch_size, task.seed) == ("adding", 100, 32, 3)
    np.testing.assert_array_equal(task.batch(5)[0], task2.batch(5)[0])  # same batches
    u = spec["units"]
    assert lstm.units == rnn.units == u
    assert np.all(lstm.bias[u : 2 * u] == spec["forget_bias"])  # b_f, gate order i, f, c, o
    assert np.all(lstm.bias[:u] == 0)
    assert kwargs == spec["fit"]
    assert kwargs is not spec["fit"]
    with pytest.raises(ValueError, match="unknown demo"):
        training.demo("short-memory", "lstm")
    with pytest.raises(ValueError, match="unknown cell 'gru'"):
        training.demo("long-memory", "gru")


def test_with_output_layer_keeps_an_imported_layers_parameter_count_source():
    cell = make_cell("lstm", units=3, features=2)
    cell._framework_biases = ("b_ih", "b_hh")  # as from_torch marks a PyTorch layer
    out = training.with_output_layer(cell, np.ones((3, 2)), np.zeros(2))
    assert out._framework_biases == ("b_ih", "b_hh")
    np.testing.assert_array_equal(out.recurrent_kernel, cell.recurrent_kernel)
    assert out.output_units == 2
    with pytest.raises(ValueError, match=r"W_hy must have shape \(units, output_units\) = \(3,"):
        training.with_output_layer(cell, np.ones((4, 2)), np.zeros(2))


@pytest.mark.parametrize("name", CELLS)
def test_backward_with_reused_buffers_equals_fresh_arrays(name):
    cell = random_cell(name, units=3, features=2, seed=8)
    buffers: dict = {}
    rng = np.random.default_rng(9)
    for start, chunk in [(0, None), (4, None), (0, 3), (2, None)]:  # reuse after each other
        x, h0, c0 = random_inputs(cell, batch=2, timesteps=7, seed=int(rng.integers(100)))
        res = cell.run(x, h0=h0, c0=c0)
        V = rng.standard_normal((2, 7, 3))
        fresh = bptt.backward(res, V, start=start, chunk=chunk)
        reused = bptt.backward(res, V, start=start, chunk=chunk, buffers=buffers)
        np.testing.assert_array_equal(reused.dh, fresh.dh)
        for key, value in fresh.params.items():
            np.testing.assert_array_equal(reused.params[key], value)
    assert set(buffers) >= {"dh", "dz_x"}
