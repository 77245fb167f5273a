// Pure logic of the state heatmap: the z matrix plotly draws (rows = units, columns = timesteps), with overflowed values clipped.

import { plotlyText } from "./plotly_text.js";
import { textWidth } from "./text_width.js";
import { wordTicks } from "./word_ticks.js";

/**
 * Rows of the heatmap (one Float32Array per unit) with non-finite values clipped to the
 * colour range's edge, plus hover text when any value had to be clipped.
 * @param {Float32Array} values row-major (units, timesteps)
 * @param {number[]} shape [units, timesteps]
 * @param {[number, number]} range
 * @returns {{z: Float32Array[], clipped: number, text: string[][] | null}}
 */
export function heatmapRows(values, shape, range) {
  const [units, timesteps] = shape;
  const [lo, hi] = range;
  const z = [];
  let clipped = 0;
  for (let u = 0; u < units; u++) {
    const src = values.subarray(u * timesteps, (u + 1) * timesteps);
    let row = src;
    for (let t = 0; t < timesteps; t++) {
      const v = src[t];
      if (!Number.isFinite(v) || v < lo || v > hi) {
        if (row === src) row = Float32Array.from(src);
        row[t] = Number.isNaN(v) ? Number.NaN : Math.min(hi, Math.max(lo, v));
        clipped++;
      }
    }
    z.push(row);
  }
  let text = null;
  if (clipped > 0) {
    text = [];
    for (let u = 0; u < units; u++) {
      const r = [];
      for (let t = 0; t < timesteps; t++) r.push(formatValue(values[u * timesteps + t]));
      text.push(r);
    }
  }
  return { z, clipped, text };
}

/** A value as hover text: 3 decimals, "inf" / "-inf" for overflow. */
export function formatValue(v) {
  if (v === Number.POSITIVE_INFINITY) return "inf";
  if (v === Number.NEGATIVE_INFINITY) return "-inf";
  if (Number.isNaN(v)) return "nan";
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e4 || a < 1e-3)) return v.toExponential(2);
  return v.toFixed(3);
}

/** Human label of a quantity for axis / hover ("h", "c", "i" ...), as plotly text. */
export function symbol(quantity) {
  return plotlyText(quantity.startsWith("gate_") ? quantity.slice(5) : quantity);
}

/**
 * Width in px of the heatmap's plot area in a view `width` px wide: the view minus the
 * margins, the unit axis (labels up to `units`, its title) and the colour bar (its ticks
 * and title). Deliberately small: an underestimate only thins the word labels more.
 * @param {number} width
 * @param {number} units
 * @param {{font: number, title: number}} size
 */
export function plotAreaWidth(width, units, size) {
  const unitAxis = textWidth(String(units), size.font) + 1.5 * size.title + 14;
  const colourBar = size.font + 4 + textWidth("-0.00", size.font) + 40;
  return Math.max(40, width - 20 - unitAxis - colourBar);
}

/**
 * Word labels on the time axis (sentence input): the words and "<pad>" of x_1 … x_T,
 * horizontal, in two staggered rows (the second one line lower), thinned (word_ticks.js)
 * so that no two collide at any timesteps; each escaped so that it is drawn as text (a
 * token "<b>" shows as <b>, not as bold).
 * @param {string[]} tokens labels of x_1 … x_T
 * @param {number} timesteps T
 * @param {number} plotWidth width of the plot area in px (plotAreaWidth)
 * @param {number} font tick font size in px
 * @returns {{tickmode: "array", tickvals: number[], ticktext: string[], tickangle: 0} | null}
 *   null when there are no tokens for these columns
 */
export function tokenTicks(tokens, timesteps, plotWidth, font) {
  if (!tokens?.length || tokens.length !== timesteps) return null;
  const { steps, texts, rows } = wordTicks(tokens, plotWidth, font, WORD_ROWS);
  return {
    tickmode: "array",
    tickvals: steps,
    ticktext: texts.map((t, i) => (rows[i] ? "<br>" : "") + plotlyText(t)),
    tickangle: 0,
  };
}

/**
 * "t (word)" of each cell for the hover text (sentence input; plotly's %{x} would read the
 * tick text instead of t): one row per unit (the same array each time), words escaped, or
 * null when the tokens do not match the columns.
 * @param {string[]} tokens labels of x_1 … x_T
 * @param {number} units
 * @param {number} timesteps
 * @returns {string[][] | null}
 */
export function tokenHover(tokens, units, timesteps) {
  if (!tokens?.length || tokens.length !== timesteps) return null;
  const row = tokens.map((token, i) => `${i + 1} (${plotlyText(token)})`);
  return Array.from({ length: units }, () => row);
}

/**
 * What must be unchanged for a redraw to swap only z (redrawHeatmapZ): the trace and the
 * layout as JSON, with the per-cell arrays (z, x, y, text, customdata) replaced by what
 * they are made of — the shape and the tokens. Its length does not grow with
 * units × timesteps (the hover matrix of a 256 × 200 sentence heatmap is ~1 MB of JSON).
 * @param {object} trace the heatmap trace
 * @param {object} layout
 * @param {[number, number]} shape [units, timesteps]
 * @param {string[]} tokens labels of x_1 … x_T (the hover's words; [] without a sentence)
 * @returns {string}
 */
export function heatmapKey(trace, layout, shape, tokens) {
  const arrays = { z: undefined, x: undefined, y: undefined, text: undefined };
  const cells = { shape, tokens: trace.customdata ? tokens : null, text: Boolean(trace.text) };
  return JSON.stringify([{ ...trace, ...arrays, customdata: cells }, layout]);
}

/** Rows of word labels under the heatmap (staggered: twice as many fit). */
export const WORD_ROWS = 2;

/**
 * The scrubber on the heatmap: a line at t, a veil over the steps not computed yet (forward)
 * or not reached by the gradient yet (backward), and a label. `t` is this layer's own step
 * (timeline.js localCursor); `pending`: the pass has not reached this layer at all (seq2seq:
 * the decoder while the encoder runs), so every step is veiled and none is marked.
 */
export function cursorShapes(t, phase, timesteps, theme, size, pending = false) {
  if (pending) return pendingShapes(phase, timesteps, theme, size);
  if (t < 0 || t > timesteps) return { shapes: [], annotations: [] };
  const x = Math.max(t, 0.5);
  const shapes = [];
  // Forward: steps not computed yet are veiled; backward: steps the gradient has not reached.
  let veil = null;
  if (phase === "forward" && t < timesteps) veil = [t + 0.5, timesteps + 0.5, 0.72];
  if (phase === "backward" && t > 1) veil = [0.5, t - 0.5, 0.5];
  if (veil) {
    const [x0, x1, alpha] = veil;
    shapes.push({
      type: "rect",
      xref: "x",
      yref: "paper",
      x0,
      x1,
      y0: 0,
      y1: 1,
      fillcolor: theme.dark ? `rgba(17,17,17,${alpha})` : `rgba(255,255,255,${alpha})`,
      line: { width: 0 },
      layer: "above",
    });
  }
  shapes.push({
    type: "line",
    xref: "x",
    yref: "paper",
    x0: x,
    x1: x,
    y0: 0,
    y1: 1,
    line: { color: theme.accent, width: size.cursor },
    layer: "above",
  });
  const text =
    phase === "backward" ? `backward: ∂L/∂h<sub>${t}</sub>` : `forward: h<sub>${t}</sub>`;
  return { shapes, annotations: [topLabel(x, text, theme, size)] };
}

/** A label above the plot at x (in the x axis's units), in the cursor's colour. */
function topLabel(x, text, theme, size) {
  return {
    x,
    y: 1,
    xref: "x",
    yref: "paper",
    yanchor: "bottom",
    text,
    showarrow: false,
    font: { color: theme.accent, size: size.font },
  };
}

/** Every step veiled, with a label saying the pass has not reached this layer yet. */
function pendingShapes(phase, timesteps, theme, size) {
  const alpha = phase === "backward" ? 0.5 : 0.72;
  const veil = {
    type: "rect",
    xref: "x",
    yref: "paper",
    x0: 0.5,
    x1: timesteps + 0.5,
    y0: 0,
    y1: 1,
    fillcolor: theme.dark ? `rgba(17,17,17,${alpha})` : `rgba(255,255,255,${alpha})`,
    line: { width: 0 },
    layer: "above",
  };
  const text =
    phase === "backward"
      ? "backward: the gradient has not reached this layer yet"
      : "forward: not computed yet";
  return { shapes: [veil], annotations: [topLabel((timesteps + 1) / 2, text, theme, size)] };
}

/** Smallest height in px of one unit's row (normal, presenter): beyond it the plot scrolls. */
export const MIN_ROW_PX = { normal: 3, presenter: 4 };

/**
 * Height of the heatmap for `units` rows: the usual height while every row gets at least
 * MIN_ROW_PX, else tall enough for that (the plot then scrolls inside a box of the usual
 * height, so 256 units stay readable instead of rows under 1 px).
 * @param {number} units
 * @param {boolean} presenter
 * @param {number} font tick font size in px (the axes take about 3 lines plus 60 px)
 * @returns {{height: number, box: number, scroll: boolean, minRow: number}}
 */
export function plotHeight(units, presenter, font) {
  const box = presenter ? 480 : 320;
  const minRow = presenter ? MIN_ROW_PX.presenter : MIN_ROW_PX.normal;
  const chrome = 60 + 3 * font;
  const need = Math.ceil(chrome + units * minRow);
  return { height: Math.max(box, need), box, scroll: need > box, minRow };
}
