"""A bound on ‖∂h_T/∂h_t‖₂ that holds for every cell: the product of the per-step norms.

The chain of one-step Jacobians
-------------------------------
Let s_t be the state a cell carries from step to step: h_t for SimpleRNN and GRU, the pair
(h_t, c_t) — one vector of 2·units numbers — for LSTM. The chain rule writes ::

    ∂h_T/∂h_t = P · A_T A_{T−1} ⋯ A_{t+1} · E,        A_s = ∂s_s/∂s_{s−1}

with P = [I, 0] (read h_T out of s_T) and E = [I; 0] (put h_t into s_t), both of norm 1
(P = E = I without a cell state). Because ‖XY‖₂ ≤ ‖X‖₂ ‖Y‖₂ ::

    ‖∂h_T/∂h_t‖₂ ≤ ∏_{s=t+1..T} ‖A_s‖₂                                          (1)

for every cell, activation, weight and input, along the trajectory the cell actually ran.
The gap between the two sides is what the chained product loses to misaligned factors:
equality needs every A_s to pass the same direction on at its full gain (a linear RNN with
a scaled orthogonal W_hh has it). The Pascanu bound (γ σ_max(W_hh))^(T−t) of
:mod:`rnnviz.sim.theory` bounds each Elman factor ‖diag(f′(a_s)) W_hhᵀ‖₂ by γ σ_max and is
therefore never below (1); for LSTM and GRU it bounds nothing (the cell state and the
update gate bypass the candidate block).

Other "wrt" (what the curves of :meth:`RunResult.jacobian_norms` differentiate by)
-------------------------------------------------------------------------------------
* ``wrt="cell"`` (LSTM): ∂h_T/∂c_t = P · A_T ⋯ A_{t+1} · K_t, where K_t = ∂s_t/∂c_t =
  [diag(o_t ⊙ f′(c_t)); I] (c_t also moves h_t = o_t ⊙ f(c_t)) for t ≥ 1 and K_0 = [0; I]
  (h_0 is an input of its own). Bound: ∏_{s>t} ‖A_s‖₂ · ‖K_t‖₂ for t < T, and the exact
  ‖P K_T‖₂ = max_i |o_T f′(c_T)|_i at t = T.
* ``wrt="input"``: ∂h_T/∂x_t = P · A_T ⋯ A_{t+1} · B_t with B_t = ∂s_t/∂x_t. Bound:
  ∏_{s>t} ‖A_s‖₂ · ‖B_t‖₂ for t < T, and the exact ‖P B_T‖₂ at t = T.

How it is computed
------------------
A_s comes from ``cell.step_jacobian(trace, s)``: the cell's closed form where it has one
(SimpleRNN, LSTM and GRU: scaled rows of the recurrent kernel's blocks, O(units²) per
step), else its own
backward step (``cell.step_vjp``, the code behind :mod:`rnnviz.sim.jacobians`) applied to
the identity — pulling back the 2·units (LSTM) or units rows of I through step s. K_s and
B_s (``wrt="cell"`` / ``"input"``) come from that backward step, with A_s. Each norm is
exact by default — √λ_max of the Gram matrix, batched over steps (``spectral.spectral_norms``
with ``method="svd"``), never an iterative underestimate, which could break (1); the views
use the faster ``method="auto"`` and check (1) against the curve. There, at sizes where
it iterates, each step's solve starts from the previous step's top Ritz vectors (A_s and
A_{s+1} share the kernel and differ in one step's gate values), two of them swapped for
unit vectors of A_s's own longest rows: a start from another matrix's top direction alone
can stop at a smaller eigenvalue (an Elman step with orthogonal W_hh has A_s A_sᵀ =
s² diag(f′)², whose every eigenvector is such a direction, and only A_s's longest row is
its top one). The solve is certified to the same tolerance as from a cold start
(``tests/sim/test_bound_warm_start.py``). A matrix with
a non-finite entry (the forward pass overflowed) has norm ``inf``. The product (1) is
accumulated as mantissa · 2^exponent, so it is ``inf`` exactly when the true product
exceeds float64 and 0 when it falls below; once a factor is ``inf`` every earlier entry is
``inf`` (never NaN, even after a zero factor — an unknown gain bounds nothing).

Cost: per step, the one-step Jacobian (O(units²) in closed form, O(units³) as a backward
step on the identity), one Gram matrix and one dense ``eigvalsh`` — O(units³) like the
curve's own chain, but an exact
symmetric eigensolve costs several matrix products, where the curve's warm-started Krylov
costs about one: ``benchmarks/bench_bounds.py`` prints the ratio (about 2.8× for rnn, 1.4×
for gru and 4.9× for lstm at 256 units × 200 steps, one BLAS thread; with ``method="auto"``
— each step's solve warm-started from the previous step's and its own longest rows —
0.54×, 1.35× and 2.3×; docs/benchmarks.md, "Product bound" and "Analysis of a frame").
"""

from __future__ import annotations

import numpy as np

from rnnviz.sim import jacobians
from rnnviz.sim._numerics import matmul_rows
from rnnviz.sim.spectral import _EXACT_BELOW, spectral_norms

__all__ = ["product_bound", "step_norms"]

_CHUNK_FLOATS = 1 << 22  # matrices kept for one batched norm call: ≤ 32 MB of float64
_OWN_ROWS = 2  # of the warm vectors, replaced by unit vectors of the step's longest rows


def _exact(M: np.ndarray, method: str = "svd", warm: list | None = None) -> np.ndarray:
    """‖M‖₂ of every matrix in ``M`` (steps, batch, rows, cols) → (steps, batch).

    ``method="svd"``: exact (√λ_max of the Gram matrix); ``"auto"``: the curve's own
    solver (:mod:`rnnviz.sim.spectral`). ``inf`` for a matrix with a non-finite entry.
    ``warm`` (one entry per sequence: None or the last solve's Ritz vectors, updated in
    place): where ``"auto"`` iterates, each solve starts from the previous step's top
    singular vectors (see the module docstring) instead of from scratch.
    """
    steps, batch = M.shape[:2]
    out = np.full((steps, batch), np.inf)
    # a finite sum means finite entries (inf or NaN would propagate); only a non-finite sum
    # (overflow of the sum itself included) needs the entrywise test
    ok = np.isfinite(np.add.reduce(M.reshape(steps, batch, -1), axis=2))
    if not ok.all():
        ok[~ok] = np.isfinite(M[~ok]).all(axis=(1, 2))
    if warm is not None and method != "svd" and min(M.shape[2:]) >= _EXACT_BELOW:
        for i, b in zip(*np.nonzero(ok), strict=True):  # step by step, in chain order
            sigma, warm[b] = spectral_norms(M[i, b, None], warm[b], method, own_rows=_OWN_ROWS)
            out[i, b] = sigma[0]
    elif ok.all():
        out[:] = spectral_norms(M.reshape(steps * batch, *M.shape[2:]), method=method)[0].reshape(
            steps, batch
        )
    elif ok.any():
        out[ok] = spectral_norms(M[ok], method=method)[0]
    return out


def step_norms(res, wrt: str = "state", method: str = "svd") -> dict[str, np.ndarray]:
    """Exact norms of every one-step Jacobian of a run (batch, timesteps) each.

    Parameters
    ----------
    res : RunResult
    wrt : {"state", "cell", "input"}
        Which end factors are needed besides A_s (see the module docstring).
    method : {"svd", "auto"}
        How each norm is taken (see ``_exact``; "auto" is 4–5× faster at 256 units).

    Returns
    -------
    dict
        ``"A"``: ‖A_s‖₂ = ‖∂s_s/∂s_{s−1}‖₂ at column s − 1 (s = 1..T). With ``wrt="cell"``
        also ``"K"`` = ‖K_t‖₂ and ``"K_last"`` = ‖P K_T‖₂ (shape (batch,)); with
        ``wrt="input"`` also ``"B"`` = ‖B_t‖₂ and ``"B_last"`` = ‖P B_T‖₂; column t − 1
        holds step t.
    """
    cell = res.cell
    wrt = jacobians.check_wrt(cell, wrt)
    B, T, u = res.batch, res.timesteps, res.units
    paired = cell.has_cell_state  # the carried state s_t is the pair (h_t, c_t)
    rows = 2 * u if paired else u
    W_T = cell.kernel.T
    kinds = ["A"] + {"state": [], "cell": ["K"], "input": ["B"]}[wrt]
    widths = {"A": rows, "K": u, "B": cell.features}
    out = {k: np.empty((B, T)) for k in kinds}
    chunk = max(1, _CHUNK_FLOATS // (B * rows * rows * len(kinds)))
    # the matrices of up to ``chunk`` steps, written in place (no stacking copy)
    pending = {k: np.empty((min(chunk, T), B, rows, widths[k])) for k in kinds}
    cols: list[int] = []

    warm = {k: [None] * B for k in kinds}  # per sequence: the last step's Ritz vectors

    def flush():
        for k in kinds:
            out[k][:, cols] = _exact(pending[k][: len(cols)], method, warm[k]).T
        cols.clear()

    if wrt != "state":  # cotangents: the identity on s_t, split into its h and c parts
        eye = np.eye(rows)
        dh = np.broadcast_to(eye[:, :u], (B, rows, u))
        dc = np.broadcast_to(eye[:, u:], (B, rows, u)) if paired else None
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for t in range(T, 0, -1):
            n = len(cols)
            if wrt == "state":  # A_t = ∂s_t/∂s_{t−1}, the cell's own (closed) form
                pending["A"][n] = cell.step_jacobian(res.trace, t)
                cols.append(t - 1)
                if len(cols) == chunk:
                    flush()
                continue
            step = cell.step_vjp(res.trace, t, dh, dc)  # rows of A_t = ∂s_t/∂s_{t−1}
            if paired:
                pending["A"][n, ..., :u] = step.dh_prev
                pending["A"][n, ..., u:] = step.dc_prev
            else:
                pending["A"][n] = step.dh_prev
            if wrt == "cell":
                pending["K"][n] = step.dc_total
                if t == T:
                    out["K_last"] = _exact(step.dc_total[None, :, :u], method)[0]
            elif wrt == "input":
                Bt = matmul_rows(step.dz_x, W_T)  # ∂s_t/∂x_t, rows = s_t
                pending["B"][n] = Bt
                if t == T:
                    out["B_last"] = _exact(Bt[None, :, :u], method)[0]
            cols.append(t - 1)
            if len(cols) == chunk:
                flush()
        if cols:
            flush()
    return out


def _ldexp(m: np.ndarray, e: np.ndarray) -> np.ndarray:
    """m · 2^e without an intermediate overflow (e is clipped far outside float64's range)."""
    return np.ldexp(m, np.clip(e, -4000, 4000))


def _suffix_products(norms: np.ndarray, end: np.ndarray | None = None) -> np.ndarray:
    """P[:, t] = ∏_{s=t+1..T} norms[:, s−1] · end[:, t−1] for t = 0..T, shape (batch, T+1).

    ``end`` (batch, T) multiplies column t ≥ 1 (step t's own end factor); without it P[:, T]
    = 1. Mantissa and exponent are kept apart (exact powers of two), so an entry is ``inf``
    only when the true product exceeds float64 and 0 only below it; an ``inf`` factor makes
    its entry and every earlier one ``inf`` — NaN never appears.
    """
    B, T = norms.shape
    M = np.ones((B, T + 1))  # mantissas in [0.5, 1) (or 0)
    E = np.zeros((B, T + 1), dtype=np.int64)
    inf = np.zeros((B, T + 1), dtype=bool)
    for t in range(T - 1, -1, -1):
        f = norms[:, t]
        fm, fe = np.frexp(np.where(np.isfinite(f), f, 1.0))
        M[:, t], de = np.frexp(M[:, t + 1] * fm)
        E[:, t] = E[:, t + 1] + fe + de
        inf[:, t] = inf[:, t + 1] | ~np.isfinite(f)
    if end is not None:
        fm, fe = np.frexp(np.where(np.isfinite(end), end, 1.0))
        M[:, 1:] *= fm
        E[:, 1:] += fe
        inf[:, 1:] |= ~np.isfinite(end)
    with np.errstate(over="ignore", under="ignore"):
        P = _ldexp(M, E)
    P[inf] = np.inf
    return P


def product_bound(res, wrt: str = "state", method: str = "svd") -> np.ndarray:
    """The always-valid bound (1) on the curve ``res.jacobian_norms(wrt)``, same shape.

    Parameters
    ----------
    res : RunResult
    wrt : {"state", "cell", "input"}
    method : {"svd", "auto"}
        "svd" (default): every per-step norm exact. "auto": the solver of the curve itself
        (:mod:`rnnviz.sim.spectral`; agrees with "svd" to ~1e-12 on every tested structure
        but is not certified) — the views use it and fall back to "svd" should the curve
        ever rise above the product (``rnnviz.widgets._frame``).

    Returns
    -------
    ndarray
        ``"state"``: (batch, T+1), entry t = ∏_{s=t+1..T} ‖∂s_s/∂s_{s−1}‖₂ (entry T = 1).
        ``"cell"``: (batch, T+1), that product times ‖K_t‖₂ (entry T: ‖P K_T‖₂).
        ``"input"``: (batch, T), column t − 1 for x_t: that product times ‖B_t‖₂ (last
        column: ‖P B_T‖₂). ``inf`` where the true bound exceeds float64, never NaN.
    """
    wrt = jacobians.check_wrt(res.cell, wrt)
    norms = step_norms(res, wrt, method)
    if wrt == "state":
        return _suffix_products(norms["A"])
    key = "K" if wrt == "cell" else "B"
    out = _suffix_products(norms["A"], norms[key])
    out[:, -1] = norms[key + "_last"]
    return out[:, 1:] if wrt == "input" else out  # t = 0 (cell): K_0 = [0; I], norm 1
