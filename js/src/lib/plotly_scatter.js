// Swap the x and y values of drawn scatter traces and redraw just those traces, on any
// subplot (the eigenvalue view's complex plane "xy" and singular values "x2y2"): what
// plotly.js's own `react` / `restyle` would show, without recomputing and redrawing the
// axes, titles, shapes and annotations around them. Like redrawScatterY (plotly.js), for
// plots whose x moves too. Tested in js/test/eigen_redraw.test.js and, against a full
// Plotly.react in real Chromium, in tests/widgets/test_redraw_browser.py.

/** plotly's "no value" in calcdata (a gap): non-finite numbers. */
function calcValue(v) {
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Valid only when nothing but the values changed: the same traces (type, mode, lengths,
 * styles), the same layout, fixed linear axis ranges (no autorange). Returns false, having
 * changed nothing, when the plot is not in that state; the caller then uses Plotly.react.
 * @param {HTMLElement} gd the plot div
 * @param {{x: ArrayLike<number>, y: ArrayLike<number>}[]} traces new x and y of each of the
 *   plot's traces, in order
 */
export function redrawScatterXY(gd, traces) {
  const full = gd?._fullData;
  const calc = gd?.calcdata;
  const plots = gd?._fullLayout?._plots;
  if (!full || !calc || !plots || full.length !== traces.length || calc.length !== full.length)
    return false;
  const bySubplot = new Map();
  for (let i = 0; i < full.length; i++) {
    const trace = full[i];
    const { x, y } = traces[i];
    if (trace.type !== "scatter" || trace.visible !== true) return false;
    if (typeof trace._module?.plot !== "function") return false;
    if (x.length !== y.length || calc[i]?.length !== x.length || gd.data[i]?.x?.length !== x.length)
      return false;
    const xa = trace._xA ?? null;
    const ya = trace._yA ?? null;
    if (!xa || !ya || xa.autorange || ya.autorange) return false;
    if (xa.type !== "linear" || ya.type !== "linear") return false;
    const plotinfo = plots[`${xa._id}${ya._id}`];
    if (!plotinfo?.plot) return false;
    if (!bySubplot.has(plotinfo)) bySubplot.set(plotinfo, []);
    bySubplot.get(plotinfo).push(i);
  }
  const layers = new Map();
  for (const plotinfo of bySubplot.keys()) {
    const layer = plotinfo.plot.select("g.scatterlayer");
    if (layer.empty()) return false;
    layers.set(plotinfo, layer);
  }
  for (let i = 0; i < full.length; i++) {
    const { x, y } = traces[i];
    gd.data[i].x = x; // what plotly's next react, toImage and hover read
    gd.data[i].y = y;
    full[i].x = x;
    full[i].y = y;
    const cd = calc[i];
    for (let k = 0; k < cd.length; k++) {
      cd[k].x = calcValue(x[k]);
      cd[k].y = calcValue(y[k]);
    }
  }
  // Every trace of a subplot at once: plotly's scatter plot joins its traces by uid and
  // would remove those it is not given.
  for (const [plotinfo, ids] of bySubplot) {
    full[ids[0]]._module.plot(
      gd,
      plotinfo,
      ids.map((i) => calc[i]),
      layers.get(plotinfo),
    );
  }
  return true;
}
