// Text measurement without a DOM, and the size constants of the graph (normal / presenter).
// Widths are deliberately generous estimates so that labels placed with them never collide.

import { textWidth } from "./text_width.js";
import { PAD, thinLabels } from "./word_ticks.js";

export { textWidth };

/** "h" with subscript "t" and optional superscript layer, as label parts. */
export function sym(base, sub, sup) {
  const parts = [{ text: base }];
  if (sub !== undefined && sub !== "") parts.push({ text: String(sub), sub: true });
  if (sup !== undefined && sup !== "") parts.push({ text: String(sup), sup: true });
  return parts;
}

/**
 * Size constants. Presenter mode scales everything by 1.5 (legible on a 1280×720 projector).
 *
 * @param {boolean} presenter
 */
export function metrics(presenter) {
  const k = presenter ? 1.5 : 1;
  const cellW = 12 * k;
  return {
    k,
    font: 13 * k,
    small: 11 * k,
    cellW,
    cellH: 8 * k,
    nodeW: cellW + 4 * k,
    // h node height (graph_units.js): cellH per unit up to 8 units, then unitGrow px per
    // doubling of the units; one cell per unit while cells are at least minCell px tall.
    unitGrow: 32 * k,
    minCell: 1.5 * k,
    ellipsisH: 10 * k,
    ioR: 7 * k,
    line: 1.6 * k,
    // Narrowest step column of the unrolled graph: every timestep gets a column as long as
    // they fit at this pitch (about 13 at 560 px, 33 at 1200 px).
    colMin: 30 * k,
    // Spacing of the rolled view's cells and the gap before the loss box.
    pitchMin: 58 * k,
    lossGap: 18 * k,
    pitchMax: 120 * k,
    vGap: 40 * k,
    layerGap: 44 * k,
    pad: 8 * k,
    laneOffset: 7 * k,
  };
}

/** A positioned label with its estimated bounding box (for overlap checks). */
export function makeLabel(parts, x, y, size, anchor, cls) {
  const p = typeof parts === "string" ? [{ text: parts }] : parts;
  const w = textWidth(p, size);
  const x0 = anchor === "start" ? x : anchor === "end" ? x - w : x - w / 2;
  const box = { x0, x1: x0 + w, y0: y - 0.95 * size, y1: y + 0.45 * size };
  return { parts: p, x, y, size, anchor, cls, box };
}

/**
 * Token labels under x_t, always horizontal: the words (and "<pad>" for padding steps) of
 * the shown step columns, thinned by word_ticks.js so that no two collide (every label
 * while they fit, else every k-th, the words before the padding). Returns the labels and
 * the extent used; `rotate` is always false (kept for the drawing code).
 */
export function placeTokens(tokens, cols, pitch, m, y) {
  if (!Array.isArray(tokens)) return { labels: [], rotate: false, right: 0, bottom: y };
  const shown = cols.filter((c) => c.kind === "step" && tokens[c.t - 1] != null);
  const texts = shown.map((c) => String(tokens[c.t - 1]));
  const keep = thinLabels(
    texts,
    shown.map((c) => c.x + c.w / 2),
    m.small,
  );
  const ty = y + m.small * 1.1;
  const labels = keep.map(({ i }) => {
    const c = shown[i];
    const pad = texts[i] === PAD;
    return makeLabel(texts[i], c.x + c.w / 2, ty, m.small, "middle", pad ? "token pad" : "token");
  });
  const right = Math.max(0, ...labels.map((l) => l.box.x1 + m.pad / 2));
  return { labels, rotate: false, right, bottom: ty + m.small * 0.6 };
}
