"""SimpleRNN — the Elman network.

Equations (row vectors, as Keras; x_t of shape (features,), h_t of shape (units,))::

    a_t = x_t W_xh + h_{t−1} W_hh + b_h        pre-activation
    h_t = f(a_t)                                hidden state, t = 1..T
    y_t = g(h_t W_hy + b_y)                     optional output layer

with W_xh (features, units) = ``kernel``, W_hh (units, units) = ``recurrent_kernel``,
b_h (units,) = ``bias``. One step's Jacobian is ∂h_t/∂h_{t−1} = diag(f′(a_t)) W_hhᵀ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from rnnviz.sim import _extended as X
from rnnviz.sim._numerics import matmul_rows
from rnnviz.sim.cell import Cell
from rnnviz.sim.trace import StepGrads, Trace, derived

__all__ = ["SimpleRNN", "SimpleRNNTrace"]


@dataclass(frozen=True, kw_only=True, eq=False)
class SimpleRNNTrace(Trace):
    """A SimpleRNN forward pass.

    ``a`` (batch, timesteps, units): the pre-activations a_t = x_t W_xh + h_{t−1} W_hh + b_h.
    """

    a: np.ndarray

    @derived
    def df(self) -> np.ndarray:
        """f′(a_t), (batch, timesteps, units): the diagonal of ∂h_t/∂a_t.

        For tanh 1 − h_t² from the stored states (the numbers of ``act.df(a)`` without a
        second tanh over every step), except after an overflow (extended replay)."""
        if self.act.name == "tanh" and self.states_ext is None:
            return 1.0 - self.states * self.states
        return self.act.df(self.a)


class SimpleRNN(Cell):
    """Elman recurrent cell h_t = f(x_t W_xh + h_{t−1} W_hh + b_h).

    See :class:`rnnviz.sim.cell.Cell` for the parameters. ``W_xh``, ``W_hh`` and ``b_h``
    are aliases of ``kernel``, ``recurrent_kernel`` and ``bias``.

    Examples
    --------
    >>> cell = SimpleRNN(units=4, features=3)
    >>> cell.run(np.zeros((5, 3))).states.shape
    (1, 5, 4)
    """

    name: ClassVar[str] = "rnn"
    display_name: ClassVar[str] = "RNN"
    gate_names: ClassVar[tuple[str, ...]] = ()
    n_gates: ClassVar[int] = 1
    candidate_matrix: ClassVar[str] = "W_hh"
    pascanu_bound_holds: ClassVar[bool] = True  # ∂h_t/∂h_{t−1} = diag(f′(a_t)) W_hhᵀ
    torch_layer, torch_cell = "RNN", "RNNCell"
    keras_layer, keras_cell = "SimpleRNN", "SimpleRNNCell"

    W_xh = property(lambda self: self._kernel, doc="W_xh (features, units) = kernel.")
    W_hh = property(lambda self: self._recurrent, doc="W_hh (units, units) = recurrent_kernel.")
    b_h = property(lambda self: self._bias, doc="b_h (units,) = bias, or None.")

    def _forward(self, x, h0, c0, careful):
        """Forward pass; x (batch, T, features), h0 (batch, units) → states (batch, T, units)."""
        batch, timesteps, _ = x.shape
        f = self._act.f
        W_hh = self._recurrent
        A = matmul_rows(x, self._kernel)  # x_t W_xh for every t at once
        if self._bias is not None:
            A += self._bias  # + b_h
        H = np.empty((batch, timesteps, self._units))
        if careful:  # after an overflow: extended numbers keep every sign (see _extended)
            return self._forward_extended(A, h0, H)
        h = h0
        for t in range(timesteps):
            a = A[:, t]  # view: a_t is written back into A (kept for the backward pass)
            a += h @ W_hh  # a_t = x_t W_xh + b_h + h_{t−1} W_hh
            h = H[:, t] = f(a)  # h_t = f(a_t)
        return SimpleRNNTrace(act=self._act, h0=h0, states=H, a=A)

    def _forward_extended(self, A, h0, H):
        """The same steps in extended numbers; A holds x_t W_xh + b_h on entry."""
        h = X.ext(h0)
        h_ext = X.Ext(np.empty(H.shape), np.empty(H.shape, dtype=np.int64))
        for t in range(H.shape[1]):
            a = X.ext(A[:, t]) + h.matmul(self._recurrent)  # a_t
            A[:, t] = X.value(a)  # ±inf with its sign beyond float64
            h = X.activate(self._act, a)  # h_t = f(a_t)
            H[:, t] = X.value(h)
            h_ext.m[:, t], h_ext.e[:, t] = h.m, h.e
        return SimpleRNNTrace(act=self._act, h0=h0, states=H, states_ext=h_ext, a=A)

    def step_vjp(self, trace: SimpleRNNTrace, t, dh, dc=None):
        """Pull cotangents of h_t (batch, rows, units) back through step t (1-based)."""
        df = trace.df[:, t - 1, None, :]  # f′(a_t), broadcast over rows
        da = dh * df  # through h_t = f(a_t)
        dh_prev = matmul_rows(da, self._recurrent.T)  # through a_t = … + h_{t−1} W_hh
        return StepGrads(dz_x=da, dz_h=da, dh_prev=dh_prev)

    def step_jacobian(self, trace: SimpleRNNTrace, t: int) -> np.ndarray:
        """A_t = ∂h_t/∂h_{t−1} = diag(f′(a_t)) W_hhᵀ, (batch, units, units), in closed form
        (scaled rows of W_hhᵀ, no matrix product); the generic one if an f′ is not finite."""
        df = trace.df[:, t - 1]
        if not np.isfinite(df).all():
            return super().step_jacobian(trace, t)
        return df[:, :, None] * self._recurrent.T
