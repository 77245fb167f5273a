"""The product bound's per-step solves start from the previous step's singular vectors.

``bounds.step_norms(method="auto")`` takes one spectral norm per one-step Jacobian A_t.
Neighbouring A_t share the recurrent kernel and differ only in the gate values of their
step, so each Davidson solve is started from the previous step's top Ritz vectors (two of
them replaced by unit vectors of A_t's own longest rows) rather than from scratch: fewer
Ritz steps, the same certified norm. The LSTM's A_t (state (h, c), dense h columns and
diagonal c columns) also has exact zeros, so every solve first asks
``spectral.components`` whether A_t splits into blocks; a few products with its 0/1
pattern answer "one block" without the full labelling. Its c columns (two nonzeros each)
are then kept apart from the dense ones (``SparseColumns``), so each product of the solve
reads about half of A_t.
"""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.sim import _components, bounds, spectral
from rnnviz.sim._sparse_columns import SparseColumns
from tests.sim.simhelp import random_cell, random_inputs


def _run(name, units, timesteps=40, s=1.0, batch=2):
    cell = random_cell(name, "tanh", units=units, features=3, seed=5, weight_scale=s)
    x, h0, c0 = random_inputs(cell, batch=batch, timesteps=timesteps, seed=6)
    return cell.run(x, h0=h0, c0=c0) if c0 is not None else cell.run(x, h0=h0)


def _one_step_jacobians(res):
    """A_t for t = T … 1, shape (T, batch, rows, rows)."""
    return np.stack([res.cell.step_jacobian(res.trace, t) for t in range(res.timesteps, 0, -1)])


def _counting_ritz(monkeypatch):
    counts = {"ritz": 0}
    ritz = spectral._ritz

    def counted(*a):
        counts["ritz"] += 1
        return ritz(*a)

    monkeypatch.setattr(spectral, "_ritz", counted)
    return counts


def test_lstm_step_norms_warm_start_takes_fewer_ritz_steps_for_the_same_norms(monkeypatch):
    res = _run("lstm", units=64)  # A_t is 128 × 128: the Krylov path
    assert 2 * res.units >= spectral._EXACT_BELOW
    A = _one_step_jacobians(res)
    counts = _counting_ritz(monkeypatch)
    cold = np.stack([spectral.spectral_norms(A_t, method="auto")[0] for A_t in A])
    cold_ritz = counts["ritz"]
    counts["ritz"] = 0
    warm = bounds.step_norms(res, method="auto")["A"]  # (batch, T), column t − 1 = step t
    warm_ritz = counts["ritz"]
    warm = warm[:, ::-1].T  # as cold: step T first
    np.testing.assert_allclose(warm, cold, rtol=1e-11)
    np.testing.assert_allclose(warm, spectral.exact_norms(A), rtol=1e-11)
    assert warm_ritz < 0.9 * cold_ritz, (warm_ritz, cold_ritz)


@pytest.mark.parametrize("s", [0.5, 1.0, 2.0])
def test_warm_start_is_not_stuck_on_the_previous_steps_top_direction(s):
    # Elman step with orthogonal W_hh: A_t A_tᵀ = s² diag(f′(a_t))², so the previous step's
    # top Ritz vector is an exact eigenvector of A_t A_tᵀ — of another eigenvalue. A start
    # from it alone stops there (an underestimate, up to 10 % at 256 units); A_t's own
    # longest row is its top direction, and it is in the start block.
    res = _run("rnn", units=96, timesteps=60, s=s, batch=1)
    warm = bounds.step_norms(res, method="auto")["A"]
    exact = bounds.step_norms(res, method="svd")["A"]
    np.testing.assert_allclose(warm, exact, rtol=1e-11)


def _reference_components(M):
    """Connected components of the bipartite nonzero graph by plain breadth-first search."""
    nz = M != 0
    m, n = nz.shape
    row, col = np.full(m, -1), np.full(n, -1)
    for start in range(m):
        if row[start] >= 0 or not nz[start].any():
            continue
        row[start], frontier = start, [start]
        while frontier:
            cols = np.flatnonzero(nz[frontier].any(axis=0) & (col < 0))
            col[cols] = start
            rows = np.flatnonzero(nz[:, cols].any(axis=1) & (row < 0))
            row[rows] = start
            frontier = list(rows)
    return row, col


def _same_partition(a, b):
    """Equal labels in a exactly where equal labels in b (−1 kept as −1)."""
    assert np.array_equal(a < 0, b < 0)
    return np.array_equal(a[:, None] == a[None, :], b[:, None] == b[None, :])


def test_lstm_jacobian_is_one_block_without_the_full_labelling(monkeypatch):
    res = _run("lstm", units=64, timesteps=3, batch=1)
    A = res.cell.step_jacobian(res.trace, 2)[0]
    nz = A != 0
    assert not nz.all()
    assert nz.sum(axis=1).max() < nz.any(axis=0).sum()  # no single row reaches every column

    def labels(*a):
        raise AssertionError("the full labelling ran")

    monkeypatch.setattr(_components, "_labels", labels)
    row, col = spectral.components(A)
    assert np.all(row == 0)
    assert np.all(col == 0)


@pytest.mark.parametrize("seed", range(6))
def test_components_match_a_plain_search(seed):
    rng = np.random.default_rng(seed)
    m, n = rng.integers(5, 60, size=2)
    density = [0.01, 0.03, 0.08, 0.2, 0.5, 1.0][seed]
    M = rng.standard_normal((m, n)) * (rng.random((m, n)) < density)
    if seed == 0:  # a long path: rows i, i + 1 share column i (many search rounds)
        M = np.zeros((m, n))
        k = min(m, n)
        M[np.arange(k), np.arange(k)] = 1.0
        M[np.arange(1, k), np.arange(k - 1)] = 1.0
    row, col = spectral.components(M)
    ref_row, ref_col = _reference_components(M)
    assert _same_partition(np.concatenate((row, col)), np.concatenate((ref_row, ref_col)))


def test_sparse_columns_products_equal_the_dense_ones():
    rng = np.random.default_rng(4)
    M = rng.standard_normal((40, 50))
    M[:, 30:] *= rng.random((40, 20)) < 0.03  # 20 columns with a few (or no) nonzeros
    M[:, 35] = 0.0
    M[3, 35] = M[17, 35] = 2.0
    sparse = (M != 0).sum(axis=0) <= 2
    op = SparseColumns.of(M)
    assert op.shape == M.shape
    assert op.n_sparse == sparse.sum() >= 10
    Mp = np.concatenate((M[:, ~sparse], M[:, sparse]), axis=1)  # M Π: dense columns first
    x, X = rng.standard_normal(50), rng.standard_normal((50, 3))
    q, Q = rng.standard_normal(40), rng.standard_normal((4, 40))
    np.testing.assert_allclose(op @ x, Mp @ x, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(op @ X, Mp @ X, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(q @ op, q @ Mp, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(Q @ op, Q @ Mp, rtol=1e-13, atol=1e-13)
    assert SparseColumns.of(rng.standard_normal((40, 50))) is None


def test_lstm_solves_use_the_split_of_its_diagonal_c_columns(monkeypatch):
    res = _run("lstm", units=64, timesteps=10, batch=1)
    ops = []
    solve = spectral._block_krylov

    def recording(M, V0, op=None):
        ops.append(op)
        return solve(M, V0, op)

    monkeypatch.setattr(spectral, "_block_krylov", recording)
    norms = bounds.step_norms(res, method="auto")["A"]
    assert len(ops) == res.timesteps
    assert all(isinstance(op, SparseColumns) and op.n_sparse == res.units for op in ops)
    np.testing.assert_allclose(norms, bounds.step_norms(res, method="svd")["A"], rtol=1e-11)
