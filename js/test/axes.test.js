import assert from "node:assert/strict";
import test from "node:test";
import {
  SCALE_SWEEP,
  count,
  integerTicks,
  logTicks,
  overlayColour,
  overlaySlot,
  powerText,
} from "../src/lib/axes.js";

test("log axis: labels at powers of ten only, written 10^k", () => {
  const t = logTicks([-4, 1]);
  assert.equal(t.tickmode, "array");
  assert.deepEqual(t.tickvals, [1e-4, 1e-3, 1e-2, 1e-1, 1, 10]);
  assert.deepEqual(t.ticktext, [
    "10<sup>−4</sup>",
    "10<sup>−3</sup>",
    "10<sup>−2</sup>",
    "10<sup>−1</sup>",
    "1",
    "10",
  ]);
  for (const v of t.tickvals) assert.equal(Math.log10(v), Math.round(Math.log10(v)));
});

test("log axis: many decades are thinned to every 2nd, 5th, 10th … decade, <= 8 labels", () => {
  const cases = [
    [[-10, 1], 2],
    [[-30, 2], 5],
    [[-60, 1], 10],
    [[-300, 300], 100],
  ];
  for (const [range, step] of cases) {
    const t = logTicks(range);
    const ks = t.tickvals.map((v) => Math.round(Math.log10(v)));
    assert.ok(ks.length <= 8 && ks.length >= 2, `${range}: ${ks}`);
    for (const k of ks) assert.ok(k % step === 0, `${range}: ${ks}`);
    for (let i = 1; i < ks.length; i++) assert.equal(ks[i] - ks[i - 1], step);
    assert.ok(ks.includes(0), "1 is always labelled when in range");
  }
  // one decade still gets both ends
  assert.deepEqual(logTicks([0, 1]).ticktext, ["1", "10"]);
});

test("powerText: 1, 10, then superscripts with a true minus sign", () => {
  assert.equal(powerText(0), "1");
  assert.equal(powerText(1), "10");
  assert.equal(powerText(12), "10<sup>12</sup>");
  assert.equal(powerText(-3), "10<sup>−3</sup>");
});

/** Tick positions an integerTicks result puts inside [lo, hi]. */
function ticksIn(t, lo, hi) {
  const out = [];
  for (let v = Math.ceil((lo - t.tick0) / t.dtick) * t.dtick + t.tick0; v <= hi; v += t.dtick) {
    out.push(v);
  }
  return out;
}

test("integer axes: whole-number ticks at every size, 1 unit and 1 step included", () => {
  for (const n of [1, 2, 3, 7, 16, 20, 64, 100, 256, 1000]) {
    const t = integerTicks(1, n, 8);
    assert.equal(t.tickmode, "linear");
    assert.equal(t.tickformat, "d");
    assert.ok(Number.isInteger(t.dtick) && t.dtick >= 1, `${n}: ${t.dtick}`);
    // what the heatmap shows: range [0.5, n + 0.5]
    const shown = ticksIn(t, 0.5, n + 0.5);
    assert.ok(shown.length >= 1 && shown.length <= 8, `${n}: ${shown}`);
    for (const v of shown) assert.ok(Number.isInteger(v));
  }
  // the gradient view's x axis at timesteps = 1: range [-0.5, 1.5] shows 0 and 1 only
  assert.deepEqual(ticksIn(integerTicks(0, 1), -0.5, 1.5), [0, 1]);
  assert.deepEqual(ticksIn(integerTicks(1, 1, 8), 0.5, 1.5), [1]);
  assert.equal(integerTicks(1, 16, 8).dtick, 2);
  assert.equal(integerTicks(0, 20).dtick, 5);
  assert.equal(integerTicks(1, 1, 0).dtick, 1);
});

test("counts: singular at 1, plural otherwise", () => {
  assert.equal(count(1, "unit"), "1 unit");
  assert.equal(count(16, "unit"), "16 units");
  assert.equal(count(1, "step"), "1 step");
  assert.equal(count(20, "step"), "20 steps");
  assert.equal(count(0, "timestep"), "0 timesteps");
});

test("overlay colours are fixed by value, not by position in the overlay list", () => {
  const palette = ["#8250df", "#1a7f37", "#bf8700", "#cf222e", "#0550ae", "#953800"];
  // the Explorer overlays every sweep value except the current one, so the lists differ
  const atS2 = ["s = 0.5", "s = 1", "s = 1.5"];
  const atS05 = ["s = 1", "s = 1.5", "s = 2"];
  const colours = (names) => new Map(names.map((n, i) => [n, overlayColour(n, palette, i)]));
  const a = colours(atS2);
  const b = colours(atS05);
  assert.equal(a.get("s = 1"), b.get("s = 1"));
  assert.equal(a.get("s = 1.5"), b.get("s = 1.5"));
  // positions would differ: s = 1 is 2nd in one list and 1st in the other
  assert.notEqual(palette[atS2.indexOf("s = 1")], palette[atS05.indexOf("s = 1")]);
  assert.equal(overlayColour(2, palette), overlayColour("s = 2", palette));
  // distinct values, distinct colours
  const all = SCALE_SWEEP.map((s) => overlayColour(`s = ${s}`, palette));
  assert.equal(new Set(all).size, SCALE_SWEEP.length);
  // the cells come from the frame (frame_info.cells), each at its index there
  const sweep = ["rnn", "lstm", "gru"];
  const cells = sweep.map((c) => overlayColour(c, palette, 0, sweep));
  assert.equal(new Set(cells).size, sweep.length);
  assert.equal(overlayColour("gru", palette, 0, sweep), overlayColour("gru", palette, 1, sweep));
  assert.equal(overlaySlot("gru", sweep), 2);
  assert.equal(overlaySlot("gru", [...sweep, "mgu"]), 2); // a new cell type keeps the slots
  // unknown names fall back to their position
  assert.equal(overlaySlot("something"), null);
  assert.equal(overlayColour("something", palette, 1), palette[1]);
});

test("log axis: unlabelled grid lines at the skipped decades, or 2 … 9 over few decades", () => {
  const thin = logTicks([-10, 1]);
  const labelled = new Set(thin.tickvals);
  assert.deepEqual(
    thin.minor.tickvals.map((v) => Math.round(Math.log10(v))),
    [-9, -7, -5, -3, -1, 1],
  );
  for (const v of thin.minor.tickvals) assert.ok(!labelled.has(v));
  const few = logTicks([-1, 1]).minor.tickvals;
  assert.equal(few.length, 16);
  assert.equal(few[0], 0.2);
  assert.equal(few.at(-1), 9);
});
