"""Spectral radius vs largest singular value, γ, the Pascanu bound, initialisers."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.sim import CELLS, SimpleRNN, make_cell, theory


@pytest.mark.parametrize("init", ["orthogonal", "gaussian"])
@pytest.mark.parametrize("s", [0.5, 1.0, 1.5])
@pytest.mark.parametrize("act", ["tanh", "sigmoid", "relu"])
def test_pascanu_bound_holds_on_random_inputs(act, s, init):
    cell = SimpleRNN(units=12, features=3, activation=act, weight_scale=s, init=init, seed=4)
    cell = cell.with_weights(bias=0.2 * np.random.default_rng(1).standard_normal(12))
    x = np.random.default_rng(2).standard_normal((3, 40, 3))
    res = cell.run(x, h0=0.3 * np.ones(12))
    summary = res.theory
    norms = res.jacobian_norms()
    assert np.all(norms <= summary.bound * (1 + 1e-9))
    # the bound is not vacuous: one step is within a factor γσ of the bound
    assert summary.bound[-2] == pytest.approx(summary.gamma * summary.sigma_max)


def test_rho_and_sigma_of_a_non_normal_matrix():
    W = np.array([[0.0, 2.0], [0.0, 0.0]])
    assert theory.spectral_radius(W) == 0.0
    assert theory.sigma_max(W) == 2.0
    with pytest.raises(ValueError, match=r"square \(units, units\) matrix; got shape \(2, 3\)"):
        theory.sigma_max(np.ones((2, 3)))


@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize("s", [0.3, 1.0, 2.5])
def test_orthogonal_init_all_singular_values_equal_s(name, s):
    cell = make_cell(name, units=7, features=2, weight_scale=s, seed=9)
    for k in range(cell.n_gates):
        block = cell.recurrent_kernel[:, 7 * k : 7 * (k + 1)]
        np.testing.assert_allclose(np.linalg.svd(block, compute_uv=False), s, rtol=1e-13)
        assert theory.spectral_radius(block) == pytest.approx(s, rel=1e-13)


@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize("s", [0.5, 0.9, 1.2])
def test_gaussian_init_has_radius_s_but_larger_sigma_max(name, s):
    cell = make_cell(name, units=16, features=2, weight_scale=s, init="gaussian", seed=9)
    for k in range(cell.n_gates):
        block = cell.recurrent_kernel[:, 16 * k : 16 * (k + 1)]
        assert theory.spectral_radius(block) == pytest.approx(s, rel=1e-12)
        assert theory.sigma_max(block) > 1.3 * s
    summary = cell.run(np.zeros((3, 2))).theory
    assert summary.rho == pytest.approx(s, rel=1e-12)
    assert summary.sigma_max > summary.rho


def test_rho_below_one_does_not_mean_sigma_below_one():
    cell = SimpleRNN(units=32, features=1, weight_scale=0.9, init="gaussian", seed=0)
    summary = cell.run(np.zeros((5, 1))).theory
    assert summary.rho < 1 < summary.sigma_max
    assert not summary.vanishing_sufficient


def test_gamma_values():
    assert [theory.gamma(a) for a in ("tanh", "sigmoid", "relu", "linear")] == [1, 0.25, 1, 1]
    with pytest.raises(ValueError, match="'tanh', 'sigmoid', 'relu', 'linear'"):
        theory.gamma("softmax")


def test_pascanu_bound_values_and_overflow():
    np.testing.assert_allclose(theory.pascanu_bound(2.0, 0.25, 3), [0.125, 0.25, 0.5, 1.0])
    b = theory.pascanu_bound(3.0, 1.0, 700)
    assert b[-1] == 1.0
    assert b[-2] == 3.0
    assert np.isinf(b[0])
    assert not np.isnan(b).any()
    assert theory.pascanu_bound(0.5, 1.0, 2000)[0] == 0.0


def test_vanishing_sufficient_is_strict():
    assert theory.vanishing_sufficient(3.99, 0.25)
    assert not theory.vanishing_sufficient(4.0, 0.25)
    assert theory.vanishing_sufficient(0.99, 1.0)


@pytest.mark.parametrize(("name", "matrix"), [("rnn", "W_hh"), ("lstm", "U_c"), ("gru", "U_h")])
def test_summary_uses_the_candidate_block(name, matrix):
    cell = make_cell(name, units=4, features=2, activation="sigmoid", weight_scale=2.0)
    summary = cell.run(np.zeros((6, 2))).theory
    assert summary.matrix == matrix
    assert summary.gamma == 0.25
    assert summary.sigma_max == pytest.approx(2.0, rel=1e-13)
    if name == "rnn":
        assert summary.vanishing_sufficient  # 2.0 < 1 / 0.25
        np.testing.assert_allclose(summary.bound, 0.5 ** np.arange(6, -1, -1), rtol=1e-13)
    else:  # the gates carry the gradient past the candidate block: no bound, no guarantee
        assert summary.vanishing_sufficient is None
        assert summary.bound is None
