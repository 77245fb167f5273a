// The backward-pass furniture of the unrolled graph: the loss box L, the gradient edge
// entering h_T, and the truncated-BPTT band with its label. Pure (unit-tested through
// graph_layout.js).

import { xOfStep } from "./graph_columns.js";
import { makeLabel, textWidth } from "./graph_text.js";

/**
 * Place the loss box, the ∂L/∂h_T edge and the BPTT band of the gradient chain.
 *
 * @param {object} c
 * @param {{T: number, layers: number}} c.chain the chain carrying the gradients
 * @param {Array} c.cols its placed columns
 * @param {number} c.gc its index
 * @param {boolean} c.loss whether the loss box is drawn (the chain is the last one)
 * @param {number} c.k truncated-BPTT window (0: full BPTT)
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
    edges.push({ kind: "bwd", chain: c.gc, t: chain.T, x1: bx - 2, y1: by, x2, y2: by });
  }
  const x1 = xT + m.nodeW / 2 + 6 * m.k;
  if (k > 0) {
    const x0 = xOfStep(cols, Math.max(0, chain.T - k)) - m.nodeW / 2 - 6 * m.k;
    const yTop = hCy[top] - nodeH / 2 - 8 * m.k;
    const yBot = hCy[0] + nodeH / 2 + 8 * m.k;
    const text = `truncated BPTT: ${k} step${k === 1 ? "" : "s"}`;
    const fitsLeft = x1 - textWidth(text, m.small) >= m.pad;
    labels.push(
      makeLabel(text, fitsLeft ? x1 : x0, bandRowY, m.small, fitsLeft ? "end" : "start", "band"),
    );
    bands.push({ x: x0, y: yTop, w: x1 - x0, h: yBot - yTop, k });
  } else {
    const text = "full BPTT: the gradient flows back through every step";
    const fits = x1 - textWidth(text, m.small) >= m.pad;
    labels.push(makeLabel(fits ? text : "full BPTT", x1, bandRowY, m.small, "end", "band"));
  }
  return { labels, edges, bands, box };
}
