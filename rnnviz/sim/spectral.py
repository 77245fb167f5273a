"""The spectral norm ‖M‖₂ of a stack of matrices, exactly, whatever their structure.

‖M‖₂ = √λ_max(A) with A = M Mᵀ (rows × rows), never formed on the iterative path.

Three ways, chosen per matrix
-----------------------------
1. **Small** (fewer than ``_EXACT_BELOW`` rows or columns): √λ_max of the smaller Gram
   matrix, one batched ``eigvalsh`` — exact and fastest there.
2. **Reducible** (exact zeros that split M into independent blocks): M's nonzeros form a
   bipartite graph between rows and columns; each connected component is a block
   M[rows_c, cols_c] that shares no row or column with another, so after permuting rows and
   columns M is block diagonal and ‖M‖₂ = max_c ‖M[rows_c, cols_c]‖₂. Each block is done
   exactly (a row or column vector: its length; small blocks: Gram + ``eigvalsh``) or by
   path 3. Diagonal, permutation-like and block-diagonal Jacobian chains (identity / IRNN
   init, diagonal RNNs, LSTM and GRU with diagonal gate blocks) are such matrices: their
   invariant coordinate blocks are exactly what lets a Krylov start block stay in the wrong
   block forever, so they are never given to it.
3. **Otherwise**: a warm-started one-sided Davidson iteration on A. The start block is
   - the previous matrix's top ``_BLOCK`` Ritz vectors (all matrices of a Jacobian chain map
     into the same space, that of h_T, so they are a good guess) — without them, unit
     vectors of the ``_BLOCK`` longest rows of M (diag(A) = row lengths²),
   - ``_RANDOM`` fixed pseudo-random Gaussian vectors (seeded: results are reproducible),
   orthonormalised. The random vectors have a nonzero component on every singular vector,
   so no subspace of the start block is invariant under A unless M has one (path 2 removes
   the exact ones; weakly coupled blocks are reached through them). The basis Q then grows
   by the residual of the current top Ritz pair and a Lanczos direction, fully
   re-orthogonalised; only B = Q M is kept (the Rayleigh quotient is B Bᵀ, and
   A Qᵀy = M (Bᵀ y)), so a new vector costs one matrix–vector product and a Ritz solve
   one more. A basis of ``_KMAX`` vectors is cut back to its top ``_KEEP`` Ritz vectors
   (thick restart). It stops when the Ritz residual r satisfies r ≤ τ θ, or
   r² ≤ τ θ · gap with r ≤ 10⁻⁴ θ (θ the top Ritz value, gap to the next one, τ = 10⁻¹²):
   the relative error of θ = σ² is then ~10⁻¹². A stop before any new vector means that
   the start block (nearly) held an invariant subspace of A — the pattern of a warm block
   stuck in the wrong one — so before such a stop every random vector is expanded
   ``_PROBE`` times by A (a short Lanczos run from each, in the same
   basis): a larger singular value that the warm block missed then shows as a larger Ritz
   value, and the iteration goes on. (On a generic chain the warm block's residual is a few
   per cent and the stop needs more vectors, which mix the random vectors in anyway.) If it
   has not converged after ``_MAX_EXTRA`` new vectors, the exact norm is used. A matrix
   whose columns are mostly dense or nearly empty (the LSTM's) is multiplied as
   ``_sparse_columns.SparseColumns``: the same products for about half the work.

Ritz values are Rayleigh quotients, so θ ≤ λ_max always; what the residual test certifies
is that θ is an eigenvalue of A to ~10⁻¹² — that it is the *largest* rests on the start
block (warm + random vectors + probes). Path 2 makes that exact for every coordinate-block
structure; ``method="svd"`` gives the exact norm for any matrix.
"""

from __future__ import annotations

from math import sqrt

import numpy as np

from rnnviz.sim._components import components
from rnnviz.sim._sparse_columns import SparseColumns

__all__ = ["exact_norms", "spectral_norms"]

_EXACT_BELOW = 96  # exact Gram eigenvalue when min(rows, cols) is below this
_BLOCK = 8  # warm Ritz vectors carried from one matrix to the next
_RANDOM = 2  # fixed random vectors added to the start block
_PROBE = 3  # Lanczos steps from each random vector before a stop without new vectors
_CHECK = 2  # new Krylov vectors between convergence checks
_KMAX = 32  # basis size that triggers a thick restart …
_KEEP = 12  # … down to this many Ritz vectors
_MAX_EXTRA = 120  # Krylov vectors added before falling back to the exact norm
_TOL = 1e-12
_SEED = 20260701  # the random start vectors (fixed: same matrix → same result)

try:  # LAPACK's symmetric eigensolver without np.linalg.eigh's per-call checks (hot loop)
    from numpy.linalg import _umath_linalg

    def _eigh(H):
        return _umath_linalg.eigh_lo(H, signature="d->dd")

    _eigh(np.eye(2))
except Exception:  # pragma: no cover - other NumPy layouts
    _eigh = np.linalg.eigh

_random_cache: dict[int, np.ndarray] = {}


def _random_vectors(m: int) -> np.ndarray:
    """``_RANDOM`` fixed Gaussian vectors of length m, shape (_RANDOM, m) (cached)."""
    if m not in _random_cache:
        _random_cache[m] = np.random.default_rng(_SEED + m).standard_normal((_RANDOM, m))
    return _random_cache[m]


def exact_norms(M: np.ndarray, scaled: bool = False) -> np.ndarray:
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


# ----------------------------------------------------------------------------- path 2
# (the blocks themselves: rnnviz.sim._components.components)
def _split_norm(M: np.ndarray, row: np.ndarray, col: np.ndarray) -> float:
    """max over blocks of ‖M[rows_c, cols_c]‖₂ (exact for every block)."""
    labels = np.unique(row[row >= 0])
    best = 0.0
    small: dict[tuple[int, int], list[np.ndarray]] = {}
    for lab in labels:
        r = np.flatnonzero(row == lab)
        c = np.flatnonzero(col == lab)
        sub = M[np.ix_(r, c)]
        if min(sub.shape) == 1:  # a row or column vector: its length
            best = max(best, float(np.sqrt(np.sum(sub * sub))))
        elif min(sub.shape) < _EXACT_BELOW:
            small.setdefault(sub.shape, []).append(sub)
        else:
            sigma, _ = spectral_norms(sub[None], method="krylov")
            best = max(best, float(sigma[0]))
    for mats in small.values():  # one batched eigvalsh per block shape
        best = max(best, float(exact_norms(np.stack(mats)).max()))
    return best


# ----------------------------------------------------------------------------- path 3
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


def _start_block(M: np.ndarray, V0: np.ndarray | None) -> tuple[np.ndarray, int]:
    """Orthonormal start block (k × rows): warm vectors (or, without them, unit vectors of
    the ``_BLOCK`` longest rows), then the random vectors.

    Returns (Q0, n_random): the last n_random rows of Q0 come from the random vectors.
    """
    m = M.shape[0]
    if V0 is None:
        V0 = _fresh_block(M, min(_BLOCK, m))
    R = _random_vectors(m)
    if V0.shape[1] + len(R) >= m:  # the block would span everything: use the whole space
        return np.eye(m), 0
    W = V0.T
    for _ in range(2):  # the warm block is orthonormal: project it out of R, twice
        R = R - (R @ V0) @ W
    rows = []
    for r in R:  # then Gram–Schmidt among the few random vectors
        for q in rows:
            r = r - (q @ r) * q
        nr = sqrt(r @ r)
        if nr > 1e-8 * sqrt(m):  # dependent only by accident of the warm block
            rows.append(r / nr)
    return np.concatenate((W, np.reshape(rows, (-1, m)))), len(rows)


class _Basis:
    """Orthonormal basis Q (k × rows) of the Davidson iteration with B = Q M and the lower
    triangle of H = B Bᵀ, grown one vector (or one block) at a time."""

    def __init__(self, M: np.ndarray, Q0: np.ndarray, kmax: int) -> None:
        m, n = M.shape
        p = Q0.shape[0]
        self.M, self.k, self.added = M, p, 0
        self.Q = np.empty((kmax, m))
        self.B = np.empty((kmax, n))
        self.H = np.empty((kmax, kmax))
        self.Q[:p] = Q0
        self.B[:p] = Q0 @ M
        self.H[:p, :p] = self.B[:p] @ self.B[:p].T

    def add(self, r: np.ndarray, before: float) -> bool:
        """Orthogonalise r against the basis and append it; False if nothing new is left."""
        Q, k = self.Q, self.k
        r = r - (Q[:k] @ r) @ Q[:k]
        nr = sqrt(r @ r)
        if nr < 0.5 * before:  # twice when cancellation was large (DGKS)
            r = r - (Q[:k] @ r) @ Q[:k]
            nr = sqrt(r @ r)
        if before == 0.0 or nr <= 1e-14 * before:
            return False
        np.divide(r, nr, out=Q[k])
        self.B[k] = Q[k] @ self.M
        self.H[k, : k + 1] = self.B[: k + 1] @ self.B[k]  # _eigh reads the lower triangle
        self.k += 1
        self.added += 1
        return True

    def restart(self, evecs: np.ndarray, keep: int) -> None:
        """Thick restart: keep the top ``keep`` Ritz vectors."""
        Y = evecs[:, -keep:]
        k = self.k
        self.Q[:keep] = Y.T @ self.Q[:k]
        self.B[:keep] = Y.T @ self.B[:k]
        self.H[:keep, :keep] = self.B[:keep] @ self.B[:keep].T
        self.k = keep


def _block_krylov(M: np.ndarray, V0: np.ndarray | None, op: SparseColumns | None = None):
    """Top singular value of M (rows × cols): Davidson iteration on A = M Mᵀ (path 3).

    ``op``: M with its columns permuted, stored for cheaper products (``_sparse_columns``).
    Returns (sigma, top-``_BLOCK`` Ritz vectors (rows × p), converged).
    """
    m = M.shape[0]
    Q0, n_random = _start_block(M, V0)
    M = M if op is None else op  # only products from here on
    p = Q0.shape[0]
    kmax = min(m, max(_KMAX, p + _CHECK + n_random * _PROBE, _KEEP + n_random * (_PROBE + 1)))
    basis = _Basis(M, Q0, kmax)
    probes = list(range(p - n_random, p))  # the Krylov frontier of each random vector
    probe_left = _PROBE if probes else 0
    p_out = min(_BLOCK, m)

    def probe(evecs) -> bool:
        """``_PROBE`` Lanczos steps from every random vector; True if the basis grew."""
        nonlocal probe_left, probes
        probe_left = 0
        if basis.k + len(probes) * _PROBE > kmax:  # make room, keeping the frontier
            frontier = basis.Q[probes].copy()
            basis.restart(evecs, _KEEP)
            probes = [basis.k - 1 for f in frontier if basis.add(f, 1.0)]
        grown = basis.k
        frontier = probes
        for _ in range(_PROBE):
            W = (M @ basis.B[frontier].T).T  # A q_j = M (Mᵀ q_j) for every frontier q_j
            frontier = [basis.k - 1 for w in W if basis.add(w, sqrt(w @ w))]
            if not frontier:
                break
        return basis.k > grown

    while True:
        theta, gap, evecs, r = _ritz(basis.Q, basis.B, basis.H, basis.k, M)
        resid = sqrt(r @ r)
        done = _converged(resid, theta, gap)
        if done and probe_left > 0 and basis.added == 0 and probe(evecs):
            continue  # a missed larger singular value would now raise θ and its residual
        if done or basis.added >= _MAX_EXTRA or basis.k == m:
            break
        if basis.k + _CHECK > kmax:
            basis.restart(evecs, _KEEP)
            probe_left = 0  # the random vectors live on inside the kept Ritz vectors
        grown = basis.k
        before = resid
        for j in range(_CHECK):
            if j:
                r = M @ basis.B[basis.k - 1]  # Lanczos direction A q_{k−1}
                before = sqrt(r @ r)
            if not basis.add(r, before):
                break  # the basis already holds an invariant subspace
        if basis.k == grown and not (probe_left > 0 and probe(evecs)):
            break  # nothing new to add: the Ritz pair is as good as it gets
    k = basis.k
    return sqrt(theta), (evecs[:, : -p_out - 1 : -1].T @ basis.Q[:k]).T, done


def _fresh_block(M: np.ndarray, p: int) -> np.ndarray:
    """Unit vectors of the p longest rows of M, shape (rows, p)."""
    m = M.shape[0]
    top = np.argsort(-np.einsum("ij,ij->i", M, M), kind="stable")[:p]
    V = np.zeros((m, p))
    V[top, np.arange(p)] = 1.0
    return V


def _refreshed(M: np.ndarray, V: np.ndarray, own: int) -> np.ndarray:
    """The warm block V (rows × p) with its last ``own`` vectors replaced by unit vectors of
    M's ``own`` longest rows, orthonormalised (rows × p, or fewer if they coincide)."""
    p = V.shape[1]
    Q, R = np.linalg.qr(np.concatenate((V[:, : p - own], _fresh_block(M, own)), axis=1))
    keep = np.abs(np.diag(R)) > 1e-8  # a unit vector already (nearly) in the warm span
    return Q[:, keep]


def spectral_norms(
    M: np.ndarray, V0: np.ndarray | None = None, method: str = "auto", own_rows: int = 0
):
    """‖M[b]‖₂ for a stack M of shape (batch, rows, cols).

    Parameters
    ----------
    M : ndarray, shape (batch, rows, cols)
        Finite entries.
    V0 : ndarray, shape (batch, rows, p), optional
        Warm start: an orthonormal guess of each top-p left singular subspace.
    method : {"auto", "krylov", "svd"}
        ``"auto"`` computes small matrices exactly and the others by paths 2 and 3 of the
        module docstring; ``"krylov"`` uses paths 2 and 3 at every size; ``"svd"`` is exact.
    own_rows : int
        With ``V0``: replace its last ``own_rows`` vectors by unit vectors of M[b]'s own
        longest rows (the cold start's guess). For a warm start from a *different* matrix
        — the previous step's Jacobian rather than the previous chain product — whose top
        singular subspace need not contain M[b]'s: e.g. A Aᵀ = s² diag(f′)² for an Elman
        step with orthogonal W_hh, where the warm block is an exact eigenvector of another
        eigenvalue and only M[b]'s longest row is its top one.

    Returns
    -------
    sigma : ndarray, shape (batch,)
    V : ndarray, shape (batch, rows, p)
        Top-p left Ritz vectors (the next warm start).
    """
    B, m, n = M.shape
    p = min(_BLOCK, m)
    if method == "svd" or (method == "auto" and min(m, n) < _EXACT_BELOW):
        V = V0 if V0 is not None else np.stack([_fresh_block(M[b], p) for b in range(B)])
        return exact_norms(M), V
    sigma = np.empty(B)
    V = np.empty((B, m, p))
    for b in range(B):
        Mb = M[b]
        op = None
        if (Mb == 0).any():  # exact zeros: maybe independent blocks (path 2)
            row, col = components(Mb)
            if len(np.unique(row[row >= 0])) != 1:
                sigma[b] = _split_norm(Mb, row, col)
                V[b] = _fresh_block(Mb, p)
                continue
            op = SparseColumns.of(Mb)  # e.g. the LSTM's diagonal c columns
        Vb = None if V0 is None else V0[b]
        if Vb is not None and own_rows:
            Vb = _refreshed(Mb, Vb, own_rows)
        sigma[b], V[b], done = _block_krylov(Mb, Vb, op)
        if not done:  # rare: not converged → exact norm
            sigma[b] = exact_norms(Mb[None])[0]
    return sigma, V
