"""One owner of the Explorer's frame builds: the latest settings always win.

Every change of a setting calls ``request()`` — from whatever thread handled it (ipykernel 7
may handle two comm messages on two threads). ``request`` takes a snapshot of the settings
and a new *generation* number under one lock. Then:

* In an event loop (the kernel), one worker thread builds the frame of the newest
  generation in two parts: the cheap forward pass (graph and heatmap), then the analysis
  (the exact Jacobian curve; NumPy releases the GIL in BLAS). Between the parts, and
  between the chunks of the analysis, it checks the generation and abandons the work as
  soon as a newer one exists (``Superseded``). Each finished part is handed to the owner
  loop (the kernel's main event loop) with ``call_soon_threadsafe`` — and to the loop of the
  thread the newest change came from, when that is another one (a kernel subshell's),
  ``FALLBACK_DELAY`` later, so the views follow the slider even while a long cell keeps
  the main loop busy. There ``deliver`` shows it — only if it still belongs to the newest
  generation, checked under the lock that serialises every show. Widget traits (comm
  sends) therefore change on an event loop's thread, one show at a time; an older frame
  can never replace a newer one, and the newest one is always shown once it is built.
  (When the last analysis was quick, the forward pass is shown only if the complete frame
  is not ready ``PARTIAL_GRACE`` after it: small frames go out in one message per view.)
* Outside an event loop (plain Python, tests) ``request`` builds and shows the whole frame
  at once, in the caller's thread.

Bursts are coalesced: a build that would start less than ``delay`` seconds after the end of
the previous one waits until then (an isolated change starts at once), and everything
requested meanwhile is folded into it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["FrameScheduler", "Superseded"]

#: Seconds a worker with nothing to do waits before its thread ends (started again on demand).
IDLE_EXIT = 5.0
#: Seconds the worker waits for the owner loop to show a partial frame before it starts a
#: slow analysis (so that the two do not compete for the GIL); it goes on anyway after that.
#: After a quick analysis (shorter than this) the partial frame is shown only if the
#: complete one is not ready this long after it.
PARTIAL_GRACE = 0.05
#: Seconds after which the loop of the thread a change came from shows its frame when the
#: owner loop (the kernel's main one) has not (it is busy, e.g. running a long cell).
FALLBACK_DELAY = 0.05


class Superseded(Exception):
    """Raised inside a build when newer settings have been requested: the work is dropped."""


class FrameScheduler:
    """Latest-wins, two-part frame builds with one worker thread and one owner loop.

    Parameters
    ----------
    read_settings : () -> dict
        Snapshot of the current settings (called under the scheduler's lock).
    build_forward : settings -> forward
        The cheap part (raises TypeError / ValueError for settings that cannot be shown).
    analyse : (forward, check) -> analysis
        The expensive part; calls ``check()`` between its chunks.
    compose : (forward, analysis or None) -> frame
        The frame shown (partial without an analysis).
    show_partial, show_full : frame -> None
        Show a partial / a complete frame (called on the owner loop, or in the caller's
        thread outside an event loop; never two at once).
    show_error : exception -> None
        Show a TypeError / ValueError of the newest settings.
    delay : float
        Minimum seconds from the end of one build to the start of the next in a burst.
    """

    def __init__(
        self,
        read_settings: Callable[[], dict],
        build_forward: Callable[[dict], Any],
        analyse: Callable[[Any, Callable[[], None]], Any],
        compose: Callable[[Any, Any], Any],
        show_partial: Callable[[Any], None],
        show_full: Callable[[Any], None],
        show_error: Callable[[BaseException], None],
        delay: float = 0.0,
    ) -> None:
        self._read_settings = read_settings
        self._build_forward = build_forward
        self._analyse = analyse
        self._compose = compose
        self._show_partial = show_partial
        self._show_full = show_full
        self._show_error = show_error
        self.delay = delay
        self._cond = threading.Condition(threading.Lock())
        self._show_lock = threading.RLock()  # one show at a time, whatever the thread
        # guarded by _cond:
        self._gen = 0  # newest requested generation
        self._settings: dict | None = None  # its settings
        self._taken = 0  # newest generation the worker (or a synchronous build) took up
        self._partial: tuple[int, Any] = (-1, None)  # newest built partial frame
        self._full: tuple[int, Any] = (0, None)  # newest built complete frame (or error)
        self._shown_partial = 0
        self._shown_full = 0  # generation whose complete frame (or error) is shown
        self._urgent = 0  # callers waiting for the newest frame: no burst delay then
        self._last_end = float("-inf")
        self._analysis_s = float("inf")  # duration of the last analysis (unknown: slow)
        self._worker: threading.Thread | None = None
        self._owner: asyncio.AbstractEventLoop | None = None
        self._owner_thread: threading.Thread | None = None
        self._requester: asyncio.AbstractEventLoop | None = None  # loop of the newest request
        self.builds = 0  # complete frames built (abandoned ones are not counted)
        self.abandoned = 0  # builds dropped because newer settings arrived
        self._adopt_loop()

    # -- requests -------------------------------------------------------------------------
    @property
    def generation(self) -> int:
        """The newest requested generation (0: the frame given at construction)."""
        return self._gen

    def request(self) -> int:
        """Newer settings: snapshot them, bump the generation, build (now or in the worker)."""
        loop = self._adopt_loop()
        try:
            here = asyncio.get_running_loop()
        except RuntimeError:
            here = None
        with self._cond:
            self._gen += 1
            gen = self._gen
            self._settings = self._read_settings()
            self._requester = here if here is not loop else None
            if loop is not None:
                self._ensure_worker()
                self._cond.notify_all()
                return gen
            self._taken = gen
            settings = self._settings
        self._build_now(gen, settings)
        self.deliver()
        return gen

    def _adopt_loop(self) -> asyncio.AbstractEventLoop | None:
        """The loop that shows frames: kept while it runs; else this thread's running loop."""
        try:
            here = asyncio.get_running_loop()
        except RuntimeError:
            here = None
        with self._cond:
            owner = self._owner
            if owner is not None and owner.is_running() and not owner.is_closed():
                return owner
            self._owner = here
            self._owner_thread = threading.current_thread() if here is not None else None
            return here

    def _on_owner_thread(self) -> bool:
        owner = self._owner
        return (
            owner is None
            or not owner.is_running()
            or owner.is_closed()
            or self._owner_thread is threading.current_thread()
        )

    # -- building -------------------------------------------------------------------------
    def _stale(self, gen: int) -> bool:
        return self._gen != gen

    def _check(self, gen: int) -> Callable[[], None]:
        def check() -> None:
            if self._gen != gen:
                raise Superseded(f"generation {gen} superseded by {self._gen}")

        return check

    def _build_now(self, gen: int, settings: dict) -> None:
        """Build the whole frame of ``gen`` in this thread and store it (no worker)."""
        try:
            forward = self._build_forward(settings)
            frame = self._compose(forward, self._analyse(forward, lambda: None))
        except Exception as error:
            self._store_full(gen, error)
        else:
            self._store_full(gen, frame)

    def _store_full(self, gen: int, frame_or_error: Any) -> None:
        with self._cond:
            if gen > self._full[0]:
                self._full = (gen, frame_or_error)
                if not isinstance(frame_or_error, BaseException):
                    self.builds += 1
            self._last_end = time.monotonic()
            self._cond.notify_all()

    def _ensure_worker(self) -> None:
        """Start the worker thread if it is not running (call with ``_cond`` held)."""
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="rnnviz-frames", daemon=True)
            self._worker.start()

    def _next_job(self) -> tuple[int, dict] | None:
        """Wait for a generation to build; None when idle for ``IDLE_EXIT`` (thread ends)."""
        with self._cond:
            while True:
                if self._taken != self._gen:
                    wait = self._last_end + self.delay - time.monotonic()
                    if wait <= 0 or self._urgent:
                        self._taken = self._gen
                        return self._gen, self._settings
                    self._cond.wait(wait)  # a burst: fold what arrives until then
                    continue
                if not self._cond.wait(IDLE_EXIT) and self._taken == self._gen:
                    self._worker = None  # under the lock: a request now starts a new one
                    return None

    def _work(self) -> None:
        try:
            while (job := self._next_job()) is not None:
                try:
                    self._run_job(*job)
                except Superseded:  # the newer generation starts at once (no burst delay)
                    with self._cond:
                        self.abandoned += 1
        finally:  # also when something unexpected ends the thread: the next request restarts it
            with self._cond:
                if self._worker is threading.current_thread():
                    self._worker = None

    def _run_job(self, gen: int, settings: dict) -> None:
        check = self._check(gen)
        try:
            forward = self._build_forward(settings)
            check()
            partial = self._compose(forward, None)
        except Superseded:
            raise
        except Exception as error:
            self._store_full(gen, error)
            self._post()
            return
        with self._cond:
            check()
            self._partial = (gen, partial)
        if self._analysis_s < PARTIAL_GRACE:
            # the last analysis was quick: this one will most likely be sent together with
            # the forward pass (one message per view); the forward pass alone only if not
            self._post(PARTIAL_GRACE)
        else:
            self._post()
            with self._cond:  # let the loop send the forward pass before the analysis starts
                self._cond.wait_for(
                    lambda: self._shown_partial >= gen or self._gen != gen or self._urgent,
                    PARTIAL_GRACE,
                )
        started = time.monotonic()
        try:
            frame = self._compose(forward, self._analyse(forward, check))
        except Superseded:
            raise
        except Exception as error:
            frame = error
        check()
        self._analysis_s = time.monotonic() - started
        self._store_full(gen, frame)
        self._post()

    def _post(self, delay: float = 0.0) -> None:
        """Ask the owner loop to show what is ready (``delay`` seconds from now) — and the
        loop the newest request came from, if another one (a kernel subshell's): when the
        owner is busy (a long cell on the kernel's main thread), the views still follow the
        slider. Whichever loop runs ``deliver`` first shows the frame; the other finds
        nothing left to show."""
        owner, other = self._owner, self._requester
        with contextlib.suppress(RuntimeError):  # a loop closed meanwhile: shown on demand
            if owner is not None and not owner.is_closed():
                if delay > 0:
                    owner.call_soon_threadsafe(owner.call_later, delay, self.deliver)
                else:
                    owner.call_soon_threadsafe(self.deliver)
            if other is not None and other is not owner and not other.is_closed():
                # a fallback: normally the owner loop has shown it by then
                other.call_soon_threadsafe(other.call_later, delay + FALLBACK_DELAY, self.deliver)

    # -- showing --------------------------------------------------------------------------
    def deliver(self) -> None:
        """Show what is built for the newest generation and not shown yet; nothing older.

        A TypeError / ValueError of the settings goes to ``show_error``; any other exception
        of a build is raised here (once).
        """
        with self._show_lock:
            with self._cond:
                gen = self._gen
                full_gen, full = self._full
                part_gen, partial = self._partial
                if full_gen == gen and self._shown_full < gen:
                    kind, item = "full", full
                elif part_gen == gen and self._shown_partial < gen and self._shown_full < gen:
                    kind, item = "partial", partial
                else:
                    return
            try:
                if kind == "partial":
                    self._show_partial(item)
                elif isinstance(item, (TypeError, ValueError)):
                    self._show_error(item)
                elif isinstance(item, BaseException):
                    raise item
                else:
                    self._show_full(item)
            finally:
                with self._cond:  # max(): a nested deliver may have shown a newer one
                    self._shown_partial = max(self._shown_partial, gen)
                    if kind == "full":
                        self._shown_full = max(self._shown_full, gen)
                    self._cond.notify_all()

    def latest(self, timeout: float | None = None) -> tuple[bool, Any]:
        """Wait until the newest generation is built; returns (built in time, frame or error).

        On the owner loop's thread (or with no loop running) it is also shown, here and now:
        the loop cannot show it while this call blocks it.
        """
        with self._cond:
            self._urgent += 1
            self._cond.notify_all()
            try:
                done = self._cond.wait_for(lambda: self._full[0] == self._gen, timeout)
            finally:
                self._urgent -= 1
            item = self._full[1] if done else None
        if done and self._on_owner_thread():
            self.deliver()
        return done, item

    def wait_settled(self, timeout: float | None = None) -> bool:
        """Block until the newest generation is shown (True) or ``timeout`` seconds pass."""
        deadline = None if timeout is None else time.monotonic() + timeout

        def left() -> float | None:
            return None if deadline is None else max(0.0, deadline - time.monotonic())

        if self._on_owner_thread():
            while not self.settled:  # newer settings may arrive while this one is shown
                if not self.latest(left())[0]:
                    return False
            return True
        with self._cond:
            self._urgent += 1
            self._cond.notify_all()
            try:
                return self._cond.wait_for(lambda: self._shown_full == self._gen, left())
            finally:
                self._urgent -= 1

    @property
    def settled(self) -> bool:
        """True when the views show the complete frame of the newest settings."""
        with self._cond:
            return self._shown_full == self._gen
