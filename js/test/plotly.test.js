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
