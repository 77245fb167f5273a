"""A matrix whose columns are mostly dense or nearly empty, for the Davidson solver's products.

The LSTM's one-step Jacobian A_t = ∂(h_t, c_t)/∂(h_{t−1}, c_{t−1}) (2·units square) has
dense h columns and c columns with two nonzeros each (∂h_t/∂c_{t−1} and ∂c_t/∂c_{t−1}
are diagonal). :mod:`rnnviz.sim.spectral` only ever forms M x and qᵀ M, and the left
singular vectors and ‖M‖₂ do not change when M's columns are permuted, so M is held as

    M Π = [D | S]        D: the dense columns (rows × n_d), S: the others, as (row, col, value)

and each product reads D and S's few entries instead of all of M: about half the work
for the LSTM. The sums are the same sums in another order (a different rounding, within
the solver's tolerance). Column order inside B = Q M Π is Π's — only B Bᵀ and M (Bᵀ y)
are used, and both are unchanged by Π.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SparseColumns"]

_MAX_NNZ = 2  # a column with at most this many nonzeros goes to S
_MIN_SHARE = 0.25  # … and the split is used when at least this share of columns does


class SparseColumns:
    """M Π = [D | S] as an operator: ``op @ x`` = M Π x, ``q @ op`` = qᵀ M Π.

    Build with :meth:`of`; ``shape`` is M's.
    """

    __array_ufunc__ = None  # ndarray @ SparseColumns defers to __rmatmul__

    def __init__(self, D: np.ndarray, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray,
                 n_sparse: int) -> None:  # fmt: skip
        self.D, self.rows, self.cols, self.vals = D, rows, cols, vals
        self.n_dense, self.n_sparse = D.shape[1], n_sparse
        self.shape = (D.shape[0], D.shape[1] + n_sparse)

    @classmethod
    def of(cls, M: np.ndarray) -> SparseColumns | None:
        """The split of M (rows × cols), or None when too few columns are sparse."""
        nz = M != 0
        sparse = nz.sum(axis=0) <= _MAX_NNZ
        if sparse.sum() < _MIN_SHARE * M.shape[1]:
            return None
        S = M[:, sparse]
        rows, cols = np.nonzero(S)
        return cls(np.ascontiguousarray(M[:, ~sparse]), rows, cols, S[rows, cols], S.shape[1])

    def __matmul__(self, x: np.ndarray) -> np.ndarray:
        """M Π x for x of shape (cols,) or (cols, k)."""
        nd, m = self.n_dense, self.shape[0]
        out = self.D @ x[:nd]
        xs = x[nd:][self.cols]
        if x.ndim == 1:
            out += np.bincount(self.rows, self.vals * xs, minlength=m)
        else:
            for j in range(x.shape[1]):
                out[:, j] += np.bincount(self.rows, self.vals * xs[:, j], minlength=m)
        return out

    def __rmatmul__(self, q: np.ndarray) -> np.ndarray:
        """qᵀ M Π for q of shape (rows,) or (k, rows)."""
        nd, ns = self.n_dense, self.n_sparse
        out = np.empty((*q.shape[:-1], self.shape[1]))
        np.matmul(q, self.D, out=out[..., :nd])
        qs = q[..., self.rows]
        if q.ndim == 1:
            out[nd:] = np.bincount(self.cols, self.vals * qs, minlength=ns)
        else:
            for j in range(q.shape[0]):
                out[j, nd:] = np.bincount(self.cols, self.vals * qs[j], minlength=ns)
        return out
