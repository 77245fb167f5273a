"""‖∂h_T/∂h_t‖₂, ‖∂h_T/∂c_t‖₂, ‖∂h_T/∂x_t‖₂: finite differences, closed forms, overflow."""

from __future__ import annotations

import numpy as np
import pytest
from simhelp import fd_jacobian_norms, random_cell, random_inputs

from rnnviz.sim import ACTIVATIONS, CELLS, GRU, LSTM, SimpleRNN, jacobians


def _wrts(name):
    return ("state", "input", "cell") if name == "lstm" else ("state", "input")


@pytest.mark.parametrize("method", ["auto", "krylov"])
@pytest.mark.parametrize("act", ACTIVATIONS)
@pytest.mark.parametrize("name", CELLS)
def test_norms_match_finite_difference_jacobians(name, act, method):
    cell = random_cell(name, act, units=4, features=3, seed=2, weight_scale=1.1)
    x, h0, c0 = random_inputs(cell, timesteps=5, seed=4)
    res = cell.run(x, h0=h0, c0=c0)
    for wrt in _wrts(name):
        got = jacobians.jacobian_norms(res, wrt, method=method)
        want = fd_jacobian_norms(cell, res, wrt)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9, err_msg=wrt)


def test_result_method_shapes_and_caching():
    cell = LSTM(units=4, features=3)
    res = cell.run(np.random.default_rng(0).standard_normal((2, 6, 3)))
    assert res.jacobian_norms().shape == (2, 7)
    assert res.jacobian_norms("cell").shape == (2, 7)
    assert res.jacobian_norms("input").shape == (2, 6)
    np.testing.assert_array_equal(res.jacobian_norms("state")[:, -1], 1.0)
    assert res.jacobian_norms() is res.jacobian_norms("state")
    assert not res.jacobian_norms().flags.writeable


def test_lstm_cell_norm_at_T_is_output_gate_times_derivative():
    """∂h_T/∂c_T = diag(o_T ⊙ tanh′(c_T)), so its norm is the largest |o_T tanh′(c_T)|."""
    cell = LSTM(units=5, features=2, seed=4)
    res = cell.run(np.random.default_rng(3).standard_normal((1, 4, 2)))
    o, c = res.gates["o"][0, -1], res.cell_states[0, -1]
    want = np.max(np.abs(o * (1 - np.tanh(c) ** 2)))
    assert res.jacobian_norms("cell")[0, -1] == pytest.approx(want, rel=1e-13)


@pytest.mark.parametrize("units", [8, 64])
@pytest.mark.parametrize("act", ["linear", "tanh"])
@pytest.mark.parametrize("s", [0.5, 0.9, 1.0, 1.1, 2.0])
def test_closed_form_orthogonal_scaled(units, act, s):
    """Zero input, zero bias, h_0 = 0: every f′ = 1, so ∂h_T/∂h_t = (s Qᵀ)^(T−t)."""
    T = 30
    cell = SimpleRNN(units=units, features=3, activation=act, weight_scale=s, seed=7)
    res = cell.run(np.zeros((2, T, 3)))
    want = s ** np.arange(T, -1, -1, dtype=float)
    for method in ("auto", "krylov", "svd"):
        got = jacobians.jacobian_norms(res, "state", method=method)
        np.testing.assert_allclose(got, np.broadcast_to(want, (2, T + 1)), rtol=1e-8)
    assert not res.overflowed


@pytest.mark.parametrize("s", [0.25, 4.0])
def test_closed_form_krylov_across_the_rescaling_band(s):
    """100 units (Krylov path), (s Qᵀ)^(T−t) with s^40 = 2^±80: the chain leaves 2^±64 and
    is rescaled on the way, and every norm is still s^(T−t)."""
    T = 40
    cell = SimpleRNN(units=100, features=2, activation="linear", weight_scale=s, seed=3)
    res = cell.run(np.zeros((1, T, 2)))
    want = s ** np.arange(T, -1, -1, dtype=float)
    np.testing.assert_allclose(res.jacobian_norms()[0], want, rtol=1e-10)


def test_closed_form_overflow_is_inf_and_flagged():
    """Linear, s = 2, T = 1100: 2^(T−t) exceeds float64 for T − t ≥ 1024."""
    T = 1100
    cell = SimpleRNN(units=6, features=2, activation="linear", weight_scale=2.0, seed=1)
    res = cell.run(np.zeros((1, T, 2)))
    norms = res.jacobian_norms()
    k = T - np.arange(T + 1)  # T − t
    finite = k <= 1023
    np.testing.assert_allclose(norms[0, finite], 2.0 ** k[finite], rtol=1e-8)
    assert np.all(np.isinf(norms[0, ~finite]))
    assert not np.isnan(norms).any()
    assert res.overflowed


def test_closed_form_underflow_reaches_exact_zero_and_stays():
    T = 1100
    cell = SimpleRNN(units=6, features=2, activation="linear", weight_scale=0.5, seed=1)
    res = cell.run(np.zeros((1, T, 2)))
    norms = res.jacobian_norms()[0]
    k = T - np.arange(T + 1)
    normal = k <= 1022
    np.testing.assert_allclose(norms[normal], 0.5 ** k[normal], rtol=1e-8)
    first_zero = np.flatnonzero(norms == 0).max()
    assert np.all(norms[: first_zero + 1] == 0)
    assert k[first_zero] > 1074 - 1
    assert not res.overflowed


def test_exploding_forward_and_backward_never_nan():
    """Linear s = 3 on noise: states overflow to inf; every analysis reports inf, not NaN."""
    cell = SimpleRNN(units=5, features=2, activation="linear", weight_scale=3.0, seed=0)
    x = np.random.default_rng(0).standard_normal((2, 800, 2))
    res = cell.run(x)
    assert res.overflowed
    assert np.isinf(res.states).any()
    assert not np.isnan(res.states).any()
    for wrt in ("state", "input"):
        norms = res.jacobian_norms(wrt)
        assert not np.isnan(norms).any()
        assert np.isinf(norms).any()
    grads = res.loss_gradients()
    assert grads.overflowed
    for arr in (grads.loss, grads.dh, grads.dh_norms, *grads.params.values()):
        assert not np.isnan(arr).any()


@pytest.mark.parametrize("C", [LSTM, GRU])
def test_gated_cells_with_exploding_relu_never_nan(C):
    cell = C(units=4, features=2, activation="relu", weight_scale=40.0, seed=0)
    res = cell.run(np.abs(np.random.default_rng(1).standard_normal((1, 400, 2))) * 50)
    assert not np.isnan(res.states).any()
    for wrt in ("state", "input"):
        assert not np.isnan(res.jacobian_norms(wrt)).any()
    assert not np.isnan(res.loss_gradients().dh).any()


def test_krylov_matches_exact_norm_on_hard_spectra():
    """Clustered and spread singular values, with and without a warm start."""
    rng = np.random.default_rng(0)
    mats = []
    for svals in (
        np.linspace(1.0, 0.1, 80),
        np.r_[1.0, 1.0 - 1e-9, np.full(78, 0.5)],
        np.r_[3.0, rng.uniform(0, 2.9, 79)],
        np.geomspace(1e-3, 1e3, 80),
    ):
        U, _ = np.linalg.qr(rng.standard_normal((80, 80)))
        V, _ = np.linalg.qr(rng.standard_normal((80, 80)))
        mats.append((U * svals) @ V.T)
    M = np.stack(mats)
    exact = np.array([np.linalg.norm(m, 2) for m in M])
    sigma, V = jacobians.spectral_norms(M, method="krylov")
    np.testing.assert_allclose(sigma, exact, rtol=1e-12)
    sigma2, _ = jacobians.spectral_norms(M * 1.01, V0=V, method="krylov")
    np.testing.assert_allclose(sigma2, exact * 1.01, rtol=1e-12)
    sigma3, _ = jacobians.spectral_norms(M * 1e-200, method="svd")  # exact path, rescaled
    np.testing.assert_allclose(sigma3, exact * 1e-200, rtol=1e-13)


def test_chain_yields_the_jacobians():
    cell = random_cell("gru", "tanh", units=3, features=2)
    x, h0, _ = random_inputs(cell, batch=1, timesteps=4)
    res = cell.run(x, h0=h0)
    fd = fd_jacobian_norms(cell, res, "state")
    for t, J_h, J_c in jacobians.chain(res):
        assert J_c is None
        assert J_h.shape == (1, 3, 3)
        assert np.linalg.norm(J_h[0], 2) == pytest.approx(fd[0, t], rel=1e-6)


def test_wrt_errors():
    res = SimpleRNN(units=3, features=2).run(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="only LSTM has a cell state"):
        res.jacobian_norms("cell")
    with pytest.raises(ValueError, match=r"unknown wrt 'hidden'.*'state', 'cell', 'input'"):
        res.jacobian_norms("hidden")


@pytest.mark.parametrize("name", CELLS)
def test_krylov_chain_matches_exact_norms_at_every_step(name):
    """Warm-started Krylov along a real chain (batch of 2, 100 units) vs exact norms."""
    cell = random_cell(name, "tanh", units=100, features=3, seed=6, weight_scale=1.0,
                       init="gaussian")  # fmt: skip
    x, h0, c0 = random_inputs(cell, batch=2, timesteps=25, seed=8)
    res = cell.run(x, h0=h0, c0=c0)
    for wrt in _wrts(name):
        krylov = jacobians.jacobian_norms(res, wrt, method="krylov")
        exact = jacobians.jacobian_norms(res, wrt, method="svd")
        np.testing.assert_allclose(krylov, exact, rtol=1e-11, err_msg=wrt)
