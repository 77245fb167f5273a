// One copy of plotly.js per page, shared by every heatmap / gradients view.
//
// anywidget re-imports a widget's `_esm` for every instance, so bundling plotly.js
// (1.5 MB) into each view would ship and parse it once per view. Instead the views are
// small and plotly.js is sent by the kernel on request, once per page:
//   view -> kernel   {type: "plotly:request"}
//   kernel -> view   {type: "plotly:source"} + one buffer (rnnviz/static/plotly_runtime.js)
// Pages without a kernel (standalone export) define globalThis.Plotly before rendering.

const KEY = "__rnnvizPlotly";
export const RETRY_MS = 4000;

/** The page-wide loader state (created on first use). */
export function sharedState(scope = globalThis) {
  let state = scope[KEY];
  if (!state) {
    let resolve;
    const promise = new Promise((res) => {
      resolve = res;
    });
    state = {
      promise,
      resolve,
      Plotly: null,
      loading: false,
      requestedAt: Number.NEGATIVE_INFINITY,
    };
    scope[KEY] = state;
  }
  return state;
}

/** Evaluate plotly_runtime.js (an ES module whose default export is Plotly). */
export async function evaluateSource(buffer) {
  const url = URL.createObjectURL(new Blob([buffer], { type: "text/javascript" }));
  try {
    const mod = await import(/* @vite-ignore */ url);
    return mod.default ?? globalThis.Plotly;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * Get Plotly for a view, asking the kernel for it if this page has none yet.
 * Several views share one request; a view re-asks after RETRY_MS if no answer came
 * (e.g. the view that asked first was closed).
 * @param {object} model the anywidget model
 * @param {{scope?: object, evaluate?: Function, now?: () => number}} [options]
 * @returns {{promise: Promise<object>, cleanup: () => void}}
 */
export function loadPlotly(model, options = {}) {
  const { scope = globalThis, evaluate = evaluateSource, now = Date.now } = options;
  const state = sharedState(scope);
  if (!state.Plotly && scope.Plotly?.react) {
    state.Plotly = scope.Plotly;
    state.resolve(state.Plotly);
  }
  if (state.Plotly) return { promise: state.promise, cleanup: () => {} };

  const onMessage = (msg, buffers) => {
    if (msg?.type !== "plotly:source" || state.Plotly || state.loading) return;
    state.loading = true;
    evaluate(buffers[0]).then(
      (Plotly) => {
        state.Plotly = Plotly;
        state.resolve(Plotly);
      },
      (error) => {
        state.loading = false;
        state.requestedAt = Number.NEGATIVE_INFINITY;
        console.error("rnnviz: could not load plotly.js", error);
      },
    );
  };
  const ask = () => {
    if (state.Plotly || state.loading || now() - state.requestedAt < RETRY_MS) return;
    state.requestedAt = now();
    model.send({ type: "plotly:request" });
  };
  model.on("msg:custom", onMessage);
  ask();
  const timer = setInterval(ask, RETRY_MS);
  const cleanup = () => {
    clearInterval(timer);
    model.off("msg:custom", onMessage);
  };
  state.promise.then(cleanup);
  return { promise: state.promise, cleanup };
}

/**
 * Plotly config shared by the views: only "download png" in the mode bar. Not
 * `responsive`: the views track their width themselves and pass explicit sizes, so that
 * plotly never has to measure the page (a forced reflow of the whole notebook).
 */
export function plotConfig(filename) {
  return {
    responsive: false,
    displaylogo: false,
    modeBarButtons: [["toImage"]],
    toImageButtonOptions: { format: "png", filename, scale: 2 },
  };
}

/**
 * Layout fields every view shares (fonts, colours, transparent background).
 * `revision` keeps the user's zoom across redraws while it is unchanged: pass something
 * that changes with the data's extent so that new settings are shown in full.
 * `width` and `height` are explicit (no autosize): plotly then reads no sizes from the DOM.
 */
export function baseLayout(
  theme,
  size,
  revision = "rnnviz",
  width = undefined,
  height = undefined,
) {
  return {
    width,
    height,
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { family: theme.font, size: size.font, color: theme.fg },
    hoverlabel: { font: { family: theme.font, size: size.font } },
    autosize: width === undefined,
    uirevision: revision,
  };
}

/**
 * For axes whose margins grow to hold their labels (axisStyle's automargin) and for colour
 * bars: plotly's default "hide past div" check can hide no label there, yet it measured
 * every tick label again on each full draw (a getBoundingClientRect per label: ~30 % of a
 * 256-unit heatmap's redraw). Spread into such an axis / colour bar.
 */
export const LABELS_FIT = { ticklabeloverflow: "allow" };

/** Axis styling shared by the views. */
export function axisStyle(theme, size, title) {
  return {
    title: { text: title, font: { size: size.title, color: theme.fg } },
    color: theme.fg,
    gridcolor: theme.grid,
    zerolinecolor: theme.grid,
    linecolor: theme.muted,
    tickfont: { size: size.font, color: theme.fg },
    automargin: true,
  };
}

/**
 * Swap the z values of a plot whose only trace is a heatmap and redraw just its image.
 *
 * plotly's own updates (`react`, `restyle`) recompute and redraw everything — axes, colour
 * bar, text measurement: ~30 ms for a 16 x 20 heatmap against ~4 ms for the image alone.
 * Valid only when nothing but the values changed (same shape, same colour range, same
 * layout) and every value is finite and inside the colour range. Returns false, having
 * changed nothing, when the plot is not in that state: the caller then uses `react`.
 * @param {HTMLElement} gd the plot div
 * @param {ArrayLike<number>[]} z rows (units) of columns (timesteps)
 */
export function redrawHeatmapZ(gd, z) {
  const trace = gd?._fullData?.[0];
  const cd = gd?.calcdata?.[0];
  const plotinfo = gd?._fullLayout?._plots?.xy;
  const plot = trace?._module?.plot;
  if (trace?.type !== "heatmap" || gd.calcdata.length !== 1 || !cd?.[0]?.z) return false;
  if (typeof plot !== "function" || !plotinfo?.plot || cd[0].text || cd[0].hovertext) return false;
  const old = cd[0].z;
  if (old.length !== z.length || old[0]?.length !== z[0]?.length) return false;
  const layer = plotinfo.plot.select("g.heatmaplayer");
  if (layer.empty()) return false;
  cd[0].z = z;
  gd.data[0].z = z; // what plotly's next react, toImage and hover read
  trace.z = z;
  plot(gd, plotinfo, [cd], layer);
  return true;
}

/**
 * Swap the y values of every drawn scatter trace and redraw just the traces (not the
 * axes, legend or annotations), like `redrawHeatmapZ` for line plots. Valid only when
 * nothing but the y values changed (same traces, x, layout and fixed axis ranges).
 * Returns false, having changed nothing, when the plot is not in the expected state.
 * @param {HTMLElement} gd the plot div
 * @param {ArrayLike<number>[]} ys new y of each trace, in the order of the plot's traces
 */
export function redrawScatterY(gd, ys) {
  const full = gd?._fullData;
  const calc = gd?.calcdata;
  const plotinfo = gd?._fullLayout?._plots?.xy;
  if (!full || !calc || !plotinfo?.plot || full.length !== ys.length) return false;
  const log = plotinfo.yaxis?.type === "log";
  const drawn = [];
  for (let i = 0; i < full.length; i++) {
    const trace = full[i];
    if (trace.type !== "scatter" || gd.data[i]?.y?.length !== ys[i].length) return false;
    if (trace.visible !== true) continue;
    if (calc[i]?.length !== ys[i].length || typeof trace._module?.plot !== "function") return false;
    drawn.push(i);
  }
  const layer = plotinfo.plot.select("g.scatterlayer");
  if (drawn.length === 0 || layer.empty()) return false;
  for (let i = 0; i < full.length; i++) {
    const y = ys[i];
    gd.data[i].y = y; // what plotly's next react, toImage and hover read
    full[i].y = y;
    const cd = calc[i];
    if (full[i].visible !== true) continue;
    for (let k = 0; k < cd.length; k++) {
      const v = Number(y[k]);
      cd[k].y = Number.isFinite(v) && (!log || v > 0) ? v : undefined; // plotly's BADNUM
    }
  }
  full[drawn[0]]._module.plot(
    gd,
    plotinfo,
    drawn.map((i) => calc[i]),
    layer,
  );
  return true;
}
