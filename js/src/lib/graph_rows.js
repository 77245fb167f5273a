// The vertical rows of the unrolled graph and their labels in the left margin. Top to
// bottom: the truncation band's label, the chain titles (seq2seq), y_t, h_t^(L) … h_t^(1)
// (one row per layer), x_t and the step numbers t. Pure (no DOM); tested through
// graph_layout.js in js/test/graph_layout.test.js.

import { sym, textWidth } from "./graph_text.js";

/**
 * The texts of the row labels: "h_t" (with the layer "(l)" in a stack) and "p = units".
 *
 * @param {number} units p
 * @param {number} L the deepest chain's number of layers
 * @returns {{hRow: (l: number) => object[], pText: string}}
 */
export function rowTexts(units, L) {
  const hRow = (l) => (L > 1 ? sym("h", "t", `(${l + 1})`) : sym("h", "t"));
  return { hRow, pText: `p = ${Math.max(1, units | 0)}` };
}

/** Width of the left margin's widest row label ("y_t", "h_t" + "p = 256"). */
export function rowLabelWidth(texts, m) {
  return Math.max(
    textWidth(texts.hRow(0), m.font),
    textWidth(texts.pText, m.small),
    textWidth(sym("y", "t"), m.font),
  );
}

/**
 * Where each row goes, top to bottom from m.pad.
 *
 * @param {ReturnType<import("./graph_text.js").metrics>} m
 * @param {object} o
 * @param {boolean} o.band whether a truncation band's label row is needed (a gradient chain)
 * @param {boolean} o.titles whether the chains have titles (more than one chain)
 * @param {boolean} o.hasY whether any chain has outputs y_t
 * @param {number} o.L number of layers (rows of h)
 * @param {number} o.nodeH height of an h node
 * @returns {{bandRowY: number, titleRowY: number, yRowCy: number, hCy: number[],
 *   xRowCy: number, stepRowY: number, bottom: number}} baselines (…RowY), centres (…Cy;
 *   hCy[l] of layer l) and the y below the step numbers
 */
export function layoutRows(m, { band, titles, hasY, L, nodeH }) {
  let y = m.pad;
  const bandRowY = y + m.small;
  if (band) y += m.small * 1.6;
  const titleRowY = y + m.font;
  if (titles) y += m.font * 1.6;
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
  return { bandRowY, titleRowY, yRowCy, hCy, xRowCy, stepRowY, bottom: y };
}

/**
 * Add the row labels of the left margin: y_t (when there are outputs), h_t and "p = …"
 * per layer, x_t and t.
 *
 * @param {(...args: any[]) => object} add makes and keeps a label (graph_text.makeLabel)
 */
export function addRowLabels(add, m, rows, texts, L, hasY) {
  const { yRowCy, hCy, xRowCy, stepRowY } = rows;
  if (hasY) add(sym("y", "t"), m.pad, yRowCy + m.font * 0.35, m.font, "start", "row");
  for (let l = 0; l < L; l++) {
    add(texts.hRow(l), m.pad, hCy[l] + m.font * 0.35, m.font, "start", "row");
    const pY = hCy[l] + m.font * 0.8 + m.small + 2 * m.k;
    add(texts.pText, m.pad, pY, m.small, "start", "units");
  }
  add(sym("x", "t"), m.pad, xRowCy + m.font * 0.35, m.font, "start", "row");
  add("t", m.pad, stepRowY, m.small, "start", "row");
}
