// The set-up the unrolled-graph tests share (not a test file: `npm test` runs test/*.test.js):
// the options graph.js passes to layoutGraph, the gradient norms a frame of those settings
// carries, and the text of the truncated-BPTT band's label. Used by graph_layout.test.js,
// graph_backward.test.js and claims_text.test.js.

import { chainsFor } from "../src/lib/graph_chains.js";
import { layoutGraph } from "../src/lib/graph_layout.js";

/** Layout options of the default graph (many-to-many, 16 units, 20 steps, full BPTT). */
export const GRAPH_OPTIONS = Object.freeze({
  width: 1280,
  presenter: false,
  units: 16,
  timesteps: 20,
  architecture: "many-to-many",
  layers: 1,
  returnSequences: true,
  truncate: 0,
  tokens: null,
  decoderSteps: 0,
  tCursor: -1,
  outputLayer: true,
});

/** The default layout options with some replaced (a new object each call). */
export function graphOptions(changes = {}) {
  return { ...GRAPH_OPTIONS, ...changes };
}

/**
 * THE REFERENCE (test only): the window rule graph_chains.js used to compute itself, before
 * the frame sent it (rnnviz.widgets.graph.bptt_window, from rnnviz.frame.truncation). Kept
 * here to prove the layout from the sent window is the layout it gave (graph_window.test.js)
 * and to give layouts built without Python their window. Per chain, walking back from the
 * loss chain `gc` along one timeline: `null` where the window does not reach the chain.
 */
export function windowStarts(chains, gc, k) {
  const out = chains.map(() => null);
  if (gc < 0) return out;
  let left = k > 0 ? k : Number.POSITIVE_INFINITY;
  for (let c = gc; c >= 0; c--) {
    out[c] = Math.max(0, chains[c].T - left);
    left -= chains[c].T;
    if (left < 0 || (c > 0 && chains[c].h0)) break; // cut here, or a chain with its own h_0
  }
  return out;
}

/** The frame_info.window of settings `o` by the reference rule (one start per layer;
 * active unless the window reaches h_0 of the first chain). */
export function windowOf(o) {
  const chains = chainsFor(o);
  const k = o.truncate | 0;
  const starts = windowStarts(chains, chains.length - 1, k);
  return {
    active: k > 0 && starts[0] !== 0,
    starts: chains.flatMap((c, ci) => c.states.map(() => starts[ci])),
  };
}

/**
 * Layout options with the gradient norms a frame of these settings carries: T + 1 norms
 * for every entry of frame.states (every layer of every chain, frame.layer_dh_norms), the
 * last of them the loss chain's top layer, and its truncation window (windowOf).
 */
export function withGradients(o) {
  const chains = chainsFor(o);
  const lengths = chains.flatMap((c) => c.states.map(() => c.T + 1));
  return { ...o, gradLength: lengths.at(-1), gradLengths: lengths, window: windowOf(o) };
}

/** layoutGraph of these options with the gradient norms of their frame (withGradients). */
export function layoutWithGradients(o) {
  return layoutGraph(withGradients(o));
}

/** The text of the truncated-BPTT band's label ("full BPTT …", "truncated BPTT: k steps …"). */
export function bandText(L) {
  return L.labels
    .find((l) => l.cls === "band")
    .parts.map((p) => p.text)
    .join("");
}
