// The export page's time scrubber: one integer position walks the forward pass, then the
// backward pass. Position 0 = no cursor; 1..N = forward at g = 1..N; N+1..2N+1 = backward
// at g = N..0 (the backward pass reaches h_0). g is a step of the whole run (N = T, or
// T + S for seq2seq: the frame's timeline, timeline.js), as in the Explorer.

import { cursorText } from "./timeline.js";

/** Last position of the scrubber for T timesteps. */
export function lastPosition(timesteps) {
  return 2 * timesteps + 1;
}

/** The cursor traits ({t_cursor, phase}) at a position. */
export function cursorFor(position, timesteps) {
  if (position <= 0) return { t_cursor: -1, phase: "forward" };
  if (position <= timesteps) return { t_cursor: position, phase: "forward" };
  return { t_cursor: Math.max(0, lastPosition(timesteps) - position), phase: "backward" };
}

/** The position that shows a cursor (t_cursor -1: none). */
export function positionFor(t, phase, timesteps) {
  if (!(t >= 0)) return 0;
  const clamped = Math.min(t, timesteps);
  return phase === "backward" ? lastPosition(timesteps) - clamped : clamped;
}

/** The scrubber's label: "off", "→ t = 3" (forward), "← decoder t = 2" (backward, seq2seq:
 * the step in its own segment of the frame's `timeline`). */
export function timeLabel(position, timesteps, timeline) {
  const c = cursorFor(position, timesteps);
  if (c.t_cursor < 0) return "off";
  return `${c.phase === "forward" ? "→" : "←"} ${cursorText(timeline, c.t_cursor, c.phase)}`;
}

/** Milliseconds per step of the play button: the whole pass in about 6 s, 40-400 ms a step. */
export function playDelay(timesteps) {
  return Math.max(40, Math.min(400, 6000 / (lastPosition(timesteps) + 1)));
}

/**
 * The play button: calls step() every `delay` ms until it returns false (the last
 * position) or stop() is called. `timers` supplies setInterval / clearInterval.
 */
export class Player {
  constructor(step, { onStop = () => {}, timers = globalThis } = {}) {
    this.step = step;
    this.onStop = onStop;
    this.timers = timers;
    this.timer = null;
  }

  get playing() {
    return this.timer !== null;
  }

  start(delay) {
    this.stop();
    this.timer = this.timers.setInterval(() => {
      if (!this.step()) this.stop();
    }, delay);
  }

  stop() {
    if (this.timer === null) return;
    this.timers.clearInterval(this.timer);
    this.timer = null;
    this.onStop();
  }
}
