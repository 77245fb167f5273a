// Axis rules shared by the plotly views: log axes labelled at powers of ten only, integer
// axes (units, timesteps, steps back) with integer ticks at every size, counts with the
// right singular / plural, and one fixed colour per overlay value.
// Pure functions, unit-tested in js/test/axes.test.js.

/** Tick spacings tried, smallest first: 1, 2, 5, 10, 20, 50, ... */
function niceSteps() {
  const out = [];
  for (let p = 1; p <= 1e9; p *= 10) out.push(p, 2 * p, 5 * p);
  return out;
}
const STEPS = niceSteps();

/** Most labels on a log axis. */
export const MAX_LOG_TICKS = 8;

/** "10<sup>k</sup>" as plotly text, with a true minus sign; 1 and 10 written out. */
export function powerText(k) {
  if (k === 0) return "1";
  if (k === 1) return "10";
  return `10<sup>${k < 0 ? `−${-k}` : k}</sup>`;
}

/**
 * Ticks of a log axis over the log10 range [lo, hi]: labels at integer powers of ten only,
 * every 1st, 2nd, 5th, 10th … decade so that at most `maxTicks` labels are drawn.
 * Plotly's own log ticks label 2 … 9 too, which collide and read as 9, 8, 7 below 1.
 * @param {[number, number]} range log10 range of the axis
 * Grid lines without labels (`minor`) mark the other decades, or 2 … 9 × 10^k when the
 * range spans at most 4 decades.
 * @returns {{tickmode: "array", tickvals: number[], ticktext: string[], minor: object}}
 */
export function logTicks(range, maxTicks = MAX_LOG_TICKS) {
  const lo = Math.ceil(Math.min(range[0], range[1]));
  const hi = Math.floor(Math.max(range[0], range[1]));
  const span = Math.max(hi - lo, 0);
  const step = STEPS.find((s) => Math.floor(span / s) + 1 <= maxTicks) ?? span + 1;
  const ks = [];
  for (let k = Math.ceil(lo / step) * step; k <= hi; k += step) ks.push(k);
  // Unlabelled grid lines: the decades between the labels, or 2 … 9 × 10^k over few decades.
  const minor = [];
  for (let k = lo; k <= hi; k++) {
    if (step > 1 && k % step !== 0) minor.push(Number(`1e${k}`));
    if (step === 1 && span <= 4 && k < hi) {
      for (let m = 2; m <= 9; m++) minor.push(Number(`${m}e${k}`));
    }
  }
  return {
    tickmode: "array",
    tickvals: ks.map((k) => Number(`1e${k}`)), // exact: 10 ** -4 is 0.00009999…
    ticktext: ks.map(powerText),
    minor: { tickmode: "array", tickvals: minor, showgrid: true, ticks: "" },
  };
}

/**
 * Ticks of an axis of whole numbers (units, timesteps, steps back) spanning [lo, hi]:
 * a whole-number spacing of 1, 2, 5, 10 … so that at most `maxTicks` labels are drawn,
 * never a fractional tick (at 1 unit plotly would label 0.6, 0.8, 1, 1.2, 1.4).
 * @returns {{tickmode: "linear", tick0: number, dtick: number, tickformat: "d"}}
 */
export function integerTicks(lo, hi, maxTicks = 10) {
  const span = Math.max(Math.ceil(hi) - Math.floor(lo), 0);
  const max = Math.max(1, Math.floor(maxTicks));
  const dtick = STEPS.find((s) => Math.floor(span / s) + 1 <= max) ?? span + 1;
  return { tickmode: "linear", tick0: 0, dtick, tickformat: "d" };
}

/**
 * A count with its noun in the right number: "1 unit", "16 units", "1 step", "20 steps".
 * @param {number} n
 * @param {string} one the singular noun
 * @param {string} [many] the plural (default: one + "s")
 */
export function count(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The weight scales the Explorer's overlay sweeps (rnnviz/frame/analysis.py: SCALE_SWEEP),
 * each with a fixed slot in the theme's overlay palette, so that s = 2 has the same colour
 * in every Explorer whatever else is overlaid. The cells the "cell" overlay sweeps are the
 * gradient view's (frame_info.cells, every registered cell type in order): a cell's slot is its
 * index there, so LSTM has one colour too.
 */
export const SCALE_SWEEP = [0.5, 1, 1.5, 2];

/**
 * Palette slot of an overlay value: a cell name ("lstm", slot = its index in `cells`) or
 * a weight scale (2, or the overlay name "s = 2"). Values outside the sweeps get the slots
 * after them, by value, so they are stable too; null for an unknown name.
 * @param {string | number} key
 * @param {string[]} cells the cell names of frame_info.cells, in order
 * @returns {number | null}
 */
export function overlaySlot(key, cells = []) {
  const cell = cells.indexOf(String(key).toLowerCase());
  if (cell >= 0) return cell;
  const m = typeof key === "number" ? [null, key] : /^\s*s\s*=\s*([-+0-9.e]+)\s*$/.exec(key);
  const s = m ? Number(m[1]) : Number.NaN;
  if (!Number.isFinite(s)) return null;
  const i = SCALE_SWEEP.findIndex((v) => Math.abs(v - s) < 1e-9);
  if (i >= 0) return i;
  return SCALE_SWEEP.length + Math.abs(Math.round(s * 10));
}

/**
 * Fixed colour of an overlay value from the theme's palette (see overlaySlot); an unknown
 * name falls back to its position in the current list.
 * @param {string | number} key
 * @param {string[]} palette
 * @param {number} position index in the current overlay list (fallback only)
 * @param {string[]} cells the cell names of frame_info.cells, in order
 */
export function overlayColour(key, palette, position = 0, cells = []) {
  const slot = overlaySlot(key, cells);
  return palette[(slot ?? position) % palette.length];
}
