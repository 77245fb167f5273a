// Geometry of the unrolled graph: where every node, edge and label goes. Pure (no DOM);
// graph_draw.js turns the result into SVG. Tested in js/test/graph_layout.test.js.
//
// layoutGraph puts the parts together, left to right and top to bottom: the horizontal
// budget (graph_budget.js: pitch, which steps get a column), the rows and their labels
// (graph_rows.js), per chain each column's nodes and edges (graph_step_edges.js) and the
// recurrent edges with their backward lanes (graph_recurrent.js), then the loss box and
// truncation band (graph_bptt.js) and the token labels (graph_text.js).

import { bpttText, placeBptt } from "./graph_bptt.js";
import { budgetColumns } from "./graph_budget.js";
import { chainStarts, chainsFor, gradientChain, laneLayers } from "./graph_chains.js";
import { applyProgress, backwardStarted, progressAt, progressText } from "./graph_progress.js";
import { layRecurrentEdges } from "./graph_recurrent.js";
import { addRowLabels, layoutRows, rowLabelWidth, rowTexts } from "./graph_rows.js";
import { layStepColumn } from "./graph_step_edges.js";
import { makeLabel, metrics, placeTokens, textWidth } from "./graph_text.js";
import { unitLayout } from "./graph_units.js";

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
 * @param {{active: boolean, starts: Array<number | null>}} [o.window] the window the frame
 *   sends (frame_info.window, one start per entry of frame.states; absent: full BPTT)
 * @param {string[] | null} o.tokens labels of x_1..x_T
 * @param {number} o.decoderSteps
 * @param {number} o.tCursor highlighted step of chain o.cursorChain (-1: none)
 * @param {number} [o.cursorChain] the chain the cursor is in (timeline.js locate; default:
 *   the gradient chain)
 * @param {string} [o.phase] the cursor's pass, "forward" (default) | "backward": forward,
 *   the h and y nodes after the cursor are `pending` (not computed yet) and no backward
 *   lane is drawn; backward, only the lanes the gradient has reached (graph_progress.js)
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
  const starts = chainStarts(chains, gc, o.window);
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
  const texts = rowTexts(o.units, L);
  const left = m.pad + rowLabelWidth(texts, m) + m.pad / 2;
  const loss = gc >= 0 && gc === chains.length - 1;
  const boxW = m.font * 1.8;
  const right = (loss ? m.lossGap + boxW : 0) + m.pad;

  // Horizontal budget: the step pitch and which steps of each chain get a column.
  const { ctxW, placed, pitch, firstW, contentW, offset } = budgetColumns(o, chains, m, {
    left,
    right,
    starts,
    primary,
  });
  let width = Math.max(o.width, contentW);

  // Vertical rows, top to bottom.
  const rows = layoutRows(m, { band: gc >= 0, titles: chains.length > 1, hasY, L, nodeH });
  const { bandRowY, titleRowY, yRowCy, hCy, xRowCy, stepRowY } = rows;
  let y = rows.bottom;
  const laneOff = lanes.some((ls) => ls.some(Boolean)) ? m.laneOffset : 0;
  const fwdY = (l, ci) => hCy[l] - (lanes[ci][l] ? laneOff : 0);
  addRowLabels(add, m, rows, texts, L, hasY);

  // Columns, nodes and edges of each chain.
  const g = {
    o,
    m,
    add,
    nodes,
    edges,
    columns,
    hCy,
    nodeH,
    yRowCy,
    xRowCy,
    stepRowY,
    hasY,
    lanes,
    starts,
    laneOff,
    fwdY,
    placed,
  };
  let cursorX = left + offset;
  let prevChainLast = null;
  const chainBoxes = [];
  for (let ci = 0; ci < placed.length; ci++) {
    const { chain, gapW, cols } = placed[ci];
    const chainX0 = cursorX;
    if (!chain.h0) cursorX += ctxW;
    for (const [i, col] of cols.entries()) {
      col.w = col.kind === "gap" ? gapW : i === 0 ? firstW : pitch;
      col.x = cursorX;
      col.chain = ci;
      cursorX += col.w;
    }
    const anchors = cols.filter((c) => c.kind !== "gap");
    for (const col of cols) layStepColumn(g, ci, chain, col, anchors);
    // Recurrent edges h_{t-1} -> h_t (dashed across a gap) and the backward lane.
    layRecurrentEdges(g, ci, anchors, prevChainLast);
    const last = anchors[anchors.length - 1];
    prevChainLast = { cx: last.x + last.w / 2, t: last.t };
    chainBoxes.push({ x0: chainX0, x1: cursorX });
    if (chain.name) add(chain.name, (chainX0 + cursorX) / 2, titleRowY, m.font, "middle", "title");
  }

  // Loss box and the gradient entering h_T; truncated-BPTT band (from the chain and step
  // where the window begins, which in seq2seq may be the encoder).
  const first = starts.findIndex((st) => st !== null);
  const bandStart = first >= 0 ? { cols: placed[first].cols, t: starts[first] } : null;
  // Not active (k ≥ the timeline: truncate = T) truncates nothing: full BPTT, as the
  // simulator and the gradient view treat it (the frame says which: o.window.active).
  const k = o.window?.active ? o.truncate | 0 : 0;
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
  // Forward at a cursor the backward pass has not started: the band says nothing yet.
  const at = progressAt(o, primary);
  const started = backwardStarted(at);
  labels.push(...bptt.labels.filter((l) => started || l.cls !== "band"));
  edges.push(...bptt.edges);
  bands.push(...bptt.bands);

  // One-to-many reads only x_1: the other tokens are not inputs.
  const tokens = placed[0].chain.x === "first" && o.tokens ? o.tokens.slice(0, 1) : o.tokens;
  const tok = placeTokens(tokens, placed[0].cols, pitch, m, y);
  width = Math.max(width, tok.right);
  y = tok.bottom;
  // What is computed at the cursor: later steps pending, lanes not reached left out.
  const drawn = applyProgress(at, nodes, edges);
  const said = progressText(at, chains);
  if (said) {
    const fits = left + textWidth(said.long, m.small) <= width - m.pad;
    labels.push(
      makeLabel(
        fits ? said.long : said.short,
        left,
        y + m.small * 1.4,
        m.small,
        "start",
        "caption",
      ),
    );
    y += m.small * 2;
  }
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
    edges: drawn,
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
