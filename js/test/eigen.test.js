import assert from "node:assert/strict";
import test from "node:test";
import {
  planeExtent,
  planeShapes,
  singularLines,
  singularTop,
  spread,
  subplotTitles,
  verdict,
} from "../src/lib/eigen_data.js";

const theme = { muted: "#555", accent: "#d00", bound: "#777" };
const size = { thin: 1.5, font: 12 };

test("the complex plane always shows the unit circle and every eigenvalue", () => {
  assert.ok(planeExtent(new Float32Array([0.1, 0.2])) >= 1.1);
  const r = planeExtent(new Float32Array([0.5, 0, -2.4, 1.0]));
  assert.ok(r >= Math.hypot(2.4, 1.0) * 1.1, `${r}`);
});

test("the singular-value axis holds σ_max, 1, ρ and 1/γ", () => {
  assert.ok(singularTop(0.5, 0.5, 1) > 1);
  assert.ok(singularTop(2.5, 0.9, 1) > 2.5);
  assert.ok(singularTop(1, 1, 0.25) > 4);
});

test("verdict: ρ < 1 < σ_max is named, normal matrices read as ρ = σ_max", () => {
  assert.equal(verdict(0.9, 1.8).key, "rho-below-sigma-above");
  assert.equal(verdict(0.5, 0.5).key, "equal");
  assert.match(verdict(1.5, 1.5).text, /= 1\.5: .* grows/);
  assert.match(verdict(1, 1).text, /lengths are kept/);
  assert.equal(verdict(0.5, 0.8).key, "both-below");
  assert.equal(verdict(1.2, 2).key, "rho-above");
});

test("unit circle always drawn; the ρ circle only when it differs from 1", () => {
  assert.equal(planeShapes(1, theme, size).length, 1);
  const s = planeShapes(0.9, theme, size);
  assert.equal(s.length, 2);
  assert.deepEqual([s[1].x0, s[1].x1, s[1].y0, s[1].y1], [-0.9, 0.9, -0.9, 0.9]);
  assert.equal(s[0].type, "circle");
});

test("reference lines at 1, ρ and 1/γ; their labels never overlap", () => {
  assert.deepEqual(spread([1, 0.95, 3], 0.2), [1.15, 0.95, 3]);
  assert.deepEqual(spread([1, 1], 0.1), [1, 1.1]);
  const { shapes, annotations } = singularLines(0.9, 0.25, theme, size, 0.2);
  assert.deepEqual(
    shapes.map((s) => s.y0),
    [1, 0.9, 4],
  );
  assert.deepEqual(
    annotations.map((a) => a.text),
    ["1", "ρ", "1/γ"],
  );
  const ys = annotations.map((a) => a.y).sort((a, b) => a - b);
  for (let i = 1; i < ys.length; i++) assert.ok(ys[i] - ys[i - 1] >= 0.2 - 1e-12);
  assert.equal(singularLines(0.9, 1, theme, size).shapes.length, 2);
});

test("subplotTitles: one line when both fit, else both broken after the comma", () => {
  const titles = [
    ["eigenvalues of W<sub>hh</sub>", "unit circle"],
    ["singular values of W<sub>hh</sub>", "largest first"],
  ];
  const wide = subplotTitles(titles, [400, 500], 13);
  assert.equal(wide.lines, 1);
  assert.deepEqual(wide.texts, [
    "eigenvalues of W<sub>hh</sub>, unit circle",
    "singular values of W<sub>hh</sub>, largest first",
  ]);
  const narrow = subplotTitles(titles, [400, 180], 13);
  assert.equal(narrow.lines, 2);
  assert.equal(narrow.texts[0], "eigenvalues of W<sub>hh</sub>,<br>unit circle");
});

test("verdict: an orthogonal W_hh whose float32 ρ reads 1.0000001 keeps lengths", () => {
  const rho = Math.fround(1.0000001);
  assert.ok(rho > 1);
  assert.match(verdict(rho, rho).text, /lengths are kept/);
  assert.match(verdict(1.5, 1.5).text, /all of h grows/);
  assert.match(verdict(0.5, 0.5).text, /all of h shrinks/);
});

test("float32 noise around 1 is not read as rho < 1 < sigma_max", () => {
  // an orthogonal W_hh at s = 1 arrives as float32: rho 0.9999999, sigma_max 1.0000001
  const v = verdict(0.9999999, 1.0000001);
  assert.equal(v.key, "equal");
  assert.match(v.text, /lengths are kept/);
  assert.equal(verdict(0.95, 1.72).key, "rho-below-sigma-above");
});
