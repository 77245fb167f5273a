import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";
import { onChanges } from "../src/lib/view_shell.js";

/** A model like marimo's: `on` takes ONE event name per call (no space-separated lists). */
function singleEventModel() {
  const listeners = new Map();
  return {
    listeners,
    on(event, cb) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(cb);
    },
    off(event, cb) {
      listeners.get(event)?.delete(cb);
    },
    change(name) {
      for (const cb of listeners.get(`change:${name}`) ?? []) cb();
    },
  };
}

test("a change of any watched trait reaches the callback on a one-event-per-call model", () => {
  const model = singleEventModel();
  let calls = 0;
  const stop = onChanges(model, ["values", "units"], () => calls++);
  model.change("values");
  model.change("units");
  model.change("other");
  assert.equal(calls, 2);
  stop();
  model.change("values");
  assert.equal(calls, 2);
});

test("no view subscribes with a space-separated event list (ignored by marimo)", () => {
  for (const view of ["graph", "heatmap", "gradients"]) {
    const src = readFileSync(new URL(`../src/${view}.js`, import.meta.url), "utf8");
    for (const [, arg] of src.matchAll(/model\.on\(\s*([^,]+),/g)) {
      assert.doesNotMatch(arg, /\.join\(|" "|change:\w+ change:/, `${view}.js: model.on(${arg}`);
    }
  }
});
