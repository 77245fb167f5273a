import assert from "node:assert/strict";
import test from "node:test";
import { scaleGradient, stateColor, stateScale } from "../src/lib/colorscale.js";

// Plotly interpolates a colorscale linearly in RGB between stops; the graph must match.
function plotlyLike(scale, f) {
  const hex = (c) => [1, 3, 5].map((i) => Number.parseInt(c.slice(i, i + 2), 16));
  for (let i = 1; i < scale.length; i++) {
    const [f0, c0] = scale[i - 1];
    const [f1, c1] = scale[i];
    if (f <= f1) {
      const a = hex(c0);
      const b = hex(c1);
      const w = (f - f0) / (f1 - f0);
      return `rgb(${a.map((x, j) => Math.round(x + (b[j] - x) * w)).join(", ")})`;
    }
  }
  return null;
}

test("state scale: light RdBu around white, dark around near-black, same hue order", () => {
  assert.deepEqual(
    stateScale(false).map((s) => s[1]),
    ["#2166ac", "#67a9cf", "#f7f7f7", "#ef8a62", "#b2182b"],
  );
  assert.deepEqual(
    stateScale(true).map((s) => s[1]),
    ["#6cb6ff", "#3674b5", "#262626", "#c2473d", "#ff8170"],
  );
  // Non-negative ranges use the upper half, rescaled to [0, 1].
  assert.deepEqual(stateScale(false, 0), [
    [0, "#f7f7f7"],
    [0.5, "#ef8a62"],
    [1, "#b2182b"],
  ]);
});

test("stateColor matches the plotly colorscale at every value, both themes", () => {
  for (const dark of [false, true]) {
    for (const [lo, hi] of [
      [-1, 1],
      [0, 1],
      [-3, 3],
    ]) {
      for (let i = 0; i <= 16; i++) {
        const v = lo + ((hi - lo) * i) / 16;
        const expected = plotlyLike(stateScale(dark, lo), i / 16);
        assert.equal(stateColor(v, lo, hi, dark), expected, `${dark} ${lo} ${v}`);
      }
    }
  }
  assert.equal(stateColor(-0.75, -1, 1, false), "rgb(68, 136, 190)");
  assert.equal(stateColor(Number.NEGATIVE_INFINITY, -1, 1, true), "rgb(108, 182, 255)");
  assert.equal(stateColor(Number.NaN, -1, 1, true), null);
});

test("legend gradient lists the same stops", () => {
  assert.equal(
    scaleGradient(true, 0),
    "linear-gradient(90deg, #262626 0%, #c2473d 50%, #ff8170 100%)",
  );
});
