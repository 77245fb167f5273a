"""The views' product bound: fast per-step norms, exact ones whenever the curve would cross it."""

from __future__ import annotations

import numpy as np

from rnnviz.frame import build_frame
from rnnviz.sim import bounds


def test_fast_bound_matches_the_exact_one_and_holds():
    for cell in ("rnn", "lstm", "gru"):
        frame = build_frame(cell=cell, units=24, timesteps=30, weight_scale=1.3)
        exact = bounds.product_bound(frame.result.top, "state")[0]
        np.testing.assert_allclose(frame.product_bound, exact, rtol=1e-9)
        assert (frame.jacobian_norms <= frame.product_bound * (1 + 1e-9)).all()


def test_a_bound_below_the_curve_is_recomputed_exactly(monkeypatch):
    real = bounds.product_bound

    def too_low_when_fast(res, wrt="state", method="svd"):
        out = real(res, wrt, method)
        return out * 0.5 if method == "auto" else out  # a solver that missed σ_max

    monkeypatch.setattr(bounds, "product_bound", too_low_when_fast)
    frame = build_frame(units=12, timesteps=15)
    exact = real(frame.result.top, "state")[0]
    np.testing.assert_array_equal(frame.product_bound, exact)
    assert (frame.jacobian_norms <= frame.product_bound * (1 + 1e-9)).all()
