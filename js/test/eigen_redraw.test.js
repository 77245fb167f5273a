// The eigenvalue view's data-only redraw: a new spectrum of the same size moves the points
// in place (plotly_scatter.js redrawScatterXY) and, when ρ moved, updates the shapes and
// labels with a layout-only react (the same data); anything else is a full Plotly.react.
// The picture against a full react in real plotly.js: tests/widgets/test_redraw_browser.py.

import assert from "node:assert/strict";
import test from "node:test";
import eigen from "../src/eigen.js";
import { redrawScatterXY } from "../src/lib/plotly_scatter.js";
import { clearPlotlyPage, installDom, settle } from "./fake_dom.js";
import { fakeModel, wire } from "./fake_model.js";

const DRAWN = ["eigenvalues", "frame_info", "presenter", "singular_values"];

/** A spectrum of n eigenvalues (n singular values) scaled by `scale`; rho and sigma_max
 * as given (default: scale). */
function frame(scale = 1, n = 2, rho = scale) {
  const eig = Array.from({ length: 2 * n }, (_, i) => scale * (i % 2 ? 0.1 : 0.9 - i / (4 * n)));
  const sv = Array.from({ length: n }, (_, i) => scale * (1.2 - i / (2 * n)));
  return {
    frame_info: {
      settings: { units: n, weight_scale: scale, init: "orthogonal" },
      timesteps: 5,
      matrix: "W_hh",
      rho,
      sigma_max: 1.2 * rho,
      gamma: 1,
    },
    eigenvalues: wire(eig, [n, 2]),
    singular_values: wire(sv, [n]),
  };
}

/** A Plotly stand-in whose react leaves the plot div in the state plotly.js leaves it in
 * (data, layout, _fullData, calcdata, subplots), so that the view can redraw in place; the
 * scatter module's plot records which subplot drew which traces. */
function plotlyWithState() {
  const calls = [];
  const plots = [];
  const layer = { empty: () => false };
  const axis = (id) => ({ _id: id, type: "linear", autorange: false });
  const axes = { x: axis("x"), y: axis("y"), x2: axis("x2"), y2: axis("y2") };
  const module = { plot: (_gd, plotinfo, cds) => plots.push({ subplot: plotinfo.id, cds }) };
  const react = async (gd, data, layout) => {
    calls.push({ method: "react", data, layout, sameData: data === gd.data });
    gd.data = data;
    gd.layout = layout;
    gd._fullData = data.map((t) => ({
      type: "scatter",
      visible: true,
      x: t.x,
      y: t.y,
      _module: module,
      _xA: axes[t.xaxis],
      _yA: axes[t.yaxis],
    }));
    gd.calcdata = data.map((t) => Array.from(t.x, (x, k) => ({ x, y: t.y[k] })));
    const subplot = (id) => ({ id, plot: { select: () => layer } });
    gd._fullLayout = { _plots: { xy: subplot("xy"), x2y2: subplot("x2y2") } };
  };
  return { calls, plots, react, purge: () => {} };
}

async function mounted(fn) {
  const uninstall = installDom();
  const Plotly = plotlyWithState();
  globalThis.Plotly = Plotly;
  try {
    const model = fakeModel({ _drawn_traits: DRAWN, presenter: false, ...frame(0.5, 4) });
    const el = document.createElement("div");
    const cleanup = eigen.render({ model, el });
    await settle(60);
    const root = el.children[0];
    await fn({ model, root, Plotly, gd: root.children.find((c) => c.className === "rnnviz-plot") });
    cleanup();
  } finally {
    clearPlotlyPage();
    uninstall();
  }
}

test("a weight-scale step moves the points in place, and ρ's marks with a layout-only react", async () => {
  await mounted(async ({ model, root, Plotly, gd }) => {
    assert.equal(Plotly.calls.length, 1, "the first frame: a full react");
    model.update(frame(0.55, 4));
    await settle(60);
    assert.equal(root.dataset.weightScale, "0.55");
    assert.equal(root.dataset.fastDraws, "1");
    assert.deepEqual(
      Plotly.plots.map((p) => p.subplot),
      ["xy", "x2y2"],
      "each subplot's trace redrawn",
    );
    // the points are the new spectrum, in what plotly draws and what it reads next
    const eig = frame(0.55, 4).eigenvalues;
    const re = new Float32Array(eig.data.buffer).filter((_, i) => i % 2 === 0);
    assert.deepEqual(
      gd.calcdata[0].map((p) => p.x),
      Array.from(re),
    );
    assert.deepEqual(Array.from(gd.data[0].x), Array.from(re));
    // ρ moved: its circle, line and label follow, with the plot's own (updated) data
    assert.equal(Plotly.calls.length, 2);
    assert.equal(Plotly.calls[1].sameData, true);
    const circle = Plotly.calls[1].layout.shapes.find((s) => s.type === "circle" && s.x1 !== 1);
    assert.ok(Math.abs(circle.x1 - 0.55) < 1e-6, "the ρ circle at the new ρ");
  });
});

test("new values with the same ρ and σ_max: no plotly react at all", async () => {
  await mounted(async ({ model, root, Plotly }) => {
    model.update(frame(0.45, 4, 0.5)); // other eigenvalues, same ρ = 0.5, σ_max = 0.6
    await settle(60);
    assert.equal(root.dataset.fastDraws, "1");
    assert.equal(Plotly.calls.length, 1);
    assert.equal(Plotly.plots.length, 2);
  });
});

test("another size (units) is a full react: new traces, new axes", async () => {
  await mounted(async ({ model, root, Plotly }) => {
    model.update(frame(0.5, 5));
    await settle(60);
    assert.equal(root.dataset.fastDraws, "0");
    assert.equal(Plotly.calls.length, 2);
    assert.equal(Plotly.calls[1].sameData, false);
    assert.equal(Plotly.calls[1].data[0].x.length, 5);
    assert.equal(Plotly.plots.length, 0);
  });
});

test("redrawScatterXY refuses plots it cannot redraw in place, changing nothing", () => {
  const plot = () => {
    throw new Error("must not draw");
  };
  const layer = { empty: () => false };
  const make = (xa = {}) => ({
    data: [{ x: [1, 2], y: [3, 4] }],
    _fullData: [
      {
        type: "scatter",
        visible: true,
        _module: { plot },
        _xA: { _id: "x", type: "linear", autorange: false, ...xa },
        _yA: { _id: "y", type: "linear", autorange: false },
      },
    ],
    calcdata: [
      [
        { x: 1, y: 3 },
        { x: 2, y: 4 },
      ],
    ],
    _fullLayout: { _plots: { xy: { plot: { select: () => layer } } } },
  });
  const two = [{ x: [5, 6], y: [7, 8] }];
  assert.equal(redrawScatterXY(null, two), false);
  assert.equal(redrawScatterXY(make(), [{ x: [5, 6, 7], y: [7, 8, 9] }]), false); // length
  assert.equal(redrawScatterXY(make(), [...two, ...two]), false); // number of traces
  assert.equal(redrawScatterXY(make({ autorange: true }), two), false); // range follows data
  assert.equal(redrawScatterXY(make({ type: "log" }), two), false);
  const gd = make({ _id: "x2" }); // no such subplot
  assert.equal(redrawScatterXY(gd, two), false);
  assert.deepEqual(gd.calcdata[0], [
    { x: 1, y: 3 },
    { x: 2, y: 4 },
  ]);
  assert.deepEqual(gd.data[0].x, [1, 2]);
});

test("redrawScatterXY gives non-finite values plotly's gap (undefined)", () => {
  const drawn = [];
  const layer = { empty: () => false };
  const gd = {
    data: [{ x: [1, 2], y: [3, 4] }],
    _fullData: [
      {
        type: "scatter",
        visible: true,
        _module: { plot: (...args) => drawn.push(args) },
        _xA: { _id: "x", type: "linear", autorange: false },
        _yA: { _id: "y", type: "linear", autorange: false },
      },
    ],
    calcdata: [
      [
        { x: 1, y: 3 },
        { x: 2, y: 4 },
      ],
    ],
    _fullLayout: { _plots: { xy: { plot: { select: () => layer } } } },
  };
  assert.equal(
    redrawScatterXY(gd, [{ x: [Number.NaN, 6], y: [7, Number.POSITIVE_INFINITY] }]),
    true,
  );
  assert.deepEqual(gd.calcdata[0], [
    { x: undefined, y: 7 },
    { x: 6, y: undefined },
  ]);
  assert.equal(drawn.length, 1);
  assert.equal(drawn[0][3], layer);
});
