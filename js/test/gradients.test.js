import assert from "node:assert/strict";
import test from "node:test";
import {
  boundNames,
  clipToAxis,
  cursorStepsBack,
  fromLog10,
  legendLayout,
  logRange,
  readoutItems,
  stepsBack,
  widenRange,
} from "../src/lib/gradient_data.js";

test("stepsBack puts t = T at k = 0 and t = 0 at k = T", () => {
  const { x, y } = stepsBack(new Float32Array([0.001, 0.01, 0.1, 1]));
  assert.deepEqual(Array.from(x), [0, 1, 2, 3]);
  assert.deepEqual(
    Array.from(y),
    [1, 0.1, 0.01, 0.001].map((v) => Math.fround(v)),
  );
});

test("logRange covers finite positive values, pads half a decade, includes 1", () => {
  assert.deepEqual(logRange([[1, 0.1, 0.001]]), [-4, 1]);
  assert.deepEqual(logRange([[1, 50, 2000]]), [-1, 4]);
  assert.deepEqual(logRange([[1, 0, Number.POSITIVE_INFINITY]]), [-1, 1]);
});

test("logRange never spans more than maxDecades (the low end is cut)", () => {
  assert.deepEqual(logRange([[1e-40, 1e10]], 20), [-9, 11]);
});

test("clipToAxis: 0 goes to the bottom edge, inf to the top edge, both reported", () => {
  const inf = Number.POSITIVE_INFINITY;
  const { y, over, under } = clipToAxis([1, 0, 0.5, inf], [-2, 3]);
  assert.deepEqual(Array.from(y), [1, 0.01, 0.5, 1000]);
  assert.deepEqual(over, [3]);
  assert.deepEqual(under, [1]);
});

test("clipToAxis keeps NaN as a gap and leaves in-range values alone", () => {
  const { y, over, under } = clipToAxis([Number.NaN, 0.1], [-2, 1]);
  assert.ok(Number.isNaN(y[0]));
  assert.equal(y[1], 0.1);
  assert.equal(over.length + under.length, 0);
});

test("cursorStepsBack: only in the backward pass, t -> T - t", () => {
  assert.equal(cursorStepsBack(20, 15, "backward"), 5);
  assert.equal(cursorStepsBack(20, 0, "backward"), 20);
  assert.equal(cursorStepsBack(20, 15, "forward"), null);
  assert.equal(cursorStepsBack(20, -1, "backward"), null);
});

test("widenRange shows the bound by at most maxExtra decades each side", () => {
  assert.deepEqual(widenRange([-3, 1], [1, 1e95], 4), [-3, 5]);
  assert.deepEqual(widenRange([-3, 1], [1, 10, 100]), [-3, 2]);
  assert.deepEqual(widenRange([-3, 1], [1e-5]), [-5, 1]);
});

test("fromLog10 restores values beyond float32: 1e95, 1e-105, and 0 / inf", () => {
  const logs = new Float32Array([95, -105, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 0]);
  const v = fromLog10(logs);
  assert.ok(Math.abs(v[0] / 1e95 - 1) < 1e-12);
  assert.ok(Math.abs(v[1] / 1e-105 - 1) < 1e-12);
  assert.equal(v[2], 0);
  assert.equal(v[3], Number.POSITIVE_INFINITY);
  assert.equal(v[4], 1);
});

test("a float64-range curve spans its decades: no cut before 700 decades", () => {
  assert.deepEqual(logRange([[1, 1e95]]), [-1, 96]);
  assert.deepEqual(logRange([[1, 1e-105]]), [-106, 1]);
});

test("underflow to 0 next to denormals still lands on the bottom edge", () => {
  const y = [1, 1e-200, 5e-324, 0];
  const range = logRange([y]);
  assert.deepEqual(range, [-300, 1]);
  const { under, over } = clipToAxis(y, range);
  assert.deepEqual(under, [2, 3]);
  assert.deepEqual(over, []);
});

test("overflow to inf next to huge finite values still lands on the top edge", () => {
  const y = [1, 1e308, Number.POSITIVE_INFINITY];
  const range = logRange([y]);
  assert.deepEqual(range, [-1, 300]);
  assert.deepEqual(clipToAxis(y, range).over, [1, 2]);
  assert.deepEqual(widenRange([-1, 299], [1e305]), [-1, 300]);
});

const ELMAN = { matrix: "W_hh", rho: 0.5, sigma_max: 0.5, gamma: 1, gamma_sigma: 0.5 };

test("'sufficient for vanishing' is a fact in the neutral colour, yes or no alike", () => {
  for (const answer of [true, false]) {
    const items = readoutItems({ ...ELMAN, pascanu_holds: true, vanishing_sufficient: answer });
    const verdict = items.find((i) => i.testid === "vanishing-sufficient");
    assert.equal(verdict.value, answer ? "yes" : "no");
    // styled exactly like rho or sigma_max: no green "yes", no orange "no"
    assert.deepEqual(new Set(items.map((i) => i.className)), new Set([items[0].className]));
    assert.ok(!/yes|no|success|warn|green|red/.test(verdict.className));
  }
});

test("LSTM / GRU: no Pascanu line value and no vanishing verdict, a note instead", () => {
  const th = { matrix: "U_c", rho: 0.9, sigma_max: 0.9, gamma: 1, gamma_sigma: 0.9 };
  const items = readoutItems({ ...th, pascanu_holds: false, vanishing_sufficient: null });
  assert.equal(
    items.find((i) => i.testid === "vanishing-sufficient"),
    undefined,
  );
  assert.ok(!items.some((i) => i.label.startsWith("γ·σ_max =")));
  const note = items.find((i) => i.testid === "pascanu-note");
  assert.match(note.value, /Elman RNN only, not for this cell/);
  assert.equal(readoutItems({}).at(-1).testid, "pascanu-note"); // unknown: no guarantee
});

test("bound legend names say which curve they belong to and what they promise", () => {
  assert.equal(boundNames("").product, "∏ of per-step norms: always ≥ the curve");
  assert.match(boundNames("s = 2").product, /\(s = 2\)/);
  assert.match(boundNames("").pascanu, /Elman RNN only/);
});

test("legendLayout: two columns only when every entry fits in half the width", () => {
  const names = [boundNames("").product, "‖∂h<sub>T</sub>/∂h<sub>t</sub>‖<sub>2</sub> (RNN)"];
  assert.deepEqual(legendLayout(names, 12, 1000), { columns: 2, names });
  assert.deepEqual(legendLayout(names, 12, 470), { columns: 1, names }); // 560 px view
  const big = legendLayout([boundNames("").pascanu, names[1]], 20, 448); // presenter, 560 px
  assert.equal(big.columns, 1);
  assert.equal(big.names[0], "Pascanu bound (γ·σ<sub>max</sub>)<sup>T−t</sup>:<br>Elman RNN only");
  assert.equal(big.names[1], names[1]);
  assert.deepEqual(legendLayout([], 12, 100), { columns: 2, names: [] });
});

test("cursorStepsBack: a layer the gradient has not reached shows no step of its curve", () => {
  assert.equal(cursorStepsBack(4, -1, "backward", true), -1);
  assert.equal(cursorStepsBack(4, -1, "forward", true), null);
});
