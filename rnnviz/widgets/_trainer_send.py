"""Latest wins: the Trainer sends the view its newest state, throttled, never a stale one.

Training (in the background thread) and the buttons (in the kernel's main thread) both
publish. Each publication is a snapshot with a version number taken under the runs' lock;
it is delivered only if no newer snapshot was delivered meanwhile, so the view never
receives an older state after a newer one. While training, states go out at most every
``PUBLISH_SECONDS`` (forced ones — a step, a reset, the end of training — at once); what is
not sent is simply dropped, nothing queues. The gradient-signal maps of the current runs
(the bulk of a state: (T + 1) × 160 values per run, and the slowest plot to draw) go in a
trait of their own, ``live_maps``, at most every ``MAP_SECONDS`` while training.

The owner (an ipywidgets widget) provides ``_lock`` (guarding its runs), ``_live`` and
``_kept`` (:class:`rnnviz.widgets._trainer_runs.Entry` lists), ``_status``, and the traits
``live_runs``, ``live_maps``, ``kept_runs``, ``status``, ``step_count`` and ``revision``.
"""

from __future__ import annotations

import threading
import time

__all__ = ["MAP_SECONDS", "PUBLISH_SECONDS", "LatestWins"]

#: The view gets the newest state at most this often while training. 0.1 s, not 0.2 s: a
#: state can only go out after a training step, so with steps of 70 ms a 0.15 s interval
#: meant one state every 0.21 s (4.7 a second).
PUBLISH_SECONDS = 0.1
#: ... and the newest gradient-signal maps at most this often.
MAP_SECONDS = 0.6
_MAP_KEYS = ("map_x", "map")


class LatestWins:
    """Mixin: ``_publish()`` sends the newest state (see the module docstring)."""

    def _init_sender(self) -> None:
        self._send_lock = threading.Lock()  # the traits sent to the view
        self._version = 0  # of the last snapshot taken
        self._sent = 0  # of the last snapshot delivered
        self._last_publish = 0.0
        self._last_maps = float("-inf")

    def _snapshot(self) -> tuple[int, dict]:
        """The state to send now, with a version number that orders every snapshot."""
        with self._lock:
            self._version += 1
            live = [e.encode() for e in self._live]
            maps = [{"label": r["label"], **{k: r.pop(k) for k in _MAP_KEYS}} for r in live]
            kept = [e.encode() for e in self._kept]
            step = max((e.run.steps for e in self._live), default=0)
            state = {"live_runs": live, "live_maps": maps, "kept_runs": kept,
                     "step_count": step, "status": self._status}  # fmt: skip
            return self._version, state

    def _deliver(self, version: int, state: dict, force: bool = True) -> bool:
        """Send ``state`` unless a newer one has been sent already (latest wins); its maps
        only when ``force`` or ``MAP_SECONDS`` have passed since the last maps."""
        with self._send_lock:
            if version <= self._sent:
                return False
            self._sent = version
            now = time.monotonic()
            self._last_publish = now
            with self.hold_sync():
                if force or now - self._last_maps >= MAP_SECONDS:
                    self._last_maps = now
                    self.live_maps = state["live_maps"]
                if [id(k) for k in state["kept_runs"]] != [id(k) for k in self.kept_runs]:
                    self.kept_runs = state["kept_runs"]  # kept runs are encoded once
                self.status = state["status"]
                self.live_runs = state["live_runs"]
                self.step_count = state["step_count"]
                self.revision = version
            return True

    def _publish(self, force: bool = False) -> bool:
        """Send the newest state — while training, at most every ``PUBLISH_SECONDS``."""
        if not force and time.monotonic() - self._last_publish < PUBLISH_SECONDS:
            return False
        return self._deliver(*self._snapshot(), force)
