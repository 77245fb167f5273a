// How an h node shows its p units: its height grows with p (linearly up to 8 units, then
// with log₂ p, so 16 → 64 → 256 units read as taller and taller nodes), and it holds one
// cell per unit while the cells stay at least `minCell` px tall; beyond that it shows the
// first units, an ellipsis and the last unit. Pure (no DOM); tested in graph_layout.test.js.

/** Units drawn at full cell height (8 px each); beyond, the height grows with log₂ p. */
export const LINEAR_UNITS = 8;

/**
 * Height factor per number of stacked layers (1, 2, 3+): stacked nodes are shorter, so three
 * layers still fit a projector.
 */
const LAYER_SCALE = [1, 0.7, 0.5];

/**
 * Height in px of an h node for p units:
 *   H(p) = cellH · (1 + s · (min(p, 8) − 1)) + s · grow · log₂(max(p, 8) / 8)
 * with s = 1, 0.7, 0.5 for 1, 2, 3 stacked layers (a single unit is always one full cell).
 * Strictly increasing in p.
 *
 * @param {number} p units
 * @param {{cellH: number, unitGrow: number}} m metrics (graph_text.js)
 * @param {number} layers stacked layers
 */
export function nodeHeight(p, m, layers = 1) {
  const n = Math.max(1, p | 0);
  const s = LAYER_SCALE[Math.min(LAYER_SCALE.length, Math.max(1, layers)) - 1];
  const linear = m.cellH * (1 + s * (Math.min(n, LINEAR_UNITS) - 1));
  const log = s * m.unitGrow * Math.log2(Math.max(n, LINEAR_UNITS) / LINEAR_UNITS);
  return linear + log;
}

/**
 * The cells of an h node of p units, top to bottom, with their offsets from the node's top.
 * Every unit gets a cell while cells of height H(p) / p are at least `m.minCell` px tall
 * (at least 32 units at every setting); otherwise the first `head` units, an ellipsis
 * slot of `m.ellipsisH` px and the last unit share the height.
 *
 * @param {number} p units
 * @param {object} m metrics (cellH, unitGrow, minCell, ellipsisH)
 * @param {number} layers stacked layers
 * @returns {{height: number, drawn: number, slots: Array<{unit?: number, ellipsis?: true,
 *            y: number, h: number}>}}
 */
export function unitLayout(p, m, layers = 1) {
  const n = Math.max(1, p | 0);
  const height = nodeHeight(n, m, layers);
  if (height / n >= m.minCell) {
    const h = height / n;
    const slots = Array.from({ length: n }, (_, i) => ({ unit: i, y: i * h, h }));
    return { height, drawn: n, slots };
  }
  const e = m.ellipsisH;
  const cells = Math.max(2, Math.floor((height - e) / m.minCell));
  const h = (height - e) / cells;
  const head = cells - 1;
  const slots = Array.from({ length: head }, (_, i) => ({ unit: i, y: i * h, h }));
  slots.push({ ellipsis: true, y: head * h, h: e });
  slots.push({ unit: n - 1, y: head * h + e, h });
  return { height, drawn: cells, slots };
}
