"""The Trainer's training loop (a mixin of ``Trainer``): runs rebuilt, one step of each,
the states and the views of the current weights sent.

``_advance`` is what the training thread (:mod:`rnnviz.widgets._trainer_thread`) calls
between its checks for a stop; it publishes the newest state after each run's step
(throttled, latest wins: :mod:`rnnviz.widgets._trainer_send`) and, when due, draws the
current weights (:mod:`rnnviz.widgets._trainer_views`).

The owner provides ``_settings``, ``_lock``, ``_live``, ``_status``, ``_send_lock``,
``_views``, ``_loop``, ``running``, the ``info`` and ``views`` traits and ``LatestWins``.
"""

from __future__ import annotations

import threading
from dataclasses import asdict

from rnnviz.widgets import _trainer_runs as R
from rnnviz.widgets._trainer_runs import Entry

__all__ = ["TrainingLoop"]


class TrainingLoop:
    """Build the runs, train them step by step, send what they show."""

    def _rebuild(self, cells: list[str]) -> None:
        """New runs of ``cells`` at step 0 from the current settings; sent at once."""
        s = self._settings
        task = R.make_task(s)
        with self._lock:
            self._live = [Entry(R.make_run(c, s, task), R.CELL_LABELS[c], c) for c in cells]
            self._status = ""
        info = {
            "task": task.name,
            "timesteps": task.timesteps,
            "outputs": task.outputs,
            "loss_name": task.loss_name,
            "metric_name": task.metric_name,
            "baseline": task.baseline,
            "map_decades": R.MAP_DECADES,
            **{k: v for k, v in asdict(s).items() if k in ("batch", "seed", "optimizer",
                                                             "max_steps", "forget_bias")},
        }  # fmt: skip
        with self._send_lock:
            self.info = info
            self.views = []
            self._views.rebuilt()
        self._publish(force=True)

    def _publish(self, force: bool = False) -> bool:
        """Send the newest state (throttled unless forced); the views of the current weights
        follow when their worker is free."""
        sent = super()._publish(force)
        if sent and not (self.running and self._loop.in_thread()):
            self._views.poke()  # while training, the training thread draws them when due
        return sent

    def _deliver_views(self, generation: int, views: list) -> bool:
        """Send the views of the current weights unless the runs were replaced meanwhile."""
        with self._send_lock:
            if generation != self._views.generation:
                return False
            self.views = views
            return True

    def _views_failed(self, exc: Exception) -> None:
        """Drawing the current weights raised in the views' worker: say so in the view."""
        with self._lock:
            self._status = f"drawing the current weights failed: {type(exc).__name__}: {exc}"
        super()._publish(force=True)

    def _advance(self, stop: threading.Event) -> bool:
        """One step of every current run that can still train; False when none can.

        The newest state may go out after each run's step (throttled), not only after the
        whole round: with several runs a round can take longer than ``PUBLISH_SECONDS``.
        """
        stepped = False
        for e in list(self._live):  # the runs change only while no thread trains
            if stop.is_set():
                return False
            with self._lock:
                r = e.run
                if r.overflowed or r.steps >= self._settings.max_steps:
                    continue
                r.train(1)
            stepped = True
            self._publish()
        if stepped and self.running:
            self._views.maybe_refresh()  # in this thread, when due (see _trainer_views)
        with self._lock:
            done = [e for e in self._live if e.run.overflowed]
            if done:
                names = ", ".join(f"{e.label} at step {e.run.steps}" for e in done)
                self._status = f"overflow ({names}): lower the learning rate or clip, then reset"
            if not stepped and not done:
                self._status = f"reached max_steps = {self._settings.max_steps}: reset to run again"
        if not stepped and self.running:
            self.running = False  # from the worker: _stop_thread only sets the event
        return stepped

    def _failed(self, exc: Exception) -> None:
        """Training raised in the background thread: say so in the view and stop."""
        with self._lock:
            self._status = f"training stopped: {type(exc).__name__}: {exc}"
        self.running = False

    def _start_thread(self) -> None:
        self._loop.start(self)

    def _stop_thread(self) -> None:
        self._loop.stop()
