// Words and numbers of the gradient and graph views at their boundaries: truncate = 1 and
// truncate = T, plural forms, the vanishing readout.

import assert from "node:assert/strict";
import test from "node:test";
import { readoutItems, windowBand } from "../src/lib/gradient_data.js";
import { bandText, graphOptions, layoutWithGradients } from "./graph_options.js";

const base = graphOptions({ units: 4, timesteps: 8, outputLayer: false });

test("gradient view: the band is the kept steps and the words Python sent (one rule)", () => {
  // frame_info.truncation comes from rnnviz/frame/truncation.py; the view adds nothing.
  const label = ["truncated BPTT, k = 1:", "gradient kept 1 step back"];
  assert.deepEqual(windowBand({ active: true, kept: [0, 1], label }), {
    kept: [0, 1],
    text: "truncated BPTT, k = 1:<br>gradient kept 1 step back",
  });
  assert.equal(windowBand({ active: false, kept: [0, 8], label: [] }), null); // k = T: full
  assert.equal(windowBand(undefined), null); // an older frame: no claim at all
  assert.equal(windowBand({ active: true, kept: [0, 2], label: ["a < b"] }).text, "a &lt; b");
});

test("graph: truncate = T is labelled full BPTT, as the simulator and gradient view treat it", () => {
  const full = layoutWithGradients({ ...base, truncate: 8 });
  assert.match(bandText(full), /^full BPTT/);
  assert.equal(full.bands.length, 0);
  assert.match(bandText(layoutWithGradients({ ...base, truncate: 7 })), /^truncated BPTT: 7 steps/);
  assert.match(
    bandText(layoutWithGradients({ ...base, truncate: 1 })),
    /^truncated BPTT: 1 step\b/,
  );
  // seq2seq: k = timesteps never reaches the whole timeline of T + S steps
  const s2s = layoutWithGradients({
    ...base,
    architecture: "seq2seq",
    decoderSteps: 3,
    truncate: 8,
  });
  assert.match(bandText(s2s), /^truncated BPTT: 8 steps \(the decoder \+ 5 encoder steps\)/);
});

test("readout: 'sufficient for vanishing' is the kernel's verdict, only for the Elman RNN", () => {
  const rnn = { matrix: "W_hh", rho: 1, sigma_max: 1, gamma: 1, gamma_sigma: 1 };
  const value = (th) => readoutItems(th).find((i) => i.testid === "vanishing-sufficient")?.value;
  assert.equal(value({ ...rnn, pascanu_holds: true, vanishing_sufficient: false }), "no");
  assert.equal(value({ ...rnn, pascanu_holds: true, vanishing_sufficient: true }), "yes");
  assert.equal(value({ ...rnn, pascanu_holds: false, vanishing_sufficient: null }), undefined);
  // overflow travels as null and reads inf, never "null" or "NaN"
  const inf = readoutItems({ ...rnn, sigma_max: null, gamma_sigma: null, pascanu_holds: true });
  assert.deepEqual(
    inf.map((i) => i.value),
    ["1", "inf", "1", "inf", "no"],
  );
});

test("graph: a zero gradient norm is not called 'outside the window' under full BPTT", async () => {
  const { zeroMeaning, gradientStyles } = await import("../src/lib/graph_color.js");
  // weight scale 0.05 over 200 steps, full BPTT: ‖∂L/∂h_t‖ ≈ 1e-270 reaches the graph as
  // float32 0 (tests/widgets/test_claims_text.py), drawn in the "zero" style
  const norms = Float32Array.from([1e-270, 1e-50, 1e-40, 1]);
  assert.deepEqual(
    gradientStyles(norms).map((s) => s.state),
    ["zero", "zero", "active", "active"],
  );
  assert.doesNotMatch(zeroMeaning(false), /window/);
  assert.match(zeroMeaning(false), /float32/);
  assert.match(zeroMeaning(true), /outside the BPTT window, or below float32/);
});

test("gradient view: a seq2seq encoder the window does not reach has no band, only words", () => {
  const label = ["truncated BPTT, k = 3:", "no gradient reaches the encoder"];
  assert.deepEqual(windowBand({ active: true, kept: null, label }), {
    kept: null,
    text: label.join("<br>"),
  });
});
