// Forward at a time cursor the backward pass has not started (the caption says so): the
// graph shows nothing of the gradient yet — no lane, no ‖∂L/∂hₜ‖ legend entry and no words
// on the truncation band. Backward, or without a cursor, both are shown as before.
import assert from "node:assert/strict";
import test from "node:test";
import graph from "../src/graph.js";
import { layoutGraph } from "../src/lib/graph_layout.js";
import { installDom, settle } from "./fake_dom.js";
import { fakeModel, wire } from "./fake_model.js";
import { graphOptions, withGradients } from "./graph_options.js";

const bandWords = (L) => L.labels.filter((l) => l.cls === "band").map((l) => l.parts[0].text);
const caption = (L) => L.labels.find((l) => l.cls === "caption")?.parts[0].text ?? "";

test("forward at a cursor the band has no words; backward and without a cursor it has", () => {
  const cases = [
    graphOptions({ timesteps: 10, truncate: 5 }),
    graphOptions({ timesteps: 10, truncate: 0, layers: 2 }),
    graphOptions({ architecture: "seq2seq", timesteps: 6, decoderSteps: 4, truncate: 3 }),
  ];
  for (const base of cases) {
    const o = withGradients(base);
    const none = layoutGraph(o);
    const fwd = layoutGraph({ ...o, tCursor: 2, cursorChain: 0, phase: "forward" });
    const back = layoutGraph({ ...o, tCursor: 2, cursorChain: 0, phase: "backward" });
    assert.match(caption(fwd), /backward pass not started/);
    assert.deepEqual(bandWords(fwd), [], JSON.stringify(base));
    assert.match(bandWords(none)[0], /BPTT/);
    assert.deepEqual(bandWords(back), bandWords(none));
    assert.equal(fwd.bands.length, none.bands.length, "the band itself stays: no jump");
    assert.equal(fwd.height, back.height, "the band row is kept across the phases");
  }
});

/** The text of the legend's entries. */
function legendText(el) {
  const out = [];
  const visit = (n, inLegend) => {
    const here = inLegend || n.className === "rg-legend";
    if (here && n.textContent) out.push(n.textContent);
    for (const c of n.children ?? []) visit(c, here);
  };
  visit(el, false);
  return out.join(" ");
}

test("the ‖∂L/∂hₜ‖ legend entry is hidden forward at a cursor, shown backward and without", async () => {
  const uninstall = installDom();
  try {
    const proto = Object.getPrototypeOf(document.createElement("g"));
    proto.removeAttribute ??= function removeAttribute(name) {
      delete this.attributes[name];
    };
    const T = 6;
    const model = fakeModel({
      _drawn_traits: ["frame_info", "states", "t_cursor", "phase", "rolled"],
      frame_info: {
        settings: {
          units: 4,
          architecture: "many-to-many",
          layers: 1,
          cell: "rnn",
          output_units: 1,
          return_sequences: true,
          truncate: 3,
        },
        timesteps: T,
        decoder_steps: 0,
        timeline: [{ name: null, start: 0, steps: T, layers: [0] }],
        cell_info: { display_name: "RNN" },
        shapes: [],
        state_range: [-1, 1],
        window: { active: true, starts: [3] },
      },
      states: [wire(new Array(T * 4).fill(0.5), [T, 4])],
      dh_norms: wire([0, 0, 0, 0.2, 0.3, 0.4, 0.5]),
      layer_dh_norms: [wire([0, 0, 0, 0.2, 0.3, 0.4, 0.5])],
      t_cursor: 3,
      phase: "forward",
      rolled: false,
      presenter: false,
    });
    const el = document.createElement("div");
    graph.render({ model, el });
    assert.doesNotMatch(legendText(el), /∂L/, "forward at a cursor");
    assert.match(legendText(el), /h: /, "the state scale stays");
    model.update({ phase: "backward", t_cursor: 4 });
    await settle(40);
    assert.match(legendText(el), /‖∂L\/∂hₜ‖ 0\.2 … 0\.5/);
    assert.match(legendText(el), /outside the BPTT window/);
    model.update({ phase: "forward", t_cursor: -1 });
    await settle(40);
    assert.match(legendText(el), /‖∂L\/∂hₜ‖ 0\.2 … 0\.5/, "no cursor: as before");
    model.update({ t_cursor: 5 });
    await settle(40);
    assert.doesNotMatch(legendText(el), /∂L/);
  } finally {
    uninstall();
  }
});
