// The edges between the columns of one chain of the unrolled graph, per layer: the
// recurrent edges h_{t−1} → h_t (W_hh; dashed across a "… k steps …" gap, labelled at the
// first interval), the backward lane beneath them carrying ∂L/∂h_t back to h_{t−1}, and in
// seq2seq the encoder → decoder context edge (the encoder's last state initialises the
// decoder) with the gradient going back through it into the encoder's h_T.
// Pure (no DOM); tested through graph_layout.js in js/test/graph_backward.test.js.

import { matrixOf } from "./graph_chains.js";

/**
 * Lay out the recurrent edges, backward lanes and context edge of chain `ci` (its columns
 * placed), pushing into g.edges and the labels (g.add).
 *
 * @param {object} g the layout so far (layoutGraph): m, add, edges, hCy, lanes, laneOff,
 *   fwdY (y of layer l's forward edges in chain ci), placed
 * @param {number} ci the chain's index
 * @param {object[]} anchors the chain's columns that are not gaps, left to right
 * @param {{cx: number, t: number} | null} prevChainLast centre and step of the previous
 *   chain's last column (the encoder's h_T), null for the first chain
 */
export function layRecurrentEdges(g, ci, anchors, prevChainLast) {
  const { m, add, edges, hCy, lanes, laneOff, fwdY, placed } = g;
  const chain = placed[ci].chain;
  for (let l = 0; l < chain.layers; l++) {
    const w = matrixOf("hh", chain, l);
    const fy = fwdY(l, ci);
    /** The forward edge into step t along W_hh (`more`: dashed across a gap, or the context). */
    const hhEdge = (t, x1, x2, more) =>
      edges.push({
        kind: "fwd",
        matrix: w.key,
        which: "hh",
        chain: ci,
        layer: l,
        t,
        x1,
        y1: fy,
        x2,
        y2: fy,
        ...more,
      });
    for (let i = 1; i < anchors.length; i++) {
      const a = anchors[i - 1];
      const b = anchors[i];
      const ax = a.x + a.w / 2 + m.nodeW / 2 + 2;
      const bx = b.x + b.w / 2 - m.nodeW / 2 - 2;
      const dashed = b.t - a.t > 1;
      hhEdge(b.t, ax, bx, { dashed });
      if (i === 1 && !dashed)
        add(w.label, (ax + bx) / 2, fy - 4 * m.k, m.small, "middle", "wlabel").matrix = w.key;
      if (lanes[ci][l]) {
        const by = hCy[l] + laneOff;
        edges.push({
          kind: "bwd",
          chain: ci,
          layer: l,
          state: chain.states[l],
          t: a.t,
          x1: bx,
          y1: by,
          x2: ax,
          y2: by,
          dashed,
        });
      }
    }
    // Encoder -> decoder: the encoder's last state initialises the decoder.
    if (!chain.h0 && prevChainLast && anchors.length) {
      const b = anchors[0];
      const ax = prevChainLast.cx + m.nodeW / 2 + 2;
      const bx = b.x + b.w / 2 - m.nodeW / 2 - 2;
      hhEdge(b.t, ax, bx, { context: true });
      add("context", (ax + bx) / 2, fy - 4 * m.k, m.small, "middle", "wlabel");
      // … and the gradient goes back through it into the encoder's h_T.
      if (lanes[ci][l] && lanes[ci - 1][l]) {
        const by = hCy[l] + laneOff;
        edges.push({
          kind: "bwd",
          chain: ci - 1,
          layer: l,
          state: placed[ci - 1].chain.states[l],
          context: true,
          t: prevChainLast.t,
          x1: bx,
          y1: by,
          x2: ax,
          y2: by,
        });
      }
    }
  }
}
