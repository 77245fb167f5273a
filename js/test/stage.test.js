import assert from "node:assert/strict";
import { test } from "node:test";
import {
  GAP,
  GROW_STEP,
  LETTERS,
  MAIN_ZOOM,
  THUMB_ZOOM,
  stageKey,
  stageZooms,
  zoomChange,
} from "../src/lib/stage_fit.js";

const VIEWS = ["graph", "heatmap", "gradients", "eigen"];

test("keys 1-4 and g h d e pick the four views", () => {
  const picked = ["1", "2", "3", "4", "g", "h", "d", "e", "G"].map((key) =>
    stageKey({ key, target: { tagName: "DIV" } }, VIEWS),
  );
  assert.deepEqual(picked, [
    "graph",
    "heatmap",
    "gradients",
    "eigen",
    "graph",
    "heatmap",
    "gradients",
    "eigen",
    "graph",
  ]);
  assert.deepEqual(Object.values(LETTERS), VIEWS);
});

test("the digits follow the switch's buttons; a view it does not offer is no key", () => {
  // The digit was a second table in JS (1: graph …) beside the buttons' order from Python.
  const views = ["heatmap", "graph"];
  const key = (k) => stageKey({ key: k, target: { tagName: "DIV" } }, views);
  assert.deepEqual(["1", "2", "3", "g", "e"].map(key), ["heatmap", "graph", null, "graph", null]);
});

test("typing into a box, modifier keys and other keys switch nothing", () => {
  const key = (event) => stageKey(event, VIEWS);
  assert.equal(key({ key: "2", target: { tagName: "INPUT" } }), null);
  assert.equal(key({ key: "2", target: { tagName: "textarea" } }), null);
  assert.equal(key({ key: "2", target: { tagName: "DIV", isContentEditable: true } }), null);
  assert.equal(key({ key: "2", ctrlKey: true, target: {} }), null);
  assert.equal(key({ key: "d", metaKey: true, target: {} }), null);
  assert.equal(key({ key: "2", defaultPrevented: true, target: {} }), null);
  assert.equal(key({ key: "ArrowRight", target: {} }), null);
  assert.equal(key({ key: "5", target: {} }), null);
});

test("the large view fills the stage's height; the small ones share it", () => {
  const z = stageZooms(600, 800, [400, 300, 500]);
  assert.equal(z.main, 600 / 800);
  const each = (600 - 2 * GAP) / 3;
  assert.deepEqual(z.thumbs, [each / 400, each / 300, each / 500]);
  // their zoomed heights add up to the stage's
  const total = z.thumbs[0] * 400 + z.thumbs[1] * 300 + z.thumbs[2] * 500 + 2 * GAP;
  assert.ok(Math.abs(total - 600) < 1e-9);
});

test("zooms stay within their limits", () => {
  const big = stageZooms(2000, 300, [100, 100, 100]);
  assert.equal(big.main, MAIN_ZOOM[1]);
  assert.deepEqual(big.thumbs, [THUMB_ZOOM[1], THUMB_ZOOM[1], THUMB_ZOOM[1]]);
  const tiny = stageZooms(200, 5000, [5000, 5000, 5000]);
  assert.equal(tiny.main, MAIN_ZOOM[0]);
  assert.equal(tiny.thumbs[0], THUMB_ZOOM[0]);
  assert.equal(stageZooms(500, 0, []).main, 1); // not drawn yet: left at 1
});

test("a zoom shrinks at once but grows only by a clear step (the fit settles)", () => {
  assert.equal(zoomChange(0.5, 0.49), true); // does not fit: shrink
  assert.equal(zoomChange(0.5, 0.499), false); // rounding
  assert.equal(zoomChange(0.473, 0.497), false); // the swing seen with a wrapping legend
  assert.equal(zoomChange(0.5, 0.5 * (1 + GROW_STEP) + 0.001), true);
  assert.equal(zoomChange(1, 0.3), true);
});
