// Word labels under the columns of the sentence input — the heatmap's time axis, the
// graph's x_t row and (as a Python copy, rnnviz/export/_axes.py word_ticks) the exported
// figure: which of them are drawn so that no two ever collide, always horizontal.
// Pure; unit-tested in js/test/word_ticks.test.js.

import { textWidth } from "./text_width.js";

/** The token of a padding step (rnnviz.sim.inputs.PAD): a zero vector after the words. */
export const PAD = "<pad>";

/** Free space kept between two neighbouring labels, in units of the font size. */
export const GAP_EM = 0.5;

/**
 * Which labels are drawn, each centred on its column, so that no two boxes in one row come
 * closer than GAP_EM·size: the words first, left to right, each kept in the first of the
 * `rows` rows where it clears every label kept there so far; then the padding labels, in
 * the first row only, the same way in the room left. Columns far enough apart keep every label; equal labels on
 * equally spaced columns keep every k-th (one row: k = ⌈(width + gap) / spacing⌉); the
 * words are never hidden behind padding. Two rows (staggered) hold twice as many.
 *
 * @param {string[]} texts the labels, one per column, left to right
 * @param {number[]} centres the columns' centres in px (increasing)
 * @param {number} size font size in px (widths are textWidth's generous estimates)
 * @param {number} [rows] rows of labels (1: one line; 2: staggered)
 * @returns {Array<{i: number, row: number}>} the labels drawn (index, row), by index
 */
export function thinLabels(texts, centres, size, rows = 1) {
  const gap = GAP_EM * size;
  const kept = Array.from({ length: rows }, () => []); // per row: [x0, x1] of its labels
  const out = [];
  const clears = (row, x0, x1) => kept[row].every(([a, b]) => x1 + gap <= a || x0 >= b + gap);
  for (const pass of [false, true]) {
    for (let i = 0; i < texts.length; i++) {
      if ((texts[i] === PAD) !== pass) continue;
      const w = textWidth(String(texts[i]), size);
      const x0 = centres[i] - w / 2;
      const x1 = centres[i] + w / 2;
      const row = kept.findIndex((_, r) => (r === 0 || !pass) && clears(r, x0, x1));
      if (row >= 0) {
        kept[row].push([x0, x1]);
        out.push({ i, row });
      }
    }
  }
  return out.sort((a, b) => a.i - b.i);
}

/**
 * Ticks of a time axis whose T columns share `plotWidth` px equally (column t centred at
 * (t − ½)·plotWidth/T): the steps whose words are drawn (thinLabels) with their rows.
 *
 * @param {string[]} tokens labels of x_1 … x_T
 * @param {number} plotWidth width of the plot area in px (an underestimate only thins more)
 * @param {number} size tick font size in px
 * @param {number} [rows] 1, or 2 for staggered labels
 * @returns {{steps: number[], texts: string[], rows: number[]}} steps 1-based
 */
export function wordTicks(tokens, plotWidth, size, rows = 1) {
  const T = tokens.length;
  const pitch = plotWidth / Math.max(1, T);
  const centres = tokens.map((_, i) => (i + 0.5) * pitch);
  const keep = thinLabels(tokens, centres, size, rows);
  return {
    steps: keep.map((k) => k.i + 1),
    texts: keep.map((k) => String(tokens[k.i])),
    rows: keep.map((k) => k.row),
  };
}
