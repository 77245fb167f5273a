"""The Trainer's background thread: started on Play, ended by Pause, close() or deletion.

The thread holds its Trainer only through a weak reference, so that deleting the Trainer
ends it; it checks a :class:`threading.Event` between training steps, so that stopping
takes at most one step. While it trains, OpenBLAS uses one thread (``_trainer_blas``).
The owner provides ``_advance(stop) -> bool`` (one step of every
run; False when nothing can train any more) and ``_publish(force=False)`` (send the newest
state to the view, throttled unless forced) and ``_failed(exc)`` (training raised).
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from rnnviz.widgets._trainer_blas import one_blas_thread

__all__ = ["TrainingThread"]


def _worker(ref: weakref.ref, stop: threading.Event) -> None:
    """Train until stopped (with one BLAS thread, see ``_trainer_blas``); the final state
    is always sent."""
    with one_blas_thread():
        _train(ref, stop)
    owner = ref()
    if owner is not None:
        owner._publish(force=True)


def _train(ref: weakref.ref, stop: threading.Event) -> None:
    while not stop.is_set():
        owner = ref()
        if owner is None:
            return
        try:
            more = owner._advance(stop)
        except Exception as exc:  # shown in the view; the thread ends instead of dying silently
            owner._failed(exc)
            more = False
        owner._publish()
        del owner  # between steps only the weak reference remains
        if not more:
            break


class TrainingThread:
    """At most one live training thread for one owner."""

    def __init__(self) -> None:
        self.stop_event = threading.Event()
        self.thread: threading.Thread | None = None

    @property
    def alive(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self, owner: Any) -> None:
        """Start training ``owner`` in the background (nothing if it already trains)."""
        if self.alive:
            return
        self.stop_event = threading.Event()
        self.thread = threading.Thread(
            target=_worker, args=(weakref.ref(owner), self.stop_event), daemon=True,
            name=f"rnnviz-trainer-{id(owner):x}",
        )  # fmt: skip
        self.thread.start()

    def in_thread(self) -> bool:
        """True when called from the training thread."""
        return self.thread is not None and self.thread is threading.current_thread()

    def stop(self, join: bool = True) -> None:
        """Ask the thread to end after its current step; wait for it unless called from it."""
        self.stop_event.set()
        if join:
            self.wait()

    def wait(self, timeout: float | None = None) -> None:
        """Wait until the thread has ended (returns at once when called from the thread)."""
        t = self.thread
        if t is not None and t is not threading.current_thread():
            t.join(timeout)
