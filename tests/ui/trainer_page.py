"""The Trainer in a browser page, whatever the host: find it, press its buttons, wait on it.

Every wait reads the view's ``data-*`` attributes through Playwright locators (they pierce
marimo's shadow roots, where ``document.querySelector`` does not) and polls, with generous
timeouts for a loaded machine; nothing is timed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

ROOT = '[data-testid="rnnviz-trainer"]'
WAIT = 240_000  # ms

#: The Trainer every host runs (a notebook cell, or a marimo cell): small runs (16 units,
#: T = 30, batch 16), so that training moves on a loaded machine.
CODE = (
    "import rnnviz\n"
    "tr = rnnviz.train(['rnn', 'lstm'], 'adding', units=16, delay=30, batch=16, seed=0,\n"
    "                  lr=1e-2, max_steps=100000)\n"
    "tr"
)
NOTEBOOK = "trainer.ipynb"
CELLS = [CODE]


def root(page: Any) -> Any:
    return page.locator(ROOT).last


def attr(page: Any, name: str) -> str | None:
    return root(page).get_attribute(f"data-{name}")


def number(page: Any, name: str) -> float:
    raw = attr(page, name)
    return float("nan") if raw is None else float(raw)


def click(page: Any, name: str) -> None:
    root(page).locator(f'[data-testid="rnnviz-trainer-{name}"]').click()


def wait_until(
    page: Any, name: str, ok: Callable[[str | None], bool], timeout: float = WAIT
) -> str:
    """Poll ``data-<name>`` until ``ok(value)``; returns that value."""
    deadline = time.monotonic() + timeout / 1e3
    while True:
        value = attr(page, name)
        if ok(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"data-{name} never satisfied the condition (last: {value!r})")
        page.wait_for_timeout(250)


def wait_number(page: Any, name: str, ok: Callable[[float], bool], timeout: float = WAIT) -> float:
    return float(wait_until(page, name, lambda v: v is not None and ok(float(v)), timeout))


def settled(page: Any, name: str, quiet_ms: float = 3000, timeout: float = WAIT) -> str:
    """Wait until ``data-<name>`` has not changed for ``quiet_ms``; returns its value. Fails
    (timeout) if it keeps changing — e.g. the step count of a Trainer that did not stop."""
    deadline = time.monotonic() + timeout / 1e3
    value, since = attr(page, name), time.monotonic()
    while time.monotonic() - since < quiet_ms / 1e3:
        if time.monotonic() > deadline:
            raise AssertionError(f"data-{name} kept changing (last: {value!r})")
        page.wait_for_timeout(250)
        now = attr(page, name)
        if now != value:
            value, since = now, time.monotonic()
    return value


def play_grow_pause_step(page: Any) -> int:
    """Play: the curves grow and the views of the current weights appear; Pause: the step
    count stops; Step: exactly one more. Returns the final step count."""
    page.locator(f"{ROOT}[data-drawn]").last.wait_for(timeout=WAIT)
    assert attr(page, "points") == "0"
    assert attr(page, "cells") == "rnn,lstm"
    click(page, "play")
    wait_until(page, "running", lambda v: v == "true")
    wait_number(page, "points", lambda v: v >= 3)
    before = number(page, "points")
    wait_number(page, "points", lambda v: v > before)  # the loss curve keeps growing
    wait_number(page, "map-panels", lambda v: v == 2)  # the gradient-signal map, per run
    # The heatmap and gradient flow of the current weights, one pair per run, drawn.
    views = root(page).locator('[data-testid="rnnviz-trainer-views"]')
    views.nth(1).wait_for(state="attached", timeout=WAIT)
    # Below the fold a part that missed a state stays hidden (never stale) until it comes
    # into view; scroll to it as a learner would, then it is drawn with the newest state.
    views.nth(1).evaluate("(el) => el.scrollIntoView({block: 'center'})")
    views.nth(1).wait_for(timeout=WAIT)
    for testid in ("rnnviz-heatmap", "rnnviz-gradients"):
        drawn = root(page).locator(f'[data-testid="{testid}"][data-drawn]')
        drawn.nth(1).wait_for(timeout=WAIT)
    click(page, "pause")
    wait_until(page, "running", lambda v: v == "false")
    steps = int(settled(page, "step"))  # paused: the count stops
    click(page, "step")
    wait_number(page, "step", lambda v: v == steps + 1)
    assert int(settled(page, "step")) == steps + 1  # exactly one step
    return steps + 1
