"""Base class shared by SimpleRNN, LSTM and GRU: constructor, weights, ``run`` checks.

A cell is immutable: its weights are read-only arrays and :meth:`Cell.with_weights`
returns a new cell. ``run`` validates everything before computing anything, so a rejected
call changes nothing.

Layouts follow Keras (row vectors, ``x_t`` of shape (features,)):

=====================  ==============================  ===================================
attribute              shape                           role
=====================  ==============================  ===================================
``kernel``             (features, units·gates)         input weights  (SimpleRNN: W_xh)
``recurrent_kernel``   (units, units·gates)            recurrent weights (SimpleRNN: W_hh)
``bias``               (units·gates,)                  zeros by default (SimpleRNN: b_h);
                                                       GRU: (2, 3·units)
``W_hy``, ``b_y``      (units, output_units), (o,)     optional output layer
=====================  ==============================  ===================================

with gates = 1 (SimpleRNN), 4 (LSTM: i, f, c, o) or 3 (GRU: z, r, h). The optional output
layer, available on every cell, computes y_t = g(h_t W_hy + b_y) with g =
``output_activation``.

Adding a cell type
------------------
One new file with a subclass of :class:`Cell` that defines

* ``_forward(x, h0, c0, careful)`` → its own frozen :class:`~rnnviz.sim.trace.Trace`
  subclass (the states and whatever its backward step needs, as named fields);
* ``step_vjp(trace, t, dh, dc)`` → :class:`~rnnviz.sim.trace.StepGrads`, one backward
  step through timestep t;
* its capabilities as class attributes (``name``, ``gate_names``, ``n_gates``,
  ``has_cell_state``, ``candidate_gate``, … listed on
  :class:`~rnnviz.sim.cell_capabilities.CellCapabilities`, which :class:`Cell` inherits).

Loss gradients, Jacobian norms, bounds, theory and training then work unchanged (no code
outside the cell's file compares a cell's name: ``tests/test_layering_cell_names.py``;
``tests/sim/test_new_cell.py`` does it for a cell defined in the test). Listing the class
in ``rnnviz.sim.registry.CELL_CLASSES`` makes it available by name (``make_cell``).
"""

from __future__ import annotations

import abc

import numpy as np

from rnnviz.sim import _extended, _validate, activations
from rnnviz.sim import init as _init
from rnnviz.sim._numerics import matmul_rows, nan_to_inf, readonly_copy
from rnnviz.sim.cell_capabilities import CellCapabilities
from rnnviz.sim.result import RunResult
from rnnviz.sim.trace import StepGrads, Trace

__all__ = ["Cell", "StepGrads"]


class Cell(CellCapabilities, abc.ABC):
    """Common constructor and API of the recurrent cells.

    Parameters
    ----------
    units : int
        Size of the hidden state h_t (Keras ``units``).
    features : int
        Size of each input vector x_t.
    activation : {"tanh", "sigmoid", "relu", "linear"}
        SimpleRNN: f in h_t = f(a_t). LSTM/GRU: the candidate and output nonlinearity
        (gates always use the sigmoid).
    weight_scale : float
        s > 0: spectral radius of every recurrent block (see :mod:`rnnviz.sim.init`).
    seed : int
        Seed for ``numpy.random.default_rng``; same arguments → bit-identical weights.
    init : {"orthogonal", "gaussian"}
        Recurrent initialiser.
    use_bias : bool
        Whether the cell has a bias (initialised to zeros).
    output_units : int or None
        If given, adds the output layer y_t = g(h_t W_hy + b_y) with W_hy of shape
        (units, output_units) (Glorot-uniform) and b_y zeros.
    output_activation : str
        g, one of ``ACTIVATIONS`` (default ``"linear"``).
    """

    #: The source framework's separate bias vectors whose sum is ``bias`` (set by
    #: ``from_torch`` for nn.RNN / nn.LSTM: ("b_ih", "b_hh")); None: one bias, as Keras.
    _framework_biases: tuple[str, ...] | None = None

    def __init__(
        self,
        units: int = 16,
        features: int = 3,
        activation: str = "tanh",
        weight_scale: float = 1.0,
        seed: int = 0,
        init: str = "orthogonal",
        use_bias: bool = True,
        output_units: int | None = None,
        output_activation: str = "linear",
    ) -> None:
        units = _validate.positive_int(units, "units")
        features = _validate.positive_int(features, "features")
        act = activations.get(activation)
        weight_scale = _validate.weight_scale(weight_scale)
        seed = _validate.seed(seed)
        init_name = _validate.choice(init, _init.INITS, "init")
        if not isinstance(use_bias, (bool, np.bool_)):
            raise TypeError(f"use_bias must be True or False; got {use_bias!r}")
        output_units = _validate.optional_units(output_units, "output_units")
        out_act = activations.get(output_activation, "output_activation")
        _validate.check_memory(
            self.weight_bytes(units, features, output_units),
            f"{type(self).__name__}(units={units}, features={features}"
            + (f", output_units={output_units})" if output_units else ")"),
        )

        rng = np.random.default_rng(seed)
        g = self.n_gates
        kernel = _init.glorot_uniform(rng, features, units * g)
        recurrent = _init.recurrent_kernel(rng, units, g, weight_scale, init_name)
        bias = np.zeros(self._bias_shape(units)) if use_bias else None
        W_hy = b_y = None
        if output_units is not None:
            W_hy = _init.glorot_uniform(rng, units, output_units)
            b_y = np.zeros(output_units)
        self._configure(
            units, features, act, weight_scale, seed, init_name, out_act,
            kernel, recurrent, bias, W_hy, b_y,
        )  # fmt: skip

    def _configure(self, units, features, act, weight_scale, seed, init_name, out_act,
                   kernel, recurrent, bias, W_hy, b_y) -> None:  # fmt: skip
        self._units = units
        self._features = features
        self._act = act
        self._weight_scale = weight_scale
        self._seed = seed
        self._init = init_name
        self._out_act = out_act
        self._kernel = readonly_copy(kernel)
        self._recurrent = readonly_copy(recurrent)
        self._bias = readonly_copy(bias)
        self._W_hy = readonly_copy(W_hy)
        self._b_y = readonly_copy(b_y)

    def with_weights(
        self,
        kernel: object = None,
        recurrent_kernel: object = None,
        bias: object = None,
        W_hy: object = None,
        b_y: object = None,
    ) -> Cell:
        """A new cell with some weights replaced; this cell is left untouched.

        Arguments left as ``None`` keep the current weights. Shapes must match the current
        ones (see the class docstring) and every value must be finite. The new cell's
        ``init`` is ``"custom"`` and its ``weight_scale`` is the spectral radius of the
        (candidate) recurrent block, which is what ``weight_scale`` means for the built-in
        initialisers.
        """
        u, f = self._units, self._features

        def pick(value, current, name):
            if value is None:
                return current
            if current is None:
                what = "use_bias=False" if name == "bias" else "no output layer (output_units=None)"
                raise ValueError(f"{name} cannot be set on a cell built with {what}")
            return _validate.finite_array(value, current.shape, name)

        kernel = pick(kernel, self._kernel, "kernel")
        recurrent = pick(recurrent_kernel, self._recurrent, "recurrent_kernel")
        bias = pick(bias, self._bias, "bias")
        W_hy = pick(W_hy, self._W_hy, "W_hy")
        b_y = pick(b_y, self._b_y, "b_y")
        new = object.__new__(type(self))
        block = self._candidate_block(recurrent)
        rho = float(np.max(np.abs(np.linalg.eigvals(block))))
        new._configure(u, f, self._act, rho, self._seed, "custom", self._out_act,
                       kernel, recurrent, bias, W_hy, b_y)  # fmt: skip
        new._framework_biases = self._framework_biases  # still counted as its source counts
        return new

    # -- read-only attributes -----------------------------------------------------------
    units = property(lambda self: self._units, doc="Size of the hidden state h_t.")
    features = property(lambda self: self._features, doc="Size of each input x_t.")
    activation = property(lambda self: self._act.name, doc="Name of the activation.")
    weight_scale = property(lambda self: self._weight_scale, doc="Recurrent scale s.")
    seed = property(lambda self: self._seed, doc="Seed the weights were drawn with.")
    init = property(lambda self: self._init, doc="'orthogonal', 'gaussian' or 'custom'.")
    kernel = property(lambda self: self._kernel, doc="(features, units·gates), read-only.")
    recurrent_kernel = property(
        lambda self: self._recurrent, doc="(units, units·gates), read-only."
    )
    bias = property(lambda self: self._bias, doc="Bias (read-only) or None.")
    W_hy = property(lambda self: self._W_hy, doc="(units, output_units) or None.")
    b_y = property(lambda self: self._b_y, doc="(output_units,) or None.")
    use_bias = property(lambda self: self._bias is not None)
    output_units = property(
        lambda self: None if self._W_hy is None else self._W_hy.shape[1],
        doc="Size of y_t, or None without an output layer.",
    )
    output_activation = property(lambda self: self._out_act.name)

    @property
    def n_params(self) -> int:
        """Number of trainable numbers, as the source framework counts them.

        Independent of timesteps (weights are shared). rnnviz's own cells and
        ``from_keras`` count as Keras (``count_params()``): one bias, (gates·units,), or
        (2, 3·units) for the GRU. A cell from ``from_torch(nn.RNN / nn.LSTM)`` counts as
        PyTorch, ``sum(p.numel() for p in module.parameters())``: two biases b_ih and
        b_hh, each (gates·units,), of which the cell only needs the sum ``bias``.
        """
        arrays = (self._kernel, self._recurrent, self._bias, self._W_hy, self._b_y)
        n = sum(a.size for a in arrays if a is not None)
        if self._framework_biases and self._bias is not None:
            n += (len(self._framework_biases) - 1) * self._bias.size
        return int(n)

    def _candidate_block(self, recurrent: np.ndarray | None = None) -> np.ndarray:
        """The (units, units) recurrent block that feeds the candidate / hidden state."""
        u = self._units
        rec = self._recurrent if recurrent is None else recurrent
        k = self.gate_names.index(self.candidate_gate) if self.candidate_gate else 0
        return rec[:, k * u : (k + 1) * u]

    def shapes(self, batch: int = 1, timesteps: int = 1, return_sequences: bool = True) -> dict:
        """Shapes of every array in one run, keyed by the names shown to learners.

        Keys: ``x`` (batch, timesteps, features), ``h_0``, ``W_xh`` (the kernel),
        ``W_hh`` (the recurrent kernel), ``b`` (if any; from ``from_torch(nn.RNN /
        nn.LSTM)`` PyTorch's two biases ``b_ih`` and ``b_hh`` instead, each the shape of
        ``bias``, which is their sum), ``h_t`` (batch, units), ``c_t``
        (LSTM), ``output`` — (batch, timesteps, units) with ``return_sequences`` else
        (batch, units) — and with an output layer ``W_hy``, ``b_y``, ``y`` (like ``output``
        with output_units).
        """
        batch = _validate.positive_int(batch, "batch")
        timesteps = _validate.positive_int(timesteps, "timesteps")
        u = self._units
        out: dict[str, tuple[int, ...]] = {
            "x": (batch, timesteps, self._features),
            "h_0": (batch, u),
            "W_xh": self._kernel.shape,
            "W_hh": self._recurrent.shape,
        }
        if self._bias is not None:
            for name in self._framework_biases or ("b",):
                out[name] = self._bias.shape
        out["h_t"] = (batch, u)
        if self.has_cell_state:
            out["c_t"] = (batch, u)
        out["output"] = (batch, timesteps, u) if return_sequences else (batch, u)
        if self._W_hy is not None:
            o = self._W_hy.shape[1]
            out["W_hy"] = self._W_hy.shape
            out["b_y"] = (o,)
            out["y"] = (batch, timesteps, o) if return_sequences else (batch, o)
        return out

    # -- running -------------------------------------------------------------------------
    def run(self, x: object, h0: object = None, c0: object = None) -> RunResult:
        """Run the cell over input sequences.

        Parameters
        ----------
        x : array_like, shape (batch, timesteps, features) or (timesteps, features)
        h0 : array_like, shape (batch, units) or (units,), optional
            Initial hidden state; zeros by default.
        c0 : array_like, shape (batch, units) or (units,), optional
            LSTM only: initial cell state; zeros by default.

        Returns
        -------
        RunResult
            States h_1..h_T, gates, outputs, and lazily the Jacobian norms, loss gradients
            and theory summary.
        """
        x = _validate.sequence(x, self._features)
        batch, timesteps = x.shape[0], x.shape[1]
        _validate.check_memory(
            self.run_bytes(batch, timesteps, self._units, self.output_units),
            f"run() on x of shape {x.shape} (batch={batch}, timesteps={timesteps}) with "
            f"units={self._units}",
        )
        h0 = _validate.initial_state(h0, batch, self._units, "h0")
        if self.has_cell_state:
            c0 = _validate.initial_state(c0, batch, self._units, "c0")
        elif c0 is not None:
            raise ValueError(f"c0 (an initial cell state) exists only for LSTM, not {self!r}")
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            trace = self._forward(x, h0, c0, careful=False)
            overflowed = not np.isfinite(trace.states).all()
            if overflowed:  # replay in extended numbers: overflow shows as ±inf, never NaN
                trace = self._forward(x, h0, c0, careful=True)
            outputs = y_pre = None
            if self._W_hy is not None:
                if trace.states_ext is None:
                    y_pre = matmul_rows(trace.states, self._W_hy) + self._b_y
                else:  # overflowed states: signs kept (see rnnviz.sim._extended)
                    y_ext = trace.states_ext.matmul(self._W_hy)
                    b_y = _extended.ext(np.broadcast_to(self._b_y, y_ext.m.shape))
                    y_pre = _extended.value(y_ext + b_y)
                outputs = nan_to_inf(self._out_act.f(y_pre))
                overflowed = overflowed or not np.isfinite(outputs).all()
        return RunResult(cell=self, x=x, c0=c0, trace=trace, outputs=outputs, output_pre=y_pre,
                         overflowed=overflowed)  # fmt: skip

    @abc.abstractmethod
    def _forward(self, x: np.ndarray, h0: np.ndarray, c0: np.ndarray | None,
                 careful: bool) -> Trace:  # fmt: skip
        """The cell's forward pass over all timesteps (each cell type defines it).

        x (batch, timesteps, features), h0 (and c0 with a cell state) (batch, units), all
        validated. ``careful``: the replay after an overflow, in extended numbers
        (:mod:`rnnviz.sim._extended`), so that overflowed values keep their signs. Returns
        the cell's :class:`~rnnviz.sim.trace.Trace`: the states and what ``step_vjp`` needs.
        """

    @abc.abstractmethod
    def step_vjp(self, trace: Trace, t: int, dh: np.ndarray,
                 dc: np.ndarray | None = None) -> StepGrads:  # fmt: skip
        """One backward step through timestep t (1-based), each cell type defines it.

        ``dh`` (and ``dc`` with a cell state) (batch, rows, units): cotangents of h_t
        (c_t); ``rows`` of them are pulled back at once (1 for a loss gradient, ``units``
        for a Jacobian). ``dc`` None means zero. Returns
        :class:`~rnnviz.sim.trace.StepGrads` (vector-Jacobian products of the step).
        """

    def step_jacobian(self, trace: Trace, t: int) -> np.ndarray:
        """A_t = ∂s_t/∂s_{t−1}, the one-step Jacobian of the carried state, (batch, n, n).

        s_t is h_t (n = units), or the pair (h_t, c_t) with a cell state (n = 2·units; rows
        and columns ordered h, then c). Row r of A_t is e_rᵀ A_t: here ``step_vjp`` pulls
        the n rows of the identity back through step t at once (one product with the
        recurrent kernel, O(n·units·units·gates)). A cell may override it with its own
        closed form (O(units²·gates), no matrix product); it must agree with this one.
        """
        u, B = self._units, trace.states.shape[0]
        rows = 2 * u if self.has_cell_state else u
        eye = np.eye(rows)
        dh = np.broadcast_to(eye[:, :u], (B, rows, u))
        dc = np.broadcast_to(eye[:, u:], (B, rows, u)) if self.has_cell_state else None
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            step = self.step_vjp(trace, t, dh, dc)
        if not self.has_cell_state:
            return step.dh_prev
        return np.concatenate((step.dh_prev, step.dc_prev), axis=-1)

    def __repr__(self) -> str:
        extra = ""
        if self._init != "orthogonal":
            extra += f", init={self._init!r}"
        if self._bias is None:
            extra += ", use_bias=False"
        if self._W_hy is not None:
            extra += (
                f", output_units={self._W_hy.shape[1]}, output_activation={self._out_act.name!r}"
            )
        return (
            f"{type(self).__name__}(units={self._units}, features={self._features}, "
            f"activation={self._act.name!r}, weight_scale={round(self._weight_scale, 6)!r}{extra}, "
            f"params={self.n_params})"
        )
