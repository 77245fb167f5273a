// What one column of the unrolled graph holds: the step number and the nodes and edges
// inside timestep t, x_t → h_t^(1) → … → h_t^(L) → y_t (W_xh, W_hy, and W_xh^(l) between
// layers), the weight labels at the chain's first step, and the gradient coming down the
// stack, ∂L/∂h_t^(l) · ∂h_t^(l)/∂h_t^(l−1). A gap column ("… k steps …") holds only its
// count and dots. Pure (no DOM); tested through graph_layout.js in js/test/graph_layout.test.js
// and js/test/graph_backward.test.js.

import { count } from "./axes.js";
import { matrixOf } from "./graph_chains.js";
import { sym } from "./graph_text.js";

/**
 * Lay out one placed column (x, w set) of chain `ci`, pushing into g.nodes, g.edges,
 * g.columns and the labels (g.add).
 *
 * @param {object} g the layout so far (layoutGraph): o, m, add, nodes, edges, columns,
 *   hCy, nodeH, yRowCy, xRowCy, stepRowY, hasY, lanes, starts
 * @param {number} ci the chain's index
 * @param {object} chain the chain (graph_chains.chainsFor)
 * @param {object} col the column (graph_columns.columnsFor, with x and w)
 * @param {object[]} anchors the chain's columns that are not gaps
 */
export function layStepColumn(g, ci, chain, col, anchors) {
  const { o, m, add, nodes, edges, columns, hCy, nodeH, yRowCy, xRowCy, stepRowY } = g;
  const { hasY, lanes, starts } = g;
  const top = chain.layers - 1;
  const cx = col.x + col.w / 2;
  if (col.kind === "gap") {
    add(count(col.count, "step"), cx, stepRowY, m.small, "middle", "gap");
    if (hasY && chain.y !== "none") add("⋯", cx, yRowCy + m.font * 0.35, m.font, "middle", "dots");
    add("⋯", cx, xRowCy + m.font * 0.35, m.font, "middle", "dots");
    return;
  }
  const t = col.t;
  columns.push({ chain: ci, t, x: col.x, w: col.w });
  add(String(t), cx, stepRowY, m.small, "middle", "step");
  for (let l = 0; l < chain.layers; l++) {
    nodes.push({
      kind: col.kind === "h0" ? "h0" : "h",
      chain: ci,
      layer: l,
      state: chain.states[l],
      t,
      cx,
      cy: hCy[l],
      w: m.nodeW,
      h: nodeH,
    });
  }
  if (col.kind === "h0") {
    for (let l = 0; l < chain.layers; l++) {
      // baseline above the frame (2k over the cells) by the subscript's drop and descent
      const y0 = hCy[l] - nodeH / 2 - 4 * m.k - 0.5 * m.small;
      add(sym("h", "0"), cx, y0, m.small, "middle", "h0");
    }
    return;
  }
  const first = t === anchors.find((a) => a.kind === "step").t;
  // Input x_t and its edge into layer 1.
  const xSolid = chain.x === "all" || (chain.x === "first" && t === 1);
  nodes.push({ kind: "x", chain: ci, t, cx, cy: xRowCy, r: m.ioR, ghost: !xSolid });
  const wxh = matrixOf("xh", chain, 0);
  if (xSolid) {
    const y1 = xRowCy - m.ioR - 2;
    const y2 = hCy[0] + nodeH / 2 + 2;
    edges.push({
      kind: "fwd",
      matrix: wxh.key,
      which: "xh",
      chain: ci,
      layer: 0,
      t,
      x1: cx,
      y1,
      x2: cx,
      y2,
    });
    if (first)
      add(
        wxh.label,
        cx - 5 * m.k,
        (y1 + y2) / 2 + m.small * 0.35,
        m.small,
        "end",
        "wlabel",
      ).matrix = wxh.key;
  }
  // Layer l-1 -> layer l (the full sequence goes up).
  for (let l = 1; l < chain.layers; l++) {
    const w = matrixOf("xh", chain, l);
    const y1 = hCy[l - 1] - nodeH / 2 - 2;
    const y2 = hCy[l] + nodeH / 2 + 2;
    edges.push({
      kind: "fwd",
      matrix: w.key,
      which: "xh",
      chain: ci,
      layer: l,
      t,
      x1: cx,
      y1,
      x2: cx,
      y2,
    });
    if (first)
      add(w.label, cx - 5 * m.k, (y1 + y2) / 2 + m.small * 0.35, m.small, "end", "wlabel").matrix =
        w.key;
    // … and the gradient comes down the same way: ∂L/∂h_t^(l) · ∂h_t^(l)/∂h_t^(l−1).
    // Outside the truncation window step t of layer l is not differentiated: none flows.
    if (lanes[ci][l] && lanes[ci][l - 1]) {
      const dx = m.laneOffset;
      const cut = Boolean(o.window?.active) && (starts[ci] === null || t <= starts[ci]);
      edges.push({
        kind: "bwd",
        down: true,
        chain: ci,
        layer: l - 1,
        from: l,
        state: chain.states[l],
        t,
        zero: cut,
        via: w.key,
        x1: cx + dx,
        y1: y2,
        x2: cx + dx,
        y2: y1,
      });
    }
  }
  // Output y_t.
  if (chain.y !== "none") {
    const solid = chain.y === "all" || t === chain.T;
    nodes.push({ kind: "y", chain: ci, t, cx, cy: yRowCy, r: m.ioR, ghost: !solid });
    const w = matrixOf("hy", chain, top);
    const y1 = hCy[top] - nodeH / 2 - 2;
    const y2 = yRowCy + m.ioR + 2;
    edges.push({
      kind: "fwd",
      matrix: o.outputLayer ? w.key : null,
      which: "hy",
      chain: ci,
      layer: top,
      t,
      x1: cx,
      y1,
      x2: cx,
      y2,
      ghost: !solid,
    });
    const labelHere = chain.y === "all" ? first : t === chain.T;
    if (labelHere && o.outputLayer) {
      const before = chain.y === "all";
      add(
        w.label,
        cx + (before ? -5 : 5) * m.k,
        y2 + (y1 - y2) * 0.3 + m.small * 0.35,
        m.small,
        before ? "end" : "start",
        "wlabel",
      ).matrix = w.key;
    }
  }
}
