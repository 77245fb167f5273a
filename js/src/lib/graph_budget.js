// The horizontal budget of the unrolled graph: how wide a step column is (the pitch) and
// which steps of each chain get one. Every step gets a column of at least colMin when they
// fit; each chain's first interval is `lead` wide (room for the weight labels); long chains
// are compressed to first and last steps around a "… k steps …" gap (graph_columns.js).
// Pure (no DOM); tested through graph_layout.js in js/test/graph_layout.test.js.

import { matrixOf } from "./graph_chains.js";
import { chooseSteps, columnsFor } from "./graph_columns.js";
import { sym, textWidth } from "./graph_text.js";

/**
 * Centre distance between a chain's first two columns (h_0 and h_1): wide enough for the
 * W_hh label between the two nodes and for the W_xh / W_hy labels left of the t = 1 edges.
 */
function leadDistance(chains, m) {
  const w = (which, chain, l) => textWidth(matrixOf(which, chain, l).label, m.small);
  const h0Half = textWidth(sym("h", "0"), m.small) / 2;
  let lead = m.colMin;
  for (const chain of chains) {
    for (let l = 0; l < chain.layers; l++) {
      lead = Math.max(lead, m.nodeW + w("hh", chain, l) + 12 * m.k);
      lead = Math.max(lead, w("xh", chain, l) + h0Half + 11 * m.k);
    }
    lead = Math.max(lead, w("hy", chain, chain.layers - 1) + h0Half + 11 * m.k);
  }
  return lead;
}

/**
 * Step pitch p filling `avail` px with `cols` columns, where each of the `n` chains'
 * first column is max(p, 2·lead − p) wide; clamped to [colMin, pitchMax].
 */
function fitPitch(avail, cols, n, lead, m) {
  let p = avail / Math.max(1, cols);
  if (p < lead) p = cols > 2 * n ? (avail - 2 * n * lead) / (cols - 2 * n) : m.colMin;
  return Math.min(m.pitchMax, Math.max(m.colMin, p));
}

/**
 * Share the width between the chains' columns.
 *
 * @param {object} o the layout options of layoutGraph (width, window, tCursor, cursorChain)
 * @param {ReturnType<import("./graph_chains.js").chainsFor>} chains
 * @param {ReturnType<import("./graph_text.js").metrics>} m
 * @param {object} at
 * @param {number} at.left x where the first chain begins (after the row labels)
 * @param {number} at.right room kept right of the last chain (the loss box)
 * @param {Array<number | null>} at.starts first state of the truncation window per chain
 * @param {number} at.primary the chain the time cursor is in by default
 * @returns {{ctxW: number, placed: Array<{chain: object, gapW: number, cols: object[]}>,
 *   pitch: number, firstW: number, contentW: number, offset: number}} `ctxW`: width of the
 *   context column before a chain without h_0; `placed`: each chain with its columns
 *   (columnsFor) and gap width; `pitch`: width of a step column, `firstW` that of a chain's
 *   first column; `contentW`: the width it all needs; `offset`: shift centring it in o.width
 */
export function budgetColumns(o, chains, m, { left, right, starts, primary }) {
  const lead = leadDistance(chains, m);
  const ctxW = Math.max(m.pitchMin, textWidth("context", m.small) + m.nodeW + 12 * m.k);
  const fixedPx = chains.reduce((s, c) => s + (c.h0 ? 0 : ctxW), 0);
  const h0Cols = chains.filter((c) => c.h0).length;
  const usable = Math.max(0, o.width - left - right - fixedPx);
  const leadExtra = (p) => chains.length * Math.max(0, 2 * lead - 2 * p);
  const budget = (usable - leadExtra(m.colMin)) / m.colMin - h0Cols;
  const totalT = chains.reduce((s, c) => s + c.T, 0);
  const gapWidth = (T) => Math.max(1.5 * m.colMin, textWidth(`${T} steps`, m.small) + 6 * m.k);
  const placed = chains.map((c, ci) => {
    const gapW = gapWidth(c.T);
    const share = chains.length === 1 ? budget : (budget * c.T) / totalT;
    const forced = ci === (o.cursorChain ?? primary) && o.tCursor >= 1 ? [o.tCursor] : [];
    const pins = o.window?.active && starts[ci] > 0 ? [starts[ci]] : [];
    const steps = chooseSteps(c.T, share, pins, gapW / m.colMin, forced);
    return { chain: c, gapW, cols: columnsFor(steps, c.T, c.h0) };
  });
  let unitCols = 0;
  let gapPx = 0;
  for (const pc of placed) {
    for (const col of pc.cols) {
      if (col.kind === "gap") gapPx += pc.gapW;
      else unitCols += 1;
    }
  }
  const pitch = fitPitch(usable - gapPx, unitCols, chains.length, lead, m);
  const firstW = Math.max(pitch, 2 * lead - pitch);
  const contentW = left + right + fixedPx + gapPx + pitch * unitCols + leadExtra(pitch);
  const offset = Math.max(0, (o.width - contentW) / 2);
  return { ctxW, placed, pitch, firstW, contentW, offset };
}
