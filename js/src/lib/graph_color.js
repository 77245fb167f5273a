// Colour scales of the graph: hidden-state values (diverging) and gradient norms (log).
// Pure functions, unit-tested in js/test/graph_shapes.test.js.

import { stateColor } from "./colorscale.js";

/** Whether any value is +inf or -inf (an overflow the views show as inf). */
export function hasInfinity(arrays) {
  for (const values of arrays ?? []) {
    if (!values) continue;
    for (let i = 0; i < values.length; i++) {
      if (values[i] === Number.POSITIVE_INFINITY || values[i] === Number.NEGATIVE_INFINITY) {
        return true;
      }
    }
  }
  return false;
}

/**
 * Colour of a state value over [lo, hi] on the shared state scale (lib/colorscale.js, the
 * heatmap uses the same stops): diverging (midpoint = neutral) for ranges around zero
 * (tanh, linear); sequential from neutral at 0 for non-negative ranges (relu, sigmoid), so
 * that h = 0 — and h_0 — is always the neutral colour.
 * +inf / -inf clip to the ends; NaN gives null (drawn as a "not a number" cell).
 *
 * @param {boolean} dark whether the page is in a dark theme
 * @returns {string | null} "rgb(r, g, b)"
 */
export function divergingColor(v, lo, hi, dark = false) {
  return stateColor(v, lo, hi, dark);
}

/** Text colour readable on top of divergingColor(v, lo, hi). */
export function inkOn(v, lo, hi) {
  const half = (hi - lo) / 2 || 1;
  return Math.abs((v - (lo + hi) / 2) / half) > 0.55 ? "#ffffff" : "#1a1a1a";
}

/** The norms arrive as float32: anything below its smallest subnormal reads 0. */
export const ZERO_BELOW = "1.4e-45";

/**
 * What a gradient norm of 0 means, in words: outside the truncation window (when there
 * is one), or vanished below float32's range (weight scale 0.05 over 200 steps: 1e-270),
 * or exactly 0 (e.g. zero inputs: h_T = 0 is the target, L = 0).
 * @param {boolean} windowed whether a truncation window cuts the backward pass
 */
export function zeroMeaning(windowed) {
  return windowed
    ? `outside the BPTT window, or below float32's ${ZERO_BELOW}`
    : `vanished below float32's ${ZERO_BELOW}, or exactly 0`;
}

/** Smallest span of the gradient scale, in decades. */
export const MIN_DECADES = 2;

/**
 * Style of each backward edge from the gradient norms ‖∂L/∂h_t‖ (t = 0..T), log-scaled
 * between the smallest positive finite norm (at most MIN_DECADES below the largest) and
 * the largest.
 *
 * `state`: "active" (finite > 0), "zero" (0: outside the truncation window, or a norm
 * below float32's smallest, ZERO_BELOW, or exactly 0: see zeroMeaning), "inf"
 * (overflow: drawn at full strength and marked), "nan". `level` in [0, 1].
 *
 * @param {ArrayLike<number>} norms
 * @returns {Array<{state: string, level: number, value: number}>}
 */
export function gradientStyles(norms) {
  const logs = [];
  for (const v of norms) if (Number.isFinite(v) && v > 0) logs.push(Math.log10(v));
  const hi = logs.length ? Math.max(...logs) : 0;
  // At least two decades: norms of similar size look alike, vanishing ones look thin.
  const lo = logs.length ? Math.min(...logs, hi - MIN_DECADES) : 0;
  return Array.from(norms, (v) => {
    if (Number.isNaN(v)) return { state: "nan", level: 0, value: v };
    if (v === Number.POSITIVE_INFINITY) return { state: "inf", level: 1, value: v };
    if (!(v > 0)) return { state: "zero", level: 0, value: v };
    const level = (Math.log10(v) - lo) / (hi - lo);
    return { state: "active", level, value: v };
  });
}

/** Extent of the log scale, for the legend: [min, max] positive finite norms or null. */
export function gradientExtent(norms) {
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (const v of norms) {
    if (Number.isFinite(v) && v > 0) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return hi > 0 ? [lo, hi] : null;
}
