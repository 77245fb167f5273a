"""Loss gradients (full and truncated BPTT) against central finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from simhelp import fd_dc, fd_dh, fd_param_grads, random_cell, random_inputs

from rnnviz.sim import ACTIVATIONS, CELLS

RTOL, ATOL = 1e-6, 1e-8


def _setup(name, act, output_units=None, seed=0):
    cell = random_cell(name, act, output_units=output_units, seed=seed)
    x, h0, c0 = random_inputs(cell, seed=seed + 1)
    res = cell.run(x, h0=h0, c0=c0)
    n = output_units or cell.units
    target = np.random.default_rng(seed + 7).standard_normal((res.batch, n))
    return cell, x, h0, c0, res, target


@pytest.mark.parametrize("truncate", [None, 2])
@pytest.mark.parametrize("act", ACTIVATIONS)
@pytest.mark.parametrize("name", CELLS)
def test_param_gradients_match_finite_differences(name, act, truncate):
    cell, x, h0, c0, res, target = _setup(name, act)
    grads = res.loss_gradients(target, truncate=truncate)
    fd = fd_param_grads(cell, x, h0, c0, target, truncate=truncate)
    assert set(grads.params) == set(fd)
    for key, value in fd.items():
        assert grads.params[key].shape == getattr(cell, key).shape
        np.testing.assert_allclose(grads.params[key], value, rtol=RTOL, atol=ATOL, err_msg=key)


@pytest.mark.parametrize("name", CELLS)
def test_output_layer_gradients_match_finite_differences(name):
    cell, x, h0, c0, res, target = _setup(name, "tanh", output_units=2, seed=3)
    cell = cell.with_weights(W_hy=cell.W_hy)  # same cell; exercises with_weights on W_hy
    grads = res.loss_gradients(target)
    fd = fd_param_grads(cell, x, h0, c0, target)
    assert {"W_hy", "b_y"} <= set(grads.params)
    for key, value in fd.items():
        np.testing.assert_allclose(grads.params[key], value, rtol=RTOL, atol=ATOL, err_msg=key)
    np.testing.assert_allclose(grads.dh, fd_dh(cell, res, target), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("act", ACTIVATIONS)
@pytest.mark.parametrize("name", CELLS)
def test_dh_matches_finite_differences(name, act):
    cell, _, _, _, res, target = _setup(name, act, seed=5)
    grads = res.loss_gradients(target)
    fd = fd_dh(cell, res, target)
    assert grads.dh.shape == (res.batch, res.timesteps + 1, res.units)
    np.testing.assert_allclose(grads.dh, fd, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(grads.dh_norms, np.linalg.norm(fd, axis=-1), rtol=1e-5)
    expected_loss = 0.5 * np.sum((res.last_state - target) ** 2, axis=-1)
    np.testing.assert_allclose(grads.loss, expected_loss, rtol=1e-14)


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_lstm_cell_gradient_matches_finite_differences(act):
    cell, _, _, _, res, target = _setup("lstm", act, seed=9)
    grads = res.loss_gradients(target)
    np.testing.assert_allclose(grads.dc, fd_dc(cell, res, target), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", CELLS)
def test_truncation_window_definition(name):
    """dh_t equals the full gradient for t ≥ T−k, is exactly 0 before; parameters differ."""
    _cell, _x, _h0, _c0, res, target = _setup(name, "tanh", seed=11)
    T, k = res.timesteps, 2
    full = res.loss_gradients(target)
    trunc = res.loss_gradients(target, truncate=k)
    assert trunc.truncate == k
    assert full.truncate is None
    np.testing.assert_array_equal(trunc.dh[:, T - k :], full.dh[:, T - k :])
    assert np.all(trunc.dh[:, : T - k] == 0)
    assert np.all(full.dh_norms[:, : T - k] > 0)
    # the truncated gradient really leaves out the early steps
    diff = np.abs(trunc.params["recurrent_kernel"] - full.params["recurrent_kernel"])
    assert diff.max() > 1e-4
    # a window at least as long as the sequence, None and 0 all mean full BPTT
    for same in (T, T + 5, 0, None):
        g = res.loss_gradients(target, truncate=same)
        np.testing.assert_array_equal(g.params["kernel"], full.params["kernel"])


def test_default_target_is_zero_and_loss_is_half_squared_norm():
    _cell, _, _, _, res, _ = _setup("rnn", "tanh")
    g = res.loss_gradients()
    np.testing.assert_array_equal(g.loss, 0.5 * np.sum(res.last_state**2, axis=-1))
    np.testing.assert_array_equal(g.dh[:, -1], res.last_state)


def test_gradients_are_read_only():
    _, _, _, _, res, target = _setup("gru", "tanh")
    g = res.loss_gradients(target)
    with pytest.raises(ValueError, match="read-only"):
        g.dh[0, 0, 0] = 1.0
