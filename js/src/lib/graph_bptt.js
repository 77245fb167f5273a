// The backward-pass furniture of the unrolled graph: the loss box L, the gradient edge
// entering h_T, the truncated-BPTT band and the label saying how far the gradient goes.
// Pure (unit-tested through graph_layout.js and js/test/graph_backward.test.js).

import { xOfStep } from "./graph_columns.js";
import { makeLabel, textWidth } from "./graph_text.js";

/**
 * What the BPTT label says, true for what the lanes show: `long` when it fits, else `short`.
 *
 * @param {ReturnType<import("./graph_chains.js").chainsFor>} chains
 * @param {boolean[][]} lanes which layers carry a backward lane (graph_chains.laneLayers)
 * @param {number} k truncated-BPTT window (0: full BPTT)
 * @param {Array<number | null>} starts first state of the window per chain (chainStarts)
 * @returns {{long: string, short: string}}
 */
export function bpttText(chains, lanes, k, starts) {
  const layered = chains.some((c) => c.layers > 1);
  const everyLayer = lanes.every((ls) => ls.every(Boolean));
  const seq2seq = chains.length > 1;
  if (k > 0) {
    const short = `truncated BPTT: ${k} step${k === 1 ? "" : "s"}`;
    if (!seq2seq || starts[0] === null) return { long: short, short };
    const enc = chains[0].T - starts[0];
    const into = enc > 0 ? `${enc} encoder step${enc === 1 ? "" : "s"}` : "the context";
    return { long: `${short} (the decoder + ${into})`, short };
  }
  if (!everyLayer) {
    // An older frame without per-layer gradients: only the top layer's lane is drawn.
    const shown = layered || seq2seq ? "full BPTT (lane of the top layer only)" : null;
    return {
      long: shown ?? "full BPTT: the gradient flows back through every step",
      short: "full BPTT",
    };
  }
  let long = "full BPTT: the gradient flows back through every step";
  if (seq2seq) {
    long = layered
      ? "full BPTT: back through every step and layer, via the context into the encoder"
      : "full BPTT: back through every decoder step, the context and every encoder step";
  } else if (layered) {
    long = "full BPTT: back through every step of every layer";
  }
  return { long, short: "full BPTT" };
}

/**
 * Place the loss box, the ∂L/∂h_T edge and the BPTT band of the gradient chain.
 *
 * @param {object} c
 * @param {{T: number, layers: number, states: number[]}} c.chain the chain carrying the loss
 * @param {Array} c.cols its placed columns
 * @param {number} c.gc its index
 * @param {boolean} c.loss whether the loss box is drawn (the chain is the last one)
 * @param {number} c.k truncated-BPTT window (0: full BPTT)
 * @param {{cols: Array, t: number} | null} c.bandStart where the window begins (the
 *   columns of the chain it begins in, and the step, from frame_info.window): the band
 *   runs from there to h_T; always given when k > 0
 * @param {{long: string, short: string}} c.text the label (bpttText)
 * @returns {{labels: Array, edges: Array, bands: Array, box: object | null}}
 */
export function placeBptt(c) {
  const { chain, cols, m, hCy, nodeH, laneOff, bandRowY, k } = c;
  const labels = [];
  const edges = [];
  const bands = [];
  let box = null;
  const top = chain.layers - 1;
  const xT = xOfStep(cols, chain.T);
  if (c.loss) {
    const bx = xT + m.nodeW / 2 + m.lossGap;
    box = { x: bx, y: hCy[top] - m.font, w: c.boxW, h: m.font * 2 };
    labels.push(
      makeLabel("L", bx + c.boxW / 2, hCy[top] + m.font * 0.35, m.font, "middle", "loss"),
    );
    const by = hCy[top] + laneOff;
    const x2 = xT + m.nodeW / 2 + 2;
    edges.push({
      kind: "bwd",
      chain: c.gc,
      layer: top,
      state: chain.states?.[top],
      t: chain.T,
      x1: bx - 2,
      y1: by,
      x2,
      y2: by,
    });
  }
  const x1 = xT + m.nodeW / 2 + 6 * m.k;
  const { long, short } = c.text;
  if (k > 0) {
    const from = c.bandStart; // the sent window's first state: never worked out here
    const x0 = (xOfStep(from.cols, from.t) ?? xOfStep(cols, 1)) - m.nodeW / 2 - 6 * m.k;
    const yTop = hCy[top] - nodeH / 2 - 8 * m.k;
    const yBot = hCy[0] + nodeH / 2 + 8 * m.k;
    const text = x1 - textWidth(long, m.small) >= m.pad ? long : short;
    const fitsLeft = x1 - textWidth(text, m.small) >= m.pad;
    labels.push(
      makeLabel(text, fitsLeft ? x1 : x0, bandRowY, m.small, fitsLeft ? "end" : "start", "band"),
    );
    bands.push({ x: x0, y: yTop, w: x1 - x0, h: yBot - yTop, k });
  } else {
    const fits = x1 - textWidth(long, m.small) >= m.pad;
    labels.push(makeLabel(fits ? long : short, x1, bandRowY, m.small, "end", "band"));
  }
  return { labels, edges, bands, box };
}

/**
 * Notes under the graph on the backward path, when every layer has its lane (plain text).
 *
 * @param {{architecture: string, layers: number, window?: {active: boolean}}} s (window: frame_info.window)
 * @param {boolean} perLayer whether the frame carries every layer's gradient norms
 * @returns {string[]}
 */
export function backwardNotes(s, perLayer) {
  if (!perLayer) return [];
  const layers = Math.min(3, Math.max(1, s.layers | 0));
  const notes = [];
  if (s.architecture === "seq2seq") {
    notes.push(
      "Backward (pink): from the loss back through the decoder, through the context into the " +
        `encoder's last state, and on back through the encoder${s.window?.active ? " as far as the truncation window reaches" : ""}.`,
    );
  }
  if (layers > 1) {
    notes.push(
      "Each layer's pink lane is ‖∂L/∂h_t‖ of that layer (one thickness scale for all): the " +
        "gradient reaches layer ℓ back along its own steps (W_hh) and down from layer ℓ + 1 " +
        "(through its W_xh).",
    );
  }
  return notes;
}
