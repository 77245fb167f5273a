// The rolled picture: one cell per layer with its W_hh self-loop — the same cell the
// unrolled view repeats T times. Same output format as layoutGraph (pure, tested).

import { chainsFor, matrixOf } from "./graph_chains.js";
import { makeLabel, metrics, sym, textWidth } from "./graph_text.js";
import { unitLayout } from "./graph_units.js";

/**
 * What each chain's cell shows at the time cursor (one timeline: seq2seq runs the encoder,
 * then the decoder; timeline.js locate gives the cursor's chain and step):
 * - "last": no cursor: h at the last step;
 * - "current": the cursor's chain: h at the cursor's step t (0: h_0, backward);
 * - "final": a chain the forward pass is done with (an earlier one; in the backward pass
 *   every one): h at its last step, its final state;
 * - "pending": forward, a chain after the cursor's: it has not run yet, so there is no state
 *   to show (t = 0: no row of its states is read).
 * Without `cursorChain` (an older caller) every chain counts as the cursor's.
 * @param {{T: number}[]} chains
 * @param {number} tCursor the step in the cursor's chain (-1: no cursor)
 * @param {number | undefined} cursorChain
 * @param {string} phase "forward" | "backward"
 * @returns {{t: number, status: "last" | "current" | "final" | "pending"}[]}
 */
export function rolledSteps(chains, tCursor, cursorChain, phase = "forward") {
  return chains.map((chain, ci) => {
    if (!(tCursor >= 0)) return { t: chain.T, status: "last" };
    const at = cursorChain ?? ci;
    if (ci === at && tCursor <= chain.T) return { t: tCursor, status: "current" };
    if (ci > at && phase !== "backward") return { t: 0, status: "pending" };
    return { t: chain.T, status: "final" };
  });
}

/** The small line under a chain's name saying what its cell shows (none: "last"). */
function statusText(at) {
  if (at.status === "pending") return "not run yet";
  if (at.status === "final") return `final state, t = ${at.t}`;
  if (at.status === "current") return `t = ${at.t}`;
  return null;
}

/**
 * Lay out the rolled view (options as layoutGraph, plus `cellLabel`: the cell's display
 * name, "LSTM", from the frame's cell facts, and `phase`, the cursor's pass).
 * Each h node shows the state at the time cursor when it is set, else at the last step; a
 * chain the forward pass has not reached shows none (`pending` node: no values, labelled
 * "not run yet"), one it has finished its final state (rolledSteps).
 */
export function layoutRolled(o) {
  const chains = chainsFor(o);
  const steps = rolledSteps(chains, o.tCursor, o.cursorChain, o.phase);
  const L = Math.max(...chains.map((c) => c.layers));
  const m = metrics(o.presenter);
  const cells = unitLayout(o.units, m, L);
  const nodeH = cells.height;
  const hasY = chains.some((c) => c.y !== "none");
  const labels = [];
  const nodes = [];
  const edges = [];
  const add = (...args) => {
    const lab = makeLabel(...args);
    labels.push(lab);
    return lab;
  };
  const R = Math.max(nodeH / 2 + 6 * m.k, 16 * m.k);

  let y = m.pad;
  const titleRowY = y + m.font;
  if (chains.length > 1) y += m.font * 1.6;
  // Several chains on one timeline: under each name, what its cell shows at the cursor.
  const statusRowY = y + m.small;
  const statuses = chains.length > 1 ? steps.map(statusText) : [];
  if (statuses.some(Boolean)) y += m.small * 1.7;
  const yRowCy = y + m.ioR;
  if (hasY) y += 2 * m.ioR + m.vGap;
  const hCy = [];
  for (let l = L - 1; l >= 0; l--) {
    hCy[l] = y + nodeH / 2;
    y += nodeH + (l > 0 ? m.layerGap : 0);
  }
  y += m.vGap;
  const xRowCy = y + m.ioR;
  y += 2 * m.ioR + m.pad;

  const hRowLabel = (l) => (L > 1 ? sym("h", "t", `(${l + 1})`) : sym("h", "t"));
  const pText = `p = ${Math.max(1, o.units | 0)}`;
  const rowLabelW = Math.max(textWidth(hRowLabel(0), m.font), textWidth(pText, m.small));
  if (hasY) add(sym("y", "t"), m.pad, yRowCy + m.font * 0.35, m.font, "start", "row");
  for (let l = 0; l < L; l++) {
    add(hRowLabel(l), m.pad, hCy[l] + m.font * 0.35, m.font, "start", "row");
    add(pText, m.pad, hCy[l] + m.font * 0.8 + m.small + 2 * m.k, m.small, "start", "units");
  }
  add(sym("x", "t"), m.pad, xRowCy + m.font * 0.35, m.font, "start", "row");

  const loopLabelW = textWidth(sym("W", "hh", "dec(3)"), m.small);
  const cellSpan = m.nodeW / 2 + 2 * R + 8 * m.k + loopLabelW;
  // Centre the cells in the available width (the row labels stay at the left).
  const cx0 = m.pad + rowLabelW + 3 * m.pad + m.nodeW / 2 + textWidth("W", m.small) * 3;
  const span = chains.length * (cellSpan + m.pitchMin) - m.pitchMin + m.pad;
  let cx = cx0 + Math.max(0, (o.width - cx0 - span) / 2);
  const columns = [];
  chains.forEach((chain, ci) => {
    const { t, status } = steps[ci];
    const pending = status === "pending";
    columns.push({ chain: ci, t, x: cx - m.nodeW, w: 2 * m.nodeW });
    if (chain.name) add(chain.name, cx, titleRowY, m.font, "middle", "title");
    if (statuses[ci]) add(statuses[ci], cx, statusRowY, m.small, "middle", "step");
    for (let l = 0; l < chain.layers; l++) {
      nodes.push({
        kind: "h",
        chain: ci,
        layer: l,
        state: chain.states[l],
        t,
        pending,
        cx,
        cy: hCy[l],
        w: m.nodeW,
        h: nodeH,
      });
      const w = matrixOf("hh", chain, l);
      const x0 = cx + m.nodeW / 2 + 1;
      const a = Math.min(nodeH / 2, 6 * m.k);
      const c1 = [x0 + 2.2 * R, hCy[l] - a - R];
      const c2 = [x0 + 2.2 * R, hCy[l] + a + R];
      const end = [x0 + 1, hCy[l] + a];
      edges.push({
        kind: "fwd",
        matrix: w.key,
        which: "hh",
        chain: ci,
        layer: l,
        t,
        loop: true,
        path: `M${x0},${hCy[l] - a}C${c1[0]},${c1[1]} ${c2[0]},${c2[1]} ${end[0]},${end[1]}`,
        head: { x1: c2[0], y1: c2[1], x2: end[0], y2: end[1] },
      });
      add(
        w.label,
        x0 + 1.7 * R + 6 * m.k,
        hCy[l] + m.small * 0.35,
        m.small,
        "start",
        "wlabel",
      ).matrix = w.key;
      const wx = matrixOf("xh", chain, l);
      const y1 = l === 0 ? xRowCy - m.ioR - 2 : hCy[l - 1] - nodeH / 2 - 2;
      const y2 = hCy[l] + nodeH / 2 + 2;
      if (l > 0 || chain.x !== "none") {
        edges.push({
          kind: "fwd",
          matrix: wx.key,
          which: "xh",
          chain: ci,
          layer: l,
          t,
          x1: cx,
          y1,
          x2: cx,
          y2,
        });
        add(
          wx.label,
          cx - 5 * m.k,
          (y1 + y2) / 2 + m.small * 0.35,
          m.small,
          "end",
          "wlabel",
        ).matrix = wx.key;
      }
    }
    const ghostX = chain.x === "none";
    nodes.push({ kind: "x", chain: ci, t, cx, cy: xRowCy, r: m.ioR, ghost: ghostX });
    if (chain.y !== "none") {
      const top = chain.layers - 1;
      const w = matrixOf("hy", chain, top);
      nodes.push({ kind: "y", chain: ci, t, cx, cy: yRowCy, r: m.ioR, ghost: false });
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
      });
      if (o.outputLayer)
        add(
          w.label,
          cx - 5 * m.k,
          y2 + (y1 - y2) * 0.3 + m.small * 0.35,
          m.small,
          "end",
          "wlabel",
        ).matrix = w.key;
    }
    if (ci > 0) {
      // The encoder's h_T initialises the decoder: an arc under the two cells.
      const prev = nodes.find((n) => n.kind === "h" && n.chain === ci - 1 && n.layer === 0);
      const y0 = hCy[0] + nodeH / 2 + 3 * m.k;
      const x0 = prev.cx + m.nodeW / 2;
      const x1 = cx - m.nodeW / 2 - 2;
      const q = [(x0 + x1) / 2, y0 + m.vGap * 0.9];
      const path = `M${x0},${y0}Q${q[0]},${q[1]} ${x1},${y0}`;
      const head = { x1: q[0], y1: q[1], x2: x1, y2: y0 };
      edges.push({
        kind: "fwd",
        matrix: null,
        which: "ctx",
        chain: ci,
        t,
        path,
        head,
        context: true,
      });
      add(
        [{ text: "context h" }, { text: "T", sub: true }],
        q[0],
        y0 + m.vGap * 0.45 + m.small * 1.4,
        m.small,
        "middle",
        "wlabel",
      );
    }
    cx += cellSpan + m.pitchMin;
  });
  const contentRight = cx - m.pitchMin + m.pad;
  const width = Math.max(o.width, contentRight);
  const runs = chains.map((c) => `${c.name ? `${c.name}: ` : ""}t = 1 … ${c.T}`).join(", ");
  const name = o.cellLabel || "recurrent";
  const what = L > 1 ? `one ${name} cell per layer` : `one ${name} cell`;
  const shown = chains.length > 1 ? chainsShown(chains, steps) : `t = ${steps[0].t}`;
  const caption = `${what}, the same weights at every step (${runs}); showing h at ${shown}`;
  y += m.small * 0.6;
  const captionLabel = makeLabel(caption, m.pad, y + m.small, m.small, "start", "caption");
  labels.push(captionLabel);
  const height = y + m.small * 1.6 + m.pad;
  return {
    width: Math.max(width, captionLabel.box.x1 + m.pad),
    height,
    m,
    chains,
    gc: -1,
    primary: 0,
    slots: cells.slots,
    unitsDrawn: cells.drawn,
    nodeH,
    nodes,
    edges,
    labels,
    tokenLabels: [],
    tokenRotate: false,
    bands: [],
    columns,
    lossBox: null,
    rolled: true,
  };
}

/** "encoder t = 6 (final), decoder t = 2" / "encoder t = 3, decoder: not run yet". */
function chainsShown(chains, steps) {
  return chains
    .map((c, i) => {
      const at = steps[i];
      if (at.status === "pending") return `${c.name}: not run yet`;
      return `${c.name} t = ${at.t}${at.status === "final" ? " (final)" : ""}`;
    })
    .join(", ");
}
