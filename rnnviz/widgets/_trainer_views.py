"""The Trainer's views of the *current* weights: the hidden-state heatmap and the gradient flow.

While a run trains, the training thread itself (between two training steps, when due)
takes the newest weights of every current run, builds a
:class:`~rnnviz.frame.Frame` from them the way the Explorer does for a user's
model (``UserModel.of(run.cell, x)`` on sample 0 of the task's first batch — the same
sequence at every step, so the pictures change only because the weights do) and draws it
with the Explorer's own views, :class:`~rnnviz.widgets.heatmap.StateHeatmap` (h_t) and
:class:`~rnnviz.widgets.gradients.GradientFlow` (‖∂h_T/∂h_t‖₂, and for the Elman cell the
Pascanu bound; not the product bound, see :func:`_curve`). Their states go to the
Trainer's front end, which renders them with the views' own JS modules.

The ‖∂L/∂h_t‖ curve of the gradient view is the *task's* loss (MSE or cross-entropy on that
sample, as training computes it), not the Explorer's ½‖y_T‖²: it is taken from one
training step of a throwaway :class:`rnnviz.sim.training.Run` on that single sample
(recorded before its update; the run is discarded).

Cost is bounded: one sample is analysed; latest wins (an analysis always takes the newest
weights, nothing queues); after an analysis that took d seconds the next one is due
``max(VIEWS_SECONDS, d / VIEWS_SHARE)`` seconds after it started, so the views take at
most ``VIEWS_SHARE`` of the training thread's time. (Analysing in a thread of its own was
measured slower: two Python-heavy threads fight over the GIL and training lost a third of
its steps, see ``benchmarks/bench_trainer.py``.) When nothing trains — a Step, a Reset,
the end of training — a worker thread draws the newest weights once.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import replace
from typing import Any

import numpy as np

from rnnviz.frame import Analysis, build_forward, compose  # the one import of frames
from rnnviz.sim import tasks, training
from rnnviz.widgets._user_model import UserModel, starting_settings
from rnnviz.widgets.gradients import GradientFlow
from rnnviz.widgets.heatmap import StateHeatmap

__all__ = ["VIEWS", "VIEWS_SECONDS", "VIEWS_SHARE", "CurrentViews", "current_frame"]

#: Shortest time between the starts of two analyses while training (seconds).
VIEWS_SECONDS = 0.5
#: Largest share of the training thread's time the analyses may take.
VIEWS_SHARE = 0.1
#: The views drawn per run: name → class (their JS modules have the same names).
VIEWS = {"heatmap": StateHeatmap, "gradients": GradientFlow}
#: Widget traits that are no part of what a view draws.
_SKIP = {"layout", "tabbable", "tooltip"}


def _curve(forward: Any) -> Analysis:
    """The part of the Explorer's analysis the gradient view draws here: the exact
    ‖∂h_T/∂h_t‖₂ curve, the theory and (Elman cell) the Pascanu bound. Not the product of
    per-step norms (its exact norms take ~0.4 s for an LSTM at T = 100, three times the
    rest) nor the spectrum (no eigenvalue view here)."""
    top = forward.result.top
    jac = np.asarray(top.jacobian_norms(wrt="state")[0], dtype=np.float64)
    theory = top.theory
    bound = None if theory.bound is None else np.asarray(theory.bound, dtype=np.float64)
    return Analysis(jacobian_norms=jac, bound=bound, theory=theory, overlays={},
                    overflowed=bool(np.isinf(jac).any()))  # fmt: skip


def current_frame(cell: Any, task: tasks.Task):
    """The frame of ``cell`` (current weights, with its output layer) on sample 0 of the
    task's batch 0, its ‖∂L/∂h_t‖ taken for the task's own loss on that sample."""
    x, target = task.batch(0)
    model = UserModel.of(cell, x[:1])
    fixed = {k: v for k, v in model.fixed().items() if v is not None}
    forward = build_forward({**starting_settings(model), **fixed}, model)  # as trained
    frame = compose(forward, _curve(forward))
    x0, target0 = x[:1].copy(), target[:1].copy()
    one = tasks.Task(task.name, task.kind, task.features, task.outputs, task.timesteps,
                     task.every_step, 1, task.seed, lambda _step: (x0, target0),
                     baseline=task.baseline)  # fmt: skip
    probe = training.Run(cell, one, optimizer="sgd", lr=1e-12)  # dropped after its step
    probe.train(1)
    dh = probe.dh_norms[0].copy()
    fields = {"dh_norms": dh}
    per_layer = getattr(frame, "layer_dh_norms", None)
    if per_layer:  # frames that carry ‖∂L/∂h_t‖ per layer: the top (here: only) one's
        fields["layer_dh_norms"] = [*per_layer[:-1], dh]
    return replace(frame, **fields)


def view_state(view: Any) -> dict:
    """The synced traits a view draws from (its front-end state), arrays as buffers.

    ``_drawn_traits`` goes too: the view's JS listens to exactly the traits it lists."""
    keys = [k for k in view.keys if (k == "_drawn_traits" or not k.startswith("_"))]
    keys = [k for k in keys if k not in _SKIP]
    return view.get_state(key=keys)


class _Panel:
    """The hidden views of one run (never displayed; their state is sent by the Trainer)."""

    def __init__(self, frame: Any, presenter: bool) -> None:
        self.views = {}
        for name, cls in VIEWS.items():
            view = cls(frame=frame, presenter=presenter)
            view.close()  # no front-end model of its own: the Trainer sends its state
            self.views[name] = view

    def show(self, frame: Any, presenter: bool) -> None:
        for view in self.views.values():
            view.presenter = presenter
            view.show(frame)

    def states(self) -> dict:
        return {name: view_state(view) for name, view in self.views.items()}


class CurrentViews:
    """Latest-wins analysis of the current weights for one Trainer (see the module docstring).

    The owner provides ``_lock`` (held while its runs train), ``_live`` (entries with
    ``run``, ``label`` and ``cell``), ``presenter`` and ``_deliver_views(generation, views)``
    (sends them unless the runs were rebuilt since ``generation``).
    """

    def __init__(self, owner: Any) -> None:
        self._owner = weakref.ref(owner)
        self._panels: dict[str, _Panel] = {}
        self._wake = threading.Event()
        self._closed = False
        self._busy = threading.Lock()  # one analysis at a time
        self._shown: tuple[int, dict] = (0, {})  # generation, label -> step of the weights drawn
        self.generation = 0  # increases when the runs are replaced
        self.analyses = 0  # analyses done (for tests and benchmarks)
        self.seconds = 0.0  # time they took
        self._due = 0.0  # time.perf_counter() when the next analysis while training is due
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name=f"rnnviz-trainer-views-{id(owner):x}")  # fmt: skip
        self._thread.start()

    def poke(self) -> None:
        """Newer weights exist and nothing trains: the worker analyses them when free."""
        self._wake.set()

    def maybe_refresh(self) -> bool:
        """Called by the training thread between steps: analyse the newest weights if an
        analysis is due (and none is running); returns whether one was delivered."""
        now = time.perf_counter()
        if now < self._due or not self._busy.acquire(blocking=False):
            return False
        self._busy.release()
        try:
            return self.refresh()
        except Exception as exc:  # shown in the view; training goes on
            owner = self._owner()
            if owner is not None:
                owner._views_failed(exc)
            return False
        finally:
            took = time.perf_counter() - now
            self._due = now + max(VIEWS_SECONDS, took / VIEWS_SHARE)

    def rebuilt(self) -> None:
        """The runs were replaced (the owner calls this holding its send lock, so that no
        analysis of the old runs is delivered afterwards): analyse the new ones."""
        self.generation += 1
        self.poke()

    def close(self) -> None:
        self._closed = True
        self._wake.set()

    def refresh(self) -> bool:
        """Analyse the newest weights now, in this thread; False when nothing changed."""
        with self._busy:
            owner = self._owner()
            if owner is None or self._closed:
                return False
            with owner._lock:
                generation = self.generation
                todo = [(e.label, e.run.steps, e.run.cell, e.run.task) for e in owner._live]
            presenter = bool(owner.presenter)
            del owner
            shown_gen, shown = self._shown
            if shown_gen == generation and all(shown.get(k) == n for k, n, _, _ in todo):
                return False  # the newest weights are drawn already
            started = time.perf_counter()
            out = []
            for label, step, cell, task in todo:
                frame = current_frame(cell, task)
                panel = self._panels.get(label)
                if panel is None:
                    panel = self._panels[label] = _Panel(frame, presenter)
                else:
                    panel.show(frame, presenter)
                out.append({"label": label, "step": step, **panel.states()})
            self._panels = {k: v for k, v in self._panels.items() if k in {t[0] for t in todo}}
            self.seconds += time.perf_counter() - started
            self.analyses += 1
            owner = self._owner()
            if owner is None or not owner._deliver_views(generation, out):
                return False
            self._shown = (generation, {label: step for label, step, _, _ in todo})
            return True

    def set_option(self, index: int, view: str, name: str, value: Any) -> None:
        """A choice made in an embedded view (the heatmap's quantity or layer): applied to
        that run's hidden view (validated there) and sent at once."""
        owner = self._owner()
        with self._busy:
            labels = [e.label for e in owner._live] if owner is not None else []
            if not (0 <= index < len(labels)) or labels[index] not in self._panels:
                return
            target = self._panels[labels[index]].views.get(view)
            if target is None or name not in getattr(target, "VIEW_OPTIONS", ()):
                return
            setattr(target, name, value)  # raises a clear error for a bad value
            self._shown = (-1, {})
        self.poke()

    def _loop(self) -> None:
        while True:
            if not self._wake.wait(5.0):
                if self._owner() is None:
                    return  # the Trainer was deleted without close()
                continue
            self._wake.clear()
            if self._closed:
                return
            try:
                self.refresh()
            except Exception as exc:  # shown in the view; the next poke tries again
                owner = self._owner()
                if owner is not None:
                    owner._views_failed(exc)
