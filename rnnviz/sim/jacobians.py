"""Exact spectral norms ‖∂h_T/∂h_t‖₂, ‖∂h_T/∂c_t‖₂ and ‖∂h_T/∂x_t‖₂ of the last state.

The chain rule, right to left
-----------------------------
With J_t = ∂h_T/∂s_t for the carried state s_t (h_t; for LSTM the pair (h_t, c_t))::

    J_T = [I, 0]                  J_{t−1} = J_t · ∂s_t/∂s_{t−1}

Each product is the cell's own backward step applied to the ``units`` rows of J_t at once
(``cell._step_vjp``): diagonal factors such as diag(f′(a_t)) scale columns, and the only
O(units³) work per step is one matrix product with the recurrent kernel.

The spectral norm of every J_t
------------------------------
‖J‖₂ = √λ_max(J Jᵀ). All J_t map into the same space (that of h_T), so the top *left*
singular vector of J_{t+1} is an excellent start for J_t: a Lanczos iteration on J Jᵀ
(never formed: each iteration costs two matrix–vector products) started there converges in
a few iterations. It stops when the Ritz residual r satisfies r ≤ 10⁻¹³ θ, or
r² ≤ 10⁻¹³ θ · gap with r ≤ 10⁻⁴ θ (θ the Ritz value, gap to the next one): the relative
error of the norm is then ~10⁻¹³. If it has not converged after ``_MAX_LANCZOS``
iterations the exact ``np.linalg.norm(J, 2)`` is used. Small matrices (fewer than
``_EXACT_BELOW`` rows or columns) use the exact SVD directly, which is faster there.

Overflow and underflow
----------------------
J_t is kept as Ĵ_t · 2^E (E an integer per sequence, rescaling by powers of two is
exact), so the chain itself never overflows; the reported norm is ldexp(‖Ĵ_t‖₂, E), which
is ``inf`` when the true value exceeds the float64 range. Once the chain's entries (or a
reported state/cell norm) are too large for float64, every earlier entry is ``inf``; once
they are exactly 0 (or too small for float64), every earlier entry is 0.
"""

from __future__ import annotations

import numpy as np

from rnnviz.sim import _validate
from rnnviz.sim.cell import matmul_rows

__all__ = ["WRT", "chain", "check_wrt", "jacobian_norms", "spectral_norms"]

#: Accepted values of ``wrt``.
WRT: tuple[str, ...] = ("state", "cell", "input")

_EXACT_BELOW = 48  # exact SVD when min(rows, cols) is below this
_MAX_LANCZOS = 40  # Lanczos iterations before falling back to the exact norm
_TOL = 1e-13
_RESCALE = 64  # keep the chain's largest entry within 2^±_RESCALE
_ALIVE, _ZERO, _INF = 0, 1, 2


def check_wrt(cell, wrt: object) -> str:
    """Validate ``wrt`` for ``cell``; ``"cell"`` needs an LSTM."""
    wrt = _validate.choice(wrt, WRT, "wrt")
    if wrt == "cell" and cell.name != "lstm":
        raise ValueError(
            f"wrt='cell' needs an LSTM (only LSTM has a cell state c_t); got {cell!r}. "
            f"Use wrt='state' or wrt='input'."
        )
    return wrt


def chain(res):
    """Yield (t, J_h, J_c) for t = T−1, …, 0: J_h = ∂h_T/∂h_t, J_c = ∂h_T/∂c_t (LSTM, with
    h_t held fixed; else None), each of shape (batch, units, units).

    The product chain alone, without norms or rescaling (it overflows like any float64
    product would); :func:`jacobian_norms` runs the same chain.
    """
    cell = res.cell
    B, T, u = res.batch, res.timesteps, res.units
    J_h = np.broadcast_to(np.eye(u), (B, u, u)).copy()
    J_c = np.zeros((B, u, u)) if cell.name == "lstm" else None
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for t in range(T, 0, -1):
            step = cell._step_vjp(res, t, J_h, J_c)
            J_h, J_c = step.dh_prev, step.dc_prev
            yield t - 1, J_h, J_c


def _start_vector(B: int, u: int) -> np.ndarray:
    v = np.random.default_rng(20130226).standard_normal(u)
    return np.broadcast_to(v / np.linalg.norm(v), (B, u)).copy()


def _lanczos(M: np.ndarray, v0: np.ndarray):
    """Top singular value of each M[b] (rows × cols) by Lanczos on M Mᵀ started at v0[b].

    Returns (sigma (B,), left vector (B, rows), converged (B,) bool).
    """
    B, m, _ = M.shape
    iters = min(m, _MAX_LANCZOS)
    Q = np.zeros((B, iters + 1, m))
    alpha = np.zeros((B, iters))
    beta = np.zeros((B, iters))
    norm0 = np.linalg.norm(v0, axis=1, keepdims=True)
    Q[:, 0] = v0 / np.where(norm0 > 0, norm0, 1.0)
    sigma = np.zeros(B)
    vec = Q[:, 0].copy()
    done = np.zeros(B, dtype=bool)
    for k in range(iters):
        q = Q[:, k]
        p = np.matmul(q[:, None, :], M)  # qᵀ M        (B, 1, cols)
        w = np.matmul(M, p.transpose(0, 2, 1))[..., 0]  # M Mᵀ q  (B, rows)
        alpha[:, k] = np.einsum("bi,bi->b", w, q)
        Qk = Q[:, : k + 1]
        for _ in range(2):  # full re-orthogonalisation against every Lanczos vector
            w -= np.matmul(np.matmul(Qk, w[:, :, None]).transpose(0, 2, 1), Qk)[:, 0]
        beta[:, k] = np.linalg.norm(w, axis=1)
        T = np.zeros((B, k + 1, k + 1))
        idx = np.arange(k + 1)
        T[:, idx, idx] = alpha[:, : k + 1]
        T[:, idx[:-1], idx[1:]] = beta[:, :k]
        T[:, idx[1:], idx[:-1]] = beta[:, :k]
        evals, evecs = np.linalg.eigh(T)
        theta = np.maximum(evals[:, -1], 0.0)
        y = evecs[:, :, -1]
        resid = beta[:, k] * np.abs(y[:, -1])
        gap = theta - evals[:, -2] if k > 0 else theta
        conv = (resid <= _TOL * theta) | (
            (resid * resid <= _TOL * theta * gap) & (resid <= 1e-4 * theta)
        )
        new = conv & ~done
        if new.any():
            sigma[new] = np.sqrt(theta[new])
            vec[new] = np.matmul(y[new][:, None, :], Qk[new])[:, 0]
            done |= new
        if done.all():
            break
        safe = np.where(beta[:, k] > 0, beta[:, k], 1.0)
        Q[:, k + 1] = w / safe[:, None]
    if not done.all():
        sigma[~done] = np.sqrt(theta[~done])
        vec[~done] = np.matmul(y[~done][:, None, :], Qk[~done])[:, 0]
    return sigma, vec, done


def spectral_norms(M: np.ndarray, v0: np.ndarray | None = None, method: str = "auto"):
    """‖M[b]‖₂ for a stack M of shape (batch, rows, cols).

    Parameters
    ----------
    M : ndarray, shape (batch, rows, cols)
        Finite entries.
    v0 : ndarray, shape (batch, rows), optional
        Warm start: a guess of each top left singular vector.
    method : {"auto", "lanczos", "svd"}
        ``"auto"`` uses the exact SVD for small matrices and Lanczos otherwise.

    Returns
    -------
    sigma : ndarray, shape (batch,)
    v : ndarray, shape (batch, rows)
        Top left singular vectors (the next warm start).
    """
    B, m, n = M.shape
    if v0 is None:
        v0 = _start_vector(B, m)
    if method == "svd" or (method == "auto" and min(m, n) < _EXACT_BELOW):
        return np.linalg.svd(M, compute_uv=False)[:, 0], v0
    sigma, vec, done = _lanczos(M, v0)
    for b in np.flatnonzero(~done):  # rare: Lanczos did not converge → exact norm
        sigma[b] = np.linalg.norm(M[b], 2)
    return sigma, vec


def jacobian_norms(res, wrt: str = "state", method: str = "auto") -> np.ndarray:
    """‖∂h_T/∂h_t‖₂ (t = 0..T), ‖∂h_T/∂c_t‖₂ (t = 0..T) or ‖∂h_T/∂x_t‖₂ (t = 1..T).

    Parameters
    ----------
    res : RunResult
    wrt : {"state", "cell", "input"}
        See :meth:`rnnviz.sim.result.RunResult.jacobian_norms`.
    method : {"auto", "lanczos", "svd"}
        How each spectral norm is computed (see :func:`spectral_norms`).

    Returns
    -------
    ndarray, shape (batch, timesteps+1) for "state" and "cell", (batch, timesteps) for "input"
    """
    cell = res.cell
    wrt = check_wrt(cell, wrt)
    B, T, u = res.batch, res.timesteps, res.units
    lstm = cell.name == "lstm"
    out = np.empty((B, T if wrt == "input" else T + 1))
    J_h = np.broadcast_to(np.eye(u), (B, u, u)).copy()
    J_c = np.zeros((B, u, u)) if lstm else None
    E = np.zeros(B, dtype=np.int64)  # J_true = J · 2^E
    status = np.full(B, _ALIVE)
    v = None
    W_T = cell.kernel.T

    def record(col, M):
        nonlocal v
        sigma, v = spectral_norms(M, v, method)
        value = np.ldexp(sigma, E)
        value[~np.isfinite(sigma)] = np.inf
        value[status == _ZERO] = 0.0
        value[status == _INF] = np.inf
        if wrt != "input":  # the reported norm is the chain's own size
            status[(status == _ALIVE) & np.isinf(value)] = _INF
            status[(status == _ALIVE) & (value == 0)] = _ZERO
        out[:, col] = value

    if wrt == "state":
        out[:, T] = 1.0
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        for t in range(T, 0, -1):
            step = cell._step_vjp(res, t, J_h, J_c)
            if wrt == "cell":
                record(t, step.dc_total)
            elif wrt == "input":
                record(t - 1, matmul_rows(step.dz_x, W_T))  # ∂h_T/∂x_t = ∂h_T/∂z · Wᵀ
            J_h, J_c = step.dh_prev, step.dc_prev
            J_h, J_c = _rescale(J_h, J_c, E, status)
            if wrt == "state":
                record(t - 1, J_h)
        if wrt == "cell":
            record(0, J_c)  # c_0 acts on h_T only through later steps
    return out


def _rescale(J_h, J_c, E, status):
    """Rescale each sequence's chain by an exact power of two; flag overflow/underflow."""
    big = np.abs(J_h).max(axis=(1, 2))
    if J_c is not None:
        big = np.maximum(big, np.abs(J_c).max(axis=(1, 2)))
    bad = ~np.isfinite(big)  # inf or NaN: a cached value overflowed in the forward pass
    status[(status == _ALIVE) & bad] = _INF
    _, e = np.frexp(np.where(bad, 1.0, big))
    true_max = np.ldexp(np.where(bad, 1.0, big), E)
    status[(status == _ALIVE) & np.isinf(true_max)] = _INF
    status[(status == _ALIVE) & (true_max == 0)] = _ZERO
    dead = status != _ALIVE
    shift = np.where(dead | (np.abs(e) <= _RESCALE), 0, e)
    if dead.any():
        J_h[dead] = 0.0
        if J_c is not None:
            J_c[dead] = 0.0
    if shift.any():
        J_h = np.ldexp(J_h, -shift[:, None, None])
        if J_c is not None:
            J_c = np.ldexp(J_c, -shift[:, None, None])
        E += shift
    return J_h, J_c
