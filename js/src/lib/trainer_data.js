// Pure logic of the Trainer view (rnnviz/widgets/trainer.py): run colours and dashes,
// the curve traces, the gradient-signal map panels. Unit-tested in js/test/trainer.test.js.

import { decodeArray } from "./buffers.js";

/** The name of the total gradient norm in titles and readouts. */
export const GRAD = "‖∂L/∂θ‖";

/**
 * One colour per cell (Okabe-Ito, colour-blind safe), the same in every plot and run: the
 * k-th cell type of the Trainer's `choices.cells` (every registered cell, in order; RNN,
 * LSTM, GRU) takes slot k.
 */
export const CELL_COLORS = {
  light: ["#d55e00", "#0072b2", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"],
  dark: ["#ff8f4f", "#56b4e9", "#3fd1a6", "#e7a3c9", "#f5c04a", "#9ad3f5"],
};
/** Kept runs are drawn dashed (in the order they were kept), current runs solid. */
export const KEPT_DASHES = ["dash", "dot", "dashdot", "longdash", "longdashdot", "5px,2px"];
export const MAX_MAP_PANELS = 4;

/**
 * One listener per trait: Backbone (JupyterLab, Voila) also accepts a space-separated
 * list of events, but marimo's model takes one event name per call and ignores the rest.
 * @returns {() => void} removes the listeners
 */
export function onChanges(model, traits, callback) {
  const events = traits.map((name) => `change:${name}`);
  for (const event of events) model.on(event, callback);
  return () => {
    for (const event of events) model.off(event, callback);
  };
}

/**
 * Colour of a cell's runs: its slot in `cells` (the names of the Trainer's
 * `choices.cells`); an unknown cell takes the first colour.
 */
export function cellColor(cell, dark = false, cells = []) {
  const table = CELL_COLORS[dark ? "dark" : "light"];
  return table[Math.max(0, cells.indexOf(cell)) % table.length];
}

/**
 * Kept runs first (in the order kept), then the current ones, each with its style.
 * @param {object[]} kept the model's kept_runs
 * @param {object[]} live the model's live_runs
 * @param {boolean} dark the dark theme's colours
 * @param {string[]} cells the cell names of the Trainer's `choices.cells`, in order
 * @returns {{run: object, color: string, dash: string, live: boolean}[]}
 */
export function styledRuns(kept, live, dark = false, cells = []) {
  const out = [];
  const color = (run) => cellColor(run.cell, dark, cells);
  (kept ?? []).forEach((run, i) => {
    out.push({ run, color: color(run), dash: KEPT_DASHES[i % 6], live: false });
  });
  for (const run of live ?? []) {
    out.push({ run, color: color(run), dash: "solid", live: true });
  }
  return out;
}

/**
 * The current runs with their gradient-signal maps (sent in the trait `live_maps`, matched
 * by label); a run whose map has not arrived yet gets an empty one (drawn as no panel).
 * @param {object[]} live the model's live_runs
 * @param {object[]} maps the model's live_maps
 */
export function withMaps(live, maps) {
  const byLabel = new Map((maps ?? []).map((m) => [m.label, m]));
  return (live ?? []).map((run) => {
    const m = byLabel.get(run.label);
    return m ? { ...run, map: m.map, map_x: m.map_x } : { ...run, steps: 0 };
  });
}

/**
 * Values for a plotly axis: non-finite (and, on a log axis, values ≤ 0) become NaN, a gap.
 * @param {ArrayLike<number> | null} values
 * @param {boolean} log
 */
export function plottable(values, log = false) {
  const n = values?.length ?? 0;
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    out[i] = Number.isFinite(v) && (!log || v > 0) ? v : Number.NaN;
  }
  return out;
}

/** Weight of the newest point in the smoothed curves (an exponential moving average). */
export const SMOOTHING = 0.08;

/**
 * Exponential moving average of a plottable series (gaps are skipped, not averaged in);
 * on a log axis the average is taken of log10 values (a geometric mean), so that a loss
 * falling over decades is followed on every decade.
 * @param {number[]} y
 * @param {boolean} log
 * @param {number} alpha weight of the newest value
 */
export function smooth(y, log = false, alpha = SMOOTHING) {
  const out = new Array(y.length);
  let avg = Number.NaN;
  for (let i = 0; i < y.length; i++) {
    const v = log ? Math.log10(y[i]) : y[i];
    if (Number.isNaN(v)) {
      out[i] = Number.NaN;
      continue;
    }
    avg = Number.isNaN(avg) ? v : avg + alpha * (v - avg);
    out[i] = log ? 10 ** avg : avg;
  }
  return out;
}

/**
 * The traces of one quantity ("loss", "metric", "grad_norm") for every run: each step's
 * value as a faint line and its moving average as a strong one (the one in the legend).
 * @param {ReturnType<typeof styledRuns>} runs
 * @param {string} key
 * @param {{line: number, thin: number}} size
 * @param {boolean} log the y axis is logarithmic
 */
export function curveTraces(runs, key, size, log = false) {
  const traces = [];
  for (const { run, color, dash, live } of runs) {
    const x = decodeArray(run.x);
    const y = decodeArray(run[key]);
    if (!x || !y) continue;
    const xs = Array.from(x.values);
    const raw = plottable(y.values, log);
    const single = xs.length === 1;
    traces.push({
      type: "scatter",
      mode: single ? "markers" : "lines",
      name: `${run.label} (each step)`,
      legendgroup: run.label,
      showlegend: false,
      x: xs,
      y: raw,
      opacity: 0.3,
      line: { color, dash, width: 1 },
      marker: { color, size: 6 },
      hovertemplate: `${run.label}<br>step %{x}: %{y:.4g}<extra></extra>`,
    });
    traces.push({
      type: "scatter",
      mode: single ? "markers" : "lines",
      name: run.label,
      legendgroup: run.label,
      x: xs,
      y: smooth(raw, log),
      line: { color, dash, width: live ? size.line : size.thin },
      marker: { color, size: 6 },
      hoverinfo: "skip",
    });
  }
  return traces;
}

/** Number of points of the first current run (what the loss curve has drawn). */
export function livePoints(live) {
  const x = decodeArray(live?.[0]?.x ?? null);
  return x ? x.values.length : 0;
}

/**
 * Rows of a (T + 1, columns) log10 map for plotly: −inf (no signal) and values below the
 * scale are drawn at its bottom, NaN stays a gap.
 * @param {{values: Float32Array, shape: number[]}} map
 * @param {number} decades the scale goes from −decades to 0
 */
export function mapRows(map, decades) {
  const [rows, cols] = map.shape;
  const out = [];
  for (let r = 0; r < rows; r++) {
    const line = new Array(cols);
    for (let c = 0; c < cols; c++) {
      const v = map.values[r * cols + c];
      line[c] = Number.isNaN(v) ? null : Math.max(-decades, Math.min(0, v));
    }
    out.push(line);
  }
  return out;
}

/**
 * The gradient-signal map panels: the last MAX_MAP_PANELS runs that have steps, each a
 * heatmap on its own y axis stacked from the top; domains leave `gap` between panels.
 * @returns {{runs: object[], domains: [number, number][]}}
 */
export function mapPanels(runs, gap = 0.08) {
  const shown = runs.filter(({ run }) => run.steps > 0).slice(-MAX_MAP_PANELS);
  const n = shown.length;
  const h = n ? (1 - gap * (n - 1)) / n : 1;
  const domains = shown.map((_, i) => {
    const top = 1 - i * (h + gap);
    return [Math.max(0, top - h), top];
  });
  return { runs: shown, domains };
}

/** Compact number for readouts: 3 significant digits, exponent form when tiny or huge. */
export function formatValue(v) {
  if (v == null || Number.isNaN(v)) return "–";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "−inf";
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

/** Last finite value of a decoded series (the readout of a run). */
export function lastValue(array) {
  const values = decodeArray(array)?.values;
  if (!values?.length) return null;
  return values[values.length - 1];
}
