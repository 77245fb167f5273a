"""FrameScheduler with fake builds: threads interleaved deterministically with events.

The fake "frame" of settings ``{"n": k}`` is the string ``"full k"`` (or ``"partial k"``);
``analyse`` can be held at a gate so that an older build is still running when newer
settings arrive — the race ipykernel 7 produces when two comm messages are handled on two
threads.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from rnnviz.widgets import _scheduler
from rnnviz.widgets._scheduler import FrameScheduler

WAIT = 30  # seconds: only a bound on waiting for events; nothing is timed


class Fake:
    """Settings, build functions and a record of what was shown, in order."""

    def __init__(self) -> None:
        self.n = 0
        self.shown: list[str] = []
        self.chunks: list[tuple[int, int]] = []  # (n, chunk) analysed
        self.gates: dict[int, threading.Event] = {}  # n -> released
        self.entered: dict[int, threading.Event] = {}  # n -> analysis started
        self.sched = FrameScheduler(
            read_settings=lambda: {"n": self.n},
            build_forward=self.forward,
            analyse=self.analyse,
            compose=lambda f, a: f"partial {f}" if a is None else f"full {f}",
            show_partial=self.shown.append,
            show_full=self.shown.append,
            show_error=lambda e: self.shown.append(f"error {e}"),
        )

    def hold(self, n: int) -> None:
        self.gates[n] = threading.Event()
        self.entered[n] = threading.Event()

    def forward(self, settings: dict) -> int:
        if settings["n"] < 0:
            raise ValueError(f"n must be ≥ 0; got {settings['n']}")
        if settings["n"] == 99:
            raise RuntimeError("a bug")
        return settings["n"]

    def analyse(self, n: int, check) -> str:
        for chunk in range(3):
            check()
            if chunk == 0 and n in self.gates:
                self.entered[n].set()
                assert self.gates[n].wait(WAIT)
            self.chunks.append((n, chunk))
        return "analysis"

    def set(self, n: int) -> int:
        self.n = n
        return self.sched.request()


def run_loop_in_thread() -> tuple[asyncio.AbstractEventLoop, threading.Thread]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    return loop, thread


def in_loop(loop, fn):
    """Run ``fn()`` on ``loop``'s thread (as a comm handler would) and return its result."""

    async def call():
        return fn()

    return asyncio.run_coroutine_threadsafe(call(), loop).result(WAIT)


def stop(loop, thread) -> None:
    loop.call_soon_threadsafe(loop.stop)
    thread.join(WAIT)
    loop.close()


def test_outside_an_event_loop_each_request_is_built_and_shown_at_once():
    f = Fake()
    f.set(3)
    assert f.shown == ["full 3"]  # complete, synchronous: no partial step
    f.set(4)
    assert f.shown == ["full 3", "full 4"]
    assert f.sched.settled
    assert f.sched._worker is None  # no thread was needed


def test_an_older_slow_build_never_replaces_a_newer_one_from_another_thread():
    f = Fake()
    f.hold(256)
    loop_a, thread_a = run_loop_in_thread()  # the thread of the first comm message
    loop_b, thread_b = run_loop_in_thread()  # another thread handling the next one
    try:
        in_loop(loop_a, lambda: f.set(256))
        assert f.entered[256].wait(WAIT)  # the slow analysis of 256 is running
        in_loop(loop_b, lambda: f.set(1))  # newer settings arrive meanwhile
        f.gates[256].set()  # the old analysis comes back (late)
        assert f.sched.wait_settled(WAIT)
        in_loop(loop_a, lambda: None)  # every callback queued on the owner loop has run
    finally:
        stop(loop_a, thread_a)
        stop(loop_b, thread_b)
    assert f.shown[-1] == "full 1"
    assert "full 256" not in f.shown  # the cancelled analysis was never shown
    # abandoned between its chunks: nothing of 256 after the first chunk's check
    assert [c for c in f.chunks if c[0] == 256] == [(256, 0)]
    assert f.sched.abandoned == 1
    assert (1, 2) in f.chunks


def test_partial_first_then_full_and_only_of_the_newest_generation():
    f = Fake()
    f.hold(5)
    loop, thread = run_loop_in_thread()
    try:
        in_loop(loop, lambda: f.set(5))
        assert f.entered[5].wait(WAIT)
        in_loop(loop, lambda: None)  # the partial frame has been handed to the loop
        assert f.shown == ["partial 5"]
        assert not f.sched.settled
        f.gates[5].set()
        assert f.sched.wait_settled(WAIT)
    finally:
        stop(loop, thread)
    assert f.shown == ["partial 5", "full 5"]


def test_a_burst_ends_with_the_last_value_drawn():
    f = Fake()
    loop, thread = run_loop_in_thread()
    try:
        for n in range(1, 101):
            in_loop(loop, lambda n=n: f.set(n))
        assert f.sched.wait_settled(WAIT)
    finally:
        stop(loop, thread)
    assert f.shown[-1] == "full 100"
    fulls = [int(s.split()[1]) for s in f.shown if s.startswith("full")]
    assert fulls == sorted(fulls)  # never back to an older value


def test_latest_on_the_owner_thread_shows_the_frame_itself():
    """``ex.frame`` in a notebook cell blocks the loop that would show it: it shows it."""
    f = Fake()
    f.hold(7)

    async def cell():
        f.set(7)
        assert f.entered[7].wait(WAIT)
        f.gates[7].set()
        done, frame = f.sched.latest(WAIT)  # no await: the loop never runs meanwhile
        assert done
        assert frame == "full 7"
        assert f.shown[-1] == "full 7"
        assert f.sched.settled

    asyncio.run(cell())


def test_bad_settings_are_shown_as_an_error_and_bugs_are_raised():
    f = Fake()
    f.set(-1)
    assert f.shown == ["error n must be ≥ 0; got -1"]
    assert f.sched.settled
    with pytest.raises(RuntimeError, match="a bug"):
        f.set(99)
    f.set(2)
    assert f.shown[-1] == "full 2"


def test_the_worker_thread_restarts_after_an_unexpected_error():
    f = Fake()
    loop, thread = run_loop_in_thread()
    try:
        in_loop(loop, lambda: f.set(99))  # a bug in the build: reported, the worker lives on
        assert f.sched.latest(WAIT)[0]
        in_loop(loop, lambda: f.set(3))
        assert f.sched.wait_settled(WAIT)
    finally:
        stop(loop, thread)
    assert f.shown[-1] == "full 3"


@pytest.mark.parametrize("on_loops", [True, False], ids=["in-loops", "plain-threads"])
def test_many_threads_requesting_at_once_end_with_the_final_settings(on_loops):
    """Four threads request at once: each in its own event loop (as kernel subshells; frames
    built by the worker) or plain threads without a loop (each builds synchronously)."""
    shown: list[tuple[int, int]] = []
    snapshots = iter(range(1, 10**6))
    state = {"n": 0}
    sched = FrameScheduler(
        read_settings=lambda: {"n": state["n"], "seq": next(snapshots)},  # seq follows gen
        build_forward=lambda s: s,
        analyse=lambda f, check: [check() for _ in range(3)],
        compose=lambda f, a: (f["seq"], f["n"], a is not None),
        show_partial=lambda fr: shown.append(fr),
        show_full=lambda fr: shown.append(fr),
        show_error=lambda e: pytest.fail(str(e)),
    )
    loops = [run_loop_in_thread() for _ in range(4)]
    try:

        def burst(k: int) -> None:
            for i in range(50):
                state["n"] = 1000 * k + i
                sched.request()

        async def on_loop(k: int) -> None:
            burst(k)  # in the loop's own thread

        async def in_thread(k: int) -> None:
            await asyncio.to_thread(burst, k)  # a thread without a loop

        run = on_loop if on_loops else in_thread
        futures = [
            asyncio.run_coroutine_threadsafe(run(k), loop) for k, (loop, _) in enumerate(loops)
        ]
        for fut in futures:
            fut.result(WAIT)
        state["n"] = 7  # the very last change
        if on_loops:
            in_loop(loops[0][0], sched.request)
        else:
            sched.request()
        assert sched.wait_settled(WAIT)
        for loop, _ in loops:
            in_loop(loop, lambda: None)
    finally:
        for loop, thread in loops:
            stop(loop, thread)
    fulls = [seq for seq, _, full in shown if full]
    assert fulls == sorted(set(fulls))  # an older frame never follows a newer one
    seqs = [seq for seq, _, _ in shown]
    assert seqs == sorted(seqs)
    assert shown[-1][1:] == (7, True)


def test_frames_are_shown_while_the_owner_loop_is_busy():
    """A long cell blocks the kernel's main loop; a slider handled on a subshell's loop still
    gets its frame (shown on that loop)."""
    f = Fake()
    owner, owner_thread = run_loop_in_thread()
    sub, sub_thread = run_loop_in_thread()
    busy, done = threading.Event(), threading.Event()
    try:
        in_loop(owner, lambda: f.set(1))  # the owner loop: the first request's
        assert f.sched.wait_settled(WAIT)
        owner.call_soon_threadsafe(lambda: (busy.set(), done.wait(3 * WAIT)))  # a long cell
        assert busy.wait(WAIT)
        in_loop(sub, lambda: f.set(2))
        assert f.sched.wait_settled(WAIT)  # shown without the owner loop
        assert f.shown[-1] == "full 2"
    finally:
        done.set()
        stop(owner, owner_thread)
        stop(sub, sub_thread)
    assert f.shown.count("full 2") == 1  # the owner loop found nothing left to show


def test_after_a_quick_analysis_the_frame_goes_out_whole(monkeypatch):
    """Small frames: no partial step (one message per view) once analyses are known quick."""
    monkeypatch.setattr(_scheduler, "PARTIAL_GRACE", WAIT)  # "quick" = under WAIT seconds
    f = Fake()
    f.hold(1)
    loop, thread = run_loop_in_thread()
    try:
        in_loop(loop, lambda: f.set(1))  # the first analysis has no known duration: partial
        assert f.entered[1].wait(WAIT)
        in_loop(loop, lambda: None)
        f.gates[1].set()
        assert f.sched.wait_settled(WAIT)
        f.sched._analysis_s = 0.0  # as measured on a fast machine (the gate made it slow)
        in_loop(loop, lambda: f.set(2))
        assert f.sched.wait_settled(WAIT)
    finally:
        stop(loop, thread)
    assert f.shown == ["partial 1", "full 1", "full 2"]
