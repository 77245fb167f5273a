import assert from "node:assert/strict";
import test from "node:test";
import {
  Player,
  cursorFor,
  lastPosition,
  playDelay,
  positionFor,
  timeLabel,
} from "../src/lib/page_time.js";

test("the scrubber walks off, forward t = 1..T, then backward t = T..0", () => {
  const T = 3;
  assert.equal(lastPosition(T), 7);
  const walk = Array.from({ length: lastPosition(T) + 1 }, (_, p) => cursorFor(p, T));
  assert.deepEqual(
    walk.map((c) => [c.t_cursor, c.phase]),
    [
      [-1, "forward"],
      [1, "forward"],
      [2, "forward"],
      [3, "forward"],
      [3, "backward"],
      [2, "backward"],
      [1, "backward"],
      [0, "backward"],
    ],
  );
  assert.deepEqual(
    walk.map((_, p) => timeLabel(p, T)),
    ["off", "→ t = 1", "→ t = 2", "→ t = 3", "← t = 3", "← t = 2", "← t = 1", "← t = 0"],
  );
});

test("a cursor set by a view maps back to its scrubber position", () => {
  const T = 5;
  for (let p = 0; p <= lastPosition(T); p++) {
    const { t_cursor, phase } = cursorFor(p, T);
    assert.equal(positionFor(t_cursor, phase, T), p);
  }
  assert.equal(positionFor(-1, "backward", T), 0);
  assert.equal(positionFor(undefined, "forward", T), 0);
  assert.equal(positionFor(9, "forward", T), 5, "beyond T (a shorter frame): clamped");
  assert.equal(positionFor(9, "backward", T), 6);
});

test("play takes about 6 s per pass, 40 to 400 ms a step", () => {
  assert.equal(playDelay(1), 400);
  assert.equal(playDelay(14), 200);
  assert.equal(playDelay(500), 40);
});

/** setInterval / clearInterval driven by hand. */
function fakeTimers() {
  const timers = new Map();
  let next = 1;
  return {
    timers,
    setInterval(cb, delay) {
      timers.set(next, { cb, delay });
      return next++;
    },
    clearInterval(id) {
      timers.delete(id);
    },
    tick() {
      for (const { cb } of [...timers.values()]) cb();
    },
  };
}

test("the player steps until the last position, then stops itself", () => {
  const timers = fakeTimers();
  let position = 0;
  let stops = 0;
  const player = new Player(() => (position < 3 ? ++position > 0 : false), {
    timers,
    onStop: () => stops++,
  });
  player.start(200);
  assert.ok(player.playing);
  assert.equal([...timers.timers.values()][0].delay, 200);
  for (let i = 0; i < 5; i++) timers.tick();
  assert.equal(position, 3);
  assert.ok(!player.playing);
  assert.equal(stops, 1);
  assert.equal(timers.timers.size, 0, "no timer left running");
});

test("stop() ends playing at once; a second start replaces the first timer", () => {
  const timers = fakeTimers();
  let steps = 0;
  const player = new Player(() => ++steps > 0, { timers });
  player.start(100);
  player.start(50);
  assert.equal(timers.timers.size, 1);
  timers.tick();
  player.stop();
  player.stop();
  timers.tick();
  assert.equal(steps, 1);
  assert.ok(!player.playing);
});

test("seq2seq: the page's scrubber walks the encoder, then the decoder, as the views read it", () => {
  const timeline = [
    { name: "encoder", start: 0, steps: 3, layers: [0] },
    { name: "decoder", start: 3, steps: 2, layers: [1] },
  ];
  const N = 5; // payload timesteps: every step of the run
  assert.equal(lastPosition(N), 11);
  const labels = [1, 3, 4, 5, 6, 8, 9, 11].map((p) => timeLabel(p, N, timeline));
  assert.deepEqual(labels, [
    "→ encoder t = 1",
    "→ encoder t = 3",
    "→ decoder t = 1",
    "→ decoder t = 2",
    "← decoder t = 2",
    "← encoder t = 3",
    "← encoder t = 2",
    "← encoder t = 0",
  ]);
});
