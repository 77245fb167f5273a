// Pure logic of the gradient-flow plot: the steps-back axis, the log axis range, and
// values that underflowed to 0 or overflowed to inf clipped to the axis edges.

import { formatNumber } from "./format.js";
import { plotlyText } from "./plotly_text.js";
import { textWidth } from "./text_width.js";

/**
 * Undo the log10 the kernel applied for transport (float32 keeps log10 of any float64):
 * -inf -> 0 (underflow), inf -> inf (overflow), NaN -> NaN.
 * @param {ArrayLike<number>} logs
 * @returns {Float64Array}
 */
export function fromLog10(logs) {
  const out = new Float64Array(logs.length);
  for (let i = 0; i < logs.length; i++) out[i] = 10 ** logs[i];
  return out;
}

/**
 * Re-index a series given for t = 0..T onto steps back k = T - t (k = 0..T).
 * @param {ArrayLike<number>} byTime values at t = 0..T
 * @returns {{x: Float64Array, y: Float64Array}} x[k] = k, y[k] = byTime[T - k]
 */
export function stepsBack(byTime) {
  const n = byTime.length;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    x[k] = k;
    y[k] = byTime[n - 1 - k];
  }
  return { x, y };
}

/** Widest log10 axis: 10^±300 are normal doubles, beyond lie denormals and inf. */
export const LIMIT = 300;

/**
 * Log10 axis range [lo, hi] covering the finite positive values of every series,
 * padded by half a decade and always including 1 (the k = 0 value).
 * @param {ArrayLike<number>[]} seriesList
 * @param {number} [maxDecades] widest span shown; beyond it the low end is cut
 */
export function logRange(seriesList, maxDecades = 700) {
  let lo = 0;
  let hi = 0;
  for (const series of seriesList) {
    for (const v of series) {
      if (v > 0 && Number.isFinite(v)) {
        const l = Math.log10(v);
        if (l < lo) lo = l;
        if (l > hi) hi = l;
      }
    }
  }
  // Keep 10^lo and 10^hi normal doubles so that 0 and inf still fall outside the axis.
  lo = Math.max(Math.floor(lo - 0.5), -LIMIT);
  hi = Math.min(Math.ceil(hi + 0.5), LIMIT);
  if (hi - lo > maxDecades) lo = hi - maxDecades;
  return [lo, hi];
}

/**
 * Clip a series to a log axis range. Values that are 0 (underflow) or below the axis go to
 * its bottom edge, inf (overflow) or above go to its top edge: never dropped.
 * @param {ArrayLike<number>} y
 * @param {[number, number]} range log10 range
 * @returns {{y: Float64Array, over: number[], under: number[]}} indices clipped at each edge
 */
export function clipToAxis(y, range) {
  const top = 10 ** range[1];
  const bottom = 10 ** range[0];
  const out = new Float64Array(y.length);
  const over = [];
  const under = [];
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (Number.isNaN(v)) {
      out[i] = Number.NaN;
    } else if (v > top) {
      out[i] = top;
      over.push(i);
    } else if (v <= 0 || v < bottom) {
      out[i] = bottom;
      under.push(i);
    } else {
      out[i] = v;
    }
  }
  return { y: out, over, under };
}

/**
 * The truncated-BPTT band of the layer shown, from `frame_info.truncation` (the one rule,
 * rnnviz/frame/truncation.py, which the exported figure draws too): the steps back T − t
 * the window keeps, [0, r], shaded, and its words (plotly text, one line each).
 * `kept` is null when no gradient reaches the layer (a seq2seq encoder cut in the decoder).
 * @param {{active?: boolean, kept?: [number, number] | null, label?: string[]} | undefined} w
 * @returns {{kept: [number, number] | null, text: string} | null} null: full BPTT, no band
 */
export function windowBand(w) {
  if (!w?.active) return null;
  const kept = Array.isArray(w.kept) ? [Number(w.kept[0]), Number(w.kept[1])] : null;
  return { kept, text: (w.label ?? []).map(plotlyText).join("<br>") };
}

/** Steps back of the scrubber during the backward pass (t -> T - t), or null. */
export function cursorStepsBack(timesteps, tCursor, phase, pending = false) {
  if (phase === "backward" && pending) return -1; // the gradient has not reached this layer
  if (phase !== "backward" || tCursor < 0 || tCursor > timesteps) return null;
  return timesteps - tCursor;
}

/**
 * Widen a log10 range to show more of a secondary series (the bound), by at most
 * `maxExtra` decades on each side, so a bound of 1e95 never squeezes the data flat.
 */
export function widenRange(range, series, maxExtra = 4) {
  let [lo, hi] = range;
  for (const v of series) {
    if (v > 0 && Number.isFinite(v)) {
      const l = Math.log10(v);
      if (l > hi) hi = Math.min(Math.ceil(l), range[1] + maxExtra, LIMIT);
      if (l < lo) lo = Math.max(Math.floor(l), range[0] - maxExtra, -LIMIT);
    }
  }
  return [lo, hi];
}

/**
 * The readout chips as plain data: [{label, value, className, testid?}]. Every value has
 * the same neutral class — "sufficient for vanishing: yes" is a fact like ρ or σ_max, not
 * a verdict to colour. The Pascanu items (γ·σ_max and the vanishing condition) appear only
 * when the kernel says the bound holds for this cell (the Elman RNN); for LSTM and GRU a
 * note says that (γ·σ_max)^(T−t) bounds nothing there.
 * @param {object} th the `theory` trait
 */
export function readoutItems(th = {}) {
  const matrix = th.matrix ?? "W_hh";
  const num = (v) => (v == null ? "inf" : formatNumber(v));
  const item = (label, value, testid) => ({ label, value, className: VALUE_CLASS, testid });
  const items = [
    item(`ρ(${matrix}) = `, num(th.rho)),
    item(`σ_max(${matrix}) = `, num(th.sigma_max)),
    item("γ = max f′ = ", num(th.gamma)),
  ];
  if (th.pascanu_holds === true) {
    items.push(item("γ·σ_max = ", num(th.gamma_sigma)));
    items.push(
      item(
        "sufficient for vanishing (σ_max < 1/γ): ",
        th.vanishing_sufficient ? "yes" : "no",
        "vanishing-sufficient",
      ),
    );
  } else {
    items.push(
      item(
        "(γ·σ_max)^(T−t): ",
        "a bound for the Elman RNN only, not for this cell",
        "pascanu-note",
      ),
    );
  }
  return items;
}

/** Class of every readout value: bold, in the text colour (no green / orange verdicts). */
export const VALUE_CLASS = "rnnviz-fact";

/**
 * The legend names of the bound lines for one curve.
 * @param {string} which the curve's name in the legend ("" when it is the only curve)
 */
export function boundNames(which) {
  const of = which ? ` (${which})` : "";
  return {
    product: `∏ of per-step norms${of}: always ≥ the curve`,
    pascanu: `Pascanu bound (γ·σ<sub>max</sub>)<sup>T−t</sup>${of}: Elman RNN only`,
  };
}

/** Room plotly gives a legend entry besides its text: the line sample and the gaps (px). */
export const LEGEND_SAMPLE_PX = 46;

/**
 * The legend's arrangement: two columns when every entry (its sample and its text,
 * estimated generously; tags such as <sub> dropped) fits in half the width, else one per
 * row; an entry still too wide for the whole width is broken after its ": ".
 * @param {string[]} names legend names (plotly markup)
 * @param {number} fontSize legend font size in px
 * @param {number} width width of the plot area in px (the legend starts at its left)
 * @returns {{columns: 1 | 2, names: string[]}}
 */
export function legendLayout(names, fontSize, width) {
  const px = (n) => textWidth(n.replace(/<[^>]*>/g, ""), fontSize) + LEGEND_SAMPLE_PX;
  if (names.every((n) => px(n) <= width / 2)) {
    return { columns: 2, names };
  }
  return { columns: 1, names: names.map((n) => (px(n) <= width ? n : n.replace(": ", ":<br>"))) };
}
