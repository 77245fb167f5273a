"""The curve ‖∂h_T/∂h_t‖₂ of a decaying chain costs one spectral-norm solve per entry.

At weight scale 0.5 (the Explorer's default) the chain J_t = ∂h_T/∂h_t shrinks by about
0.5 per step, so every ~60 steps its entries leave (2^−64, 2^64) and it is rescaled by a
power of two (``jacobians._rescale``). For several steps before each rescaling the norm
is below units·2^−64 while the largest entry is still above 2^−64: the fast path's range
test fails, yet ``_rescale`` leaves the matrix as it is. Its norm, already solved, must be
kept — it used to be solved a second time from the same warm start (the same σ, ~10 %
more Krylov solves at 256 units × 200 steps).
"""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.sim import jacobians, spectral
from tests.sim.simhelp import random_cell


def _decaying_run(units=96, timesteps=120):
    """A tanh Elman RNN at weight scale 0.5, big enough for the Krylov path."""
    assert units >= spectral._EXACT_BELOW  # the fast path is the Krylov one
    cell = random_cell("rnn", "tanh", units=units, features=1, seed=3, weight_scale=0.5)
    x = np.sin(np.linspace(0.0, 6.0, timesteps))[None, :, None]
    return cell.run(x)


def test_one_solve_per_curve_entry(monkeypatch):
    res = _decaying_run()
    calls = []

    def counting(M, V0=None, method="auto"):
        calls.append(M.shape)
        return spectral.spectral_norms(M, V0, method)

    rescaled = []
    plain_rescale = jacobians._rescale

    def rescale(J_h, J_c, E, status):
        out = plain_rescale(J_h, J_c, E, status)
        if out[0] is not J_h:  # the chain was multiplied by a power of two
            rescaled.append(out[2][0])
        return out

    monkeypatch.setattr(jacobians, "spectral_norms", counting)
    monkeypatch.setattr(jacobians, "_rescale", rescale)
    curve = jacobians.jacobian_norms(res, "state")[0]
    T = res.timesteps
    # the chain did decay through the rescaling threshold, twice (else nothing is tested)
    assert curve.min() < 2.0**-128
    assert len(rescaled) >= 2
    # ‖∂h_T/∂h_t‖₂ for t = 0 … T − 1 (entry T is 1 by definition), plus one new solve
    # after each rescaling (the matrix changed; its σ is recomputed, not derived)
    assert len(calls) == T + len(rescaled)


def test_kept_norms_are_the_exact_ones():
    res = _decaying_run()
    krylov = jacobians.jacobian_norms(res, "state", method="auto")[0]
    exact = jacobians.jacobian_norms(res, "state", method="svd")[0]
    assert np.all(krylov > 0)
    np.testing.assert_allclose(krylov, exact, rtol=1e-11)
    assert krylov[0] == pytest.approx(exact[0], rel=1e-11)
