"""Eigenvalues and singular values of the recurrent block (rnnviz.sim.spectrum)."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.sim import CELLS, SimpleRNN, make_cell, spectrum, theory


def _sorted_complex(z):
    z = np.asarray(z, dtype=np.complex128)
    return z[np.lexsort((np.round(z.imag, 9), np.round(z.real, 9)))]


@pytest.mark.parametrize("init", ["orthogonal", "gaussian"])
@pytest.mark.parametrize("name", CELLS)
def test_eigen_and_singular_values_match_numpy(name, init):
    cell = make_cell(name, units=9, features=2, weight_scale=1.3, init=init, seed=5)
    sp = spectrum.of_cell(cell)
    W = cell._candidate_block()
    np.testing.assert_allclose(
        _sorted_complex(sp.eigenvalues), _sorted_complex(np.linalg.eigvals(W)), atol=1e-12
    )
    np.testing.assert_allclose(sp.singular_values, np.linalg.svd(W, compute_uv=False))
    assert sp.eigenvalues.shape == (9,)
    assert sp.singular_values.shape == (9,)
    # sorted from the largest |λ| and σ down
    assert np.all(np.diff(np.abs(sp.eigenvalues)) <= 1e-12)
    assert np.all(np.diff(sp.singular_values) <= 0)
    assert sp.rho == pytest.approx(np.max(np.abs(np.linalg.eigvals(W))), rel=1e-12)
    assert sp.sigma_max == pytest.approx(np.linalg.norm(W, 2), rel=1e-12)
    # the same numbers as the theory summary
    assert sp.rho == pytest.approx(theory.spectral_radius(W), rel=1e-12)
    assert sp.sigma_max == pytest.approx(theory.sigma_max(W), rel=1e-12)
    assert sp.rho <= sp.sigma_max * (1 + 1e-12)


@pytest.mark.parametrize(("name", "matrix"), [("rnn", "W_hh"), ("lstm", "U_c"), ("gru", "U_h")])
def test_the_matrix_is_named_as_in_the_theory_summary(name, matrix):
    cell = make_cell(name, units=4, features=2, seed=1)
    assert spectrum.of_cell(cell).matrix == matrix


@pytest.mark.parametrize("s", [0.5, 1.0, 1.7])
def test_orthogonal_init_every_eigenvalue_on_the_circle_of_radius_s(s):
    sp = spectrum.of_cell(SimpleRNN(units=16, features=2, weight_scale=s, seed=3))
    np.testing.assert_allclose(np.abs(sp.eigenvalues), s, rtol=1e-12)
    np.testing.assert_allclose(sp.singular_values, s, rtol=1e-12)
    assert sp.rho == pytest.approx(s)
    assert sp.sigma_max == pytest.approx(s)


def test_gaussian_init_rho_below_one_although_sigma_max_above_one():
    sp = spectrum.of_cell(
        SimpleRNN(units=32, features=2, weight_scale=0.9, init="gaussian", seed=0)
    )
    assert sp.rho == pytest.approx(0.9, rel=1e-12)
    assert sp.rho < 1 < sp.sigma_max
    # some singular values exceed 1 although every eigenvalue lies inside the unit circle
    assert np.all(np.abs(sp.eigenvalues) < 1)
    assert np.sum(sp.singular_values > 1) >= 2


def test_arrays_are_read_only_and_bad_matrices_are_rejected():
    sp = spectrum.of_matrix(np.array([[0.0, 2.0], [0.0, 0.0]]))
    assert sp.rho == 0.0
    assert sp.sigma_max == 2.0
    with pytest.raises(ValueError, match="read-only"):
        sp.eigenvalues[0] = 1
    with pytest.raises(ValueError, match=r"square \(units, units\) matrix; got shape \(2, 3\)"):
        spectrum.of_matrix(np.ones((2, 3)))
    with pytest.raises(ValueError, match="W_hh must hold finite numbers"):
        spectrum.of_matrix(np.array([[np.inf]]))
