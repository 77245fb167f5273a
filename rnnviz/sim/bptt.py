"""Backpropagation through time: exact loss gradients for every parameter and every h_t.

Loss (per sequence b of the batch, on the last step only)::

    L_b = ½ ‖y_T − target‖²      with y_T = g(h_T W_hy + b_y) if the cell has an output
                                 layer, else y_T = h_T

The backward loop pulls dh_t = ∂L/∂h_t from t = T down to 0, one cell step at a time
(each cell's ``_step_vjp`` writes its step one equation a line), and adds each step's
contribution to the shared weights — the same weights are used at every step, so their
gradient is a sum over steps.

Truncated BPTT with window k (1 ≤ k < T): the states h_{T−k} (and c_{T−k}) are treated as
constants (``stop_gradient``) and only the last k steps are differentiated:

* parameter gradients sum the contributions of steps t = T−k+1 … T only;
* dh_t = ∂L/∂h_t for t = T−k … T (h_{T−k} being the input of the window) and dh_t = 0
  for t < T−k.

k ≥ T, ``None`` or 0 mean full BPTT.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from rnnviz.sim import _validate
from rnnviz.sim.cell import _nan_to_inf

__all__ = ["Gradients", "loss_gradients", "vector_norms"]


@dataclass(frozen=True)
class Gradients:
    """Result of :func:`loss_gradients`.

    Attributes
    ----------
    loss : ndarray, shape (batch,)
        L_b = ½ ‖y_T − target‖² per sequence.
    params : dict of str → ndarray
        ∂(Σ_b L_b)/∂θ for θ in ``kernel``, ``recurrent_kernel``, ``bias`` (if the cell has
        one), ``W_hy`` and ``b_y`` (with an output layer); each shaped like the parameter.
    dh : ndarray, shape (batch, timesteps+1, units)
        ∂L_b/∂h_t for t = 0..T (zeros before the truncation window).
    dh_norms : ndarray, shape (batch, timesteps+1)
        ‖dh_t‖₂.
    dc : ndarray, shape (batch, timesteps+1, units) or None
        LSTM: ∂L_b/∂c_t (total, including the path through h_t = o_t ⊙ f(c_t); at the
        window's first state, c_{T−k} or c_0, the direct derivative).
    truncate : int or None
        The window k used (None: full BPTT).
    overflowed : bool
        True if the loss or a dh_t overflowed (it is then inf, never NaN).
    """

    loss: np.ndarray
    dh: np.ndarray
    dh_norms: np.ndarray
    dc: np.ndarray | None
    truncate: int | None
    overflowed: bool
    _params: Callable[[], dict] = field(repr=False, compare=False)

    @cached_property
    def params(self) -> dict:
        """Parameter gradients, computed on first access (one matrix product each)."""
        return self._params()


def vector_norms(v: np.ndarray, axis: int = -1) -> np.ndarray:
    """Euclidean norms along ``axis`` without overflow for entries up to the float64 max."""
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        scale = np.max(np.abs(v), axis=axis, keepdims=True)
        safe = np.where((scale > 0) & np.isfinite(scale), scale, 1.0)
        n = np.sqrt(np.sum((v / safe) ** 2, axis=axis)) * np.squeeze(safe, axis)
    return np.where(np.isinf(np.squeeze(scale, axis)), np.inf, n)


def _window(truncate: object, timesteps: int) -> int | None:
    if truncate is None:
        return None
    if isinstance(truncate, bool) or not isinstance(truncate, numbers.Integral):
        raise TypeError(
            f"truncate must be a whole number of timesteps ≥ 1 (or None / 0 for full BPTT); "
            f"got {type(truncate).__name__} {truncate!r}"
        )
    if truncate < 0:
        raise ValueError(
            f"truncate must be ≥ 1 timestep (or None / 0 for full BPTT); got {int(truncate)}"
        )
    if truncate == 0 or truncate >= timesteps:
        return None
    return int(truncate)


def _target(target: object, batch: int, size: int, what: str) -> np.ndarray:
    if target is None:
        return np.zeros((batch, size))
    arr = _validate._as_float_array(target, "target")
    if arr.shape == (size,):
        arr = np.broadcast_to(arr, (batch, size)).copy()
    if arr.shape != (batch, size):
        raise ValueError(
            f"target must have shape (batch, {what}) = ({batch}, {size}) or ({size},); "
            f"got shape {arr.shape}"
        )
    return _validate.finite_array(arr, (batch, size), "target")


def loss_gradients(res, target: object = None, truncate: object = None) -> Gradients:
    """Gradients of L = ½‖y_T − target‖² by (truncated) backpropagation through time.

    Parameters
    ----------
    res : RunResult
        A forward pass (``cell.run(x)``).
    target : array_like, shape (batch, n) or (n,), optional
        n = output_units with an output layer, else units. Zeros by default.
    truncate : int, optional
        Window k of truncated BPTT (see the module docstring). None or 0: full BPTT.

    Returns
    -------
    Gradients
    """
    cell = res.cell
    B, T, u = res.batch, res.timesteps, res.units
    k = _window(truncate, T)
    has_out = cell.W_hy is not None
    n = cell.output_units if has_out else u
    target = _target(target, B, n, "output_units" if has_out else "units")
    params: dict[str, np.ndarray] = {}
    DH = np.zeros((B, T + 1, u))
    DC = np.zeros((B, T + 1, u)) if cell.name == "lstm" else None
    stop = 1 if k is None else T - k + 1  # first step inside the window

    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        h_T = res.states[:, -1]
        if has_out:
            dy = res.outputs[:, -1] - target  # ∂L/∂y_T
            loss = 0.5 * np.sum(dy * dy, axis=-1)
            dy_pre = dy * cell._out_act.df(res._cache["y_pre"][:, -1])  # through y = g(·)
            params["W_hy"] = h_T.T @ dy_pre  # through h_T W_hy
            params["b_y"] = dy_pre.sum(axis=0)  # through + b_y
            dh = dy_pre @ cell.W_hy.T  # ∂L/∂h_T, through h_T W_hy
        else:
            dh = h_T - target  # ∂L/∂h_T (y_T = h_T)
            loss = 0.5 * np.sum(dh * dh, axis=-1)
        dh = dh[:, None, :]  # one cotangent row per sequence
        dc = None
        DH[:, T] = dh[:, 0]
        G = cell.kernel.shape[1]
        DZX = np.zeros((B, T, G))  # ∂L/∂(x_t W + b) for every step in the window
        DZH = np.zeros((B, T, G))  # ∂L/∂(h_{t−1} U (+ b_h)), the same but for GRU's h block
        for t in range(T, stop - 1, -1):
            g = cell._step_vjp(res, t, dh, dc)  # back through step t (see the cell)
            DZX[:, t - 1] = g.dz_x[:, 0]
            DZH[:, t - 1] = g.dz_h[:, 0]
            dh, dc = g.dh_prev, g.dc_prev  # carried to step t − 1
            if not np.isfinite(dh).all():
                _nan_to_inf(dh)
            DH[:, t - 1] = dh[:, 0]
            if DC is not None:
                DC[:, t] = g.dc_total[:, 0]
                DC[:, t - 1] = _nan_to_inf(dc[:, 0].copy())
        if DC is not None:
            _nan_to_inf(DC)
        loss = _nan_to_inf(np.asarray(loss, dtype=np.float64))
        norms = vector_norms(DH)

    def parameter_gradients() -> dict:
        # The weights are shared by every step: their gradients sum over the window.
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            w = slice(stop - 1, T)  # steps stop..T, 0-based
            X = res.x[:, w].reshape(-1, cell.features)  # x_t
            H_prev = np.concatenate((res.h0[:, None], res.states[:, :-1]), axis=1)[:, w]
            dZx, dZh = DZX[:, w].reshape(-1, G), DZH[:, w].reshape(-1, G)
            params["kernel"] = X.T @ dZx  # Σ_t x_tᵀ dz_t, through x_t W
            params["recurrent_kernel"] = H_prev.reshape(-1, u).T @ dZh  # Σ_t h_{t−1}ᵀ dz_t
            if cell.bias is not None and cell._split_bias:
                params["bias"] = np.stack((dZx.sum(axis=0), dZh.sum(axis=0)))  # b_x, b_h
            elif cell.bias is not None:
                params["bias"] = dZx.sum(axis=0)  # through + b
        order = ("kernel", "recurrent_kernel", "bias", "W_hy", "b_y")
        out = {name: _nan_to_inf(params[name]) for name in order if name in params}
        for value in out.values():
            value.flags.writeable = False
        return out

    overflowed = bool(np.isinf(loss).any() or not np.isfinite(DH).all())
    for a in (loss, DH, norms, DC):
        if a is not None:
            a.flags.writeable = False
    return Gradients(loss=loss, dh=DH, dh_norms=norms, dc=DC, truncate=k,
                     overflowed=overflowed, _params=parameter_gradients)  # fmt: skip
