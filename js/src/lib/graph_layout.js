// Geometry of the unrolled graph: where every node, edge and label goes. Pure (no DOM);
// graph_draw.js turns the result into SVG. Tested in js/test/graph_layout.test.js.

import { count } from "./axes.js";
import { bpttText, placeBptt } from "./graph_bptt.js";
import { chainsFor, gradientChain, laneLayers, matrixOf, windowStarts } from "./graph_chains.js";
import { chooseSteps, columnsFor } from "./graph_columns.js";
import { makeLabel, metrics, placeTokens, sym, textWidth } from "./graph_text.js";
import { unitLayout } from "./graph_units.js";

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
 * Lay out the unrolled graph.
 *
 * @param {object} o
 * @param {number} o.width container width in px (the layout may be wider: the SVG then scales)
 * @param {boolean} o.presenter
 * @param {number} o.units p
 * @param {number} o.timesteps T
 * @param {string} o.architecture
 * @param {number} o.layers
 * @param {boolean} o.returnSequences
 * @param {number} o.truncate truncated-BPTT window k (0: full BPTT)
 * @param {string[] | null} o.tokens labels of x_1..x_T
 * @param {number} o.decoderSteps
 * @param {number} o.tCursor highlighted step of chain o.cursorChain (-1: none)
 * @param {number} [o.cursorChain] the chain the cursor is in (timeline.js locate; default:
 *   the gradient chain)
 * @param {boolean} o.outputLayer whether y_t has its own weights W_hy
 * @param {number} o.gradLength number of gradient norms (T + 1), 0 when none
 * @param {number[]} [o.gradLengths] per entry of frame.states, the number of its gradient
 *   norms (frame.layer_dh_norms): every layer they cover gets a backward lane
 */
export function layoutGraph(o) {
  const chains = chainsFor(o);
  const L = Math.max(...chains.map((c) => c.layers));
  const m = metrics(o.presenter);
  const gc = o.gradLength > 0 ? gradientChain(chains, o.gradLength) : -1;
  const primary = Math.max(gc, 0);
  const lanes = laneLayers(chains, o.gradLengths, gc);
  const starts = windowStarts(chains, gc, o.truncate | 0);
  const cells = unitLayout(o.units, m, L);
  const nodeH = cells.height;
  const hasY = chains.some((c) => c.y !== "none");
  const labels = [];
  const nodes = [];
  const edges = [];
  const bands = [];
  const columns = [];
  const add = (...args) => {
    const lab = makeLabel(...args);
    labels.push(lab);
    return lab;
  };

  // Left margin: row labels ("y_t", "h_t" + "p = 256", "x_t", "t").
  const hRowLabel = (l) => (L > 1 ? sym("h", "t", `(${l + 1})`) : sym("h", "t"));
  const pText = `p = ${Math.max(1, o.units | 0)}`;
  const rowLabelW = Math.max(
    textWidth(hRowLabel(0), m.font),
    textWidth(pText, m.small),
    textWidth(sym("y", "t"), m.font),
  );
  const left = m.pad + rowLabelW + m.pad / 2;
  const loss = gc >= 0 && gc === chains.length - 1;
  const boxW = m.font * 1.8;
  const right = (loss ? m.lossGap + boxW : 0) + m.pad;
  const lead = leadDistance(chains, m);

  // Horizontal budget: every step gets a column of at least colMin when they fit; each
  // chain's first interval is `lead` wide (room for the weight labels); long chains are
  // compressed to first and last steps around a "… k steps …" gap.
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
    const pins = o.truncate > 0 && starts[ci] > 0 ? [starts[ci]] : [];
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
  let width = Math.max(o.width, contentW);
  const offset = Math.max(0, (o.width - contentW) / 2);

  // Vertical rows, top to bottom.
  let y = m.pad;
  const bandRowY = y + m.small;
  if (gc >= 0) y += m.small * 1.6;
  const titleRowY = y + m.font;
  if (chains.length > 1) y += m.font * 1.6;
  const yRowCy = y + m.ioR;
  if (hasY) y += 2 * m.ioR + m.vGap;
  const hCy = [];
  for (let l = L - 1; l >= 0; l--) {
    hCy[l] = y + nodeH / 2;
    y += nodeH + (l > 0 ? m.layerGap : 0);
  }
  y += m.vGap;
  const xRowCy = y + m.ioR;
  y += 2 * m.ioR;
  const stepRowY = y + m.pad + m.small;
  y = stepRowY + m.small * 0.6;
  const laneOff = lanes.some((ls) => ls.some(Boolean)) ? m.laneOffset : 0;
  const fwdY = (l, ci) => hCy[l] - (lanes[ci][l] ? laneOff : 0);

  // Row labels.
  if (hasY) add(sym("y", "t"), m.pad, yRowCy + m.font * 0.35, m.font, "start", "row");
  for (let l = 0; l < L; l++) {
    add(hRowLabel(l), m.pad, hCy[l] + m.font * 0.35, m.font, "start", "row");
    const pY = hCy[l] + m.font * 0.8 + m.small + 2 * m.k;
    add(pText, m.pad, pY, m.small, "start", "units");
  }
  add(sym("x", "t"), m.pad, xRowCy + m.font * 0.35, m.font, "start", "row");
  add("t", m.pad, stepRowY, m.small, "start", "row");

  // Columns, nodes and edges of each chain.
  let cursorX = left + offset;
  let prevChainLast = null;
  const chainBoxes = [];
  for (let ci = 0; ci < placed.length; ci++) {
    const { chain, gapW, cols } = placed[ci];
    const top = chain.layers - 1;
    const chainX0 = cursorX;
    if (!chain.h0) cursorX += ctxW;
    for (const [i, col] of cols.entries()) {
      col.w = col.kind === "gap" ? gapW : i === 0 ? firstW : pitch;
      col.x = cursorX;
      col.chain = ci;
      cursorX += col.w;
    }
    const anchors = cols.filter((c) => c.kind !== "gap");
    for (const col of cols) {
      const cx = col.x + col.w / 2;
      if (col.kind === "gap") {
        add(count(col.count, "step"), cx, stepRowY, m.small, "middle", "gap");
        if (hasY && chain.y !== "none")
          add("⋯", cx, yRowCy + m.font * 0.35, m.font, "middle", "dots");
        add("⋯", cx, xRowCy + m.font * 0.35, m.font, "middle", "dots");
        continue;
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
        continue;
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
          add(
            w.label,
            cx - 5 * m.k,
            (y1 + y2) / 2 + m.small * 0.35,
            m.small,
            "end",
            "wlabel",
          ).matrix = w.key;
        // … and the gradient comes down the same way: ∂L/∂h_t^(l) · ∂h_t^(l)/∂h_t^(l−1).
        // Outside the truncation window step t of layer l is not differentiated: none flows.
        if (lanes[ci][l] && lanes[ci][l - 1]) {
          const dx = m.laneOffset;
          const cut = o.truncate > 0 && (starts[ci] === null || t <= starts[ci]);
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
    // Recurrent edges h_{t-1} -> h_t (dashed across a gap) and the backward lane.
    for (let l = 0; l < chain.layers; l++) {
      const w = matrixOf("hh", chain, l);
      const fy = fwdY(l, ci);
      for (let i = 1; i < anchors.length; i++) {
        const a = anchors[i - 1];
        const b = anchors[i];
        const ax = a.x + a.w / 2 + m.nodeW / 2 + 2;
        const bx = b.x + b.w / 2 - m.nodeW / 2 - 2;
        const dashed = b.t - a.t > 1;
        edges.push({
          kind: "fwd",
          matrix: w.key,
          which: "hh",
          chain: ci,
          layer: l,
          t: b.t,
          x1: ax,
          y1: fy,
          x2: bx,
          y2: fy,
          dashed,
        });
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
        edges.push({
          kind: "fwd",
          matrix: w.key,
          which: "hh",
          chain: ci,
          layer: l,
          t: b.t,
          x1: ax,
          y1: fy,
          x2: bx,
          y2: fy,
          context: true,
        });
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
    const last = anchors[anchors.length - 1];
    prevChainLast = { cx: last.x + last.w / 2, t: last.t };
    chainBoxes.push({ x0: chainX0, x1: cursorX });
    if (chain.name) add(chain.name, (chainX0 + cursorX) / 2, titleRowY, m.font, "middle", "title");
  }

  // Loss box and the gradient entering h_T; truncated-BPTT band (from the chain and step
  // where the window begins, which in seq2seq may be the encoder).
  const first = starts.findIndex((st) => st !== null);
  const bandStart = first >= 0 ? { cols: placed[first].cols, t: starts[first] } : null;
  // A window that reaches h_0 of the first chain (k ≥ the timeline: truncate = T) truncates
  // nothing: full BPTT, as the simulator and the gradient view treat it.
  const k = starts[0] === 0 ? 0 : o.truncate | 0;
  const bptt =
    gc >= 0
      ? placeBptt({
          ...placed[gc],
          bandStart,
          text: bpttText(chains, lanes, k, starts),
          gc,
          loss,
          boxW,
          m,
          hCy,
          nodeH,
          laneOff,
          bandRowY,
          k,
        })
      : { labels: [], edges: [], bands: [], box: null };
  labels.push(...bptt.labels);
  edges.push(...bptt.edges);
  bands.push(...bptt.bands);

  // One-to-many reads only x_1: the other tokens are not inputs.
  const tokens = placed[0].chain.x === "first" && o.tokens ? o.tokens.slice(0, 1) : o.tokens;
  const tok = placeTokens(tokens, placed[0].cols, pitch, m, y);
  width = Math.max(width, tok.right);
  y = tok.bottom;
  for (const lab of labels) width = Math.max(width, lab.box.x1 + m.pad / 2);
  const height = y + m.pad;
  return {
    width,
    height,
    m,
    chains,
    gc,
    primary,
    lanes,
    slots: cells.slots,
    unitsDrawn: cells.drawn,
    nodeH,
    nodes,
    edges,
    labels,
    tokenLabels: tok.labels,
    tokenRotate: tok.rotate,
    bands,
    columns,
    chainBoxes,
    lossBox: bptt.box,
    pitch,
    placed,
    rows: { yRowCy, hCy, xRowCy, stepRowY, hasY },
  };
}
