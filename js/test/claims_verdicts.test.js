// Verdicts in words at their boundaries: equality cases and the float32 readings of an
// exact 1 (0.99999994, 1.0000001), where a strict comparison used to flip the sentence.

import assert from "node:assert/strict";
import test from "node:test";
import { verdict } from "../src/lib/eigen_data.js";

const f32 = (v) => Math.fround(v);
const BELOW_1 = f32(0.99999994); // float32 just below 1
const ABOVE_1 = f32(1.0000001); // float32 just above 1

test("eigen verdict: σ_max = 1 (read as float32) with ρ < 1 never says ρ ≥ 1 or 'every step shrinks'", () => {
  // A non-normal matrix with ‖W‖₂ = 1 exactly and ρ = 0.5: powers shrink, no step stretches,
  // but the longest direction keeps its length.
  for (const sigma of [BELOW_1, 1, ABOVE_1]) {
    const v = verdict(0.5, sigma, 0.2);
    assert.equal(v.key, "rho-below-sigma-one", `σ_max = ${sigma}: ${v.text}`);
    assert.doesNotMatch(v.text, /ρ ≥ 1|every step shrinks/);
  }
});

test("eigen verdict: the strict cases just beyond the tolerance", () => {
  assert.equal(verdict(0.5, 1.001, 0.1).key, "rho-below-sigma-above");
  assert.equal(verdict(0.5, 0.999, 0.1).key, "both-below");
  assert.equal(verdict(1.001, 1.5, 0.1).key, "rho-above");
  assert.equal(verdict(ABOVE_1, 1.5, 0.1).key, "rho-above");
});

test("eigen verdict: ρ = σ_max says 'every direction scaled alike' only when every σ_i is", () => {
  // orthogonal × s: all σ_i = s, float32 readings around 1
  assert.match(verdict(BELOW_1, ABOVE_1, BELOW_1).text, /normal matrix .* lengths are kept/);
  assert.match(verdict(0.5, 0.5, f32(0.5)).text, /every direction .* shrinks/);
  // diag(0.9, 0.5): normal, ρ = σ_max = 0.9, but the second direction shrinks by 0.5
  const diag = verdict(0.9, 0.9, 0.5);
  assert.equal(diag.key, "equal");
  assert.doesNotMatch(diag.text, /every direction by this same factor/);
  assert.match(diag.text, /every step shrinks every vector/);
  // ρ = σ_max = 1 > σ_min: nothing grows, the top direction keeps its length
  assert.match(verdict(BELOW_1, ABOVE_1, 0.3).text, /no step stretches/);
  assert.match(verdict(2, 2, 0.3).text, /grows/);
});

test("trainer readout: 'clipped N%' reads 0% / 100% only when clipping never / always acted", async () => {
  const { percentText } = await import("../src/lib/trainer_readout.js");
  assert.equal(percentText(0), "0%");
  assert.equal(percentText(1 / 400), "<1%");
  assert.equal(percentText(0.005), "1%");
  assert.equal(percentText(0.5), "50%");
  assert.equal(percentText(399 / 400), ">99%");
  assert.equal(percentText(1), "100%");
});
