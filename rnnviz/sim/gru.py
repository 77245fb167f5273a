"""GRU as Keras builds it with ``reset_after=True`` (gate order z, r, h).

Equations (row vectors; σ the sigmoid, f = ``activation``, tanh by default)::

    x̃_t = x_t W + b_x                          W (features, 3u), b_x = bias[0] (3u,)
    h̃_t = h_{t−1} U + b_h                      U (u, 3u),        b_h = bias[1] (3u,)
    z_t = σ(x̃_t[z] + h̃_t[z])                  update gate
    r_t = σ(x̃_t[r] + h̃_t[r])                  reset gate
    ĥ_t = f(x̃_t[h] + r_t ⊙ h̃_t[h])            candidate (gate name "h")
    h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ ĥ_t

The reset gate multiplies the recurrent term *after* the matrix product (reset_after), so
the bias has shape (2, 3·units): input bias and recurrent bias.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from rnnviz.sim import _extended as X
from rnnviz.sim._numerics import matmul_rows, through_sigmoid
from rnnviz.sim.activations import _sigmoid, sigmoid_slope
from rnnviz.sim.cell import Cell
from rnnviz.sim.trace import StepGrads, Trace, derived

__all__ = ["GRU", "GRUTrace"]


@dataclass(frozen=True, kw_only=True, eq=False)
class GRUTrace(Trace):
    """A GRU forward pass; every array (batch, timesteps, ·), step t at index t − 1.

    Attributes
    ----------
    hu : (batch, timesteps, 3·units)
        h̃_t = h_{t−1} U + b_h, blocks z, r, h.
    zr : (batch, timesteps, 2·units)
        Pre-activations x̃_t + h̃_t of the update and reset gates.
    a_h : (batch, timesteps, units)
        The candidate's pre-activation x̃_t[h] + r_t ⊙ h̃_t[h].
    z, r, hh : (batch, timesteps, units)
        Update gate, reset gate, candidate ĥ_t (gate name "h").
    dz_slope : (batch, timesteps, units) or None
        After an overflow only: (h_{t−1} − ĥ_t) ⊙ σ′(z_t) formed in extended numbers (in
        float64, h_{t−1} and ĥ_t may both be ±inf).
    """

    hu: np.ndarray
    zr: np.ndarray
    a_h: np.ndarray
    z: np.ndarray
    r: np.ndarray
    hh: np.ndarray
    dz_slope: np.ndarray | None = None

    def gate_values(self) -> dict[str, np.ndarray]:
        return {"z": self.z, "r": self.r, "h": self.hh}

    @derived
    def dhh(self) -> np.ndarray:
        """f′ at the candidate pre-activation a_h (for tanh 1 − ĥ_t² from the stored
        candidate, the numbers of ``act.df(a_h)`` without a second tanh, except after an
        overflow)."""
        if self.act.name == "tanh" and self.dz_slope is None and self.states_ext is None:
            return 1.0 - self.hh * self.hh
        return self.act.df(self.a_h)

    @derived
    def slope(self) -> np.ndarray:
        """σ′ of the update and reset gates (batch, timesteps, 2·units), accurate for any z."""
        return sigmoid_slope(self.zr)


class GRU(Cell):
    """Gated recurrent unit (Keras ``reset_after=True`` layout, gate order z, r, h).

    See :class:`rnnviz.sim.cell.Cell` for the parameters and the module docstring for the
    equations. ``gates`` of a run holds ``{"z", "r", "h"}``, each (batch, timesteps,
    units), where ``"h"`` is the candidate ĥ_t.
    """

    name: ClassVar[str] = "gru"
    display_name: ClassVar[str] = "GRU"
    gate_names: ClassVar[tuple[str, ...]] = ("z", "r", "h")
    n_gates: ClassVar[int] = 3
    split_bias: ClassVar[bool] = True
    candidate_gate: ClassVar[str] = "h"
    candidate_matrix: ClassVar[str] = "U_h"
    torch_layer, torch_cell = "GRU", "GRUCell"
    torch_gate_order: ClassVar[tuple[int, ...]] = (1, 0, 2)  # PyTorch r, z, n → our z, r, h
    keras_layer, keras_cell = "GRU", "GRUCell"
    keras_requires: ClassVar[dict[str, tuple[object, str]]] = {
        "reset_after": (
            True,
            "rnnviz's GRU applies the reset gate after the recurrent matrix product, as "
            "Keras' default and PyTorch do",
        )
    }

    @classmethod
    def _bias_shape(cls, units: int) -> tuple[int, ...]:
        return (2, 3 * units)

    def _forward(self, x, h0, c0, careful):
        """x (batch, T, features), h0 (batch, units) → h_1..h_T."""
        batch, timesteps, _ = x.shape
        u = self._units
        act = self._act.f
        U = self._recurrent
        XZ = matmul_rows(x, self._kernel)  # x̃_t = x_t W (+ b_x) for every t
        b_h = None
        if self._bias is not None:
            XZ += self._bias[0]
            b_h = self._bias[1]
        HU = np.empty((batch, timesteps, 3 * u))  # h̃_t, kept for the backward pass
        AH = np.empty((batch, timesteps, u))  # candidate pre-activations
        ZR = np.empty((batch, timesteps, 2 * u))  # update and reset gate pre-activations
        H = np.empty((batch, timesteps, u))
        z_, r_, hh_ = (np.empty((batch, timesteps, u)) for _ in range(3))
        if careful:  # after an overflow: extended numbers keep every sign (see _extended)
            return self._forward_extended(XZ, b_h, h0, HU, AH, ZR, H, (z_, r_, hh_))
        h = h0
        for t in range(timesteps):
            hu = HU[:, t] = h @ U if b_h is None else h @ U + b_h  # h̃_t = h_{t−1} U + b_h
            zr = ZR[:, t] = XZ[:, t, : 2 * u] + hu[:, : 2 * u]
            zr = _sigmoid(zr)
            z = z_[:, t] = zr[:, :u]  # z_t = σ(x̃_z + h̃_z)
            r = r_[:, t] = zr[:, u:]  # r_t = σ(x̃_r + h̃_r)
            a = AH[:, t] = XZ[:, t, 2 * u :] + r * hu[:, 2 * u :]  # x̃_h + r ⊙ h̃_h
            hh = hh_[:, t] = act(a)  # ĥ_t = f(·)
            h = H[:, t] = z * h + (1.0 - z) * hh  # h_t = z ⊙ h_{t−1} + (1 − z) ⊙ ĥ_t
        return GRUTrace(act=self._act, h0=h0, states=H, hu=HU, zr=ZR, a_h=AH,
                        z=z_, r=r_, hh=hh_)  # fmt: skip

    def _forward_extended(self, XZ, b_h, h0, HU, AH, ZR, H, gates):
        """The same steps in extended numbers; XZ holds x_t W + b_x on entry."""
        u = self._units
        z_, r_, hh_ = gates
        h = X.ext(h0)
        h_ext = X.Ext(np.empty(H.shape), np.empty(H.shape, dtype=np.int64))
        DS = np.empty(H.shape)  # (h_{t−1} − ĥ_t) ⊙ σ′(z_t): see step_vjp
        for t in range(H.shape[1]):
            hu = h.matmul(self._recurrent)  # h̃_t = h_{t−1} U + b_h
            if b_h is not None:
                hu = hu + X.ext(np.broadcast_to(b_h, hu.m.shape))
            HU[:, t] = X.value(hu)
            ZR[:, t] = X.value(X.ext(XZ[:, t, : 2 * u]) + hu[:, : 2 * u])
            zr = _sigmoid(ZR[:, t])
            z = z_[:, t] = zr[:, :u]
            r = r_[:, t] = zr[:, u:]
            a = X.ext(XZ[:, t, 2 * u :]) + hu[:, 2 * u :] * r  # x̃_h + r ⊙ h̃_h
            AH[:, t] = X.value(a)
            hh = X.activate(self._act, a)  # ĥ_t = f(·)
            hh_[:, t] = X.value(hh)
            DS[:, t] = X.value((h + hh * -1.0) * sigmoid_slope(ZR[:, t, :u]))
            h = h * z + hh * (1.0 - z)  # h_t = z ⊙ h_{t−1} + (1 − z) ⊙ ĥ_t
            H[:, t] = X.value(h)
            h_ext.m[:, t], h_ext.e[:, t] = h.m, h.e
        return GRUTrace(act=self._act, h0=h0, states=H, states_ext=h_ext, hu=HU, zr=ZR,
                        a_h=AH, z=z_, r=r_, hh=hh_, dz_slope=DS)  # fmt: skip

    def step_vjp(self, trace: GRUTrace, t, dh, dc=None):
        """Pull cotangents of h_t (batch, rows, units) back through step t (1-based)."""
        u = self._units
        k = t - 1
        z, r, hh = (a[:, k, None, :] for a in (trace.z, trace.r, trace.hh))
        hu_h = trace.hu[:, k, None, 2 * u :]
        dhh = dh * (1.0 - z)  # through h_t = z ⊙ h_{t−1} + (1 − z) ⊙ ĥ_t, to ĥ_t
        da = dhh * trace.dhh[:, k, None, :]  # through ĥ_t = f(a_t)
        s_z, s_r = np.split(trace.slope[:, k, None, :], 2, axis=-1)
        DS = trace.dz_slope  # the overflow replay's (h_{t−1} − ĥ_t) ⊙ σ′(z_t)
        if DS is None:  # … to z_t, through h_t = z ⊙ (h_{t−1} − ĥ_t) + ĥ_t and z = σ(·)
            dz_pre = through_sigmoid(dh, trace.h_prev(t) - hh, s_z)
        else:  # formed in extended numbers: h_{t−1}, ĥ_t may both be ±inf in float64
            ds = DS[:, k, None, :]
            dz_pre = dh * ds
            if np.isnan(dz_pre).any():  # a 0 (or underflowed σ′) beats ±inf, as through_sigmoid
                dz_pre = np.where((dh == 0) | (ds == 0), 0.0, dz_pre)
        dr_pre = through_sigmoid(da, hu_h, s_r)  # through a_t = x̃_h + r ⊙ h̃_h and r = σ(·)
        dz_x = np.concatenate((dz_pre, dr_pre, da), axis=-1)  # w.r.t. x̃_t
        dz_h = np.concatenate((dz_pre, dr_pre, da * r), axis=-1)  # w.r.t. h̃_t (r ⊙ h̃_h)
        dh_prev = dh * z + matmul_rows(dz_h, self._recurrent.T)  # direct + through h̃_t
        return StepGrads(dz_x=dz_x, dz_h=dz_h, dh_prev=dh_prev)

    def step_jacobian(self, trace: GRUTrace, t: int) -> np.ndarray:
        """A_t = ∂h_t/∂h_{t−1}, (batch, units, units), in closed form (U_z, U_r, U_h the gate
        blocks of U, ′ = f′, row vectors of step t)::

            a = (1 − z) ⊙ f′(a_h)                              (∂h_t/∂a_h)
            A_t = diag(z) + diag((h_{t−1} − ĥ) ⊙ σ′(z_z)) U_zᵀ
                  + diag(a ⊙ h̃_h ⊙ σ′(z_r)) U_rᵀ + diag(a ⊙ r) U_hᵀ

        Scaled rows of U's blocks, no matrix product; the generic one after an overflow.
        """
        u, k = self._units, t - 1
        if trace.dz_slope is not None:
            return super().step_jacobian(trace, t)
        z, r = trace.z[:, k], trace.r[:, k]
        s = trace.slope[:, k]
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            a = (1.0 - z) * trace.dhh[:, k]  # through h_t = … + (1 − z) ⊙ ĥ, ĥ = f(a_h)
            rows = (
                (trace.h_prev(t)[:, 0] - trace.hh[:, k]) * s[:, :u],  # z = σ(x̃_z + h̃_z)
                a * (trace.hu[:, k, 2 * u :] * s[:, u:]),  # a_h = x̃_h + r ⊙ h̃_h, r = σ(·)
                a * r,  # … + r ⊙ h̃_h, h̃_h = h_{t−1} U_h + b_h
            )
            if not (np.isfinite(z).all() and all(np.isfinite(v).all() for v in rows)):
                return super().step_jacobian(trace, t)
            UT = self._recurrent.T  # (3·units, units): block b of rows is U_bᵀ
            A = rows[0][:, :, None] * UT[:u]
            A += rows[1][:, :, None] * UT[u : 2 * u]
            A += rows[2][:, :, None] * UT[2 * u :]
            diag = np.arange(u)
            A[:, diag, diag] += z  # the direct path h_t = z ⊙ h_{t−1} + …
        return A
