// The Trainer's plotly figures (js/src/trainer.js draws them): the curve layouts with their
// reference lines (predicting the mean / guessing, the clipping threshold) and the
// gradient-signal map, one heatmap panel per run.

import { decodeArray } from "./buffers.js";
import { axisStyle, baseLayout } from "./plotly.js";
import { mapPanels, mapRows } from "./trainer_data.js";

/** A dashed reference line across a plot, labelled at its right end. Annotations (unlike
 * shapes) are placed in log10 units on a log axis. */
function hline(y, color, width, text, theme, size, log = false, left = false) {
  return {
    shape: {
      type: "line",
      xref: "paper",
      x0: 0,
      x1: 1,
      yref: "y",
      y0: y,
      y1: y,
      line: { color, width, dash: "dash" },
    },
    annotation: {
      xref: "paper",
      x: left ? 0 : 1,
      xanchor: left ? "left" : "right",
      yref: "y",
      y: log ? Math.log10(y) : y,
      yanchor: left ? "top" : "bottom",
      text,
      showarrow: false,
      font: { color: theme.muted, size: size.font },
    },
  };
}

/** Reference lines: the loss of predicting the mean / guessing, the clipping threshold. */
export function references(model, theme, size) {
  const info = model.get("info") ?? {};
  const out = { loss: [], metric: [], grad: [] };
  if (info.loss_name === "mse" && info.baseline != null) {
    out.loss.push(
      hline(info.baseline, theme.bound, size.thin, "predicting the mean", theme, size, true),
    );
    out.metric.push(
      hline(0, theme.bound, size.thin, "no better than the mean", theme, size, false, true),
    );
  } else if (info.outputs > 1) {
    const chance = Math.log(info.outputs);
    out.loss.push(hline(chance, theme.bound, size.thin, "guessing", theme, size, true));
    out.metric.push(
      hline(1 / info.outputs, theme.bound, size.thin, "guessing", theme, size, false, true),
    );
  }
  if (model.get("clip")) {
    const c = model.get("clip_norm");
    out.grad.push(hline(c, theme.accent, size.thin, `clipped above ${c}`, theme, size, true));
  }
  return out;
}

/** Fixed margins (no automargin: plotly would lay every plot out twice on each update). */
function margins(size, top) {
  return { l: 3.6 * size.font + 1.6 * size.title + 10, r: 12, t: top, b: 3.3 * size.font + 4 };
}

function plotAxis(theme, size, title, extra = {}) {
  return { ...axisStyle(theme, size, title), automargin: false, ...extra };
}

export function curveLayout(theme, size, width, height, xTitle, yTitle, log, refs, legend) {
  return {
    ...baseLayout(theme, size, "rnnviz-trainer", width, height),
    margin: margins(size, legend ? 2.8 * size.font + 4 : 12),
    showlegend: legend,
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", font: { size: size.font } },
    xaxis: plotAxis(theme, size, xTitle, { rangemode: "tozero" }),
    yaxis: plotAxis(theme, size, yTitle, { type: log ? "log" : "linear", exponentformat: "power" }),
    shapes: refs.map((r) => r.shape),
    annotations: refs.map((r) => r.annotation),
  };
}

export function mapFigure(model, runs, theme, size, width, height) {
  const info = model.get("info") ?? {};
  const decades = info.map_decades ?? 6;
  const { runs: shown, domains } = mapPanels(runs);
  const traces = [];
  const layout = {
    ...baseLayout(theme, size, "rnnviz-trainer-map", width, height),
    margin: {
      ...margins(size, 3.6 * size.font + 4),
      l: 3.6 * size.font + 8,
      r: 7 * size.font + 30,
    },
    annotations: [
      {
        xref: "paper",
        yref: "paper",
        x: 0,
        y: 1,
        yshift: 22,
        xanchor: "left",
        yanchor: "bottom",
        text: "Where the learning signal ∂L/∂h<sub>t</sub> reaches, step by step",
        showarrow: false,
        font: { color: theme.fg, size: size.title },
      },
    ],
  };
  const last = shown.length;
  shown.forEach(({ run, color }, i) => {
    const map = decodeArray(run.map);
    const x = decodeArray(run.map_x);
    const axis = i === 0 ? "y" : `y${i + 1}`;
    traces.push({
      type: "heatmap",
      x: Array.from(x.values),
      z: mapRows(map, decades),
      yaxis: axis,
      zmin: -decades,
      zmax: 0,
      colorscale: "Viridis",
      showscale: i === 0,
      colorbar: {
        title: {
          text: "share of the largest ‖∂L/∂h<sub>t</sub>‖",
          side: "right",
          font: { size: size.font, color: theme.fg },
        },
        tickvals: Array.from({ length: decades + 1 }, (_, k) => -k),
        ticktext: Array.from({ length: decades + 1 }, (_, k) =>
          k === 0 ? "1" : `10<sup>−${k}</sup>`,
        ),
        tickfont: { size: size.font, color: theme.fg },
        thickness: 12,
        len: 1,
        y: 0.5,
        yanchor: "middle",
      },
      hovertemplate: `${run.label}<br>step %{x}, t = %{y}: 10<sup>%{z:.2f}</sup> of the largest<extra></extra>`,
    });
    layout[i === 0 ? "yaxis" : `yaxis${i + 1}`] = plotAxis(theme, size, "t", {
      domain: domains[i],
      anchor: "x",
      range: [-0.5, map.shape[0] - 0.5],
    });
    layout.annotations.push({
      xref: "paper",
      yref: "paper",
      x: 0,
      y: domains[i][1],
      xanchor: "left",
      yanchor: "bottom",
      text: `<b>${run.label}</b>`,
      showarrow: false,
      font: { color, size: size.font },
    });
  });
  layout.xaxis = plotAxis(theme, size, "training step", { anchor: last > 1 ? `y${last}` : "y" });
  if (last === 0) layout.annotations.push({ text: "press ▶ Play or Step", showarrow: false });
  return { traces, layout };
}
