// The state heatmap mounted on a fake DOM with a fake Plotly (test/fake_dom.js).

import assert from "node:assert/strict";
import test from "node:test";
import heatmap from "../src/heatmap.js";
import { clearPlotlyPage, fakePlotly, installDom, settle } from "./fake_dom.js";
import { fakeModel, wire } from "./fake_model.js";

const DRAWN = [
  "frame_info",
  "layer",
  "phase",
  "presenter",
  "quantity",
  "t_cursor",
  "updating",
  "values",
];

test("heatmap: its axes and colour bar skip plotly's label-overflow re-measuring (labels fit by automargin)", async () => {
  const uninstall = installDom();
  const Plotly = fakePlotly();
  globalThis.Plotly = Plotly;
  try {
    const units = 3;
    const timesteps = 4;
    const model = fakeModel({
      _drawn_traits: DRAWN,
      frame_info: {
        settings: { units, weight_scale: 1, activation: "tanh", cell: "rnn" },
        timesteps,
        quantities: [["h", "h_t (hidden state)"]],
        layer_names: ["layer 1"],
        tokens: [],
        range: [-1, 1],
      },
      values: wire(new Array(units * timesteps).fill(0.25), [units, timesteps]),
      quantity: "h",
      layer: 0,
      phase: "forward",
      presenter: false,
      t_cursor: -1,
      updating: false,
    });
    const el = document.createElement("div");
    const cleanup = heatmap.render({ model, el });
    await settle();
    assert.equal(Plotly.calls.length, 1);
    const { data, layout } = Plotly.calls[0];
    for (const axis of [layout.xaxis, layout.yaxis]) {
      assert.equal(axis.automargin, true);
      assert.equal(axis.ticklabeloverflow, "allow");
    }
    assert.equal(data[0].colorbar.ticklabeloverflow, "allow");
    // the hover's value in 3 significant digits, as every other number (not "%{z:.3f}",
    // which read 0.000 for |h| < 5e-4)
    assert.match(data[0].hovertemplate, /h = %\{z:\.3~g\}/);
    cleanup();
  } finally {
    clearPlotlyPage();
    uninstall();
  }
});
