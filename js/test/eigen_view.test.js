// The eigenvalue view mounted on a fake DOM with a fake Plotly: what it redraws for what.

import assert from "node:assert/strict";
import test from "node:test";
import eigen from "../src/eigen.js";
import { clearPlotlyPage, fakePlotly, installDom, settle } from "./fake_dom.js";
import { fakeModel, wire } from "./fake_model.js";

const DRAWN = [
  "eigenvalues",
  "frame_info",
  "phase",
  "presenter",
  "singular_values",
  "t_cursor",
  "updating",
];

function eigenModel(scale = 1) {
  return fakeModel({
    _drawn_traits: DRAWN,
    frame_info: {
      settings: { units: 2, weight_scale: scale, init: "orthogonal" },
      timesteps: 5,
      matrix: "W_hh",
      rho: 0.9 * scale,
      sigma_max: 1.2 * scale,
      gamma: 1,
    },
    eigenvalues: wire([0.9 * scale, 0, -0.5 * scale, 0.1], [2, 2]),
    singular_values: wire([1.2 * scale, 0.4], [2]),
    phase: "forward",
    presenter: false,
    t_cursor: -1,
    updating: false,
  });
}

test("eigen view: 'updating' alone dims the plot without redrawing it; new data redraws", async () => {
  const uninstall = installDom();
  const Plotly = fakePlotly();
  globalThis.Plotly = Plotly;
  try {
    const model = eigenModel();
    const el = document.createElement("div");
    const cleanup = eigen.render({ model, el });
    await settle();
    const root = el.children[0];
    assert.equal(root.dataset.testid, "rnnviz-eigen");
    const first = Plotly.calls.length;
    assert.ok(first >= 1, "the first frame is drawn");

    model.update({ updating: true }); // newer settings are being analysed
    await settle();
    assert.equal(Plotly.calls.length, first, "no plotly redraw for 'updating'");
    assert.equal(root.dataset.updating, "true", "but the view is marked (dimmed)");

    const next = eigenModel(1.05);
    model.update({
      frame_info: next.get("frame_info"),
      eigenvalues: next.get("eigenvalues"),
      singular_values: next.get("singular_values"),
      updating: false,
    });
    await settle();
    assert.equal(Plotly.calls.length, first + 1, "the new spectrum is drawn once");
    assert.equal(root.dataset.updating, "false");
    assert.equal(root.dataset.weightScale, "1.05");

    model.update({ updating: true });
    model.update({ updating: false }); // an analysis that failed: the old picture stays
    await settle();
    assert.equal(Plotly.calls.length, first + 1);
    assert.equal(root.dataset.updating, "false");
    cleanup();
  } finally {
    clearPlotlyPage();
    uninstall();
  }
});

test("eigen view: every axis grows its margin for its labels and skips plotly's overflow re-measuring", async () => {
  const uninstall = installDom();
  const Plotly = fakePlotly();
  globalThis.Plotly = Plotly;
  try {
    const el = document.createElement("div");
    const cleanup = eigen.render({ model: eigenModel(), el });
    await settle();
    const { layout } = Plotly.calls.at(-1);
    const axes = Object.keys(layout).filter((k) => /^[xy]axis\d*$/.test(k));
    assert.deepEqual(axes.sort(), ["xaxis", "xaxis2", "yaxis", "yaxis2"]);
    for (const name of axes) {
      assert.equal(layout[name].automargin, true, name);
      assert.equal(layout[name].ticklabeloverflow, "allow", name);
    }
    cleanup();
  } finally {
    clearPlotlyPage();
    uninstall();
  }
});
