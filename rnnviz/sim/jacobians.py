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
singular vectors of J_{t+1} are a good start for J_t. Each norm is computed by a
warm-started Davidson iteration on A = J Jᵀ, never formed: the basis Q starts with the
previous step's top ``_BLOCK`` Ritz vectors and grows by the residual of the current top
Ritz pair and a Lanczos direction, fully re-orthogonalised; only B = Q J is kept (the
Rayleigh quotient is B Bᵀ, and A Qᵀy = J (Bᵀ y)), so a new vector costs one
matrix–vector product and a Ritz solve one more. A basis of ``_KMAX`` vectors is cut back
to its top ``_KEEP`` Ritz vectors (thick restart). It stops when the Ritz residual r
satisfies r ≤ τ θ, or r² ≤ τ θ · gap with r ≤ 10⁻⁴ θ (θ the top Ritz value, gap to the next
one, τ = 10⁻¹²): the relative error of θ = σ² is then ~10⁻¹². If it has not converged
after ``_MAX_EXTRA`` new vectors, the exact norm is used (as for small matrices, below).
Small matrices (fewer than ``_EXACT_BELOW`` rows or columns) are done exactly instead —
√λ_max of the Gram matrix, one batched ``eigvalsh`` per ``_SVD_CHUNK`` steps — which is
faster there.

Overflow and underflow
----------------------
J_t is kept as Ĵ_t · 2^E (E an integer per sequence, rescaling by powers of two is
exact), so the chain itself never overflows; the reported norm is ldexp(‖Ĵ_t‖₂, E), which
is ``inf`` when the true value exceeds the float64 range (and 0 below it). Once the
chain's own entries are too large for float64, every earlier entry is ``inf``; once they
are exactly 0 (or too small for float64), every earlier entry is 0.
"""

from __future__ import annotations

from math import sqrt

import numpy as np

from rnnviz.sim import _validate
from rnnviz.sim.cell import matmul_rows

__all__ = ["WRT", "chain", "check_wrt", "jacobian_norms", "spectral_norms"]

#: Accepted values of ``wrt``.
WRT: tuple[str, ...] = ("state", "cell", "input")

_EXACT_BELOW = 96  # exact SVD when min(rows, cols) is below this
_BLOCK = 8  # width of the warm-started block
_CHECK = 2  # new Krylov vectors between convergence checks
_KMAX = 32  # basis size that triggers a thick restart …
_KEEP = 12  # … down to this many Ritz vectors
_MAX_EXTRA = 120  # Krylov vectors added before falling back to the exact norm
_TOL = 1e-12
_SVD_CHUNK = 64  # exact path: matrices per batched SVD call
_RESCALE = 64  # keep the chain's largest entry within 2^±_RESCALE
_SAFE_HI, _SAFE_LO = 2.0**_RESCALE, 2.0**-_RESCALE
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


try:  # LAPACK's symmetric eigensolver without np.linalg.eigh's per-call checks (hot loop)
    from numpy.linalg import _umath_linalg

    def _eigh(H):
        return _umath_linalg.eigh_lo(H, signature="d->dd")

    _eigh(np.eye(2))
except Exception:  # pragma: no cover - other NumPy layouts
    _eigh = np.linalg.eigh


def _ritz(Q, B, H, k, M):
    """Top Ritz pair of A = M Mᵀ on span(Q[:k]) and its residual vector."""
    evals, evecs = _eigh(H[:k, :k])
    theta = max(evals[-1], 0.0)
    gap = theta - evals[-2] if k > 1 else theta
    y = evecs[:, -1]
    r = M @ (y @ B[:k]) - theta * (y @ Q[:k])  # A Q y − θ Q y, with A Qᵀ y = M (Bᵀ y)
    return theta, gap, evecs, r


def _converged(resid: float, theta: float, gap: float) -> bool:
    """|λ_max − θ| ≤ min(r, r²/gap) ≲ _TOL · θ (gap: to the next Ritz value)."""
    return (
        theta == 0.0
        or resid <= _TOL * theta
        or (resid * resid <= _TOL * theta * gap and resid <= 1e-4 * theta)
    )


def _block_krylov(M: np.ndarray, V0: np.ndarray):
    """Top singular value of M (rows × cols): warm-started Davidson iteration on A = M Mᵀ.

    The basis Q (k × rows, orthonormal rows) starts with the warm block V0ᵀ (last step's
    top-p Ritz vectors) and grows by the residual r = A y − θ y of the current top Ritz
    pair (θ, y), then by Lanczos directions A q (``_CHECK`` new vectors between Ritz
    solves), fully re-orthogonalised. Only B = Q M (k × cols) is kept: the Rayleigh
    quotient H = Q A Qᵀ = B Bᵀ grows by one row per new vector (one matrix–vector product,
    q M) and A Qᵀ y = M (Bᵀ y) costs one more per Ritz solve, so A is never formed. A basis
    of ``_KMAX`` vectors is compressed to its top ``_KEEP`` Ritz vectors (thick restart),
    which keeps every Ritz solve small.

    Returns (sigma, top-p Ritz vectors (rows × p), converged).
    """
    m, p = V0.shape
    kmax = min(m, max(_KMAX, p + _CHECK))
    Q = np.empty((kmax, m))
    B = np.empty((kmax, M.shape[1]))
    H = np.empty((kmax, kmax))
    Q[:p] = V0.T
    B[:p] = Q[:p] @ M
    H[:p, :p] = B[:p] @ B[:p].T
    k, added = p, 0
    while True:
        theta, gap, evecs, r = _ritz(Q, B, H, k, M)
        resid = sqrt(r @ r)
        done = _converged(resid, theta, gap)
        if done or resid == 0.0 or added >= _MAX_EXTRA or k == m:
            return sqrt(theta), (evecs[:, : -p - 1 : -1].T @ Q[:k]).T, done
        if k == kmax:  # thick restart on the top Ritz vectors
            keep = evecs[:, -_KEEP:]
            Q[:_KEEP] = keep.T @ Q[:k]
            B[:_KEEP] = keep.T @ B[:k]
            H[:_KEEP, :_KEEP] = B[:_KEEP] @ B[:_KEEP].T
            k = _KEEP
        grown = k
        before = resid
        for j in range(min(_CHECK, kmax - k)):
            if j:
                r = M @ B[k - 1]  # Lanczos direction A q_{k−1} = M (Mᵀ q_{k−1})
                before = sqrt(r @ r)
            r = r - (Q[:k] @ r) @ Q[:k]  # orthogonalise against the basis …
            nr = sqrt(r @ r)
            if nr < 0.5 * before:  # … twice when cancellation was large (DGKS)
                r = r - (Q[:k] @ r) @ Q[:k]
                nr = sqrt(r @ r)
            if nr <= 1e-14 * before:
                break  # the basis already holds an invariant subspace
            q = Q[k]
            np.divide(r, nr, out=q)
            b = B[k]
            np.matmul(q, M, out=b)
            H[k, : k + 1] = B[: k + 1] @ b  # _eigh reads only the lower triangle
            k += 1
            added += 1
        if k == grown:  # nothing new to add: the Ritz pair is as good as it gets
            return sqrt(theta), (evecs[:, : -p - 1 : -1].T @ Q[:k]).T, done


def _exact_norms(M: np.ndarray, scaled: bool = False) -> np.ndarray:
    """‖M‖₂ over the last two axes: √λ_max of the smaller Gram matrix (M Mᵀ or Mᵀ M).

    Each matrix is first divided by its largest entry, so the Gram matrix neither overflows
    nor underflows; λ_max is then accurate to a few ulps of itself, and so is σ_max (only
    small singular values suffer from squaring). ``scaled=True`` skips that division for
    matrices whose largest entries already lie in [2^−65, 2^64] (or that are 0), such as the
    rescaled chain: their Gram matrices are safe as they are.
    """
    if not scaled:
        scale = np.abs(M).max(axis=(-2, -1), keepdims=True)
        scale = np.where((scale > 0) & np.isfinite(scale), scale, 1.0)
        M = M / scale
    Mt = np.swapaxes(M, -1, -2)
    G = M @ Mt if M.shape[-2] <= M.shape[-1] else Mt @ M
    sigma = np.sqrt(np.maximum(np.linalg.eigvalsh(G)[..., -1], 0.0))
    return sigma if scaled else sigma * scale[..., 0, 0]


def spectral_norms(M: np.ndarray, V0: np.ndarray | None = None, method: str = "auto"):
    """‖M[b]‖₂ for a stack M of shape (batch, rows, cols).

    Parameters
    ----------
    M : ndarray, shape (batch, rows, cols)
        Finite entries.
    V0 : ndarray, shape (batch, rows, p), optional
        Warm start: an orthonormal guess of each top-p left singular subspace.
    method : {"auto", "krylov", "svd"}
        ``"auto"`` computes small matrices exactly and uses Krylov otherwise.

    Returns
    -------
    sigma : ndarray, shape (batch,)
    V : ndarray, shape (batch, rows, p)
        Top-p left Ritz vectors (the next warm start).
    """
    B, m, n = M.shape
    if V0 is None:  # unit vectors of the longest rows: diag(M Mᵀ) guides the start
        p = min(_BLOCK, m)
        top = np.argsort(-np.einsum("bij,bij->bi", M, M), axis=1, kind="stable")[:, :p]
        V0 = np.zeros((B, m, p))
        V0[np.arange(B)[:, None], top, np.arange(p)[None, :]] = 1.0
    if method == "svd" or (method == "auto" and min(m, n) < _EXACT_BELOW):
        return _exact_norms(M), V0
    sigma = np.empty(B)
    V = np.empty_like(V0)
    for b in range(B):
        sigma[b], V[b], done = _block_krylov(M[b], V0[b])
        if not done:  # rare: not converged → exact norm
            sigma[b] = _exact_norms(M[b][None])[0]
    return sigma, V


def jacobian_norms(res, wrt: str = "state", method: str = "auto") -> np.ndarray:
    """‖∂h_T/∂h_t‖₂ (t = 0..T), ‖∂h_T/∂c_t‖₂ (t = 0..T) or ‖∂h_T/∂x_t‖₂ (t = 1..T).

    Parameters
    ----------
    res : RunResult
    wrt : {"state", "cell", "input"}
        See :meth:`rnnviz.sim.result.RunResult.jacobian_norms`.
    method : {"auto", "krylov", "svd"}
        How each spectral norm is computed (see :func:`spectral_norms`).

    Returns
    -------
    ndarray, shape (batch, timesteps+1) for "state" and "cell", (batch, timesteps) for "input"
    """
    cell = res.cell
    wrt = check_wrt(cell, wrt)
    B, T, u = res.batch, res.timesteps, res.units
    lstm = cell.name == "lstm"
    # per sequence: J_h (and J_c), the pulled-back gate gradients (units × units·g) and
    # their temporaries — about 3·g + 6 matrices of units × units
    _validate.check_memory(
        8 * B * u * u * (3 * cell.n_gates + 6),
        f"jacobian_norms(wrt={wrt!r}) for batch={B} sequences of units={u} ({B} chains of "
        f"{u} × {u} Jacobians at once)",
    )
    out = np.empty((B, T if wrt == "input" else T + 1))
    J_h = np.broadcast_to(np.eye(u), (B, u, u)).copy()
    J_c = np.zeros((B, u, u)) if lstm else None
    E = np.zeros(B, dtype=np.int64)  # J_true = J · 2^E
    status = np.full(B, _ALIVE)
    cols = cell.features if wrt == "input" else u
    exact = method == "svd" or (method == "auto" and min(u, cols) < _EXACT_BELOW)
    W_T = cell.kernel.T
    pending: list = []  # exact path: matrices waiting for one batched SVD
    V = None

    def store(col, sigma, E_t, status_t):
        value = np.ldexp(sigma, E_t)  # inf when the true norm exceeds float64
        value[~np.isfinite(sigma)] = np.inf
        value[status_t == _ZERO] = 0.0
        value[status_t == _INF] = np.inf
        out[:, col] = value.T

    def flush():
        if pending:
            cols, mats, Es, statuses = zip(*pending, strict=True)
            sigma = _exact_norms(np.stack(mats), scaled=wrt == "state")  # (steps, batch)
            store(list(cols), sigma, np.stack(Es), np.stack(statuses))
            pending.clear()

    def record(col, M):
        nonlocal V
        if exact:
            pending.append((col, M, E, status))
            if len(pending) == _SVD_CHUNK:
                flush()
        else:
            sigma, V = spectral_norms(M, V, method)
            store(col, sigma, E, status)

    if wrt == "state":
        out[:, T] = 1.0
    # ‖∂h_T/∂h_t‖₂ by Krylov without a cell state: the norm σ of the unscaled product comes
    # first; when its entries are finite and σ ∈ (u·2^−64, 2^64), every entry lies in
    # [σ/u, σ] ⊂ (2^−64, 2^64), so _rescale would change nothing and its pass is skipped.
    fast = wrt == "state" and not exact and J_c is None
    lo = _SAFE_LO * u
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        for t in range(T, 0, -1):
            step = cell._step_vjp(res, t, J_h, J_c)
            if fast and not status.any():
                J_next = step.dh_prev
                if np.isfinite(np.add.reduce(J_next.reshape(B, -1), axis=1)).all():
                    sigma, V_next = spectral_norms(J_next, V, method)
                    if np.all((sigma > lo) & (sigma < _SAFE_HI)):
                        J_h, V = J_next, V_next
                        store(t - 1, sigma, E, status)
                        continue
            if wrt == "cell":
                record(t, step.dc_total)
            elif wrt == "input":
                record(t - 1, matmul_rows(step.dz_x, W_T))  # ∂h_T/∂x_t = ∂h_T/∂z · Wᵀ
            J_h, J_c, E, status = _rescale(step.dh_prev, step.dc_prev, E, status)
            if wrt == "state":
                record(t - 1, J_h)
        if wrt == "cell":
            record(0, J_c)  # c_0 acts on h_T only through later steps
        flush()
    return out


def _rescale(J_h, J_c, E, status):
    """Rescale each sequence's chain by an exact power of two; flag overflow/underflow.

    Returns (J_h, J_c, E, status); E and status are new arrays when they change (never
    modified in place, so earlier snapshots stay valid).
    """
    big = np.abs(J_h).max(axis=(1, 2))
    if J_c is not None:
        big = np.maximum(big, np.abs(J_c).max(axis=(1, 2)))
    if big.min() > _SAFE_LO and big.max() < _SAFE_HI and not status.any():
        return J_h, J_c, E, status  # the common case: nothing to do
    status = status.copy()
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
        E = E + shift
    return J_h, J_c, E, status
