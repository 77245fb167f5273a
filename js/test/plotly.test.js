import assert from "node:assert/strict";
import test from "node:test";
import { RETRY_MS, loadPlotly, plotConfig } from "../src/lib/plotly.js";

class FakeModel {
  constructor() {
    this.sent = [];
    this.handlers = new Set();
  }
  send(msg) {
    this.sent.push(msg);
  }
  on(name, cb) {
    assert.equal(name, "msg:custom");
    this.handlers.add(cb);
  }
  off(_name, cb) {
    this.handlers.delete(cb);
  }
  reply(msg, buffers) {
    for (const cb of [...this.handlers]) cb(msg, buffers);
  }
}

test("two views on one page send one request and share one evaluated copy", async () => {
  const scope = {};
  let evaluations = 0;
  const fake = { react() {} };
  const evaluate = async (buffer) => {
    evaluations++;
    assert.equal(buffer, "SOURCE");
    return fake;
  };
  const a = new FakeModel();
  const b = new FakeModel();
  const la = loadPlotly(a, { scope, evaluate, now: () => 0 });
  const lb = loadPlotly(b, { scope, evaluate, now: () => 1 });
  assert.deepEqual(a.sent, [{ type: "plotly:request" }]);
  assert.deepEqual(b.sent, [], "the second view waits for the first request");
  a.reply({ type: "plotly:source" }, ["SOURCE"]);
  assert.equal(await la.promise, fake);
  assert.equal(await lb.promise, fake);
  assert.equal(evaluations, 1);
  assert.equal(a.handlers.size, 0, "listeners removed once loaded");
  la.cleanup();
  lb.cleanup();
  const c = new FakeModel();
  const lc = loadPlotly(c, { scope, evaluate });
  assert.equal(await lc.promise, fake);
  assert.deepEqual(c.sent, [], "a view opened later asks nothing");
});

test("a page that already has Plotly (standalone export) never asks the kernel", async () => {
  const Plotly = { react() {} };
  const scope = { Plotly };
  const m = new FakeModel();
  const loader = loadPlotly(m, { scope });
  assert.equal(await loader.promise, Plotly);
  assert.deepEqual(m.sent, []);
});

test("a view re-asks after RETRY_MS when the first request got no answer", () => {
  const scope = {};
  let t = 0;
  const a = new FakeModel();
  const b = new FakeModel();
  const la = loadPlotly(a, { scope, now: () => t, evaluate: async () => ({}) });
  t = RETRY_MS - 1;
  const lb = loadPlotly(b, { scope, now: () => t, evaluate: async () => ({}) });
  assert.equal(b.sent.length, 0);
  la.cleanup();
  lb.cleanup();
  t = RETRY_MS + 1;
  const lb2 = loadPlotly(b, { scope, now: () => t, evaluate: async () => ({}) });
  assert.deepEqual(b.sent, [{ type: "plotly:request" }]);
  lb2.cleanup();
});

test("unrelated custom messages are ignored", () => {
  const scope = {};
  const m = new FakeModel();
  let called = 0;
  const loader = loadPlotly(m, {
    scope,
    now: () => 0,
    evaluate: async () => {
      called++;
      return {};
    },
  });
  m.reply({ type: "something-else" }, []);
  assert.equal(called, 0);
  loader.cleanup();
});

test("plotConfig keeps only the png download and hides the logo", () => {
  const c = plotConfig("x");
  assert.deepEqual(c.modeBarButtons, [["toImage"]]);
  assert.equal(c.displaylogo, false);
  assert.equal(c.responsive, false);
  assert.equal(c.toImageButtonOptions.filename, "x");
});

test("the fast redraws refuse plots that are not in the expected state", async () => {
  const { redrawHeatmapZ, redrawScatterY } = await import("../src/lib/plotly.js");
  assert.equal(redrawHeatmapZ(null, [[1]]), false);
  assert.equal(
    redrawHeatmapZ({ _fullData: [{ type: "scatter" }], calcdata: [[{ z: [[1]] }]] }, [[1]]),
    false,
  );
  const plot = () => {
    throw new Error("must not draw");
  };
  const layer = { empty: () => false };
  const gd = {
    _fullData: [{ type: "heatmap", _module: { plot } }],
    calcdata: [[{ z: [[1, 2]] }]],
    _fullLayout: { _plots: { xy: { plot: { select: () => layer } } } },
    data: [{ z: [[1, 2]] }],
  };
  assert.equal(redrawHeatmapZ(gd, [[1, 2, 3]]), false); // another shape: a full draw
  assert.deepEqual(gd.calcdata[0][0].z, [[1, 2]]); // nothing changed
  const scatter = {
    _fullData: [{ type: "scatter", visible: true, _module: { plot } }],
    calcdata: [[{ y: 1 }, { y: 2 }]],
    _fullLayout: { _plots: { xy: { plot: { select: () => layer }, yaxis: { type: "log" } } } },
    data: [{ y: [1, 2] }],
  };
  assert.equal(redrawScatterY(scatter, [[1, 2, 3]]), false); // another length
  assert.equal(redrawScatterY(scatter, [[1], [2]]), false); // another number of traces
  assert.deepEqual(scatter.data[0].y, [1, 2]);
});

test("redrawScatterY maps values a log axis cannot show to plotly's gap (undefined)", async () => {
  const { redrawScatterY } = await import("../src/lib/plotly.js");
  const calls = [];
  const plot = (...args) => calls.push(args);
  const layer = { empty: () => false };
  const gd = {
    _fullData: [
      { type: "scatter", visible: true, _module: { plot } },
      { type: "scatter", visible: "legendonly", _module: { plot } },
    ],
    calcdata: [[{ y: 1 }, { y: 2 }, { y: 3 }], [{ y: 1 }]],
    _fullLayout: { _plots: { xy: { plot: { select: () => layer }, yaxis: { type: "log" } } } },
    data: [{ y: [1, 2, 3] }, { y: [1] }],
  };
  assert.equal(redrawScatterY(gd, [[0.5, 0, Number.NaN], [7]]), true);
  assert.deepEqual(
    gd.calcdata[0].map((p) => p.y),
    [0.5, undefined, undefined],
  );
  assert.equal(gd.calcdata[1][0].y, 1); // hidden (legend only) traces are not drawn
  assert.deepEqual(gd.data[1].y, [7]); // but keep their new values for the next full draw
  assert.equal(calls.length, 1);
  assert.equal(calls[0][2].length, 1); // only the visible trace's calcdata
});
