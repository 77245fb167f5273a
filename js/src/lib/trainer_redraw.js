// Cheap redraws of the Trainer's plots while it trains (js/src/trainer.js).
//
// Between two states of a run only the data arrays of the plots change (x, y of the curves;
// x, z of the gradient-signal map); titles, legend, reference lines, colour bar and sizes stay.
// `Plotly.react` redraws all of it for any new data array (defaults, legend, colour bar,
// annotations, every axis: 10–50 ms a plot). `drawPlot` instead swaps the arrays, recomputes
// the traces' calcdata with their own modules and lets `Plotly.relayout` re-autorange the
// axes and redraw the traces (plotly's "axis range" path): the same picture — the same
// autorange, the same ticks — in a fraction of the time. Anything else (another figure,
// a first draw, a zoomed plot, a plot in an unexpected state) goes through `Plotly.react`.

/** The data arrays a state changes; everything else of a trace is its style. */
export const DATA_KEYS = ["x", "y", "z"];

/**
 * The figure without its traces' data arrays: two figures with the same key differ only in
 * data (so `redrawData` may draw one over the other).
 * @param {object[]} traces
 * @param {object} layout
 * @returns {string}
 */
export function styleKey(traces, layout) {
  const styles = traces.map((trace) => {
    const style = { ...trace };
    for (const k of DATA_KEYS) delete style[k];
    return style;
  });
  return JSON.stringify([styles, layout]);
}

/** Relayout keys that re-autorange every axis plotly autoranges now (not a zoomed one). */
export function autorangeKeys(fullLayout) {
  const keys = {};
  for (const name of Object.keys(fullLayout ?? {})) {
    if (/^[xy]axis\d*$/.test(name) && fullLayout[name]?.autorange === true) {
      keys[`${name}.autorange`] = true;
    }
  }
  return keys;
}

/** The tick labels of every y axis of a drawn plot, by axis name. */
export function yTickLabels(fullLayout) {
  const out = {};
  for (const name of Object.keys(fullLayout ?? {})) {
    if (!/^yaxis\d*$/.test(name)) continue;
    out[name] = (fullLayout[name]?._vals ?? []).map((v) => v.text).join("|");
  }
  return out;
}

/**
 * Relayout keys that redraw the titles of the y axes whose tick labels changed: plotly
 * places a y axis title clear of its tick labels, but its "axis range" path does not move
 * the titles (the labels "2" and "10⁻¹" differ in width).
 */
export function movedTitleKeys(before, after, fullLayout) {
  const keys = {};
  for (const name of Object.keys(after)) {
    if (before[name] !== after[name] && fullLayout[name]?.title) {
      keys[`${name}.title.text`] = fullLayout[name].title.text;
    }
  }
  return keys;
}

/**
 * Give a drawn plot new data arrays and redraw only the traces and the autoranged axes.
 * Valid only when nothing but the arrays changed (the caller checks `styleKey`). Returns
 * null, having changed nothing, when the plot is not in the expected state (then the
 * caller uses `Plotly.react`); else the promise of plotly's relayout.
 * @param {object} Plotly
 * @param {HTMLElement} gd the plot div
 * @param {object[]} traces the new traces, in the order of the plot's traces
 */
export function redrawData(Plotly, gd, traces) {
  const full = gd?._fullData;
  const calc = gd?.calcdata;
  if (!Array.isArray(full) || !Array.isArray(calc) || !Array.isArray(gd.data)) return null;
  if (full.length !== traces.length || gd.data.length !== traces.length) return null;
  if (calc.length !== traces.length) return null;
  for (let i = 0; i < traces.length; i++) {
    if (full[i]?.type !== traces[i].type || typeof full[i]._module?.calc !== "function") {
      return null;
    }
  }
  const keys = autorangeKeys(gd._fullLayout);
  if (Object.keys(keys).length === 0) return null; // nothing to re-range: react
  for (let i = 0; i < traces.length; i++) {
    const trace = full[i];
    for (const k of DATA_KEYS) {
      if (!(k in traces[i])) continue;
      gd.data[i][k] = traces[i][k]; // what plotly's next react, toImage and hover read
      trace[k] = traces[i][k];
    }
    if (trace.type === "scatter") trace._length = Math.min(trace.x.length, trace.y.length);
    // As plotly's own calc step: hidden (legend-only) traces get one empty point.
    let cd = trace.visible === true && trace._length !== 0 ? trace._module.calc(gd, trace) : null;
    if (!Array.isArray(cd) || !cd[0]) cd = [{ x: undefined, y: undefined }];
    if (!cd[0].t) cd[0].t = {};
    cd[0].trace = trace;
    calc[i] = cd;
  }
  const labels = yTickLabels(gd._fullLayout);
  return Plotly.relayout(gd, keys).then(() => {
    const titles = movedTitleKeys(labels, yTickLabels(gd._fullLayout), gd._fullLayout);
    return Object.keys(titles).length ? Plotly.relayout(gd, titles) : gd;
  });
}

/** Whether two lists hold the same values (by identity), element by element. */
export function sameSources(a, b) {
  return (
    Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i])
  );
}

/**
 * Draw a figure into `gd`: nothing when it shows this figure already (same `styleKey` and
 * the same `sources`: the model values its data was made from, compared by identity),
 * `redrawData` when only its data changed, else `Plotly.react`. `memo` keeps what `gd` shows.
 * @param {unknown[] | null} sources the values the traces' data come from (null: unknown)
 * @returns {Promise<"same" | "data" | "react">} how it was drawn
 */
export async function drawPlot(Plotly, gd, traces, layout, config, memo, sources = null) {
  const key = styleKey(traces, layout);
  const shown = memo.get(gd);
  if (shown?.key === key) {
    if (sources && sameSources(sources, shown.sources)) return "same";
    try {
      const fast = redrawData(Plotly, gd, traces);
      if (fast) {
        await fast;
        memo.set(gd, { key, sources });
        return "data";
      }
    } catch (error) {
      console.warn("rnnviz trainer: redrawing the data failed, drawing anew", error);
    }
  }
  memo.delete(gd);
  await Plotly.react(gd, traces, layout, config);
  memo.set(gd, { key, sources });
  return "react";
}
