"""Trainer: watch a recurrent network learn, live — and watch vanishing gradients stop it.

``rnnviz.train(cell="rnn", task="adding", delay=50)`` shows a widget with Play / Pause /
Step / Reset and the settings (cell, units, task and its delay, learning rate, clipping).
Training runs in a background thread on the simulator's exact BPTT
(:mod:`rnnviz.sim.training`), so the kernel stays free; the view gets the newest state at
most every ``PUBLISH_SECONDS`` (latest wins: a state is never sent after a newer one) and
draws

* the loss and the task's metric per training step,
* ‖∂L/∂θ‖ (grad_norm, before clipping) per step with the clipping threshold,
* the gradient-signal map: how much of ∂L/∂h_T still reaches each timestep t, over the
  training steps — the RNN's signal fades out before the early steps, the LSTM's reaches
  them;
* for every current run, the Explorer's heatmap of h_t and its gradient-flow curve
  ‖∂h_T/∂h_t‖₂ (with the task's ‖∂L/∂h_t‖) of the *current* weights on one sequence of the
  task, redrawn as training goes (:mod:`rnnviz.widgets._trainer_views`).

Several runs overlay, each cell in its own fixed colour: ``trainer.compare(["rnn",
"lstm"])`` trains both side by side on the same task and seed, "Keep run" freezes the
current curves while a new run trains.

The trained model: ``trainer.cell`` (a :class:`rnnviz.sim.Cell` with its output layer),
``trainer.result`` (the :class:`rnnviz.sim.training.Run` with everything recorded) and
``trainer.runs`` (every run by its label); ``trainer.explore()`` opens the trained cell in
the Explorer (``rnnviz.explore(trainer.cell, x)`` on a batch of the task).

Only one Trainer trains at a time: playing one (or creating one — re-running its cell)
pauses the others. Pausing, closing the widget or deleting it ends its thread.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import replace
from typing import Any

import traitlets

from rnnviz.sim import training
from rnnviz.widgets import _trainer_runs as R
from rnnviz.widgets._base import BundledWidget, bundle
from rnnviz.widgets._plotly import plotly_source
from rnnviz.widgets._trainer_loop import TrainingLoop
from rnnviz.widgets._trainer_runs import Entry, runs_to_json
from rnnviz.widgets._trainer_send import PUBLISH_SECONDS, LatestWins
from rnnviz.widgets._trainer_settings import SettingsMixin
from rnnviz.widgets._trainer_thread import TrainingThread
from rnnviz.widgets._trainer_views import CurrentViews

__all__ = ["PUBLISH_SECONDS", "Trainer", "train"]

MAX_KEPT = 6
_TRAINERS: weakref.WeakSet = weakref.WeakSet()


class Trainer(SettingsMixin, TrainingLoop, LatestWins, BundledWidget):
    """Train RNN / LSTM / GRU cells live on a sequence task (see the module docstring).

    Build it with :func:`train`. Methods: :meth:`play`, :meth:`pause`, :meth:`step`,
    :meth:`reset`, :meth:`keep`, :meth:`clear_kept`, :meth:`compare`, :meth:`close`.

    Synced traits
    -------------
    cell_type, task, units, delay, lr, clip, clip_norm
        The settings (changing one restarts the training from step 0; changing the task or
        its delay also drops the kept runs, whose curves would no longer compare).
    running : bool
        Training in the background right now.
    step_count : int
        Steps done by the current run(s) (the most among them).
    live_runs, kept_runs : list of dict
        Per run: label, cell, kept, steps, overflowed, clipped_fraction and the float32
        arrays x, loss, metric, grad_norm (per sent step); kept runs also map_x and map
        (T + 1, columns), the gradient-signal map (see :mod:`rnnviz.widgets._trainer_runs`).
    live_maps : list of dict
        label, map_x and map of each current run (sent less often while training, see
        :mod:`rnnviz.widgets._trainer_send`).
    info : dict
        The task (name, timesteps, loss and metric names, baseline), batch, seed,
        optimizer, max_steps, map_decades.
    views : list of dict
        Per current run: label, step (of the weights drawn), and the front-end states of
        its ``heatmap`` (StateHeatmap) and ``gradients`` (GradientFlow) views of the
        current weights; [] until the first analysis of the runs is done.
    revision : int
        Increases with every state sent.
    """

    _esm = bundle("trainer")

    cell_type = traitlets.Unicode("rnn", help='Cell: "rnn", "lstm" or "gru".').tag(sync=True)
    task = traitlets.Unicode("adding", help="Task name (rnnviz.sim.tasks.TASKS).").tag(sync=True)
    units = traitlets.Int(32, help="Hidden units p.").tag(sync=True)
    delay = traitlets.Int(50, help="copy: delay; adding / sine: timesteps T.").tag(sync=True)
    lr = traitlets.Float(3e-3, help="Learning rate.").tag(sync=True)
    clip = traitlets.Bool(True, help="Clip the gradient norm.").tag(sync=True)
    clip_norm = traitlets.Float(1.0, help="Clipping threshold on ‖∂L/∂θ‖.").tag(sync=True)
    running = traitlets.Bool(False).tag(sync=True)
    presenter = traitlets.Bool(False, help="Large fonts for projectors.").tag(sync=True)
    step_count = traitlets.Int(0).tag(sync=True)
    revision = traitlets.Int(0).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    info = traitlets.Dict().tag(sync=True)
    choices = traitlets.Dict().tag(sync=True)
    live_runs = traitlets.List().tag(sync=True, to_json=runs_to_json)
    live_maps = traitlets.List().tag(sync=True, to_json=runs_to_json)
    kept_runs = traitlets.List().tag(sync=True, to_json=runs_to_json)
    views = traitlets.List().tag(sync=True)

    def __init__(self, settings: R.Settings | None = None, cells: list | None = None,
                 presenter: bool = False) -> None:  # fmt: skip
        self._loop = TrainingThread()
        s = (settings or R.Settings()).checked()
        R.make_task(s)  # the task must accept the settings too (before anything is built)
        self._settings = s
        self._status = ""
        self._lock = threading.RLock()  # the runs
        self._init_sender()
        self._quiet = True  # settings traits set from Python: no restart
        self._kept: list[Entry] = []
        self._live: list[Entry] = []
        super().__init__(
            cell_type=s.cell, task=s.task, units=s.units, delay=s.delay, lr=s.lr,
            clip=s.clip, clip_norm=s.clip_norm, presenter=bool(presenter),
            choices=R.choices(),
        )  # fmt: skip
        self._quiet = False
        self.on_msg(self._on_message)
        self._views = CurrentViews(self)
        for other in list(_TRAINERS):  # a new Trainer (a re-run cell) ends the others' runs
            other.pause()
        _TRAINERS.add(self)
        self._rebuild(self._check_cells(cells if cells is not None else [s.cell]))

    # -- the model ---------------------------------------------------------------------
    @property
    def settings(self) -> R.Settings:
        """The current settings (a frozen dataclass)."""
        return self._settings

    @property
    def result(self) -> training.Run:
        """The current run (the first, when comparing): losses, metric, dh_norms, cell."""
        return self._live[0].run

    @property
    def cell(self):
        """The trained cell of the current run (its weights now, with the output layer)."""
        with self._lock:
            return self._live[0].run.cell

    def explore(self, **settings):
        """The Explorer on the trained cell as it is now, fed one batch of the task."""
        from rnnviz.widgets._explore import explore

        run = self.result
        x = run.task.batch(0)[0][:1]
        return explore(self.cell, x, **settings)

    @property
    def runs(self) -> dict[str, training.Run]:
        """Every run shown (kept ones first) by its label."""
        with self._lock:
            return {e.label: e.run for e in self._kept + self._live}

    # -- controls ----------------------------------------------------------------------
    def play(self) -> Trainer:
        """Train in the background until paused (or ``max_steps`` / an overflow)."""
        self.running = True
        return self

    def _start(self, play: bool) -> Trainer:
        return self.play() if play else self

    def pause(self) -> Trainer:
        """Stop training; returns once the background thread has ended."""
        self.running = False
        self._stop_thread()
        return self

    def wait(self, timeout: float | None = None) -> Trainer:
        """Block until training stops by itself (``max_steps`` or an overflow) or is paused
        from elsewhere; the view keeps updating meanwhile. ``timeout`` in seconds."""
        self._loop.wait(timeout)
        return self

    def step(self, n: int = 1) -> Trainer:
        """Pause, then train exactly ``n`` steps (every current run) in this thread."""
        n = R._whole(n, "n (steps)", 1, 10**6)
        self.pause()
        stop = threading.Event()
        for _ in range(n):
            if not self._advance(stop):
                break
        self._publish(force=True)
        return self

    def reset(self) -> Trainer:
        """Pause and start the current run(s) again from step 0 (the same initial weights)."""
        self.pause()
        self._rebuild([e.cell for e in self._live])
        return self

    def keep(self) -> Trainer:
        """Freeze the current run(s) on the plots and start them again from step 0."""
        self.pause()
        with self._lock:
            for e in self._live:
                if e.run.steps == 0:
                    continue
                s = self._settings
                clip = f", clip {s.clip_norm:g}" if s.clip else ""
                n = len(self._kept) + 1
                label = f"{e.label}: {s.units} units, lr {s.lr:g}{clip} (kept {n})"
                kept = Entry(e.run, label, e.cell, kept=True)
                kept.encoded = kept.encode()
                self._kept.append(kept)
            self._kept = self._kept[-MAX_KEPT:]
        self._rebuild([e.cell for e in self._live])
        return self

    def clear_kept(self) -> Trainer:
        """Remove the kept runs from the plots."""
        with self._lock:
            self._kept = []
        self._publish(force=True)
        return self

    def compare(self, cells: list) -> Trainer:
        """Train these cells side by side (e.g. ``["rnn", "lstm", "gru"]``) from step 0,
        on the same task, seed and settings, each in its colour. Press Play to start."""
        cells = self._check_cells(cells)
        self.pause()
        self._quiet = True
        try:
            self.cell_type = cells[0]
        finally:
            self._quiet = False
        self._settings = replace(self._settings, cell=cells[0])
        self._rebuild(cells)
        return self

    def close(self) -> None:
        """End the training thread, then close the widget."""
        self._stop_thread()
        views = getattr(self, "_views", None)  # None: the constructor refused its arguments
        if views is not None:
            views.close()
        _TRAINERS.discard(self)
        super().close()

    def __del__(self) -> None:
        loop = getattr(self, "_loop", None)
        if loop is not None:
            loop.stop(join=False)
        super().__del__()  # ipywidgets' __del__ calls close()

    @traitlets.observe("running")
    def _running_changed(self, change: Any) -> None:
        if change["new"]:
            for other in list(_TRAINERS):
                if other is not self:
                    other.pause()
            self._start_thread()
        else:
            self._stop_thread()

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "plotly:request":
            self.send({"type": "plotly:source"}, buffers=[plotly_source()])
        actions = {"step": self.step, "reset": self.reset, "keep": self.keep,
                   "clear": self.clear_kept}  # fmt: skip
        if kind in actions:
            actions[kind]()
        if kind == "view":  # a choice in an embedded view (the heatmap's quantity or layer)
            index = content.get("index")
            if isinstance(index, int) and not isinstance(index, bool):
                self._views.set_option(index, str(content.get("view")),
                                       str(content.get("name")), content.get("value"))  # fmt: skip

    def __repr__(self) -> str:
        runs = ", ".join(f"{e.label}: {e.run.steps} steps" for e in self._live)
        return f"Trainer({self.task!r}, {runs}, running={self.running})"


def train(cell: str | list = "rnn", task: str = "adding", *, demo: str | None = None,
          units: int = 32,
          delay: int | None = None, lr: float = 3e-3, clip: bool = True,
          clip_norm: float = 1.0, optimizer: str = "adam", batch: int = 32, seed: int = 0,
          forget_bias: float = 1.0, max_steps: int = 3000, presenter: bool = False,
          play: bool = False) -> Trainer:  # fmt: skip
    """Open the Trainer: train a cell live on a sequence task and watch the gradients.

    Parameters
    ----------
    cell : {"rnn", "lstm", "gru"} or list of them
        A list trains those cells side by side (``["rnn", "lstm"]``: the same task, seed
        and settings, each in its colour).
    task : {"adding", "copy", "sine", "order"}
        See :mod:`rnnviz.sim.tasks`.
    demo : str, optional
        A measured teaching configuration of ``rnnviz.sim.training.DEMOS``, e.g.
        ``"long-memory"`` (the adding problem over 100 steps: the LSTM learns it, the RNN
        stays at predicting the mean). It sets the cells, task, units, optimizer,
        clipping and ``max_steps``; ``seed``, ``presenter`` and ``play`` still apply.
    units : int
        Hidden units p (1 to 256).
    delay : int, optional
        How far back the dependency lies: copy — steps between the symbol and the cue
        (default 10); adding and sine — the sequence length T (default 50); order — ignored.
    lr : float
        Learning rate (default 3e-3).
    clip, clip_norm : bool, float
        Clip ‖∂L/∂θ‖ to ``clip_norm`` (torch's clip_grad_norm_) before each update.
    optimizer : {"adam", "sgd"}
    batch, seed : int
        Sequences per batch; the seed of the weights, the output layer and every batch.
    forget_bias : float
        The LSTM's initial forget-gate bias (1: it starts out remembering).
    max_steps : int
        Training pauses by itself after this many steps.
    presenter : bool
        Large fonts and thick lines for a projector.
    play : bool
        Start training at once.

    Returns
    -------
    Trainer
        ``trainer.cell`` is the trained cell, ``trainer.result`` the run with every step
        recorded.
    """
    if demo is not None:
        settings, cells = R.demo_settings(demo, seed)
        return Trainer(settings, cells=cells, presenter=presenter)._start(play)
    cells = list(cell) if isinstance(cell, (list, tuple)) else [cell]
    if not cells or not all(isinstance(c, str) for c in cells):
        names = ", ".join(map(repr, R.CELL_LABELS))  # every cell type: 'rnn', 'lstm', 'gru'
        raise TypeError(f"cell must be one of {names} or a list of them; got {cell!r}")
    if delay is None:
        delay = 10 if task == "copy" else 50
    settings = R.Settings(cell=cells[0], task=task, units=units, delay=delay, lr=lr, clip=clip,
                          clip_norm=clip_norm, optimizer=optimizer, batch=batch, seed=seed,
                          forget_bias=forget_bias, max_steps=max_steps)  # fmt: skip
    return Trainer(settings, cells=cells, presenter=presenter)._start(play)
