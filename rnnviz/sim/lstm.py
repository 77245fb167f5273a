"""LSTM with the Keras gate order i, f, c, o.

Equations (row vectors; σ the logistic sigmoid, f = ``activation``, tanh by default)::

    z_t = x_t W + h_{t−1} U + b                  W (features, 4u), U (u, 4u), b (4u,)
    i_t = σ(z_t[i])         input gate           blocks of z_t in the order i, f, c, o
    f_t = σ(z_t[f])         forget gate
    g_t = f(z_t[c])         candidate            (gate name "c")
    o_t = σ(z_t[o])         output gate
    c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t             cell state
    h_t = o_t ⊙ f(c_t)                           hidden state

Written per gate, the forget gate is f_t = σ(W_xf x_t + W_hf h_{t−1} + b_f), with W_xf, W_hf
and b_f the f blocks of W, U and b. ``forget_bias`` is the value b_f starts at (1.0 by
default, as Keras' ``unit_forget_bias=True``; the other biases start at 0): with b_f = 1 the
gate starts near σ(1) ≈ 0.73, so the cell path ∂c_t/∂c_{t−1} = diag(f_t) keeps gradient over
many steps; with b_f = 0 it starts near σ(0) = 0.5 and the gradient halves at every step.

The state carried from step to step is the pair (h_t, c_t); a Jacobian of the whole chain
therefore moves through (2·units × 2·units) blocks.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from rnnviz.sim import _extended as X
from rnnviz.sim._numerics import matmul_rows, readonly_copy, through_sigmoid
from rnnviz.sim.activations import _sigmoid, sigmoid_slope
from rnnviz.sim.cell import Cell
from rnnviz.sim.trace import StepGrads, Trace, derived

__all__ = ["DEFAULT_FORGET_BIAS", "LSTM", "LSTMTrace"]

#: Initial forget-gate bias b_f, as Keras' ``unit_forget_bias=True`` (the one copy of it).
DEFAULT_FORGET_BIAS = 1.0


@dataclass(frozen=True, kw_only=True, eq=False)
class LSTMTrace(Trace):
    """An LSTM forward pass; every array (batch, timesteps, ·), step t at index t − 1.

    Attributes
    ----------
    z : (batch, timesteps, 4·units)
        z_t = x_t W + h_{t−1} U + b, blocks i, f, c, o.
    c0 : (batch, units)
        The initial cell state c_0.
    c : (batch, timesteps, units)
        c_1..c_T.
    i, f, g, o : (batch, timesteps, units)
        Input gate, forget gate, candidate g_t (gate name "c"), output gate.
    tc : (batch, timesteps, units)
        f(c_t), as the forward pass used it in h_t = o_t ⊙ f(c_t).
    slope : (batch, timesteps, 3·units)
        σ′ at the gates' pre-activations z_i, z_f, z_o (in that order), accurate for any z
        (``activations.sigmoid_slope``), computed with the gates from the same e^(−|z|).
    """

    z: np.ndarray
    c0: np.ndarray
    c: np.ndarray
    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    tc: np.ndarray
    slope: np.ndarray

    @property
    def cell_states(self) -> np.ndarray:
        return self.c

    def gate_values(self) -> dict[str, np.ndarray]:
        return {"i": self.i, "f": self.f, "c": self.g, "o": self.o}

    def c_prev(self, t: int) -> np.ndarray:
        """c_{t−1} of step t (1-based) as (batch, 1, units): c_0 for t = 1."""
        return (self.c[:, t - 2] if t > 1 else self.c0)[:, None, :]

    def _df_of(self, value: np.ndarray, pre: np.ndarray) -> np.ndarray:
        """f′(pre) given value = f(pre): 1 − value² for tanh (the same numbers as
        ``act.df(pre)``, without a second tanh), else ``act.df(pre)``. After an overflow
        (extended replay) always ``act.df(pre)``."""
        if self.act.name == "tanh" and self.states_ext is None:
            return 1.0 - value * value
        return self.act.df(pre)

    @derived
    def dg(self) -> np.ndarray:
        """f′(z_c): the derivative of the candidate g_t = f(z_c)."""
        u = self.c.shape[-1]
        return self._df_of(self.g, self.z[..., 2 * u : 3 * u])

    @derived
    def dtc(self) -> np.ndarray:
        """f′(c_t)."""
        return self._df_of(self.tc, self.c)

    @derived
    def plain(self) -> np.ndarray:
        """True when no slope underflowed to 0 and every v of the products v ⊙ σ′(z) is
        finite (g_t, c_{t−1}, f(c_t)): then ``through_sigmoid(d, v, σ′)`` is exactly
        d ⊙ (v ⊙ σ′) and the backward step forms it so; else (after an overflow) it takes
        ``through_sigmoid``'s careful products. A 0-d bool array (read-only)."""
        if self.states_ext is not None or not np.all(self.slope):  # an exact 0 slope
            return np.array(False)
        arrays = (self.g, self.c, self.c0, self.tc)  # a finite sum: finite entries
        return np.array(all(np.isfinite(np.add.reduce(a, axis=None)) for a in arrays))


class LSTM(Cell):
    """Long short-term memory cell (Keras layout, gate order i, f, c, o).

    See :class:`rnnviz.sim.cell.Cell` for the parameters and the module docstring for the
    equations. ``run`` also accepts ``c0``; the result has ``cell_states`` (c_1..c_T) and
    ``gates`` ``{"i", "f", "c", "o"}`` each of shape (batch, timesteps, units), where
    ``"c"`` is the candidate g_t.

    Parameters
    ----------
    forget_bias : float, keyword-only
        Initial value of the forget-gate bias b_f in f_t = σ(W_xf x_t + W_hf h_{t−1} + b_f),
        i.e. of ``bias[units : 2·units]`` (the f block); default 1.0 as Keras
        (``unit_forget_bias=True``). Any finite real number. Without a bias
        (``use_bias=False``) there is nothing to initialise and it is ignored, as in Keras.
    *args, **kwargs
        As :class:`rnnviz.sim.cell.Cell` (units, features, activation, weight_scale, …).
    """

    name: ClassVar[str] = "lstm"
    display_name: ClassVar[str] = "LSTM"
    gate_names: ClassVar[tuple[str, ...]] = ("i", "f", "c", "o")
    n_gates: ClassVar[int] = 4
    has_cell_state: ClassVar[bool] = True
    candidate_gate: ClassVar[str] = "c"
    candidate_matrix: ClassVar[str] = "U_c"
    forget_gate: ClassVar[str] = "f"
    torch_layer, torch_cell = "LSTM", "LSTMCell"  # PyTorch's i, f, g, o = our i, f, c, o
    keras_layer, keras_cell = "LSTM", "LSTMCell"
    _forget_bias: float | None = None  # None: weights set by with_weights / from_torch / …

    def __init__(self, *args, forget_bias: float = DEFAULT_FORGET_BIAS, **kwargs) -> None:
        forget_bias = _check_forget_bias(forget_bias)  # before anything is built
        super().__init__(*args, **kwargs)
        if self._bias is not None:
            u = self._units
            bias = np.array(self._bias)
            bias[u : 2 * u] = forget_bias  # b_f, the f block of b (order i, f, c, o)
            self._bias = readonly_copy(bias)
        self._forget_bias = forget_bias

    @property
    def forget_bias(self) -> float | None:
        """The value b_f was initialised to; None once weights were replaced or imported."""
        return self._forget_bias

    def _forward(self, x, h0, c0, careful):
        """x (batch, T, features), h0, c0 (batch, units) → h_1..h_T and c_1..c_T."""
        batch, timesteps, _ = x.shape
        u = self._units
        act = self._act.f
        U = self._recurrent
        Z = matmul_rows(x, self._kernel)  # x_t W for every t
        if self._bias is not None:
            Z += self._bias
        H = np.empty((batch, timesteps, u))
        C = np.empty((batch, timesteps, u))
        TC = np.empty((batch, timesteps, u))  # f(c_t)
        G = np.empty((batch, timesteps, 4 * u))  # the gates i, f, g, o side by side
        S = np.empty((batch, timesteps, 3 * u))  # σ′(z_i), σ′(z_f), σ′(z_o)
        if careful:  # after an overflow: extended numbers keep every sign (see _extended)
            return self._forward_extended(Z, h0, c0, H, C, TC, G, S)
        e_if, d_if = np.empty((batch, 2 * u)), np.empty((batch, 2 * u))  # work arrays
        e_o, d_o = np.empty((batch, u)), np.empty((batch, u))
        h, c = h0, c0
        for t in range(timesteps):
            z = Z[:, t]  # view, kept for the backward pass
            z += h @ U  # z_t = x_t W + b + h_{t−1} U
            gates = G[:, t]
            # i_t = σ(z_i), f_t = σ(z_f), o_t = σ(z_o) and their slopes σ′
            _sigmoid_and_slope(z[:, : 2 * u], gates[:, : 2 * u], S[:, t, : 2 * u], e_if, d_if)
            _sigmoid_and_slope(z[:, 3 * u :], gates[:, 3 * u :], S[:, t, 2 * u :], e_o, d_o)
            i, f, o = gates[:, :u], gates[:, u : 2 * u], gates[:, 3 * u :]
            g = gates[:, 2 * u : 3 * u] = act(z[:, 2 * u : 3 * u])  # g_t = f(z_c)
            c = C[:, t] = f * c + i * g  # c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
            tc = TC[:, t] = act(c)
            h = np.multiply(o, tc, out=H[:, t])  # h_t = o_t ⊙ f(c_t)
        return self._trace(h0, H, None, Z, c0, C, TC, G, S)

    def _trace(self, h0, H, h_ext, Z, c0, C, TC, G, S):
        u = self._units
        i, f, g, o = (G[..., k * u : (k + 1) * u] for k in range(4))
        return LSTMTrace(act=self._act, h0=h0, states=H, states_ext=h_ext, z=Z, c0=c0, c=C,
                         i=i, f=f, g=g, o=o, tc=TC, slope=S)  # fmt: skip

    def _forward_extended(self, Z, h0, c0, H, C, TC, G, S):
        """The same steps in extended numbers; Z holds x_t W + b on entry."""
        u = self._units
        h, c = X.ext(h0), X.ext(c0)
        h_ext = X.Ext(np.empty(H.shape), np.empty(H.shape, dtype=np.int64))
        for t in range(H.shape[1]):
            z = X.ext(Z[:, t]) + h.matmul(self._recurrent)  # z_t
            Z[:, t] = X.value(z)  # ±inf with its sign beyond float64
            s = _sigmoid(Z[:, t])
            G[:, t, : 2 * u] = s[:, : 2 * u]
            i, f = s[:, :u], s[:, u : 2 * u]
            g = X.activate(self._act, z[:, 2 * u : 3 * u])
            G[:, t, 2 * u : 3 * u] = X.value(g)
            o = G[:, t, 3 * u :] = s[:, 3 * u :]
            c = c * f + g * i  # c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
            C[:, t] = X.value(c)
            tc = X.activate(self._act, c)
            TC[:, t] = X.value(tc)
            h = tc * o  # h_t = o_t ⊙ f(c_t)
            H[:, t] = X.value(h)
            h_ext.m[:, t], h_ext.e[:, t] = h.m, h.e
        S[..., : 2 * u] = sigmoid_slope(Z[..., : 2 * u])
        S[..., 2 * u :] = sigmoid_slope(Z[..., 3 * u :])
        return self._trace(h0, H, h_ext, Z, c0, C, TC, G, S)

    def step_vjp(self, trace: LSTMTrace, t, dh, dc):
        """Pull cotangents of (h_t, c_t), each (batch, rows, units), back through step t."""
        k, u = t - 1, self._units
        i, f, o = (a[:, k, None, :] for a in (trace.i, trace.f, trace.o))
        dtc = trace.dtc[:, k, None, :]
        dc_t = dh * o * dtc if dc is None else dc + dh * o * dtc  # through h_t = o ⊙ f(c_t)
        dz = np.empty((*dc_t.shape[:-1], 4 * u))  # blocks i, f, c, o
        s = trace.slope[:, k, None, :]
        g, c_prev, tc = trace.g[:, k, None, :], trace.c_prev(t), trace.tc[:, k, None, :]
        if trace.plain:  # d ⊙ (v ⊙ σ′): through_sigmoid's numbers, without its checks
            np.multiply(dc_t, g * s[..., :u], out=dz[..., :u])  # … + i ⊙ g, i = σ(z_i)
            np.multiply(dc_t, c_prev * s[..., u : 2 * u], out=dz[..., u : 2 * u])  # f ⊙ c_{t−1}
            np.multiply(dh, tc * s[..., 2 * u :], out=dz[..., 3 * u :])  # h_t = o ⊙ f(c_t)
        else:  # after an overflow: 0 · ∞ kept at 0
            dz[..., :u] = through_sigmoid(dc_t, g, s[..., :u])
            dz[..., u : 2 * u] = through_sigmoid(dc_t, c_prev, s[..., u : 2 * u])
            dz[..., 3 * u :] = through_sigmoid(dh, tc, s[..., 2 * u :])
        dg = dc_t * i  # through c_t = f ⊙ c_{t−1} + i ⊙ g, to the candidate
        np.multiply(dg, trace.dg[:, k, None, :], out=dz[..., 2 * u : 3 * u])  # g = f(z_c)
        dc_prev = dc_t * f  # … to c_{t−1} (the cell "highway")
        dh_prev = matmul_rows(dz, self._recurrent.T)  # through z_t = … + h_{t−1} U
        return StepGrads(dz_x=dz, dz_h=dz, dh_prev=dh_prev, dc_prev=dc_prev, dc_total=dc_t)

    def step_jacobian(self, trace: LSTMTrace, t: int) -> np.ndarray:
        """A_t = ∂s_t/∂s_{t−1} for s_t = (h_t, c_t): (batch, 2·units, 2·units), in closed form.

        With the row vectors of step t (U_i, U_f, U_c, U_o the gate blocks of U, ′ = f′)::

            D = ∂c_t/∂h_{t−1} = diag(g ⊙ σ′(z_i)) U_iᵀ + diag(c_{t−1} ⊙ σ′(z_f)) U_fᵀ
                                + diag(i ⊙ f′(z_c)) U_cᵀ
            a = o ⊙ f′(c_t)                              (∂h_t/∂c_t)
            A_t = [ diag(a) D + diag(f(c_t) ⊙ σ′(z_o)) U_oᵀ    diag(a ⊙ f) ]
                  [ D                                          diag(f)     ]

        Only scaled rows of U's blocks — O(units²) per sequence, where the generic
        :meth:`Cell.step_jacobian` pulls 2·units rows back through a product with Uᵀ. It
        agrees with that one to rounding (``tests/sim/test_step_jacobian.py``); after an
        overflow (a non-finite factor) it is that one, whose products keep 0 · ∞ at 0.
        """
        k, u = t - 1, self._units
        i, f, o = (a[:, k] for a in (trace.i, trace.f, trace.o))
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            if not trace.plain:  # a slope underflowed or a value overflowed
                return super().step_jacobian(trace, t)
            a = o * trace.dtc[:, k]  # ∂h_t/∂c_t = diag(o ⊙ f′(c_t))
            s = trace.slope[:, k]
            rows = (
                trace.g[:, k] * s[:, :u],  # through c_t = … + i ⊙ g and i = σ(z_i)
                trace.c_prev(t)[:, 0] * s[:, u : 2 * u],  # through f ⊙ c_{t−1}, f = σ(z_f)
                i * trace.dg[:, k],  # through i ⊙ g, g = f(z_c)
                trace.tc[:, k] * s[:, 2 * u :],  # through h_t = o ⊙ f(c_t), o = σ(z_o)
            )
            if not (np.isfinite(a).all() and all(np.isfinite(r).all() for r in rows)):
                return super().step_jacobian(trace, t)
            UT = self._recurrent.T  # (4·units, units): block b of rows is U_bᵀ
            B = a.shape[0]
            A = np.zeros((B, 2 * u, 2 * u))
            D = A[:, u:, :u]  # ∂c_t/∂h_{t−1}
            np.multiply(rows[0][:, :, None], UT[:u], out=D)
            D += rows[1][:, :, None] * UT[u : 2 * u]
            D += rows[2][:, :, None] * UT[2 * u : 3 * u]
            top = A[:, :u, :u]  # ∂h_t/∂h_{t−1}
            np.multiply(a[:, :, None], D, out=top)
            top += rows[3][:, :, None] * UT[3 * u :]
            diag = np.arange(u)
            A[:, diag, u + diag] = a * f  # ∂h_t/∂c_{t−1}
            A[:, u + diag, u + diag] = f  # ∂c_t/∂c_{t−1}: the cell "highway"
        return A


def _sigmoid_and_slope(z, out, slope, e, d) -> None:
    """σ(z) into ``out`` and σ′(z) into ``slope``, from one e = e^(−|z|) (e, d: work arrays).

    The numbers of ``activations._sigmoid`` and ``activations.sigmoid_slope``:
    σ = 1/(1 + e) for z ≥ 0, e/(1 + e) below; σ′ = e / ((1 + e)(1 + e)).
    """
    np.abs(z, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)
    np.add(1.0, e, out=d)
    np.divide(np.where(z >= 0, 1.0, e), d, out=out)
    np.multiply(d, d, out=d)
    np.divide(e, d, out=slope)


def _check_forget_bias(value: object) -> float:
    """``forget_bias`` as a finite ``float`` (bool is not a number here)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(
            "forget_bias (the initial forget-gate bias b_f) must be a finite real number, "
            f"e.g. 1.0; got {type(value).__name__} {value!r}"
        )
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(
            f"forget_bias (the initial forget-gate bias b_f) must be a finite number; got {value}"
        )
    return value
