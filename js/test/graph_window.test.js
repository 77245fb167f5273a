// The unrolled graph draws the truncated-BPTT window the frame sends (frame_info.window:
// rnnviz.widgets.graph.bptt_window, from rnnviz.frame.truncation — the one rule), and the
// picture is the one it drew when it worked the window out itself. graph_window.json holds
// the windows Python sends over a sweep of settings (tests/widgets/test_graph_window.py
// checks it is the rule now); windowStarts in graph_options.js is the old JS rule, kept in
// the tests only as the reference.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";
import { chainStarts, chainsFor } from "../src/lib/graph_chains.js";
import { layoutGraph } from "../src/lib/graph_layout.js";
import { graphOptions, windowOf, windowStarts, withGradients } from "./graph_options.js";

const SENT = JSON.parse(readFileSync(new URL("./graph_window.json", import.meta.url), "utf8"));

/** The layout options of one swept setting, as graph.js builds them from frame_info. */
function options(s) {
  return graphOptions({
    architecture: s.architecture,
    layers: s.layers,
    timesteps: s.timesteps,
    decoderSteps: s.architecture === "seq2seq" ? s.decoder_steps || s.timesteps : 0,
    truncate: s.truncate,
  });
}

test("the sweep covers every architecture, 1–3 layers, k from 0 to T", () => {
  assert.ok(SENT.length > 200);
  const seen = new Set(SENT.map((s) => `${s.architecture}/${s.layers}`));
  assert.equal(seen.size, 12);
  assert.ok(
    SENT.some((s) => s.window.starts.includes(null)),
    "a window that misses a chain",
  );
});

test("the chains' window starts and k from the sent window are the old computed ones", () => {
  for (const s of SENT) {
    const o = options(s);
    const chains = chainsFor(o);
    const what = JSON.stringify(s);
    // the loss is on the last chain (frame.dh_norms: the top layer's), or no gradient is drawn
    for (const gc of [-1, chains.length - 1]) {
      assert.deepEqual(
        chainStarts(chains, gc, s.window),
        windowStarts(chains, gc, s.truncate),
        `${what}, gc ${gc}`,
      );
    }
    // the old effective k: 0 when the window reaches h_0 of the first chain
    const old = windowStarts(chains, chains.length - 1, s.truncate);
    assert.equal(s.window.active, s.truncate > 0 && old[0] !== 0, what);
    assert.deepEqual(s.window, windowOf(o), what);
  }
});

test("over many option sets the graph draws the sent window: band, its words, cut lanes", () => {
  const variants = [
    {},
    { width: 520, presenter: true },
    { tCursor: 2, phase: "backward" },
    { units: 256, width: 700, returnSequences: false },
  ];
  let n = 0;
  for (const s of SENT) {
    for (const v of variants) {
      const o = { ...withGradients({ ...options(s), ...v }), window: s.window };
      const L = layoutGraph(o);
      const what = JSON.stringify({ s, v });
      assert.equal(L.bands.length, s.window.active ? 1 : 0, what);
      const band = L.labels.find((l) => l.cls === "band").parts[0].text;
      assert.equal(band.startsWith(`truncated BPTT: ${s.truncate} step`), s.window.active, what);
      // a gradient down into layer l at step t: cut (zero) exactly before the window
      for (const e of L.edges.filter((e) => e.kind === "bwd" && e.down)) {
        const start = s.window.starts[e.state];
        const cut = s.truncate > 0 && (start === null || e.t <= start);
        assert.equal(e.zero, cut, `${what}: ${e.chain}/${e.layer}/${e.t}`);
      }
      n += 1;
    }
  }
  assert.ok(n > 1000);
});
