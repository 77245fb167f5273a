"""Bad input: clear ValueError/TypeError (expected and given), and nothing changes."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rnnviz.sim import LSTM, SimpleRNN, make_cell


def _snapshot(cell):
    arrays = ("kernel", "recurrent_kernel", "bias", "W_hy", "b_y")
    return repr(cell), {a: None if getattr(cell, a) is None else getattr(cell, a).copy()
                        for a in arrays}  # fmt: skip


def _unchanged(cell, snap):
    text, arrays = snap
    assert repr(cell) == text
    for name, value in arrays.items():
        current = getattr(cell, name)
        if value is None:
            assert current is None
        else:
            assert current.tobytes() == value.tobytes(), name


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"units": 0}, ValueError, "units must be ≥ 1; got 0"),
        ({"units": -3}, ValueError, "units must be ≥ 1; got -3"),
        ({"units": 2.5}, TypeError, "units must be a whole number ≥ 1; got float 2.5"),
        ({"units": True}, TypeError, "units must be a whole number ≥ 1; got bool True"),
        ({"units": "16"}, TypeError, "units must be a whole number ≥ 1; got str '16'"),
        ({"features": 0}, ValueError, "features must be ≥ 1; got 0"),
        ({"features": None}, TypeError, "features must be a whole number ≥ 1; got NoneType"),
        (
            {"activation": "softmax"},
            ValueError,
            "unknown activation 'softmax'; expected one of 'tanh', 'sigmoid', 'relu', 'linear'",
        ),
        ({"activation": 3}, TypeError, "activation must be a name"),
        ({"weight_scale": 0}, ValueError, "weight_scale must be a finite number > 0; got 0.0"),
        ({"weight_scale": -1.5}, ValueError, "weight_scale must be a finite number > 0; got -1.5"),
        ({"weight_scale": float("nan")}, ValueError, "finite number > 0; got nan"),
        ({"weight_scale": float("inf")}, ValueError, "finite number > 0; got inf"),
        ({"weight_scale": "big"}, TypeError, "weight_scale must be a positive number; got str"),
        ({"weight_scale": True}, TypeError, "weight_scale must be a positive number; got bool"),
        ({"seed": -1}, ValueError, "seed must be ≥ 0; got -1"),
        (
            {"init": "xavier"},
            ValueError,
            "unknown init 'xavier'; expected one of 'orthogonal', 'gaussian'",
        ),
        ({"output_units": 0}, ValueError, "output_units must be ≥ 1; got 0"),
        ({"output_activation": "elu"}, ValueError, "unknown output_activation 'elu'"),
        ({"use_bias": "yes"}, TypeError, "use_bias must be True or False"),
    ],
)
@pytest.mark.parametrize("name", ["rnn", "lstm", "gru"])
def test_constructor_errors(name, kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        make_cell(name, **kwargs)


def test_unknown_keyword_and_cell_name():
    with pytest.raises(TypeError, match="hidden_size"):
        SimpleRNN(hidden_size=4)
    with pytest.raises(ValueError, match=re.escape("unknown cell 'transformer'; expected one of "
                                                   "'rnn', 'lstm', 'gru'")):  # fmt: skip
        make_cell("transformer")


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (
            np.zeros((20, 50)),
            "x must have shape (batch, timesteps, features) = (batch, timesteps, 3); got a 2-D "
            "array of shape (20, 50), which is read as a single sequence (timesteps, features) = "
            "(20, 50): its 50 features ≠ the cell's 3 features",
        ),
        (
            np.zeros((100, 20, 50)),
            "x must have shape (batch, timesteps, features) = (batch, timesteps, 3); got shape "
            "(100, 20, 50): 50 features ≠ the cell's 3 features",
        ),
        (np.zeros(3), "got a 1-D array of shape (3,)"),
        (np.zeros((1, 2, 3, 4)), "got a 4-D array of shape (1, 2, 3, 4)"),
        (
            np.zeros((1, 0, 3)),
            "at least 1 batch entry, 1 timestep and 1 feature; got shape (1, 0, 3)",
        ),
        (
            np.array([[0.0, np.nan, 1.0]]),
            "x must contain only finite numbers; got nan at index (0, 1)",
        ),
        (np.array([[[0.0, 1.0, np.inf]]]), "got inf at index (0, 0, 2)"),
    ],
)
def test_run_rejects_bad_x_and_changes_nothing(x, message):
    cell = SimpleRNN(units=4, features=3)
    snap = _snapshot(cell)
    with pytest.raises(ValueError, match=re.escape(message)):
        cell.run(x)
    _unchanged(cell, snap)


def test_run_rejects_non_numeric_x():
    with pytest.raises(TypeError, match="x must be an array of numbers; got str"):
        SimpleRNN(units=2, features=1).run("hello")


def test_initial_state_errors():
    cell = LSTM(units=4, features=3)
    x = np.zeros((2, 5, 3))
    with pytest.raises(ValueError, match=re.escape("h0 must have shape (batch, units) = (2, 4); "
                                                   "got shape (2, 5)")):  # fmt: skip
        cell.run(x, h0=np.zeros((2, 5)))
    with pytest.raises(ValueError, match=re.escape("c0 must have shape (batch, units) = (2, 4)")):
        cell.run(x, c0=np.zeros(3))
    with pytest.raises(ValueError, match="h0 must contain only finite numbers"):
        cell.run(x, h0=np.full(4, np.inf))
    with pytest.raises(ValueError, match="exists only for LSTM"):
        SimpleRNN(units=4, features=3).run(x, c0=np.zeros(4))


def test_with_weights_rejects_and_changes_nothing():
    cell = SimpleRNN(units=3, features=2, output_units=1)
    snap = _snapshot(cell)
    with pytest.raises(ValueError, match=re.escape("recurrent_kernel must have shape (3, 3); "
                                                   "got shape (3, 4)")):  # fmt: skip
        cell.with_weights(recurrent_kernel=np.zeros((3, 4)))
    with pytest.raises(ValueError, match="kernel must contain only finite numbers; got nan"):
        cell.with_weights(kernel=np.full((2, 3), np.nan))
    with pytest.raises(ValueError, match="bias cannot be set on a cell built with use_bias=False"):
        SimpleRNN(units=3, features=2, use_bias=False).with_weights(bias=np.zeros(3))
    with pytest.raises(TypeError, match="W_hy must be an array of numbers"):
        cell.with_weights(W_hy="zeros")
    _unchanged(cell, snap)


def test_analysis_argument_errors_change_nothing():
    cell = SimpleRNN(units=3, features=2)
    res = cell.run(np.ones((4, 2)))
    states = res.states.copy()
    with pytest.raises(ValueError, match=re.escape("target must have shape (batch, units) = "
                                                   "(1, 3) or (3,); got shape (2,)")):  # fmt: skip
        res.loss_gradients(target=[1.0, 2.0])
    with pytest.raises(ValueError, match="target must contain only finite numbers"):
        res.loss_gradients(target=[np.nan, 0, 0])
    with pytest.raises(ValueError, match=r"truncate must be ≥ 1 timestep .* got -1"):
        res.loss_gradients(truncate=-1)
    with pytest.raises(TypeError, match="truncate must be a whole number of timesteps"):
        res.loss_gradients(truncate=1.5)
    with pytest.raises(TypeError, match="got bool True"):
        res.loss_gradients(truncate=True)
    with pytest.raises(ValueError, match="batch must be ≥ 1; got 0"):
        cell.shapes(batch=0)
    np.testing.assert_array_equal(res.states, states)
    assert not res.overflowed
