// StateHeatmap view: units x timesteps heatmap of h_t (or c_t / a gate) with plotly.js.

import { count, integerTicks } from "./lib/axes.js";
import { decodeArray } from "./lib/buffers.js";
import { stateScale } from "./lib/colorscale.js";
import { HOVER_NUMBER } from "./lib/format.js";
import {
  cursorShapes,
  heatmapKey,
  heatmapRows,
  plotAreaWidth,
  plotHeight,
  symbol,
  tokenHover,
  tokenTicks,
} from "./lib/heatmap_data.js";
import { panelStatus } from "./lib/panel_text.js";
import { LABELS_FIT, axisStyle, baseLayout, plotConfig, redrawHeatmapZ } from "./lib/plotly.js";
import { sizes } from "./lib/theme.js";
import { localCursor } from "./lib/timeline.js";
import {
  createSelect,
  frameInfo,
  mountPlotlyView,
  setCommonData,
  setPlotHeight,
} from "./lib/view_shell.js";

/** The view's DOM (selectors, scroll box) inside `ctx.shell`; returns its draw(). */
function setup(ctx) {
  const { model, shell } = ctx;
  const quantitySelect = createSelect("show", "heatmap-quantity", (v) => {
    model.set("quantity", v);
    model.save_changes();
  });
  const layerSelect = createSelect("layer", "heatmap-layer", (v) => {
    model.set("layer", Number(v));
    model.save_changes();
  });
  shell.controls.append(quantitySelect.wrap, layerSelect.wrap);
  // Many units: the plot keeps a minimum row height and scrolls inside a box.
  const scroller = document.createElement("div");
  scroller.dataset.testid = "heatmap-scroll";
  shell.plot.replaceWith(scroller);
  scroller.appendChild(shell.plot);
  let drawnKey = null; // everything but z of the last full draw (JSON)

  return async () => {
    const size = sizes(model.get("presenter"));
    const theme = ctx.views.theme();
    const info = frameInfo(model);
    const array = decodeArray(model.get("values"));
    const quantity = model.get("quantity");
    const options = info.quantities ?? [];
    const label = options.find(([k]) => k === quantity)?.[1] ?? quantity;
    const layerNames = info.layer_names ?? [];
    shell.root.classList.toggle("rnnviz-presenter", Boolean(model.get("presenter")));
    quantitySelect.update(options, quantity);
    layerSelect.update(
      layerNames.map((name, i) => [i, name]),
      model.get("layer"),
    );
    if (!array) return;
    const [units, timesteps] = array.shape;
    const fit = plotHeight(units, model.get("presenter"), size.font);
    const scrollNote = fit.scroll ? ` (${fit.minRow} px per unit: scroll for all ${units})` : "";
    shell.title.textContent = `${label}: ${count(units, "unit")} × ${count(timesteps, "timestep")}${scrollNote}`;
    const { Plotly } = ctx;
    if (!Plotly) return;

    const activation = info.settings.activation;
    const range = info.range; // Frame.colour_range: the one rule of every view
    const { z, clipped, text } = heatmapRows(array.values, array.shape, range);
    const sym = symbol(quantity);
    const x = Float64Array.from({ length: timesteps }, (_, i) => i + 1);
    const y = Float64Array.from({ length: units }, (_, i) => i + 1);
    const tokens = info.tokens ?? [];
    const value = text ? "%{text}" : `%{z:${HOVER_NUMBER}}`;
    const trace = {
      type: "heatmap",
      z,
      x,
      y,
      text: text ?? undefined,
      customdata: tokenHover(tokens, units, timesteps) ?? undefined,
      zmin: range[0],
      zmax: range[1],
      colorscale: stateScale(theme.dark, range[0]),
      xgap: timesteps <= 60 && units <= 64 ? 1 : 0,
      ygap: timesteps <= 60 && units <= 64 ? 1 : 0,
      // with words, %{x} would read the tick text: customdata holds "t (word)"
      hovertemplate: `unit %{y}, t = ${tokens.length === timesteps ? "%{customdata}" : "%{x}"}, ${sym} = ${value}<extra></extra>`,
      colorbar: {
        // Scrolled: a colour bar of the visible box's height at the top, always in view.
        ...(fit.scroll
          ? { lenmode: "pixels", len: fit.box - 60 - 3 * size.font, y: 1, yanchor: "top" }
          : {}),
        title: { text: sym, font: { size: size.title, color: theme.fg } },
        thickness: size.font + 4,
        outlinewidth: 0,
        tickfont: { size: size.font, color: theme.fg },
        ...LABELS_FIT,
      },
    };
    // t_cursor is a step of the whole run: this layer's own step (timeline.js)
    const at = localCursor(
      info.timeline,
      model.get("layer"),
      model.get("t_cursor"),
      model.get("phase"),
    );
    const cursor = cursorShapes(at.t, model.get("phase"), timesteps, theme, size, at.pending);
    const xaxis = {
      ...axisStyle(theme, size, "timestep t"),
      range: [0.5, timesteps + 0.5],
      showgrid: false,
      zeroline: false,
      ...LABELS_FIT,
      side: fit.scroll ? "top" : "bottom", // scrolled: the time axis stays in view
      ...integerTicks(1, timesteps, Math.floor(ctx.views.width() / 60)),
    };
    if (fit.scroll) {
      // The top axis takes the space above the plot: the cursor label goes inside it.
      for (const a of cursor.annotations) Object.assign(a, { yanchor: "top", bgcolor: theme.bg });
    }
    const plotWidth = plotAreaWidth(ctx.views.width(), units, size);
    const ticks = tokenTicks(tokens, timesteps, plotWidth, size.font);
    if (ticks)
      Object.assign(xaxis, ticks, {
        title: { ...xaxis.title, text: "timestep t: input word x<sub>t</sub>" },
      });
    const height = fit.height;
    const revision = `${units}x${timesteps}:${quantity}:${range.join(",")}`;
    const layout = {
      ...baseLayout(theme, size, revision, ctx.views.width(), height),
      margin: { l: 10, r: 10, t: 28, b: 10 },
      xaxis,
      yaxis: {
        ...axisStyle(theme, size, "unit"),
        autorange: "reversed",
        ...integerTicks(1, units, Math.ceil(height / 40)),
        showgrid: false,
        zeroline: false,
        ...LABELS_FIT,
      },
      shapes: cursor.shapes,
      annotations: cursor.annotations,
    };
    // Only the values changed (a slider step at the same shape): redraw just the image.
    const key = heatmapKey(trace, layout, [units, timesteps], tokens);
    const fast = clipped === 0 && key === drawnKey && redrawHeatmapZ(shell.plot, z);
    if (!fast) {
      scroller.style.maxHeight = fit.scroll ? `${fit.box}px` : "";
      scroller.style.overflowY = fit.scroll ? "auto" : "";
      setPlotHeight(shell.plot, height);
      await Plotly.react(shell.plot, [trace], layout, plotConfig("rnnviz-heatmap"));
      drawnKey = clipped === 0 ? key : null;
    }
    shell.status.textContent = panelStatus(
      info,
      clipped > 0 ? `${clipped} values beyond the colour range (overflow) drawn at its edge` : "",
    );
    setCommonData(shell.root, model);
    shell.root.dataset.quantity = quantity;
    shell.root.dataset.activation = activation;
    shell.root.dataset.zmin = String(range[0]);
    shell.root.dataset.zmax = String(range[1]);
    shell.root.dataset.clipped = String(clipped);
    shell.root.dataset.scroll = String(fit.scroll);
    shell.root.dataset.drawn = String(Number(shell.root.dataset.drawn ?? 0) + 1);
    shell.root.dataset.fastDraws = String(Number(shell.root.dataset.fastDraws ?? 0) + fast);
  };
}

function render({ model, el }) {
  return mountPlotlyView({ model, el, testid: "rnnviz-heatmap", setup });
}

export default { render };
