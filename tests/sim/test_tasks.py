"""rnnviz.sim.tasks: shapes, determinism, what each task means, losses and errors."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.sim import inputs, tasks


@pytest.mark.parametrize(
    ("name", "shape_x", "shape_y", "kind", "outputs"),
    [
        ("copy", (8, 12, 9), (8,), "classification", 4),
        ("adding", (8, 50, 2), (8, 1), "regression", 1),
        ("sine", (8, 50, 1), (8, 50, 1), "regression", 1),
        ("order", (8, 6, 5), (8,), "classification", 2),
    ],
)
def test_shapes_and_metadata(name, shape_x, shape_y, kind, outputs):
    task = tasks.make(name, batch=8)
    x, y = task.batch(0)
    assert x.shape == shape_x
    assert y.shape == shape_y
    assert (task.kind, task.outputs, task.features, task.timesteps) == (
        kind,
        outputs,
        shape_x[2],
        shape_x[1],
    )
    assert task.every_step == (name == "sine")
    assert task.loss_name == ("cross_entropy" if kind == "classification" else "mse")
    assert task.metric_name == ("accuracy" if kind == "classification" else "r2")
    assert name in repr(task)


@pytest.mark.parametrize("name", tasks.TASKS)
def test_batches_are_deterministic_per_seed_and_step(name):
    a, b = tasks.make(name, seed=4), tasks.make(name, seed=4)
    x3, y3 = a.batch(3)
    a.batch(0)  # drawing other batches first changes nothing
    np.testing.assert_array_equal(b.batch(3)[0], x3)
    np.testing.assert_array_equal(b.batch(3)[1], y3)
    assert not np.array_equal(a.batch(4)[0], x3)
    assert not np.array_equal(tasks.make(name, seed=5).batch(3)[0], x3)


def test_copy_task_layout():
    task = tasks.make("copy", delay=5, batch=64, symbols=3, distractors=2)
    x, y = task.batch(0)
    assert x.shape == (64, 7, 6)  # symbol, 5 distractors, cue; 3 + 2 + 1 channels
    np.testing.assert_array_equal(np.argmax(x[:, 0], axis=1), y)  # the symbol at t = 1
    assert np.all(x[:, 0, 3:] == 0)
    assert np.all(x[:, 1:-1, :3] == 0)  # distractors never use the symbol channels
    assert np.all(x[:, 1:-1, 3:5].sum(axis=-1) == 1)
    assert np.all(x[:, -1] == [0, 0, 0, 0, 0, 1])  # the cue
    assert set(np.unique(y)) == {0, 1, 2}
    blank = tasks.make("copy", timesteps=7, distractors=0).batch(0)[0]
    assert blank.shape[2] == 5
    assert np.all(blank[:, 1:-1] == 0)


def test_adding_task_target_is_the_sum_of_the_marked_values():
    x, y = tasks.make("adding", timesteps=20, batch=200, seed=1).batch(2)
    marks = x[..., 1]
    assert np.all(marks.sum(axis=1) == 2)
    assert np.all(marks[:, :10].sum(axis=1) == 1)  # one in each half
    np.testing.assert_allclose(y[:, 0], (x[..., 0] * marks).sum(axis=1), rtol=1e-15)
    assert np.all((x[..., 0] >= 0) & (x[..., 0] < 1))


def test_sine_targets_are_the_next_input():
    x, y = tasks.make("sine", timesteps=30, batch=3, period=9).batch(0)
    np.testing.assert_allclose(y[:, :-1], x[:, 1:], atol=1e-15)
    s = x[..., 0]  # a sine of period 9: s_{t+2} = 2 cos(2π/9) s_{t+1} − s_t
    np.testing.assert_allclose(s[:, 2:], 2 * np.cos(2 * np.pi / 9) * s[:, 1:-1] - s[:, :-2],
                               atol=1e-12)  # fmt: skip
    assert np.ptp(s[:, 0]) > 0.1  # random phases


def test_order_task_labels_original_order_only():
    task = tasks.make("order", batch=400, seed=2)
    x, y = task.batch(0)
    original, words = inputs.sentence()
    vocab = inputs.vocabulary()
    is_original = np.all(x == original, axis=(1, 2))
    np.testing.assert_array_equal(y, is_original.astype(int))
    assert 0.3 < y.mean() < 0.7
    # shuffled sentences hold the same words
    np.testing.assert_array_equal(x.sum(axis=1), np.broadcast_to(original[0].sum(0), (400, 5)))
    assert len(vocab) == 5
    assert len(words) == 6
    other = tasks.make("order", text="a b c d", batch=4)
    assert (other.timesteps, other.features) == (4, 4)


def _fd(f, y, eps=1e-6):
    g = np.zeros_like(y)
    for idx in np.ndindex(y.shape):
        yp, ym = y.copy(), y.copy()
        yp[idx] += eps
        ym[idx] -= eps
        g[idx] = (f(yp) - f(ym)) / (2 * eps)
    return g


def test_cross_entropy_and_its_gradient():
    task = tasks.make("copy", batch=5)
    rng = np.random.default_rng(0)
    z = 3 * rng.standard_normal((5, 4))
    labels = np.array([0, 3, 1, 1, 2])
    loss, dz = task.loss(z, labels)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(5), labels])), rel=1e-14)
    np.testing.assert_allclose(dz, _fd(lambda v: task.loss(v, labels)[0], z), atol=1e-9)
    assert task.metric(z, labels) == np.mean(z.argmax(1) == labels)
    big, _ = task.loss(z + 1e4, labels)  # softmax is shift invariant, no overflow
    assert big == pytest.approx(loss, rel=1e-9)


def test_mse_and_r2():
    task = tasks.make("sine", timesteps=4, batch=2)
    rng = np.random.default_rng(1)
    y, t = rng.standard_normal((2, 4, 1)), rng.standard_normal((2, 4, 1))
    loss, dy = task.loss(y, t)
    assert loss == pytest.approx(np.mean((y - t) ** 2), rel=1e-14)
    np.testing.assert_allclose(dy, _fd(lambda v: task.loss(v, t)[0], y), atol=1e-9)
    assert task.metric(t, t) == 1.0
    adding = tasks.make("adding", timesteps=10, batch=50_000)
    _, target = adding.batch(0)
    assert abs(adding.metric(np.ones_like(target), target)) < 0.02  # the mean: r2 ≈ 0


def test_from_arrays_classification_and_epochs():
    x = np.arange(10 * 3 * 2, dtype=float).reshape(10, 3, 2)
    y = np.arange(10) % 3
    task = tasks.from_arrays(x, y, batch=4, seed=1)
    assert (task.kind, task.outputs, task.features, task.timesteps) == ("classification", 3, 2, 3)
    seen = np.concatenate([task.batch(i)[0][:, 0, 0] for i in range(5)])  # 20 = 2 epochs
    np.testing.assert_array_equal(np.sort(seen[:10]), x[:, 0, 0])  # each sample once
    np.testing.assert_array_equal(np.sort(seen[10:]), x[:, 0, 0])
    assert not np.array_equal(seen[:10], seen[10:])  # a fresh order each epoch
    xb, yb = task.batch(1)
    np.testing.assert_array_equal(yb, (xb[:, 0, 0] / 6).astype(int) % 3)
    full = tasks.from_arrays(x, y)
    np.testing.assert_array_equal(full.batch(7)[0], x)


def test_from_arrays_regression_every_step():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((6, 4, 2)), rng.standard_normal((6, 4))
    task = tasks.from_arrays(x, y, kind="regression", every_step=True)
    assert task.outputs == 1
    assert task.batch(0)[1].shape == (6, 4, 1)
    assert task.baseline == pytest.approx(np.var(y), rel=1e-12)


@pytest.mark.parametrize(
    ("call", "err", "match"),
    [
        (lambda: tasks.make("copying"), ValueError, "unknown task 'copying'"),
        (lambda: tasks.make("adding", delay=5), ValueError, "takes timesteps instead"),
        (lambda: tasks.make("copy", timesteps=9, delay=5), ValueError, r"= 7; got timesteps=9"),
        (lambda: tasks.make("copy", timesteps=2), ValueError, "timesteps ≥ 3"),
        (lambda: tasks.make("adding", timesteps=1), ValueError, "timesteps ≥ 2"),
        (lambda: tasks.make("sine", period=0), ValueError, "period must be"),
        (lambda: tasks.make("sine", symbols=3), TypeError, "unknown option"),
        (lambda: tasks.make("order", timesteps=4), ValueError, "timesteps = 6"),
        (lambda: tasks.make("copy", batch=0), ValueError, "batch must be ≥ 1"),
        (lambda: tasks.make("copy", distractors=-1), ValueError, "distractors"),
        (lambda: tasks.make("order", text="a a a"), ValueError, "two different words"),
        (lambda: tasks.make("copy").batch(-1), ValueError, "step must be"),
        (lambda: tasks.from_arrays(np.zeros((4, 3, 2)), [0, 1, 2]), ValueError, r"\(4,\)"),
        (lambda: tasks.from_arrays(np.zeros((3, 3, 2)), [0, 1.5, 2]), ValueError, "whole"),
        (lambda: tasks.from_arrays(np.zeros((2, 3, 2)), [0, 0]), ValueError, "two classes"),
        (
            lambda: tasks.from_arrays(np.zeros((2, 3, 2)), [1, 1], kind="regression"),
            ValueError,
            "all equal",
        ),
        (
            lambda: tasks.from_arrays(np.zeros((2, 3, 2)), [0, 1], kind="ranking"),
            ValueError,
            "kind",
        ),
        (lambda: tasks.from_arrays(np.zeros((2, 3, 2)), [0, np.nan]), ValueError, "finite"),
    ],
)
def test_bad_arguments_say_expected_and_given(call, err, match):
    with pytest.raises(err, match=match):
        call()
