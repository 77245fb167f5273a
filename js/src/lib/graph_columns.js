// Which timesteps get a column when a long sequence is compressed, and where they sit.
// Pure functions: no DOM, unit-tested in js/test/graph_layout.test.js.

/**
 * Cost in columns of a set of shown steps (sorted, 1-based): one per step plus `gapCost`
 * for every run of hidden steps between or around them.
 */
function cost(sorted, gapCost) {
  let gaps = 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] - sorted[i - 1] > 1) gaps++;
  return sorted.length + gaps * gapCost;
}

/**
 * Choose the timesteps (1..T) that get a column when only `budget` columns fit.
 *
 * Always shows t = 1, t = T and the forced steps, plus the pinned steps (time cursor, start of the
 * truncated-BPTT window) when they lie in 1..T; the rest of the budget is shared between
 * the first steps and the last steps. A run of hidden steps becomes one gap column
 * costing `gapCost` columns.
 *
 * @param {number} T number of timesteps (>= 1)
 * @param {number} budget columns that fit (fractional allowed)
 * @param {number[]} pins steps to keep visible if possible
 * @param {number} gapCost width of a gap column, in step columns
 * @param {number[]} forced steps shown even beyond the budget (the time cursor)
 * @returns {number[]} sorted 1-based steps to draw
 */
export function chooseSteps(T, budget, pins = [], gapCost = 1, forced = []) {
  const all = Array.from({ length: T }, (_, i) => i + 1);
  if (T <= Math.max(1, Math.floor(budget))) return all;
  const shown = new Set([1, T]);
  for (const f of forced) if (Number.isInteger(f) && f >= 1 && f <= T) shown.add(f);
  const fits = (candidate) => {
    const next = [...shown, candidate].sort((a, b) => a - b);
    return cost(next, gapCost) <= budget;
  };
  for (const p of pins) {
    if (Number.isInteger(p) && p >= 1 && p <= T && !shown.has(p) && fits(p)) shown.add(p);
  }
  // Grow from both ends: 2, T-1, 3, T-2, ... (the end gets the extra step: BPTT starts there).
  for (let k = 1; k < T; k++) {
    for (const candidate of [T - k, 1 + k]) {
      if (candidate > 1 && candidate < T && !shown.has(candidate) && fits(candidate)) {
        shown.add(candidate);
      }
    }
    if (shown.size >= budget) break;
  }
  return [...shown].sort((a, b) => a - b);
}

/**
 * Column list for one chain: an optional h_0 column, then steps and gaps, left to right.
 *
 * @param {number[]} steps sorted shown steps (from chooseSteps)
 * @param {number} T number of timesteps
 * @param {boolean} withH0 whether the chain starts with an h_0 column
 * @returns {Array<{kind: "h0"} | {kind: "step", t: number} | {kind: "gap", from: number, to: number, count: number}>}
 */
export function columnsFor(steps, T, withH0) {
  const cols = withH0 ? [{ kind: "h0", t: 0 }] : [];
  let prev = 0;
  for (const t of steps) {
    if (t - prev > 1) cols.push({ kind: "gap", from: prev + 1, to: t - 1, count: t - prev - 1 });
    cols.push({ kind: "step", t });
    prev = t;
  }
  if (T - prev > 0) cols.push({ kind: "gap", from: prev + 1, to: T, count: T - prev });
  return cols;
}

/**
 * Horizontal position of any step t (0..T) of a placed chain: the column centre for a
 * shown step, a proportional point inside the gap for a hidden one.
 *
 * @param {Array<{kind: string, t?: number, from?: number, to?: number, x: number, w: number}>} cols
 * @param {number} t
 * @returns {number | null} null when t is outside the chain
 */
export function xOfStep(cols, t) {
  for (const c of cols) {
    if ((c.kind === "step" || c.kind === "h0") && c.t === t) return c.x + c.w / 2;
    if (c.kind === "gap" && t >= c.from && t <= c.to) {
      return c.x + (c.w * (t - c.from + 1)) / (c.count + 1);
    }
  }
  return null;
}
