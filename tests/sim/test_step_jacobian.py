"""A cell's closed-form one-step Jacobian equals the generic one (the identity pulled back
through ``step_vjp``), so the product bound it feeds is the same bound, only cheaper."""

from __future__ import annotations

import numpy as np
import pytest
from simhelp import random_cell, random_inputs

from rnnviz.sim import ACTIVATIONS, CELLS, Cell, bounds


def _generic(cell, trace, t):
    return Cell.step_jacobian(cell, trace, t)


def _assert_same(A, G, rtol=1e-12):
    assert A.shape == G.shape
    finite = np.isfinite(G)
    np.testing.assert_array_equal(np.isfinite(A), finite)
    scale = max(np.abs(G[finite]).max(initial=0.0), 1e-300)
    assert np.abs(A[finite] - G[finite]).max(initial=0.0) <= rtol * scale


@pytest.mark.parametrize("s", [0.5, 1.0, 2.5])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("name", CELLS)
def test_step_jacobian_equals_the_identity_pulled_back(name, activation, s):
    cell = random_cell(name, activation, units=6, features=3, weight_scale=s, seed=2)
    rng = np.random.default_rng(4)
    cell = cell.with_weights(bias=rng.uniform(-4.0, 4.0, cell.bias.shape))  # saturated gates
    x, h0, c0 = random_inputs(cell, batch=3, timesteps=7)
    trace = cell.run(3.0 * x, h0=h0, c0=c0).trace
    n = 2 * cell.units if cell.has_cell_state else cell.units
    for t in range(1, 8):
        A = cell.step_jacobian(trace, t)
        assert A.shape == (3, n, n)
        _assert_same(A, _generic(cell, trace, t))


@pytest.mark.parametrize("name", CELLS)
def test_step_jacobian_after_an_overflow_is_the_generic_one(name):
    """Overflowed states (linear, huge weights): same entries, same inf, NaN where it has NaN."""
    cell = random_cell(name, "linear", units=4, features=2, seed=3)
    rng = np.random.default_rng(3)
    R = 3.0 * np.abs(rng.standard_normal(cell.recurrent_kernel.shape))  # gates open as h grows
    b = np.ones(cell.bias.shape)
    if name == "gru":  # the update gate z closes as h grows: h_t ≈ ĥ_t
        R[:, :4] *= -1.0
        b[..., :4] = -4.0
    cell = cell.with_weights(recurrent_kernel=R, bias=b)
    res = cell.run(np.ones((1, 700, 2)))
    assert res.overflowed
    for t in (1, 350, 700):
        A, G = cell.step_jacobian(res.trace, t), _generic(cell, res.trace, t)
        np.testing.assert_array_equal(np.isnan(A), np.isnan(G))
        _assert_same(A, G)


@pytest.mark.parametrize("name", CELLS)
def test_product_bound_is_the_bound_of_the_generic_jacobians(name, monkeypatch):
    cell = random_cell(name, units=5, features=3, weight_scale=1.3, seed=5)
    x, h0, c0 = random_inputs(cell, batch=2, timesteps=12)
    res = cell.run(x, h0=h0, c0=c0)
    fast = {m: bounds.product_bound(res, "state", method=m) for m in ("svd", "auto")}
    monkeypatch.setattr(type(cell), "step_jacobian", Cell.step_jacobian)
    res = cell.run(x, h0=h0, c0=c0)
    for method, bound in fast.items():
        np.testing.assert_allclose(bound, bounds.product_bound(res, "state", method), rtol=1e-12)
