// GradientFlow view: ||dh_T/dh_t||_2 against steps back (T - t) on a log axis, with the
// product of per-step norms (a bound for every cell, one per curve), the Pascanu bound
// (gamma sigma_max)^(T - t) for the Elman RNN only, the theory readout, overlays and the
// truncation window.

import { count, integerTicks, logTicks, overlayColour } from "./lib/axes.js";
import { decodeArray } from "./lib/buffers.js";
import { formatNumber } from "./lib/format.js";
import {
  boundNames,
  clipToAxis,
  cursorStepsBack,
  fromLog10,
  legendLayout,
  logRange,
  readoutItems,
  stepsBack,
  widenRange,
  windowBand,
} from "./lib/gradient_data.js";
import { layerCaption, layerOptions } from "./lib/gradient_layer.js";
import { panelStatus } from "./lib/panel_text.js";
import { axisStyle, baseLayout, plotConfig, redrawScatterY } from "./lib/plotly.js";
import { plotlyText } from "./lib/plotly_text.js";
import { sizes } from "./lib/theme.js";
import { localCursor } from "./lib/timeline.js";
import {
  createSelect,
  frameInfo,
  mountPlotlyView,
  setCommonData,
  setPlotHeight,
  showUpdating,
} from "./lib/view_shell.js";

const NORM = "‖∂h<sub>T</sub>/∂h<sub>t</sub>‖<sub>2</sub>";

/** The readout line: rho, sigma_max, gamma and, for the Elman RNN, the vanishing
 * condition; returns "yes" / "no" for that condition, "n/a" for LSTM and GRU. */
function fillReadout(node, info) {
  const th = info.theory ?? {};
  const spans = readoutItems(th).map(({ label, value, className, testid }) => {
    const s = document.createElement("span");
    s.className = "rnnviz-chip";
    const b = document.createElement("b");
    b.className = className;
    if (testid) b.dataset.testid = testid;
    b.textContent = value;
    s.append(label, b);
    return s;
  });
  node.replaceChildren(...spans);
  if (th.pascanu_holds !== true) return "n/a";
  return th.vanishing_sufficient ? "yes" : "no";
}

/** A decoded log10 array as values against steps back. */
function byStepsBack(array) {
  return stepsBack(fromLog10(array.values));
}

/** Series drawn with clipping: the main curve and the overlays, as
 * [name, y-by-k, colour, its product bound by k (or null), short name]. */
function curves(model, info, theme) {
  const out = [];
  const { settings } = info;
  const main = decodeArray(model.get("log10_jacobian_norms"));
  // the overlay's cell types as [name, label] (frame_info.cells, from the cell classes)
  const cells = info.cells ?? [];
  const labels = new Map(cells);
  const cellNames = cells.map(([name]) => name);
  const which =
    settings.overlay === "weight_scale"
      ? `s = ${Number(settings.weight_scale)
          .toPrecision(3)
          .replace(/\.?0+$/, "")}`
      : plotlyText(info.cell_label ?? settings.cell);
  const mainBound = decodeArray(model.get("log10_product_bound"));
  if (main) {
    out.push([
      `${NORM} (${which})`,
      byStepsBack(main),
      null,
      mainBound && byStepsBack(mainBound),
      which,
    ]);
  }
  const overlays = model.get("log10_overlays") ?? [];
  const bounds = new Map(model.get("log10_overlay_bounds") ?? []);
  overlays.forEach(([name, value], i) => {
    const arr = decodeArray(value);
    const b = bounds.has(name) ? decodeArray(bounds.get(name)) : null;
    const label = plotlyText(labels.get(name) ?? name);
    const colour = overlayColour(name, theme.overlays, i, cellNames); // fixed per value
    if (arr) out.push([label, byStepsBack(arr), colour, b && byStepsBack(b), label]);
  });
  return out;
}

/** A bound line: drawn where finite and positive, a gap elsewhere (never clipped). */
function boundTrace(name, s, line, hoverName) {
  return {
    type: "scatter",
    mode: "lines",
    name,
    x: s.x,
    y: s.y.map((v) => (Number.isFinite(v) && v > 0 ? v : Number.NaN)),
    line,
    hovertemplate: `${hoverName} at T − t = %{x}: %{y:.3g}<extra></extra>`,
  };
}

/** Width left of the plot area: the log axis' tick labels ("10⁻¹²") and title (px, generous). */
const yAxisPx = (size) => 20 + 4.6 * size.font;

/** The view's draw() (the plot, its legend and readout) for `ctx` (mountPlotlyView). */
function setup(ctx) {
  const { model, shell } = ctx;
  // The layer the curves describe: the learner's choice, analysed by Python (-1: top).
  const layerSelect = createSelect("layer", "gradients-layer", (v) => {
    model.set("layer", Number(v));
    model.save_changes();
  });
  shell.controls.append(layerSelect.wrap);
  let drawnKey = null; // everything but the y values of the last full draw (JSON)
  // Newer settings are being analysed: say so at once, over the last curve; the new curve
  // (drawn when it arrives) clears it.
  const onUpdating = () =>
    model.get("updating") ? showUpdating(shell, true) : ctx.views.schedule();
  model.on("change:updating", onUpdating);
  ctx.cleanups.push(() => model.off("change:updating", onUpdating));

  return async () => {
    const presenter = Boolean(model.get("presenter"));
    const size = sizes(presenter);
    const theme = ctx.views.theme();
    shell.root.classList.toggle("rnnviz-presenter", presenter);
    const info = frameInfo(model);
    const { settings } = info;
    const T = info.timesteps;
    const names = info.layer_names ?? [];
    const shown = info.shown_layer ?? -1;
    layerSelect.update(layerOptions(names), shown >= 0 ? shown : names.length - 1);
    const layer = layerCaption(names, shown);
    shell.title.textContent = `How much of h_t reaches h_T: ${count(T, "step")} back${layer ? ` — ${layer}` : ""}`;
    shell.root.dataset.layer = layer;
    const vanishing = fillReadout(shell.readout, info);
    const { Plotly } = ctx;
    if (!Plotly) return;

    const series = curves(model, info, theme);
    const bound = decodeArray(model.get("log10_bound"));
    const boundK = bound ? byStepsBack(bound) : null;
    let range = logRange(series.map(([, s]) => s.y));
    if (boundK) range = widenRange(range, boundK.y);
    for (const [, , , b] of series) if (b) range = widenRange(range, b.y);
    const several = series.length > 1;

    const traces = [];
    const over = { x: [], y: [], color: [], text: [] };
    const under = { x: [], y: [], color: [], text: [] };
    // t_cursor is a step of the whole run: the shown layer's own step (timeline.js)
    const at = localCursor(
      info.timeline,
      shown >= 0 ? shown : names.length - 1,
      model.get("t_cursor"),
      model.get("phase"),
    );
    const cursorK = cursorStepsBack(T, at.t, model.get("phase"), at.pending);
    if (boundK) {
      const name = boundNames(several ? series[0][4] : "").pascanu;
      const line = { color: theme.bound, width: size.thin, dash: "dot" };
      traces.push(boundTrace(name, boundK, line, "Pascanu bound"));
    }
    // Each curve and its bound sit side by side in the two-column legend: curve i at rank
    // 10 + 2i, its bound right after it.
    series.forEach(([, , colour, b, short], i) => {
      if (!b) return;
      const name = boundNames(several ? short : "").product;
      const line = { color: colour ?? theme.curve, width: size.thin, dash: "dash" };
      const trace = boundTrace(name, b, line, "∏ of per-step norms");
      traces.push({ ...trace, legendrank: 11 + 2 * i });
    });
    series.forEach(([name, s, colour], i) => {
      const main = i === 0;
      const c = colour ?? theme.curve;
      const clipped = clipToAxis(s.y, range);
      for (const [edge, bucket] of [
        [clipped.over, over],
        [clipped.under, under],
      ]) {
        for (const k of edge) {
          const raw = s.y[k];
          let word = `${formatNumber(raw)}, off the axis`;
          if (raw === Number.POSITIVE_INFINITY) word = "overflow (inf)";
          if (raw === 0) word = "underflow (0)";
          bucket.x.push(k);
          bucket.y.push(clipped.y[k]);
          bucket.color.push(c);
          bucket.text.push(`${name}: ${word} at T − t = ${k}`);
        }
      }
      let y = clipped.y;
      if (main && cursorK != null) {
        traces.push({
          type: "scatter",
          mode: "lines",
          x: s.x,
          y,
          line: { color: c, width: size.line },
          opacity: 0.25,
          showlegend: false,
          hoverinfo: "skip",
        });
        y = y.map((v, k) => (k <= cursorK ? v : Number.NaN));
      }
      traces.push({
        type: "scatter",
        mode: main && T <= 60 ? "lines+markers" : "lines",
        name,
        legendrank: 10 + 2 * i,
        x: s.x,
        y,
        line: { color: c, width: main ? size.line : size.thin },
        marker: { size: size.marker * 0.5, color: c },
        hovertemplate: `${name}<br>T − t = %{x}: %{y:.3g}<extra></extra>`,
      });
    });
    const dh = decodeArray(model.get("log10_dh_norms"));
    // The steps back the window keeps from this layer's h_T (computed in Python): outside
    // them ∂L/∂h_t is 0, which a log axis cannot draw.
    const band = windowBand(info.truncation);
    const cut = (k) => band !== null && (band.kept === null || k > band.kept[1]);
    if (dh) {
      const d = byStepsBack(dh);
      const y = clipToAxis(d.y, range).y.map((v, k) => (cut(k) ? Number.NaN : v));
      traces.push({
        type: "scatter",
        mode: "lines",
        name: "‖∂L/∂h<sub>t</sub>‖<sub>2</sub> (loss gradient)",
        x: d.x,
        y,
        visible: "legendonly",
        line: { color: theme.accent, width: size.thin, dash: "dot" },
        hovertemplate: "‖∂L/∂h<sub>t</sub>‖ at T − t = %{x}: %{y:.3g}<extra></extra>",
      });
    }
    for (const [bucket, symbol, name] of [
      [over, "triangle-up", "▲ overflow (inf), at the top edge"],
      [under, "triangle-down", "▼ underflow (0), at the bottom edge"],
    ]) {
      if (bucket.x.length === 0) continue;
      traces.push({
        type: "scatter",
        mode: "markers",
        name,
        x: bucket.x,
        y: bucket.y,
        text: bucket.text,
        cliponaxis: false,
        marker: { symbol, size: size.marker, color: bucket.color, line: { width: 0 } },
        hovertemplate: "%{text}<extra></extra>",
      });
    }

    const shapes = [];
    const annotations = [];
    if (band?.kept) {
      shapes.push({
        type: "rect",
        xref: "x",
        yref: "paper",
        x0: band.kept[0] - 0.5,
        x1: band.kept[1] + 0.5,
        y0: 0,
        y1: 1,
        fillcolor: theme.shade,
        line: { width: 0 },
        layer: "below",
      });
    }
    if (band) {
      annotations.push({
        x: 0,
        y: 0.98,
        xref: "paper",
        yref: "paper",
        xanchor: "left",
        yanchor: "top",
        text: band.text,
        align: "left",
        showarrow: false,
        font: { color: theme.muted, size: size.font },
      });
    }
    if (cursorK != null && cursorK >= 0) {
      shapes.push({
        type: "line",
        xref: "x",
        yref: "paper",
        x0: cursorK,
        x1: cursorK,
        y0: 0,
        y1: 1,
        line: { color: theme.accent, width: size.cursor },
      });
    }
    // Two legend entries per row when they fit, else one (long names on two lines). The
    // view's height does not depend on that choice (so not on its width: the lecture stage
    // zooms views by their height): it holds the two-column legend and the plot; a longer
    // legend takes its room from the plot.
    const inLegend = traces.filter((t) => t.showlegend !== false);
    const legend = legendLayout(
      inLegend.map((t) => t.name),
      size.font,
      ctx.views.width() - yAxisPx(size),
    );
    inLegend.forEach((t, i) => {
      t.name = legend.names[i];
    });
    const columns = legend.columns;
    const height = (presenter ? 440 : 300) + Math.ceil(inLegend.length / 2) * (size.font + 10);
    const yTicks = logTicks(range);
    yTicks.minor = { ...yTicks.minor, gridcolor: theme.grid, griddash: "dot" };
    const layout = {
      ...baseLayout(theme, size, `${T}:${range.join(",")}`, ctx.views.width(), height),
      margin: { l: 10, r: 10, t: 10, b: 10 },
      showlegend: true,
      legend: {
        orientation: "h",
        entrywidth: 1 / columns,
        entrywidthmode: "fraction",
        x: 0,
        y: 1.02,
        yanchor: "bottom",
        font: { size: size.font, color: theme.fg },
      },
      xaxis: {
        ...axisStyle(theme, size, "steps back (T − t)"),
        range: [-0.5, T + 0.5],
        zeroline: false,
        ...integerTicks(0, T),
      },
      yaxis: {
        ...axisStyle(theme, size, `${NORM}  (log scale)`),
        type: "log",
        range,
        ...yTicks,
      },
      shapes,
      annotations,
    };
    // Only the curves' values changed (a weight-scale step): redraw just the lines.
    const key = JSON.stringify([traces.map((t) => ({ ...t, y: t.y.length })), layout]);
    const fast =
      key === drawnKey &&
      redrawScatterY(
        shell.plot,
        traces.map((t) => t.y),
      );
    if (!fast) {
      setPlotHeight(shell.plot, height);
      await Plotly.react(shell.plot, traces, layout, plotConfig("rnnviz-gradients"));
      drawnKey = key;
    }
    setCommonData(shell.root, model);
    shell.status.textContent = panelStatus(info); // the chosen layer is gone: say so here
    showUpdating(shell, model.get("updating"));
    shell.root.dataset.vanishing = vanishing;
    shell.root.dataset.pascanu = String(Boolean(boundK));
    shell.root.dataset.productBounds = String(series.filter(([, , , b]) => b).length);
    shell.root.dataset.overflow = String(over.x.length);
    shell.root.dataset.underflow = String(under.x.length);
    shell.root.dataset.truncate = String(settings.truncate);
    shell.root.dataset.kept = band ? String(band.kept ?? "none") : "";
    shell.root.dataset.yrange = range.join(",");
    shell.root.dataset.curves = String(series.length);
    shell.root.dataset.fastDraws = String(Number(shell.root.dataset.fastDraws ?? 0) + fast);
    shell.root.dataset.drawn = String(Number(shell.root.dataset.drawn ?? 0) + 1);
  };
}

function render({ model, el }) {
  return mountPlotlyView({ model, el, testid: "rnnviz-gradients", setup, ignore: ["updating"] });
}

export default { render };
