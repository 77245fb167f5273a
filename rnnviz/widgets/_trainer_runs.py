"""The Trainer's runs: the settings, how a run is built from them, what the view is sent.

A run is :class:`rnnviz.sim.training.Run` (exact training on the simulator's own BPTT);
this module only chooses its cell, task and optimizer from the Trainer's settings and
turns what it recorded into the arrays the front end draws:

* the curves — loss, metric and grad_norm (‖∂L/∂θ‖ before clipping) per training step,
  every step up to ``MAX_POINTS`` steps, then every k-th step (k a power of two, so the
  points already drawn stay where they are as the run grows);
* the gradient-signal map — ``log₁₀(‖∂L/∂h_t‖ / max_t ‖∂L/∂h_t‖)`` for t = 0..T at up to
  ``MAP_COLUMNS`` training steps, shape (T + 1, columns): 0 where the signal is strongest,
  −6 where a millionth of it is left. Dividing by the largest norm of each step keeps the
  picture about *where* the signal reaches, not about how large the loss is.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, replace

import numpy as np

from rnnviz.sim import CELL_CLASSES, CELLS, cell_class, tasks, training
from rnnviz.sim.optim import OPTIMIZERS
from rnnviz.widgets._buffers import array_to_json

__all__ = [
    "CELL_LABELS",
    "MAP_COLUMNS",
    "MAP_DECADES",
    "MAX_POINTS",
    "Entry",
    "Settings",
    "choices",
    "demo_settings",
    "encode_run",
    "make_run",
    "make_task",
    "runs_to_json",
    "sample_steps",
]

#: How each cell is labelled (its class's ``display_name``).
CELL_LABELS = {c.name: c.display_name for c in CELL_CLASSES}
MAX_POINTS = 300  # about one per 2 px of a plot: more cost redraw time, show nothing more
MAP_COLUMNS = 160
#: Decades of the gradient-signal map's colour scale: 10⁰ (all of it) down to 10⁻⁶.
MAP_DECADES = 6
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
UNITS_RANGE = (1, 256)
DELAY_RANGE = (1, 400)  # copy: delay; adding / sine: timesteps T
CLIP_RANGE = (1e-3, 1e3)


def _whole(value: object, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not lo <= value <= hi:
        raise ValueError(f"{name} must be a whole number from {lo} to {hi}; got {value!r}")
    return int(value)


def _positive(value: object, name: str, hi: float) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not (math.isfinite(value) and 0 < value <= hi):
        raise ValueError(f"{name} must be a number > 0 and ≤ {hi:g}; got {value!r}")
    return float(value)


@dataclass(frozen=True)
class Settings:
    """Everything a Trainer's run depends on (validated by :meth:`checked`).

    ``delay`` is the length of the dependency to learn: the copy task's gap between the
    symbol and the cue, the adding and sine tasks' sequence length T (the order task's
    length is its sentence's: ``delay`` is ignored there).
    """

    cell: str = "rnn"
    task: str = "adding"
    units: int = 32
    delay: int = 50
    lr: float = 3e-3
    clip: bool = True
    clip_norm: float = 1.0
    optimizer: str = "adam"
    batch: int = 32
    seed: int = 0
    forget_bias: float = 1.0
    max_steps: int = 3000

    def checked(self) -> Settings:
        """These settings validated (ValueError / TypeError in the learner's words)."""
        cell = self.cell.lower() if isinstance(self.cell, str) else self.cell
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {', '.join(CELLS)}; got {self.cell!r}")
        if self.task not in tasks.TASKS:
            raise ValueError(f"task must be one of {', '.join(tasks.TASKS)}; got {self.task!r}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(
                f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {self.optimizer!r}"
            )
        if not isinstance(self.clip, (bool, np.bool_)):
            raise TypeError(f"clip must be True or False; got {self.clip!r}")
        fb = self.forget_bias
        if isinstance(fb, bool) or not isinstance(fb, numbers.Real) or not math.isfinite(fb):
            raise ValueError(f"forget_bias must be a finite number; got {fb!r}")
        return replace(
            self,
            cell=cell,
            units=_whole(self.units, "units", *UNITS_RANGE),
            delay=_whole(self.delay, "delay", *DELAY_RANGE),
            lr=_positive(self.lr, "lr (the learning rate)", 1.0),
            clip=bool(self.clip),
            clip_norm=_positive(self.clip_norm, "clip_norm (the threshold)", CLIP_RANGE[1]),
            batch=_whole(self.batch, "batch", 1, 4096),
            seed=_whole(self.seed, "seed", 0, 2**32 - 1),
            forget_bias=float(fb),
            max_steps=_whole(self.max_steps, "max_steps", 1, 10**6),
        )


def choices() -> dict:
    """What the view offers in its controls (one copy of the ranges, sent to the front end)."""
    return {
        "cells": [[c, CELL_LABELS[c]] for c in CELLS],
        "tasks": list(tasks.TASKS),
        "lrs": list(LEARNING_RATES),
        "units": list(UNITS_RANGE),
        "delay": list(DELAY_RANGE),
        "clip_norm": list(CLIP_RANGE),
    }


def demo_settings(name: str, seed: int = 0) -> tuple[Settings, list[str]]:
    """The settings and cells of the teaching demo ``training.DEMOS[name]`` for ``seed``
    (the one copy of the demo's configuration is there)."""
    if name not in training.DEMOS:
        raise ValueError(f"demo must be one of {', '.join(training.DEMOS)}; got {name!r}")
    spec = training.DEMOS[name]
    task, fit = spec["task"], spec["fit"]
    clip_norm = fit.get("clip_norm")
    settings = Settings(cell=spec["cells"][0], task=task["name"], units=spec["units"],
                        delay=task.get("delay", task.get("timesteps")), lr=fit["lr"],
                        clip=clip_norm is not None, clip_norm=clip_norm or 1.0,
                        optimizer=fit["optimizer"], batch=task["batch"], seed=seed,
                        forget_bias=spec["forget_bias"], max_steps=spec["steps"])  # fmt: skip
    return settings.checked(), list(spec["cells"])


def make_task(s: Settings) -> tasks.Task:
    """The task of settings ``s`` (its batches are seeded by ``s.seed``)."""
    if s.task == "copy":
        return tasks.make("copy", delay=s.delay, batch=s.batch, seed=s.seed)
    if s.task == "order":
        return tasks.make("order", batch=s.batch, seed=s.seed)
    return tasks.make(s.task, timesteps=max(s.delay, 2), batch=s.batch, seed=s.seed)


def make_run(cell: str, s: Settings, task: tasks.Task) -> training.Run:
    """A fresh run of ``cell`` ("rnn", "lstm", "gru") on ``task``: step 0, weights from ``s.seed``.

    A cell with a forget gate (LSTM) has its forget-gate bias b_f start at
    ``s.forget_bias`` (1 by default, as ``torch``/Keras users set it: the cell starts out
    remembering; 0 gives σ(0) = 0.5), as :func:`rnnviz.sim.training.demo` sets it.
    """
    klass = cell_class(cell)
    c = klass(units=s.units, features=task.features, seed=s.seed)
    if klass.forget_gate is not None:  # b_f, the forget gate's block of the bias
        k, u = klass.gate_names.index(klass.forget_gate), s.units
        bias = np.array(c.bias)
        bias[k * u : (k + 1) * u] = s.forget_bias
        c = c.with_weights(bias=bias)
    return training.Run(c, task, optimizer=s.optimizer, lr=s.lr,
                        clip_norm=s.clip_norm if s.clip else None, seed=s.seed)  # fmt: skip


def sample_steps(n: int, most: int) -> np.ndarray:
    """Indices 0..n−1 of the steps to send: all of them, or every k-th (k a power of two)
    and the last, when there are more than ``most``."""
    if n <= most:
        return np.arange(n)
    k = 1 << math.ceil(math.log2(n / most))
    idx = np.arange(0, n, k)
    return idx if idx[-1] == n - 1 else np.append(idx, n - 1)


def signal_map(dh_norms: np.ndarray) -> np.ndarray:
    """log₁₀(‖∂L/∂h_t‖ / max_t ‖∂L/∂h_t‖) of rows (steps, T + 1), transposed to (T + 1, steps).

    An exact 0 gives −inf (no signal at all); a step whose norms overflowed gives NaN
    there (the view draws NaN as a gap).
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        top = dh_norms.max(axis=1, keepdims=True)
        rel = np.log10(dh_norms / top)
    return np.ascontiguousarray(rel.T)


def encode_run(run: training.Run, label: str, cell: str, kept: bool) -> dict:
    """What the view draws of ``run`` (arrays as float64; sent as float32 buffers)."""
    n = run.steps
    idx = sample_steps(n, MAX_POINTS)
    cols = sample_steps(n, MAP_COLUMNS)
    clipped = run.clipped
    return {
        "label": label,
        "cell": cell,
        "kept": kept,
        "steps": n,
        "overflowed": bool(run.overflowed),
        "clipped_fraction": float(clipped.mean()) if n else 0.0,
        "x": idx + 1.0,  # steps are counted from 1
        "loss": run.losses[idx],
        "metric": run.metric[idx],
        "grad_norm": run.grad_norm[idx],
        "map_x": cols + 1.0,
        "map": signal_map(run.dh_norms[cols]) if n else np.zeros((run.task.timesteps + 1, 0)),
    }


_ARRAYS = ("x", "loss", "metric", "grad_norm", "map_x", "map")


def _array(value: np.ndarray) -> dict:
    """``array_to_json``, also for empty arrays (a run at step 0; memoryview cannot cast those)."""
    if value.size == 0:
        return {"data": memoryview(b""), "shape": list(value.shape), "dtype": "float32"}
    return array_to_json(value)


def runs_to_json(runs: list, widget: object = None) -> list:
    """Encoded runs (:func:`encode_run`) with their arrays as float32 binary buffers."""
    return [{k: _array(v) if k in _ARRAYS else v for k, v in r.items()} for r in runs]


class Entry:
    """One run the Trainer shows: the Run, its label and cell, and whether it is kept."""

    def __init__(self, run: training.Run, label: str, cell: str, kept: bool = False) -> None:
        self.run, self.label, self.cell, self.kept = run, label, cell, kept
        self.encoded: dict | None = None  # a kept run no longer changes: encoded once

    def encode(self) -> dict:
        if self.kept and self.encoded is not None:
            return self.encoded
        return encode_run(self.run, self.label, self.cell, self.kept)
