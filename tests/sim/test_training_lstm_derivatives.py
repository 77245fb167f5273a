"""training.py fills an LSTM run's cached derivatives itself (speed): bit for bit what
``LSTM._derive`` computes, so training gives exactly the same numbers."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.sim import make_cell, tasks, training


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_prefilled_derivatives_equal_the_cells_own(activation):
    cell = make_cell("lstm", units=6, features=2, activation=activation, seed=1)
    x = np.random.default_rng(0).normal(size=(3, 7, 2)) * 3
    res = cell.run(x)
    training._lstm_derivatives(res)
    filled = dict(res._derivs)
    if activation != "tanh":
        assert filled == {}  # left to the cell
        return
    assert set(filled) == {"dg", "tc", "dtc", "slope"}
    fresh = cell.run(x)
    u = cell.units
    for key in ("dg", "tc", "dtc"):
        np.testing.assert_array_equal(filled[key], fresh._derived(key))
    used = np.r_[0 : 2 * u, 3 * u : 4 * u]  # i, f, o: the c block's slope is never read
    np.testing.assert_array_equal(filled["slope"][..., used], fresh._derived("slope")[..., used])


def test_training_an_lstm_is_unchanged_bit_for_bit(monkeypatch):
    cell = make_cell("lstm", units=5, features=2, seed=3)
    task = tasks.make("adding", timesteps=9, batch=4, seed=2)
    fast = training.fit(cell, task, 6, lr=1e-2, clip_norm=1.0)
    monkeypatch.setattr(training, "_lstm_derivatives", lambda res: None)
    plain = training.fit(cell, task, 6, lr=1e-2, clip_norm=1.0)
    np.testing.assert_array_equal(fast.losses, plain.losses)
    np.testing.assert_array_equal(fast.dh_norms, plain.dh_norms)
    np.testing.assert_array_equal(fast.cell.recurrent_kernel, plain.cell.recurrent_kernel)
