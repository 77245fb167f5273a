import assert from "node:assert/strict";
import { test } from "node:test";

import {
  autorangeKeys,
  drawPlot,
  movedTitleKeys,
  redrawData,
  sameSources,
  styleKey,
  yTickLabels,
} from "../src/lib/trainer_redraw.js";

const line = (x, y, extra = {}) => ({ type: "scatter", mode: "lines", x, y, ...extra });

test("styleKey ignores the data arrays and nothing else", () => {
  const layout = { width: 300, xaxis: { title: { text: "step" } } };
  const a = styleKey([line([1, 2], [3, 4])], layout);
  assert.equal(a, styleKey([line([1, 2, 3], [5, 6, 7])], layout));
  const map = (x, z) => [{ type: "heatmap", x, z, zmin: -6 }];
  assert.equal(styleKey(map([1], [[1]]), layout), styleKey(map([1, 2], [[1, 2]]), layout));
  assert.notEqual(a, styleKey([line([1, 2], [3, 4], { mode: "markers" })], layout));
  assert.notEqual(a, styleKey([line([1, 2], [3, 4]), line([1], [1])], layout));
  assert.notEqual(a, styleKey([line([1, 2], [3, 4])], { ...layout, width: 301 }));
});

test("autorangeKeys names the autoranged axes only (a zoomed or fixed axis keeps its range)", () => {
  const keys = autorangeKeys({
    xaxis: { autorange: true },
    yaxis: { autorange: false },
    yaxis2: { autorange: true },
    xaxislike: { autorange: true },
    width: 3,
  });
  assert.deepEqual(keys, { "xaxis.autorange": true, "yaxis2.autorange": true });
  assert.deepEqual(autorangeKeys(undefined), {});
});

test("movedTitleKeys redraws the titles of the y axes whose tick labels changed", () => {
  const layout = (texts) => ({
    xaxis: { _vals: [{ text: "0" }], title: { text: "step" } },
    yaxis: { _vals: texts.map((text) => ({ text })), title: { text: "loss" } },
    yaxis2: { _vals: [{ text: "0" }], title: { text: "t" } },
  });
  const before = yTickLabels(layout(["2", "3"]));
  assert.deepEqual(Object.keys(before), ["yaxis", "yaxis2"]);
  const same = layout(["2", "3"]);
  assert.deepEqual(movedTitleKeys(before, yTickLabels(same), same), {});
  const moved = layout(["2", "10⁻¹"]);
  assert.deepEqual(movedTitleKeys(before, yTickLabels(moved), moved), {
    "yaxis.title.text": "loss",
  });
});

/** A drawn plot as plotly leaves it, with a fake scatter module that records its calls. */
function drawnPlot(n = 2, autorange = true) {
  const calls = [];
  const module = {
    calc: (gd, trace) => {
      calls.push(["calc", trace._length]);
      return trace.x.slice(0, trace._length).map((x, i) => ({ x, y: trace.y[i] }));
    },
  };
  const traces = Array.from({ length: n }, (_, i) => line([1, 2], [i, i]));
  const gd = {
    data: traces.map((t) => ({ ...t })),
    _fullData: traces.map((t) => ({ ...t, visible: true, _length: 2, _module: module })),
    calcdata: traces.map(() => [{ x: 1, y: 0, t: {} }]),
    _fullLayout: {
      xaxis: { autorange, _vals: [{ text: "0" }] },
      yaxis: { autorange, _vals: [{ text: "2" }], title: { text: "loss" } },
    },
  };
  const Plotly = {
    relayouts: [],
    reacts: 0,
    relayout(div, keys) {
      this.relayouts.push(keys);
      return Promise.resolve(div);
    },
    react(div) {
      this.reacts += 1;
      return Promise.resolve(div);
    },
  };
  return { gd, Plotly, calls };
}

test("redrawData swaps the arrays, recomputes calcdata and re-autoranges", async () => {
  const { gd, Plotly, calls } = drawnPlot();
  gd._fullData[1].visible = "legendonly";
  const next = [line([1, 2, 3], [5, 6, 7]), line([1, 2, 3], [8, 9, 10])];
  const done = redrawData(Plotly, gd, next);
  assert.ok(done);
  await done;
  assert.deepEqual(gd.data[0].y, [5, 6, 7]);
  assert.deepEqual(gd._fullData[1].y, [8, 9, 10]); // kept for when it is shown again
  assert.equal(gd._fullData[0]._length, 3);
  assert.deepEqual(calls, [["calc", 3]]); // hidden traces are not computed (as plotly)
  assert.deepEqual(
    gd.calcdata[0].map((p) => p.y),
    [5, 6, 7],
  );
  assert.equal(gd.calcdata[0][0].trace, gd._fullData[0]);
  assert.deepEqual(gd.calcdata[0][0].t, {});
  assert.equal(gd.calcdata[1][0].trace, gd._fullData[1]);
  assert.deepEqual(Plotly.relayouts, [{ "xaxis.autorange": true, "yaxis.autorange": true }]);
});

test("redrawData moves a y title when the tick labels changed", async () => {
  const { gd, Plotly } = drawnPlot(1);
  Plotly.relayout = function (div, keys) {
    this.relayouts.push(keys);
    div._fullLayout.yaxis._vals = [{ text: "10⁻¹" }];
    return Promise.resolve(div);
  };
  await redrawData(Plotly, gd, [line([1, 2, 3], [1, 2, 3])]);
  assert.deepEqual(Plotly.relayouts[1], { "yaxis.title.text": "loss" });
});

test("redrawData changes nothing when the plot is not in the expected state", () => {
  const { gd, Plotly } = drawnPlot();
  const next = [line([1, 2, 3], [5, 6, 7])];
  assert.equal(redrawData(Plotly, gd, next), null); // another number of traces
  assert.equal(redrawData(Plotly, gd, [next[0], { ...next[0], type: "heatmap" }]), null);
  assert.equal(redrawData(Plotly, {}, next), null); // never drawn
  assert.deepEqual(gd.data[0].y, [0, 0]);
  const zoomed = drawnPlot(1, false);
  assert.equal(redrawData(zoomed.Plotly, zoomed.gd, next), null); // every axis fixed: react
  assert.deepEqual(zoomed.gd.data[0].y, [0, 0]);
  assert.deepEqual(Plotly.relayouts, []);
});

test("drawPlot reacts on a first draw or a new style, redraws data otherwise", async () => {
  const { gd, Plotly } = drawnPlot(1);
  const memo = new Map();
  const layout = () => ({ width: 300 });
  assert.equal(await drawPlot(Plotly, gd, [line([1], [1])], layout(), {}, memo), "react");
  assert.equal(await drawPlot(Plotly, gd, [line([1, 2], [1, 2])], layout(), {}, memo), "data");
  const wider = { width: 400 };
  assert.equal(await drawPlot(Plotly, gd, [line([1, 2], [1, 2])], wider, {}, memo), "react");
  gd._fullData = [];
  assert.equal(await drawPlot(Plotly, gd, [line([1, 2], [1, 2])], wider, {}, memo), "react");
  assert.equal(Plotly.reacts, 3);
});

test("drawPlot draws anew when redrawing the data fails", async () => {
  const { gd, Plotly } = drawnPlot(1);
  const memo = new Map();
  await drawPlot(Plotly, gd, [line([1], [1])], {}, {}, memo);
  Plotly.relayout = () => Promise.reject(new Error("plotly changed"));
  const warn = console.warn;
  console.warn = () => {};
  try {
    assert.equal(await drawPlot(Plotly, gd, [line([1, 2], [1, 2])], {}, {}, memo), "react");
  } finally {
    console.warn = warn;
  }
  assert.equal(Plotly.reacts, 2);
});

test("drawPlot draws nothing when the figure and its sources are what the plot shows", async () => {
  const { gd, Plotly } = drawnPlot(1);
  const memo = new Map();
  const runs = [{ x: 1 }];
  const fig = () => [[line([1, 2], [1, 2])], { width: 300 }, {}];
  assert.equal(await drawPlot(Plotly, gd, ...fig(), memo, [null, runs]), "react");
  assert.equal(await drawPlot(Plotly, gd, ...fig(), memo, [null, runs]), "same");
  assert.equal(await drawPlot(Plotly, gd, ...fig(), memo, [null, [...runs]]), "data");
  assert.equal(await drawPlot(Plotly, gd, ...fig(), memo, null), "data"); // unknown: draw
  assert.equal(Plotly.reacts, 1);
  assert.equal(Plotly.relayouts.length, 2);
});

test("sameSources compares by identity, element by element", () => {
  const a = { x: 1 };
  assert.equal(sameSources([a, null], [a, null]), true);
  assert.equal(sameSources([a], [{ x: 1 }]), false);
  assert.equal(sameSources([a], [a, a]), false);
  assert.equal(sameSources(null, null), false);
});
