"""What a forward pass records for the backward step, and what one backward step returns.

Each cell kind defines its own frozen :class:`Trace` subclass (in the cell's file) with the
arrays its backward step reads — pre-activations, gate values — as named, typed fields.
``cell._forward`` returns one, :class:`rnnviz.sim.result.RunResult` keeps it as
``res.trace``, and ``cell.step_vjp(trace, t, dh, dc)`` pulls cotangents back through step
t with it. Arrays derived from the fields (f′ at the pre-activations, σ′ of the gates) are
computed the first time a backward pass needs them and then kept (:func:`derived`).

Every array has shape (batch, timesteps, …): index t − 1 holds step t.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from rnnviz.sim._numerics import freeze

if TYPE_CHECKING:
    from rnnviz.sim._extended import Ext
    from rnnviz.sim.activations import Activation

__all__ = ["StepGrads", "Trace", "derived"]


def derived(method):
    """A lazily computed, then cached, array of a trace (overflow gives ±inf, silently)."""

    @functools.wraps(method)
    def compute(self):
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            return freeze(method(self))

    return functools.cached_property(compute)


@dataclass(frozen=True, kw_only=True, eq=False)
class Trace:
    """The fields every cell's trace has (arrays are read-only).

    Attributes
    ----------
    act : Activation
        The cell's activation f (its f′ is taken at the recorded pre-activations).
    h0 : ndarray, shape (batch, units)
        The initial state h_0.
    states : ndarray, shape (batch, timesteps, units)
        h_1..h_T.
    states_ext : Ext or None
        After an overflow (the careful replay): h_1..h_T as extended numbers m · 2^e, so
        the output layer keeps the signs of values beyond float64; else None.
    """

    act: Activation = field(repr=False)
    h0: np.ndarray = field(repr=False)
    states: np.ndarray = field(repr=False)
    states_ext: Ext | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for f in fields(self):
            freeze(getattr(self, f.name))

    @property
    def cell_states(self) -> np.ndarray | None:
        """c_1..c_T (batch, timesteps, units) for a cell with a cell state, else None."""
        return None

    def gate_values(self) -> dict[str, np.ndarray]:
        """Gate name → (batch, timesteps, units) activations ({} for a cell without gates)."""
        return {}

    def h_prev(self, t: int) -> np.ndarray:
        """h_{t−1} of step t (1-based) as (batch, 1, units): h_0 for t = 1."""
        return (self.states[:, t - 2] if t > 1 else self.h0)[:, None, :]


class StepGrads(NamedTuple):
    """What one backward step through h_t = cell(h_{t−1}, x_t) returns.

    Every array has leading axes (batch, rows): ``rows`` cotangents are pulled back at once
    (1 for a loss gradient, ``units`` for a full Jacobian).

    Attributes
    ----------
    dz_x : (batch, rows, units·gates)
        gradient w.r.t. the input-side pre-activation x_t W + b (→ kernel, bias).
    dz_h : (batch, rows, units·gates)
        gradient w.r.t. the recurrent pre-activation h_{t−1} U (+ b_hh for GRU)
        (→ recurrent_kernel). Equal to ``dz_x`` except for the GRU candidate block.
    dh_prev : (batch, rows, units)
        gradient w.r.t. h_{t−1}.
    dc_prev : (batch, rows, units) or None
        With a cell state (LSTM): gradient w.r.t. c_{t−1} (with h_{t−1} held fixed).
    dc_total : (batch, rows, units) or None
        With a cell state (LSTM): total gradient w.r.t. c_t, including the path through
        h_t = o_t ⊙ f(c_t).
    """

    dz_x: np.ndarray
    dz_h: np.ndarray
    dh_prev: np.ndarray
    dc_prev: np.ndarray | None = None
    dc_total: np.ndarray | None = None
