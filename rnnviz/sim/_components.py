"""Path 2 of ``spectral``: the blocks of a matrix that share no row and no column.

M's nonzeros form a bipartite graph between rows and columns; its connected components are
blocks M[rows_c, cols_c] such that, after permuting rows and columns, M is block diagonal
and ‖M‖₂ = max_c ‖M[rows_c, cols_c]‖₂ (see ``rnnviz.sim.spectral``).
"""

from __future__ import annotations

import numpy as np

_BFS_ROUNDS = 4  # components: rounds of the quick one-block test before the full labelling


def components(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Blocks of a (rows × cols) matrix that share no row and no column.

    Labels rows and columns by the connected components of the bipartite graph of M's
    nonzeros: a quick search first settles the common single block (``_one_block``), else
    min-label propagation with pointer jumping (``_labels``). Returns (row_label (rows,),
    col_label (cols,)): equal labels = same block; a zero row or column has label −1.
    """
    nz = M != 0
    live_rows, live_cols = nz.any(axis=1), nz.any(axis=0)
    if _one_block(nz, live_cols):
        return np.where(live_rows, 0, -1), np.where(live_cols, 0, -1)
    return _labels(nz, live_rows)


def _labels(nz: np.ndarray, live_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``components``' labels by min-label propagation with pointer jumping (any pattern)."""
    m, n = nz.shape
    big = m  # larger than every row index
    row = np.where(live_rows, np.arange(m), -1)
    col = np.full(n, big)
    while True:
        col_new = np.where(nz, row[:, None], big).min(axis=0)  # smallest row reaching each col
        row_new = np.where(nz, col_new[None, :], big).min(axis=1)
        row_new = np.where(row >= 0, np.minimum(row, row_new), -1)
        while True:  # pointer jumping: a row's label is a row; follow it to its own label
            alive = row_new >= 0
            jumped = np.where(alive, row_new[np.where(alive, row_new, 0)], -1)
            if np.array_equal(jumped, row_new):
                break
            row_new = jumped
        if np.array_equal(row_new, row) and np.array_equal(col_new, col):
            break
        row, col = row_new, col_new
    return row, np.where(col == big, -1, col)


def _one_block(nz: np.ndarray, live_cols: np.ndarray) -> bool:
    """True if the nonzeros ``nz`` (rows × cols, bool) form one connected block.

    A breadth-first search from the row with the most nonzeros, ``_BFS_ROUNDS`` rounds of
    column → row → column, each round two products with the 0/1 pattern (a sum of
    nonnegative terms is > 0 exactly when one term is, in any precision). It settles the
    common case — one dense row, or dense blocks linked by diagonals such as the LSTM's
    (h, c) Jacobian — in a few matrix–vector products; False means "not shown connected"
    (a long chain of blocks, or several): the caller then labels the components.
    """
    counts = nz.sum(axis=1)
    n_cols = int(live_cols.sum())
    reached_cols = nz[int(counts.argmax())]
    if counts.max() == n_cols:  # one row reaches every nonzero column
        return True
    P = nz.astype(np.float32)
    for _ in range(_BFS_ROUNDS):
        reached_rows = P @ reached_cols.astype(np.float32) > 0
        reached_cols = reached_rows.astype(np.float32) @ P > 0
        if reached_cols.sum() == n_cols:  # every live row has a nonzero in a live column,
            return True  # so the next round would reach every live row as well
    return False
