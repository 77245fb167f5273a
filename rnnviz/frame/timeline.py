"""The run's timeline: what one position of the time scrubber means, for every view.

The forward pass runs through one segment of steps for most architectures (t = 1 … T, every
layer of the stack at each step) and through two for seq2seq: the encoder's T steps, then
the decoder's S (``decoder_steps``, 0: S = T). The scrubber's cursor is one step g along the
whole run, g = 1 … N with N = T, or T + S:

* forward, g = 1 … N: the step being computed; segment k (starting after ``start_k`` steps)
  is at its own step t = g − start_k, not started yet when t < 1, done when t > steps_k;
* backward, g = N … 0: the gradient ∂L/∂h_t reached so far; it runs back through the
  decoder (t = S … 0; t = 0 is the context: the decoder's h_0 is the encoder's h_T, g = T),
  then the encoder (t = T … 0); segment k is not reached yet when t > steps_k, done when t < 0.

The views read ``frame_info["timeline"]`` with the same rule (js/src/lib/timeline.js), so a
cursor value means the same step in the graph, the heatmap, the gradient plot and the page.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "cursor_label",
    "decoder_steps",
    "locate",
    "run_steps",
    "scrubber_max",
    "time_to_cursor",
    "timeline",
]


def decoder_steps(settings: dict[str, Any]) -> int:
    """S, the seq2seq decoder's steps: the setting ``decoder_steps``, 0 meaning the same as
    ``timesteps`` (the one place that says so; meaningless outside seq2seq)."""
    return int(settings["decoder_steps"] or settings["timesteps"])


def timeline(settings: dict[str, Any]) -> list[dict[str, Any]]:
    """Segments of the run in forward order, each ``{"name", "start", "steps", "layers"}``:
    name "" (one segment) or "encoder" / "decoder"; ``start`` the steps before it; ``layers``
    the indices into ``Frame.states`` it holds (seq2seq: encoder layers, then decoder)."""
    T, L = int(settings["timesteps"]), int(settings["layers"])
    if settings["architecture"] != "seq2seq":
        return [{"name": "", "start": 0, "steps": T, "layers": list(range(L))}]
    S = decoder_steps(settings)
    return [
        {"name": "encoder", "start": 0, "steps": T, "layers": list(range(L))},
        {"name": "decoder", "start": T, "steps": S, "layers": list(range(L, 2 * L))},
    ]


def run_steps(settings: dict[str, Any]) -> int:
    """N: the steps of the whole forward pass (T, or T + S for seq2seq)."""
    last = timeline(settings)[-1]
    return last["start"] + last["steps"]


def scrubber_max(settings: dict[str, Any]) -> int:
    """The scrubber's last position, 2N + 1 (0 off, 1 … N forward, N + 1 … 2N + 1 backward)."""
    return 2 * run_steps(settings) + 1


def time_to_cursor(time: int, settings: dict[str, Any]) -> tuple[int, str]:
    """The scrubber position as (g, phase): 0 → (-1, "forward") (off); 1 … N forward at
    g = time; N + 1 … 2N + 1 backward at g = N … 0."""
    n = run_steps(settings)
    if time <= 0:
        return -1, "forward"
    if time <= n:
        return time, "forward"
    return max(2 * n + 1 - time, 0), "backward"


def locate(segments: list[dict[str, Any]], g: int, phase: str) -> tuple[str, int]:
    """(segment name, its own step t) where the cursor g is: forward the segment computing
    step g; backward the first one holding g (at g = T of seq2seq: the encoder's h_T)."""
    for seg in segments:
        t = g - seg["start"]
        if (1 if phase == "forward" else 0) <= t <= seg["steps"]:
            return seg["name"], t
    return segments[-1]["name"], g - segments[-1]["start"]


def cursor_label(segments: list[dict[str, Any]], g: int, phase: str) -> str:
    """The scrubber's label: "off", "forward pass, t = 3", "backward pass, decoder t = 2"."""
    if g < 0:
        return "off"
    name, t = locate(segments, g, phase)
    return f"{phase} pass, {name + ' ' if name else ''}t = {t}"
