import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";
import { onChanges, watchModel } from "../src/lib/view_shell.js";

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

test("watchModel listens to exactly the traits the kernel lists, one listener each", () => {
  const model = singleEventModel();
  const traits = ["frame_info", "values", "presenter", "updating"];
  model.get = (k) => (k === "_drawn_traits" ? traits : undefined);
  let calls = 0;
  const stop = watchModel(model, () => calls++, ["updating"]);
  assert.deepEqual([...model.listeners.keys()].sort(), [
    "change:frame_info",
    "change:presenter",
    "change:values",
  ]);
  model.change("values");
  model.change("frame_info");
  model.change("updating"); // ignored: the view handles it itself
  assert.equal(calls, 2);
  stop();
  model.change("values");
  assert.equal(calls, 2);
});

test("no view keeps its own list of traits or settings defaults", () => {
  for (const view of ["graph", "heatmap", "gradients", "eigen"]) {
    const src = readFileSync(new URL(`../src/${view}.js`, import.meta.url), "utf8");
    assert.doesNotMatch(src, /const TRAITS\b/, `${view}.js`);
    // settings are read from the frame (frameInfo(model).settings), never model.get("units")
    for (const name of ["units", "timesteps", "weight_scale", "cell", "activation", "truncate"]) {
      assert.doesNotMatch(src, new RegExp(`model\\.get\\("${name}"`), `${view}.js: ${name}`);
    }
  }
});
