"""RunResult: everything one forward pass produced, plus its analyses on demand.

The forward pass records what the exact backward passes need (pre-activations, gate
values) in a typed :class:`~rnnviz.sim.trace.Trace` (``res.trace``); the analyses —
Jacobian norms, loss gradients, theory — are computed the first time they are asked for
and then cached.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from rnnviz.sim import bptt, jacobians, theory
from rnnviz.sim._numerics import freeze

if TYPE_CHECKING:
    from rnnviz.sim.cell import Cell
    from rnnviz.sim.trace import Trace

__all__ = ["RunResult"]


class RunResult:
    """The result of ``cell.run(x)``.

    Attributes
    ----------
    cell : Cell
        The cell that ran.
    x : ndarray, shape (batch, timesteps, features)
        The inputs x_1..x_T (float64).
    h0 : ndarray, shape (batch, units)
        The initial state h_0.
    c0 : ndarray, shape (batch, units) or None
        LSTM: the initial cell state c_0.
    states : ndarray, shape (batch, timesteps, units)
        h_1..h_T — what a Keras layer returns with ``return_sequences=True``.
    cell_states : ndarray, shape (batch, timesteps, units) or None
        LSTM: c_1..c_T.
    gates : dict of str → ndarray (batch, timesteps, units)
        Per-step gate activations (``{}`` for SimpleRNN).
    outputs : ndarray, shape (batch, timesteps, output_units) or None
        y_1..y_T of the output layer, if the cell has one.
    output_pre : ndarray, shape (batch, timesteps, output_units) or None
        h_t W_hy + b_y, the argument of the output activation g (y_t = g(·)).
    trace : Trace
        What the forward pass recorded for the backward passes, typed per cell kind
        (:class:`rnnviz.sim.simple_rnn.SimpleRNNTrace`, ``LSTMTrace``, ``GRUTrace``).
    overflowed : bool
        True when a value overflowed to inf — in the forward pass, or in an analysis
        that has been run (the flag is updated by the call that found it). Overflow is
        always reported as inf, never as NaN.
    """

    def __init__(self, *, cell, x, c0, trace, outputs, output_pre, overflowed) -> None:
        self.cell: Cell = cell
        self.trace: Trace = trace
        self.x = freeze(x)
        self.h0 = trace.h0
        self.c0 = freeze(c0)
        self.states = trace.states
        self.cell_states = trace.cell_states
        self.gates = trace.gate_values()
        self.outputs = freeze(outputs)
        self.output_pre = freeze(output_pre)
        self.overflowed = bool(overflowed)
        self._analyses: dict[object, object] = {}

    # -- shapes ------------------------------------------------------------------------------
    @property
    def batch(self) -> int:
        return self.x.shape[0]

    @property
    def timesteps(self) -> int:
        return self.x.shape[1]

    @property
    def units(self) -> int:
        return self.cell.units

    @property
    def last_state(self) -> np.ndarray:
        """h_T of shape (batch, units) — what a layer returns with ``return_sequences=False``."""
        return self.states[:, -1]

    # -- analyses ------------------------------------------------------------------------------
    def jacobian_norms(self, wrt: str = "state") -> np.ndarray:
        """Spectral norms of the Jacobians of the last state h_T.

        Parameters
        ----------
        wrt : {"state", "cell", "input"}
            ``"state"``: entry [b, t] = ‖∂h_T/∂h_t‖₂ for t = 0..T, shape (batch,
            timesteps+1), entry T = 1. ``"cell"`` (LSTM only): ‖∂h_T/∂c_t‖₂, t = 0..T, the
            total derivative including the path c_t → h_t = o_t ⊙ f(c_t). ``"input"``:
            ‖∂h_T/∂x_t‖₂ for t = 1..T, shape (batch, timesteps).

        Returns
        -------
        ndarray
            Read-only float64 array. Values too large for float64 are ``inf`` (and
            ``overflowed`` becomes True); once a chain overflows, every earlier entry is
            ``inf``; once it is exactly 0, every earlier entry is 0.

        See Also
        --------
        rnnviz.sim.jacobians.jacobian_norms : the algorithm.
        """
        key = ("jacobian_norms", jacobians.check_wrt(self.cell, wrt))
        if key not in self._analyses:
            norms = jacobians.jacobian_norms(self, key[1])
            self.overflowed = self.overflowed or bool(np.isinf(norms).any())
            self._analyses[key] = freeze(norms)
        return self._analyses[key]

    def loss_gradients(self, target: object = None, truncate: int | None = None) -> bptt.Gradients:
        """Gradients of L = ½‖y_T − target‖² by backpropagation through time.

        See :func:`rnnviz.sim.bptt.loss_gradients` for the definitions (truncation window,
        shapes of every returned array).
        """
        grads = bptt.loss_gradients(self, target=target, truncate=truncate)
        self.overflowed = self.overflowed or grads.overflowed
        return grads

    @property
    def theory(self) -> theory.Summary:
        """:class:`rnnviz.sim.theory.Summary` of the cell's recurrent matrix for these timesteps."""
        if "theory" not in self._analyses:
            self._analyses["theory"] = theory.summarize(self.cell, self.timesteps)
        return self._analyses["theory"]

    def __repr__(self) -> str:
        flag = ", overflowed=True" if self.overflowed else ""
        return (
            f"RunResult(cell={type(self.cell).__name__}, batch={self.batch}, "
            f"timesteps={self.timesteps}, units={self.units}, "
            f"states={self.states.shape}{flag})"
        )
