"""Exact training on the simulator's own backpropagation through time.

One training step on batch number i of a task (``task.batch(i)``)::

    y_t = g(h_t W_hy + b_y)                       the output layer (added if the cell has none)
    L   = cross_entropy(y_T, labels)              classification (mean over the batch)
        | mse(y, target)                          regression (mean over every element)
    ∂L/∂θ for θ = kernel, recurrent_kernel, bias, W_hy, b_y    by (truncated) BPTT
    ‖∂L/∂θ‖ clipped to ``clip_norm`` (optional), then an SGD or Adam update

Losses, optimizers and clipping are those of ``torch.nn.functional``, ``torch.optim`` and
``torch.nn.utils.clip_grad_norm_`` (see :mod:`rnnviz.sim.tasks` and
:mod:`rnnviz.sim.optim`); the parity tests check the trained weights against PyTorch.

Truncated BPTT (``truncate=k``), two forms, named by ``truncate_mode``:

* ``"window"`` (default; the convention of ``res.loss_gradients(truncate=k)``): h_{T−k}
  is a constant, only the last k steps are differentiated (losses on earlier outputs
  still train the output layer, not the cell);
* ``"chunks"`` (what training loops on long sequences do): the sequence runs in chunks of
  k steps carrying h (and c) across, detached between chunks — every step is
  differentiated, but no gradient crosses a chunk boundary.

A :class:`Run` records per step the loss, the metric, ``grad_norm`` (the total gradient
2-norm before clipping) and ``dh_norms``, ‖∂L/∂h_t‖ for t = 0..T (norm over batch and
units): where the learning signal reaches.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rnnviz.sim import _validate, bptt, optim, tasks
from rnnviz.sim import init as _init
from rnnviz.sim._numerics import matmul_rows
from rnnviz.sim.cell import Cell
from rnnviz.sim.registry import cell_class

__all__ = ["DEMOS", "TRUNCATE_MODES", "Run", "demo", "fit", "with_output_layer"]

#: Values of ``truncate_mode``.
TRUNCATE_MODES: tuple[str, ...] = ("window", "chunks")
_PARAMS = ("kernel", "recurrent_kernel", "bias", "W_hy", "b_y")


def with_output_layer(cell: Cell, W_hy: object, b_y: object) -> Cell:
    """A new cell: ``cell``'s weights plus the linear output layer y_t = h_t W_hy + b_y.

    W_hy has shape (units, output_units), b_y (output_units,); ``cell`` may already have
    an output layer (it is replaced) or not.
    """
    W_hy = _validate._as_float_array(W_hy, "W_hy")
    if W_hy.ndim != 2 or W_hy.shape[0] != cell.units:
        raise ValueError(
            f"W_hy must have shape (units, output_units) = ({cell.units}, output_units); "
            f"got shape {W_hy.shape}"
        )
    base = type(cell)(units=cell.units, features=cell.features,
                     activation=cell.activation, use_bias=cell.use_bias, seed=cell.seed,
                     output_units=W_hy.shape[1])  # fmt: skip
    kw = {"bias": cell.bias} if cell.use_bias else {}
    out = base.with_weights(kernel=cell.kernel, recurrent_kernel=cell.recurrent_kernel,
                            W_hy=W_hy, b_y=b_y, **kw)  # fmt: skip
    biases = getattr(cell, "_framework_biases", None)
    if biases is not None:  # an imported layer keeps its framework's parameter count
        out._framework_biases = biases
    return out


def _with_head(cell: Cell, outputs: int, seed: int) -> Cell:
    """``cell`` with the output layer a task of ``outputs`` outputs needs."""
    if cell.W_hy is not None:
        if cell.output_units != outputs:
            raise ValueError(
                f"the task needs an output layer of {outputs} units; the cell's has "
                f"output_units={cell.output_units}"
            )
        return cell
    W_hy = _init.glorot_uniform(np.random.default_rng(seed), cell.units, outputs)  # b_y = 0
    return with_output_layer(cell, W_hy, np.zeros(outputs))


def _scratch(cell: Cell, params: dict) -> Cell:
    """An internal copy of ``cell`` that reads the (mutable) arrays of ``params``."""
    work = object.__new__(type(cell))
    work.__dict__.update(cell.__dict__)
    work._kernel = params["kernel"]
    work._recurrent = params["recurrent_kernel"]
    work._bias = params.get("bias")
    work._W_hy = params["W_hy"]
    work._b_y = params["b_y"]
    return work


def _truncation(truncate: object, mode: object, timesteps: int) -> tuple[int | None, str]:
    mode = _validate.choice(mode, TRUNCATE_MODES, "truncate_mode")
    return bptt._window(truncate, timesteps), mode


class Run:
    """A training run: the model, the optimizer state and everything recorded per step.

    Build it with :func:`fit` (or ``Run(...)`` with the same arguments but ``steps``, then
    :meth:`train`). Per-step arrays grow as the run trains; index i is step i (batch
    ``task.batch(i)``).

    Attributes
    ----------
    task : Task
    steps : int
        Steps done so far.
    losses, metric, grad_norm : ndarray, shape (steps,)
        The loss before the update, the task's metric on the same batch, and the total
        gradient 2-norm over all parameters (before clipping).
    clipped : ndarray of bool, shape (steps,)
        Whether clipping scaled the gradient at that step.
    dh_norms : ndarray, shape (steps, timesteps+1)
        ‖∂L/∂h_t‖ for t = 0..T at every step (Frobenius norm over batch and units).
    cell : Cell
        The trained cell (with its output layer), a new immutable cell built on access.
    initial_cell : Cell
        The cell training started from (with the output layer it was given).
    overflowed : bool
        True when a loss, gradient or weight overflowed; training then stopped before the
        update (the last loss / grad_norm are inf, the weights are those before it).
    stopped : bool
        True when the callback returned False.
    """

    def __init__(self, cell: Cell, task: object, optimizer: str = "adam", lr: float = 1e-3,
                 momentum: float = 0.0, clip_norm: float | None = None,
                 truncate: int | None = None, truncate_mode: str = "window",
                 seed: int = 0) -> None:  # fmt: skip
        if not isinstance(cell, Cell):
            raise TypeError(
                "cell must be an rnnviz cell (SimpleRNN, LSTM, GRU, or make_cell(...)); "
                f"got {type(cell).__name__}"
            )
        if isinstance(task, str):
            task = tasks.make(task)
        if not isinstance(task, tasks.Task):
            raise TypeError(
                "task must be a Task (rnnviz.sim.tasks.make(...) or tasks.from_arrays(...)) "
                f"or a task name in {tasks.TASKS}; got {type(task).__name__}"
            )
        if task.features != cell.features:
            raise ValueError(
                f"the {task.name} task has {task.features} features per step; the cell "
                f"takes features={cell.features}: build the cell with features={task.features}"
            )
        seed = _validate.seed(seed)
        self._optimizer = optim.make(optimizer, lr, momentum)
        if clip_norm is not None:
            clip_norm = optim._number(clip_norm, "clip_norm", 0.0, inclusive=False)
        self.truncate, self.truncate_mode = _truncation(truncate, truncate_mode, task.timesteps)
        self.initial_cell = _with_head(cell, task.outputs, seed)
        self.task = task
        self.optimizer = optimizer.lower()
        self.lr, self.momentum, self.clip_norm, self.seed = lr, momentum, clip_norm, seed
        self._params = {
            name: np.array(getattr(self.initial_cell, name))
            for name in _PARAMS
            if getattr(self.initial_cell, name) is not None
        }
        self._work = _scratch(self.initial_cell, self._params)
        self._cell: tuple[int, Cell] | None = None
        self._buffers: dict[str, np.ndarray] = {}  # backward work arrays, reused every step
        self._rec = {
            "losses": np.empty(0),
            "metric": np.empty(0),
            "grad_norm": np.empty(0),
            "clipped": np.empty(0, dtype=bool),
            "dh_norms": np.empty((0, task.timesteps + 1)),
        }
        self.steps = 0
        self.overflowed = False
        self.stopped = False

    # -- what was recorded ---------------------------------------------------------------
    losses = property(lambda self: self._rec["losses"][: self.steps])
    metric = property(lambda self: self._rec["metric"][: self.steps])
    grad_norm = property(lambda self: self._rec["grad_norm"][: self.steps])
    clipped = property(lambda self: self._rec["clipped"][: self.steps])
    dh_norms = property(lambda self: self._rec["dh_norms"][: self.steps])

    @property
    def cell(self) -> Cell:
        """The cell with the current weights (a new immutable cell, cached per step)."""
        if self._cell is None or self._cell[0] != self.steps:
            weights = {name: value.copy() for name, value in self._params.items()}
            self._cell = (self.steps, self.initial_cell.with_weights(**weights))
        return self._cell[1]

    def _grow(self, n: int) -> None:
        need = self.steps + n
        if need <= len(self._rec["losses"]):
            return
        size = max(need, 2 * len(self._rec["losses"]))
        for key, arr in self._rec.items():
            new = np.zeros((size, *arr.shape[1:]), dtype=arr.dtype)
            new[: self.steps] = arr[: self.steps]
            self._rec[key] = new

    # -- training ------------------------------------------------------------------------
    def train(self, steps: int, callback: Callable[[int, Run], object] | None = None) -> Run:
        """Train ``steps`` more steps; ``callback(step, run)`` after each (``step`` = steps
        done so far); returning False stops. Returns the run itself."""
        steps = _validate.positive_int(steps, "steps")
        if callback is not None and not callable(callback):
            raise TypeError(f"callback must be a function (step, run); got {callback!r}")
        self.stopped = False
        self._grow(steps)
        for _ in range(steps):
            if self.overflowed:
                break
            self._step()
            if callback is not None and callback(self.steps, self) is False:
                self.stopped = True
                break
        return self

    def _step(self) -> None:
        i = self.steps
        task, work, params = self.task, self._work, self._params
        x, target = task.batch(i)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            res = work.run(x)
            y_pre = res.output_pre
            y = res.outputs if task.every_step else res.outputs[:, -1]
            loss, dy = task.loss(y, target)
            metric = task.metric(y, target)
            if work._out_act.name != "linear":  # through y = g(y_pre)
                dy = dy * work._out_act.df(y_pre if task.every_step else y_pre[:, -1])
            T, u = res.timesteps, res.units
            start = 0
            if self.truncate is not None and self.truncate_mode == "window":
                start = T - self.truncate
            if task.every_step:
                H = res.states.reshape(-1, u)
                W_grad = H.T @ dy.reshape(-1, dy.shape[-1])  # Σ_t h_tᵀ dy_t, through h_t W_hy
                b_grad = dy.reshape(-1, dy.shape[-1]).sum(axis=0)
                dh_out = matmul_rows(dy, work._W_hy.T)  # direct terms ∂L/∂h_t
            else:
                W_grad = res.states[:, -1].T @ dy
                b_grad = dy.sum(axis=0)
                dh_out = dy @ work._W_hy.T  # ∂L/∂h_T
            chunk = self.truncate if self.truncate_mode == "chunks" else None
            back = bptt.backward(res, dh_out, start=start, chunk=chunk, buffers=self._buffers)
            grads = {**back.params, "W_hy": W_grad, "b_y": b_grad}
            norm = optim.total_norm(grads)
            dh_norms = np.sqrt(np.einsum("btu,btu->t", back.dh, back.dh))
        rec = self._rec
        rec["metric"][i] = metric
        rec["dh_norms"][i] = dh_norms
        rec["grad_norm"][i] = norm
        rec["losses"][i] = loss if np.isfinite(loss) else np.inf
        self.steps = i + 1
        if not (np.isfinite(loss) and np.isfinite(norm)):
            self.overflowed = True
            return
        if self.clip_norm is not None:
            rec["clipped"][i] = self.clip_norm / (norm + 1e-6) < 1.0
            optim.clip_grad_norm(grads, self.clip_norm)
        before = {name: value.copy() for name, value in params.items()}
        with np.errstate(over="ignore", invalid="ignore"):
            self._optimizer.step(params, grads)
        if not all(np.isfinite(value).all() for value in params.values()):
            for name, value in before.items():
                params[name][...] = value  # keep the last finite weights
            self.overflowed = True

    def __repr__(self) -> str:
        last = f", loss={self.losses[-1]:.4g}" if self.steps else ""
        flag = ", overflowed=True" if self.overflowed else ""
        return (
            f"Run({type(self.initial_cell).__name__}, task={self.task.name!r}, "
            f"optimizer={self.optimizer!r}, lr={self.lr!r}, steps={self.steps}{last}{flag})"
        )


#: Teaching demos measured on every listed seed (docs/benchmarks.md, "Training demo").
#: "long-memory": the adding problem over 100 steps — the LSTM (forget-gate bias 1)
#: learns it, the Elman RNN stays at the baseline MSE 1/6 (predicting the mean).
#: Measured on seeds 0–4: the LSTM's 50-step mean loss falls below 0.05 at steps
#: 1627–1946 (final MSE 0.0011–0.0016); the RNN's never goes below 0.150.
DEMOS: dict[str, dict] = {
    "long-memory": {
        "task": {"name": "adding", "timesteps": 100, "batch": 32},
        "units": 32,
        "cells": ("rnn", "lstm"),
        "forget_bias": 1.0,
        "fit": {"optimizer": "adam", "lr": 3e-3, "clip_norm": 1.0},
        "steps": 2500,
        "seeds": (0, 1, 2, 3, 4),
    },
}


def demo(name: str, cell: str, seed: int = 0) -> tuple[Cell, tasks.Task, dict]:
    """``(cell, task, fit keywords)`` of a demo in ``DEMOS`` for one cell name and seed.

    The seed draws the cell's weights and the task's batches; a cell with a forget gate (LSTM)
    gets its forget-gate bias b_f set to the demo's ``forget_bias``. Train with
    ``fit(cell, task, DEMOS[name]["steps"], **kwargs)``.
    """
    spec = DEMOS[_validate.choice(name, tuple(DEMOS), "demo")]
    cell = _validate.choice(cell, spec["cells"], "cell")
    seed = _validate.seed(seed)
    task = tasks.make(**spec["task"], seed=seed)
    u = spec["units"]
    klass = cell_class(cell)
    built = klass(units=u, features=task.features, seed=seed)
    if klass.forget_gate is not None:  # b_f, the forget gate's block of the bias
        k = klass.gate_names.index(klass.forget_gate)
        bias = np.array(built.bias)
        bias[k * u : (k + 1) * u] = spec["forget_bias"]
        built = built.with_weights(bias=bias)
    return built, task, dict(spec["fit"])


def fit(cell: Cell, task: object, steps: int, optimizer: str = "adam", lr: float = 1e-3,
        momentum: float = 0.0, clip_norm: float | None = None, truncate: int | None = None,
        truncate_mode: str = "window", seed: int = 0,
        callback: Callable[[int, Run], object] | None = None) -> Run:  # fmt: skip
    """Train ``cell`` on ``task`` for ``steps`` steps (one batch and one update per step).

    Parameters
    ----------
    cell : Cell
        Left untouched; the trained cell is ``run.cell``. A cell without an output layer
        gets a linear one of ``task.outputs`` units (Glorot-uniform W_hy from ``seed``,
        b_y = 0); a cell with one must have ``output_units == task.outputs``.
    task : Task or str
        ``tasks.make(...)``, ``tasks.from_arrays(...)`` or a task name (default settings).
    steps : int
    optimizer : {"adam", "sgd"}
    lr : float
        Learning rate (default 1e-3, as torch.optim.Adam).
    momentum : float
        SGD only (default 0).
    clip_norm : float, optional
        Clip the total gradient 2-norm to this value (clip_grad_norm_).
    truncate : int, optional
        Truncated BPTT over k steps (None, 0 or k ≥ T: full BPTT).
    truncate_mode : {"window", "chunks"}
        Which truncation (see the module docstring).
    seed : int
        Seeds the output layer added to a cell that has none.
    callback : callable, optional
        ``callback(step, run)`` after every step; returning False stops training.

    Returns
    -------
    Run
    """
    run = Run(cell, task, optimizer=optimizer, lr=lr, momentum=momentum, clip_norm=clip_norm,
              truncate=truncate, truncate_mode=truncate_mode, seed=seed)  # fmt: skip
    return run.train(steps, callback)
