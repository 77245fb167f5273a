// Text measurement without a DOM, and the size constants of the graph (normal / presenter).
// Widths are deliberately generous estimates so that labels placed with them never collide.

/** Width factor of a character relative to the font size (wide scripts count as 1 em). */
function charEm(ch) {
  const code = ch.codePointAt(0);
  if (code >= 0x2e80) return 1.0; // CJK, emoji and other wide glyphs
  if (/[ilj.,:;'!|]/.test(ch)) return 0.36;
  if (/[MWmw@%]/.test(ch)) return 0.9;
  return 0.62;
}

/**
 * Estimated width in px of a label made of parts (`{text, sub?, sup?}`); sub/superscripts
 * are drawn at 70 % size.
 *
 * @param {string | Array<{text: string, sub?: boolean, sup?: boolean}>} label
 * @param {number} size font size in px
 */
export function textWidth(label, size) {
  const parts = typeof label === "string" ? [{ text: label }] : label;
  let em = 0;
  for (const part of parts) {
    const k = part.sub || part.sup ? 0.7 : 1;
    for (const ch of part.text) em += charEm(ch) * k;
  }
  return em * size;
}

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
 * Token labels under x_t: horizontal when they fit the pitch, else rotated 45° (their
 * perpendicular spacing is then pitch·sin 45°). Returns the labels and the extent used.
 */
export function placeTokens(tokens, cols, pitch, m, y) {
  if (!Array.isArray(tokens)) return { labels: [], rotate: false, right: 0, bottom: y };
  const shown = cols.filter((c) => c.kind === "step" && tokens[c.t - 1] != null);
  const maxW = Math.max(0, ...shown.map((c) => textWidth(String(tokens[c.t - 1]), m.small)));
  const rotate = maxW > pitch - 8 * m.k;
  const ty = y + m.small * (rotate ? 0.4 : 1.1);
  const labels = [];
  let right = 0;
  for (const c of shown) {
    const cx = c.x + c.w / 2;
    const lab = makeLabel(
      String(tokens[c.t - 1]),
      cx,
      ty,
      m.small,
      rotate ? "start" : "middle",
      "token",
    );
    lab.rotate = rotate ? 45 : 0;
    labels.push(lab);
    const w = textWidth(String(tokens[c.t - 1]), m.small);
    if (rotate) right = Math.max(right, cx + w * 0.72 + m.small + m.pad);
  }
  const bottom = rotate ? ty + maxW * 0.72 + m.small : ty + m.small * 0.6;
  return { labels, rotate, right, bottom };
}
