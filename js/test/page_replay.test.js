// The export page's time scrubber (js/src/page.js setupTime): the views always show the
// slider's position — replaying from the end included — never the old one for a tick.

import assert from "node:assert/strict";
import test from "node:test";
import { cursorFor } from "../src/lib/page_time.js";
import { setupTime } from "../src/page.js";

/** An element with what setupTime uses: value/max, text, listeners, click(). */
function control(props = {}) {
  const listeners = {};
  return {
    ...props,
    textContent: "",
    innerHTML: "",
    addEventListener(type, fn) {
      listeners[type] = [...(listeners[type] ?? []), fn];
    },
    fire(type) {
      for (const fn of listeners[type] ?? []) fn();
    },
  };
}

/** setInterval / clearInterval that tick only when the test says so. */
function manualTimers() {
  const timers = new Map();
  let next = 1;
  return {
    setInterval(fn) {
      timers.set(next, fn);
      return next++;
    },
    clearInterval(id) {
      timers.delete(id);
    },
    tick() {
      for (const fn of [...timers.values()]) fn();
    },
    get running() {
      return timers.size;
    },
  };
}

function page(T) {
  const controls = { time: control({ value: "0", max: "0" }), label: control(), play: control() };
  const shown = []; // [slider position, cursor the views got]
  const views = {
    frame: { timesteps: T, timeline: [] },
    setCursor(cursor) {
      shown.push([Number(controls.time.value), cursor]);
    },
  };
  const timers = manualTimers();
  const scrubber = setupTime(views, controls, timers);
  scrubber.reset();
  return { ...controls, shown, timers };
}

test("replay from the end: the views go back to the start with the slider, before any tick", () => {
  const T = 3;
  const p = page(T);
  p.time.value = "7"; // the slider dragged to the end: backward at h_0
  p.time.fire("input");
  assert.deepEqual(p.shown.at(-1), [7, cursorFor(7, T)]);
  p.shown.length = 0;
  p.play.fire("click"); // play again
  assert.equal(p.time.value, "0");
  // at once, not one tick later: the slider's position, no cursor
  assert.deepEqual(p.shown, [[0, { t_cursor: -1, phase: "forward" }]]);
  assert.equal(p.label.textContent, "off");
  p.timers.tick();
  assert.deepEqual(p.shown.at(-1), [1, { t_cursor: 1, phase: "forward" }]);
  assert.equal(p.label.textContent, "→ t = 1");
});

test("playing to the end: every tick the views show the slider's position, then it stops", () => {
  const T = 2;
  const p = page(T);
  p.play.fire("click");
  for (let i = 0; i < 10; i++) p.timers.tick();
  assert.equal(p.timers.running, 0);
  const positions = p.shown.map(([position]) => position);
  assert.deepEqual(positions, [0, 1, 2, 3, 4, 5]); // reset, then one per tick
  for (const [position, cursor] of p.shown) assert.deepEqual(cursor, cursorFor(position, T));
  assert.equal(p.time.value, "5");
});
