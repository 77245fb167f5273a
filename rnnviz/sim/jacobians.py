"""Exact spectral norms ‖∂h_T/∂h_t‖₂, ‖∂h_T/∂c_t‖₂ and ‖∂h_T/∂x_t‖₂ of the last state.

The chain rule
--------------
The last state depends on h_t only through the steps after it::

    ∂h_T/∂h_t = ∂h_T/∂h_{T−1} · ∂h_{T−1}/∂h_{T−2} ⋯ ∂h_{t+1}/∂h_t = ∏_{k=t+1..T} ∂h_k/∂h_{k−1}

each factor a (units × units) matrix per sequence (SimpleRNN: diag(f′(a_k)) W_hhᵀ). With a
cell state (LSTM) the state carried from step to step is s_k = (h_k, c_k) and the factors
∂s_k/∂s_{k−1} are (2·units × 2·units). The product is formed right to left, from h_T::

    J_T = ∂h_T/∂s_T = [I, 0]          J_{k−1} = J_k · ∂s_k/∂s_{k−1},   k = T, …, 1

so J_t = ∂h_T/∂s_t = [∂h_T/∂h_t, ∂h_T/∂c_t], shape (batch, units, units) each. The product
J_k · ∂s_k/∂s_{k−1} is the cell's own backward step (``cell.step_vjp(trace, k, J_h, J_c)``)
applied to the ``units`` rows of J_k at once: diagonal factors such as diag(f′(a_k)) scale
columns, and the only O(units³) work per step is one matrix product with the recurrent
kernel. The inputs follow from the same chain: ∂h_T/∂x_k = J_k · ∂s_k/∂x_k =
(∂h_T/∂z_k) Wᵀ, with z_k the step's pre-activation (``dz_x`` of the backward step).

The spectral norm of every J_t
------------------------------
Each ‖J_t‖₂ comes from :func:`rnnviz.sim.spectral.spectral_norms`, warm-started with the
top left singular vectors of J_{t+1} (all J_t map into the same space, that of h_T):
exact for small matrices (one batched ``eigvalsh`` per ``_SVD_CHUNK`` steps), split into
independent blocks when the chain has invariant coordinate blocks, and otherwise a
Davidson iteration with random start vectors (see that module).

Overflow and underflow
----------------------
J_t is kept as Ĵ_t · 2^E (E an integer per sequence, rescaling by powers of two is
exact), so the chain itself never overflows; the reported norm is ldexp(‖Ĵ_t‖₂, E), which
is ``inf`` when the true value exceeds the float64 range (and 0 below it). Once the
chain's own entries are too large for float64, every earlier entry is ``inf``; once they
are exactly 0 (or too small for float64), every earlier entry is 0.
"""

from __future__ import annotations

import numpy as np

from rnnviz.sim import _validate
from rnnviz.sim._numerics import matmul_rows
from rnnviz.sim.spectral import _EXACT_BELOW, spectral_norms
from rnnviz.sim.spectral import exact_norms as _exact_norms

__all__ = ["WRT", "chain", "check_wrt", "jacobian_norms", "spectral_norms"]

#: Accepted values of ``wrt``.
WRT: tuple[str, ...] = ("state", "cell", "input")

_SVD_CHUNK = 64  # exact path: matrices per batched SVD call
_RESCALE = 64  # keep the chain's largest entry within 2^±_RESCALE
_SAFE_HI, _SAFE_LO = 2.0**_RESCALE, 2.0**-_RESCALE
_ALIVE, _ZERO, _INF = 0, 1, 2


def check_wrt(cell, wrt: object) -> str:
    """Validate ``wrt`` for ``cell``; ``"cell"`` needs an LSTM."""
    wrt = _validate.choice(wrt, WRT, "wrt")
    if wrt == "cell" and not cell.has_cell_state:
        raise ValueError(
            f"wrt='cell' needs an LSTM (only LSTM has a cell state c_t); got {cell!r}. "
            f"Use wrt='state' or wrt='input'."
        )
    return wrt


def chain(res):
    """The chain rule ∂h_T/∂h_t = ∏_{k=t+1..T} ∂h_k/∂h_{k−1}, for t = T−1 down to 0.

    Yields (t, J_h, J_c): J_h = ∂h_T/∂h_t and J_c = ∂h_T/∂c_t (with a cell state, h_t held
    fixed; else None), each of shape (batch, units, units), from J_{k−1} = J_k ·
    ∂s_k/∂s_{k−1} (see the module docstring).

    The product alone, without norms or rescaling (it overflows like any float64 product
    would); :func:`jacobian_norms` runs the same chain.
    """
    cell, trace = res.cell, res.trace
    B, T, u = res.batch, res.timesteps, res.units
    J_h = np.broadcast_to(np.eye(u), (B, u, u)).copy()  # ∂h_T/∂h_T = I
    J_c = np.zeros((B, u, u)) if cell.has_cell_state else None  # ∂h_T/∂c_T (h_T held) = 0
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for k in range(T, 0, -1):
            step = cell.step_vjp(trace, k, J_h, J_c)  # J_k · ∂s_k/∂s_{k−1}
            J_h, J_c = step.dh_prev, step.dc_prev  # = J_{k−1}
            yield k - 1, J_h, J_c


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
    # per sequence: J_h (and J_c), the pulled-back gate gradients (units × units·g) and
    # their temporaries — about 3·g + 6 matrices of units × units
    _validate.check_memory(
        8 * B * u * u * (3 * cell.n_gates + 6),
        f"jacobian_norms(wrt={wrt!r}) for batch={B} sequences of units={u} ({B} chains of "
        f"{u} × {u} Jacobians at once)",
    )
    out = np.empty((B, T if wrt == "input" else T + 1))
    trace = res.trace
    J_h = np.broadcast_to(np.eye(u), (B, u, u)).copy()  # J_T = [I, 0]: ∂h_T/∂h_T = I
    J_c = np.zeros((B, u, u)) if cell.has_cell_state else None  # ∂h_T/∂c_T (h_T held) = 0
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
    # Outside that interval _rescale looks at the entries themselves; when it leaves the
    # chain as it is (σ below u·2^−64 but the largest entry still 2^−65 or more: the several
    # steps before each rescaling of a decaying chain), σ is already the norm of that very
    # matrix, so it is kept — solving it again from the same warm start gives the same σ.
    fast = wrt == "state" and not exact and J_c is None
    lo = _SAFE_LO * u
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        for k in range(T, 0, -1):
            step = cell.step_vjp(trace, k, J_h, J_c)  # J_{k−1} = J_k · ∂s_k/∂s_{k−1}
            solved = None  # (matrix, σ, Ritz vectors) of a fast-path solve out of range
            if fast and not status.any():
                J_next = step.dh_prev
                if np.isfinite(np.add.reduce(J_next.reshape(B, -1), axis=1)).all():
                    sigma, V_next = spectral_norms(J_next, V, method)
                    if np.all((sigma > lo) & (sigma < _SAFE_HI)):
                        J_h, V = J_next, V_next
                        store(k - 1, sigma, E, status)  # ‖∂h_T/∂h_{k−1}‖₂
                        continue
                    solved = (J_next, sigma, V_next)
            if wrt == "cell":
                record(k, step.dc_total)  # ∂h_T/∂c_k, through h_k = o_k ⊙ f(c_k) too
            elif wrt == "input":
                record(k - 1, matmul_rows(step.dz_x, W_T))  # ∂h_T/∂x_k = (∂h_T/∂z_k) Wᵀ
            J_h, J_c, E, status = _rescale(step.dh_prev, step.dc_prev, E, status)
            if solved is not None and J_h is solved[0] and not status.any():
                _, sigma, V = solved  # not rescaled (nor flagged): σ is ‖J_h‖₂ already
                store(k - 1, sigma, E, status)  # ‖∂h_T/∂h_{k−1}‖₂
            elif wrt == "state":
                record(k - 1, J_h)  # ‖∂h_T/∂h_{k−1}‖₂
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
