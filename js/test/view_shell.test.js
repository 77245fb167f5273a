import assert from "node:assert/strict";
import test from "node:test";
import {
  FRAME_FALLBACK_MS,
  inLaterFrame,
  inNextFrame,
  showUpdating,
} from "../src/lib/view_shell.js";

/** A scope with a hand-driven requestAnimationFrame. */
function fakeFrames() {
  const callbacks = new Map();
  let next = 1;
  return {
    callbacks,
    requestAnimationFrame(cb) {
      callbacks.set(next, cb);
      return next++;
    },
    cancelAnimationFrame(id) {
      callbacks.delete(id);
    },
    tick() {
      const cbs = [...callbacks.values()];
      callbacks.clear();
      for (const cb of cbs) cb();
    },
  };
}

test("jobs queued before a frame all run in that one frame, in order", () => {
  const scope = fakeFrames();
  const ran = [];
  inNextFrame(() => ran.push("heatmap"), scope);
  inNextFrame(() => ran.push("gradients"), scope);
  assert.equal(scope.callbacks.size, 1); // one frame requested for both
  assert.deepEqual(ran, []);
  scope.tick();
  assert.deepEqual(ran, ["heatmap", "gradients"]);
  inNextFrame(() => ran.push("again"), scope);
  assert.equal(scope.callbacks.size, 1); // a later job asks for a new frame
  scope.tick();
  assert.deepEqual(ran, ["heatmap", "gradients", "again"]);
});

test("a deferred job runs one frame after the jobs queued with it", () => {
  const scope = fakeFrames();
  const ran = [];
  inLaterFrame(() => ran.push("eigen"), scope); // queued first, drawn last
  inNextFrame(() => ran.push("graph"), scope);
  inNextFrame(() => ran.push("heatmap"), scope);
  scope.tick();
  assert.deepEqual(ran, ["graph", "heatmap"]); // the browser paints these first
  scope.tick();
  assert.deepEqual(ran, ["graph", "heatmap", "eigen"]);
});

test("a job queued by a running job waits for the next frame", () => {
  const scope = fakeFrames();
  const ran = [];
  inNextFrame(() => {
    ran.push(1);
    inNextFrame(() => ran.push(2), scope);
  }, scope);
  scope.tick();
  assert.deepEqual(ran, [1]);
  scope.tick();
  assert.deepEqual(ran, [1, 2]);
});

test("without animation frames (hidden tab) the jobs still run, after the fallback", async () => {
  const scope = { requestAnimationFrame: () => 7, cancelAnimationFrame: () => {} };
  const ran = [];
  inNextFrame(() => ran.push("drawn"), scope);
  await new Promise((resolve) => setTimeout(resolve, FRAME_FALLBACK_MS / 2));
  assert.deepEqual(ran, []);
  await new Promise((resolve) => setTimeout(resolve, FRAME_FALLBACK_MS));
  assert.deepEqual(ran, ["drawn"]);
});

test("a scope without requestAnimationFrame runs the jobs on the next task", async () => {
  const scope = {};
  const ran = [];
  inNextFrame(() => ran.push("a"), scope);
  inNextFrame(() => ran.push("b"), scope);
  assert.deepEqual(ran, []);
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(ran, ["a", "b"]);
});

test("showUpdating marks the root and shows the label only while updating", () => {
  const shell = { root: { dataset: {} }, updating: { hidden: true } };
  showUpdating(shell, true);
  assert.equal(shell.root.dataset.updating, "true");
  assert.equal(shell.updating.hidden, false);
  showUpdating(shell, false);
  assert.equal(shell.root.dataset.updating, "false");
  assert.equal(shell.updating.hidden, true);
});
