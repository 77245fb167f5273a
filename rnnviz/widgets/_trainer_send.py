"""Latest wins: the Trainer sends the view its newest state, throttled, never a stale one.

Training (in the background thread) and the buttons (in the kernel's main thread) both
publish. Each publication is a snapshot with a version number taken under the runs' lock;
it is delivered only if no newer snapshot was delivered meanwhile, so the view never
receives an older state after a newer one. While training, states go out at most every
``PUBLISH_SECONDS`` (forced ones — a step, a reset, the end of training — at once); what is
not sent is simply dropped, nothing queues.

The owner (an ipywidgets widget) provides ``_lock`` (guarding its runs), ``_live`` and
``_kept`` (:class:`rnnviz.widgets._trainer_runs.Entry` lists), ``_status``, and the traits
``live_runs``, ``kept_runs``, ``status``, ``step_count`` and ``revision``.
"""

from __future__ import annotations

import threading
import time

__all__ = ["PUBLISH_SECONDS", "LatestWins"]

#: The view gets the newest state at most this often while training (≥ 5 redraws a second
#: whenever a training step takes less than 0.2 s).
PUBLISH_SECONDS = 0.15


class LatestWins:
    """Mixin: ``_publish()`` sends the newest state (see the module docstring)."""

    def _init_sender(self) -> None:
        self._send_lock = threading.Lock()  # the traits sent to the view
        self._version = 0  # of the last snapshot taken
        self._sent = 0  # of the last snapshot delivered
        self._last_publish = 0.0

    def _snapshot(self) -> tuple[int, dict]:
        """The state to send now, with a version number that orders every snapshot."""
        with self._lock:
            self._version += 1
            live = [e.encode() for e in self._live]
            kept = [e.encode() for e in self._kept]
            step = max((e.run.steps for e in self._live), default=0)
            state = {"live_runs": live, "kept_runs": kept, "step_count": step,
                     "status": self._status}  # fmt: skip
            return self._version, state

    def _deliver(self, version: int, state: dict) -> bool:
        """Send ``state`` unless a newer one has been sent already (latest wins)."""
        with self._send_lock:
            if version <= self._sent:
                return False
            self._sent = version
            self._last_publish = time.monotonic()
            with self.hold_sync():
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
        return self._deliver(*self._snapshot())
