"""The product of per-step norms bounds every curve; the Pascanu bound is the Elman cell's only."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.sim import ACTIVATIONS, CELLS, SimpleRNN, bounds, make_cell, theory


def _biased_cell(name, activation, s, units=9, seed=0, spread=5.0, init="orthogonal"):
    """A cell with every bias drawn uniformly in ±spread (gate biases up to ±5)."""
    cell = make_cell(name, units=units, features=3, activation=activation, weight_scale=s,
                     seed=seed, init=init)  # fmt: skip
    rng = np.random.default_rng(seed + 7)
    return cell.with_weights(bias=rng.uniform(-spread, spread, cell.bias.shape))


def _assert_bounded(curve, bound):
    assert curve.shape == bound.shape
    assert not np.isnan(bound).any()
    assert np.all(curve <= bound * (1 + 1e-9)), np.max(curve / np.where(bound > 0, bound, 1))


@pytest.mark.parametrize("s", [0.5, 1.0, 1.8, 3.0])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("name", CELLS)
def test_product_bound_holds_for_every_cell_and_wrt(name, activation, s):
    for seed, init in ((0, "orthogonal"), (1, "gaussian")):
        cell = _biased_cell(name, activation, s, seed=seed, init=init)
        rng = np.random.default_rng(seed)
        x = 2.0 * rng.standard_normal((2, 35, 3))
        c0 = rng.standard_normal((2, 9)) if name == "lstm" else None
        res = cell.run(x, h0=rng.standard_normal((2, 9)), c0=c0)
        for wrt in ("state", "cell", "input") if name == "lstm" else ("state", "input"):
            _assert_bounded(res.jacobian_norms(wrt), bounds.product_bound(res, wrt))


@pytest.mark.parametrize("name", CELLS)
def test_gate_biases_of_plus_minus_five_one_gate_at_a_time(name):
    """Saturated gates (bias ±5 on one gate block) keep the bound valid."""
    u = 8
    base = make_cell(name, units=u, features=3, weight_scale=0.9, seed=3)
    x = np.random.default_rng(3).standard_normal((1, 40, 3))
    for k in range(base.n_gates):
        for b in (-5.0, 5.0):
            bias = np.zeros(base.bias.shape)
            bias[..., k * u : (k + 1) * u] = b
            res = base.with_weights(bias=bias).run(x)
            _assert_bounded(res.jacobian_norms(), bounds.product_bound(res))


def _fd_step_jacobian(cell, res, s, eps=1e-6):
    """∂s_s/∂s_{s−1} by central differences of one step of ``cell.run`` (batch 0)."""
    lstm = cell.name == "lstm"
    u = cell.units
    h = res.states[0, s - 2] if s > 1 else res.h0[0]
    c = (res.cell_states[0, s - 2] if s > 1 else res.c0[0]) if lstm else None
    state = np.concatenate((h, c)) if lstm else h
    x = res.x[:1, s - 1 : s]

    def step(v):
        r = cell.run(x, h0=v[None, :u], c0=v[None, u:] if lstm else None)
        out = r.states[0, 0]
        return np.concatenate((out, r.cell_states[0, 0])) if lstm else out

    cols = []
    for j in range(state.size):
        d = np.zeros(state.size)
        d[j] = eps
        cols.append((step(state + d) - step(state - d)) / (2 * eps))
    return np.stack(cols, axis=1)


@pytest.mark.parametrize("name", CELLS)
def test_step_norms_are_the_exact_norms_of_the_one_step_jacobians(name):
    cell = _biased_cell(name, "tanh", 1.2, units=5, spread=1.0)
    rng = np.random.default_rng(5)
    res = cell.run(rng.standard_normal((1, 6, 3)), h0=rng.standard_normal((1, 5)),
                   c0=rng.standard_normal((1, 5)) if name == "lstm" else None)  # fmt: skip
    norms = bounds.step_norms(res)["A"][0]
    for s in range(1, 7):
        expected = np.linalg.norm(_fd_step_jacobian(cell, res, s), 2)
        assert norms[s - 1] == pytest.approx(expected, rel=1e-7)


def test_bound_is_tight_for_a_scaled_orthogonal_linear_rnn():
    """All factors equal s·Q (Q orthogonal): the product of norms is the norm of the product."""
    res = SimpleRNN(units=6, features=2, activation="linear", weight_scale=1.5).run(
        np.zeros((12, 2))
    )
    expected = 1.5 ** np.arange(12, -1, -1.0)
    np.testing.assert_allclose(bounds.product_bound(res)[0], expected, rtol=1e-12)
    np.testing.assert_allclose(res.jacobian_norms()[0], expected, rtol=1e-10)


def test_overflowing_products_are_inf_never_nan():
    # 3^1000 exceeds float64 (max ≈ 3^646): the bound is inf beyond, finite before
    cell = SimpleRNN(units=4, features=2, activation="linear", weight_scale=3.0, seed=0)
    res = cell.run(np.random.default_rng(0).standard_normal((1000, 2)))
    b = bounds.product_bound(res)[0]
    assert not np.isnan(b).any()
    assert np.isinf(b[0])
    assert np.isinf(b[1000 - 700])
    assert b[1000 - 600] == pytest.approx(3.0**600, rel=1e-9)
    _assert_bounded(res.jacobian_norms(), bounds.product_bound(res))
    # relu with W_hh = 3·I and positive inputs: the forward pass itself overflows to inf
    for name in CELLS:
        cell = make_cell(name, units=4, features=2, activation="relu", seed=0)
        cell = cell.with_weights(recurrent_kernel=np.tile(3.0 * np.eye(4), cell.n_gates))
        res = cell.run(np.abs(np.random.default_rng(0).standard_normal((1000, 2))))
        for wrt in ("state", "input"):
            b = bounds.product_bound(res, wrt)
            assert not np.isnan(b).any()
            _assert_bounded(res.jacobian_norms(wrt), b)
        assert res.overflowed or name != "rnn"


def test_underflowing_products_are_zero_never_nan():
    cell = SimpleRNN(units=4, features=2, activation="sigmoid", weight_scale=0.05, seed=0)
    res = cell.run(np.zeros((400, 2)))
    b = bounds.product_bound(res)[0]
    assert b[0] == 0.0
    assert not np.isnan(b).any()
    _assert_bounded(res.jacobian_norms(), bounds.product_bound(res))


def _gru_with_open_update_gate(T=60):
    """GRU, tanh, s = 0.5, update-gate bias 4: z_t ≈ 0.98, h_t ≈ h_{t−1}."""
    cell = make_cell("gru", units=16, features=3, weight_scale=0.5, seed=0)
    bias = np.zeros(cell.bias.shape)
    bias[0, :16] = 4.0
    x = np.random.default_rng(0).standard_normal((T, 3))
    return cell.with_weights(bias=bias).run(x)


def test_pascanu_line_is_no_bound_for_a_gru_and_is_not_reported_as_one():
    res = _gru_with_open_update_gate()
    curve = res.jacobian_norms()[0]
    gamma_sigma = theory.gamma("tanh") * theory.sigma_max(res.cell._candidate_block())
    assert gamma_sigma < 1  # "sufficient for vanishing" would have said yes …
    assert curve[0] > 1e6 * gamma_sigma**60  # … while the gradient is still there
    th = res.theory
    assert th.pascanu_holds is False
    assert th.vanishing_sufficient is None
    assert th.bound is None
    _assert_bounded(res.jacobian_norms(), bounds.product_bound(res))


@pytest.mark.parametrize("name", ["lstm", "gru"])
def test_gated_cells_get_no_pascanu_bound(name):
    th = make_cell(name, units=4, features=2).run(np.zeros((5, 2))).theory
    assert (th.pascanu_holds, th.vanishing_sufficient, th.bound) == (False, None, None)
    assert theory.pascanu_holds(SimpleRNN(units=4, features=2))


def test_pascanu_line_is_never_below_the_product_bound_for_the_elman_cell():
    for act in ACTIVATIONS:
        res = _biased_cell("rnn", act, 1.3, init="gaussian").run(np.ones((30, 3)))
        assert np.all(bounds.product_bound(res)[0] <= res.theory.bound * (1 + 1e-12))


def test_wrt_is_checked():
    res = SimpleRNN(units=3, features=2).run(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="wrt='cell' needs an LSTM"):
        bounds.product_bound(res, "cell")
