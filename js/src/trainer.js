// Trainer view (rnnviz/widgets/trainer.py): the controls, a readout, and four plots —
// loss, metric, ‖∂L/∂θ‖ with the clipping threshold, and the gradient-signal map
// (‖∂L/∂h_t‖ relative to its largest, over training step × timestep, one panel per run).
// The kernel sends the newest state at most every ~150 ms; drawing is coalesced to one
// per animation frame and always draws the newest state (latest wins). Below them, per
// current run, the heatmap and gradient-flow views of the current weights
// (lib/trainer_views.js).

import { decodeArray } from "./lib/buffers.js";
import { axisStyle, baseLayout, loadPlotly, plotConfig } from "./lib/plotly.js";
import { sizes } from "./lib/theme.js";
import { createControls } from "./lib/trainer_controls.js";
import {
  curveTraces,
  formatValue,
  lastValue,
  livePoints,
  mapPanels,
  mapRows,
  onChanges,
  styledRuns,
  withMaps,
} from "./lib/trainer_data.js";
import { createViewPanels } from "./lib/trainer_views.js";
import { createShell, scheduleDraws, setPlotHeight } from "./lib/view_shell.js";

const TRAITS = [
  "live_runs",
  "live_maps",
  "kept_runs",
  "running",
  "step_count",
  "status",
  "info",
  "choices",
  "presenter",
  "cell_type",
  "task",
  "units",
  "delay",
  "lr",
  "clip",
  "clip_norm",
];
const PLOTS = ["loss", "metric", "grad-norm", "signal-map"];
const LOSS_NAMES = { cross_entropy: "cross-entropy", mse: "MSE" };
const METRIC_TITLES = { r2: "r² = 1 − MSE / MSE(mean)", accuracy: "accuracy" };
const GRAD = "‖∂L/∂θ‖";

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
function references(model, theme, size) {
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

function fillReadout(node, model, runs) {
  const info = model.get("info") ?? {};
  const metric = info.metric_name ?? "metric";
  const chips = [];
  for (const { run, color, live } of runs) {
    if (!live) continue;
    const s = document.createElement("span");
    s.className = "rnnviz-chip";
    const name = document.createElement("b");
    name.textContent = run.label;
    name.style.color = color;
    const clipped = model.get("clip") ? `, clipped ${Math.round(run.clipped_fraction * 100)}%` : "";
    s.append(
      name,
      ` step ${run.steps} · loss ${formatValue(lastValue(run.loss))} · ${metric} ` +
        `${formatValue(lastValue(run.metric))} · ${GRAD} ${formatValue(lastValue(run.grad_norm))}` +
        clipped,
    );
    chips.push(s);
  }
  node.replaceChildren(...chips);
}

/** Fixed margins (no automargin: plotly would lay every plot out twice on each update). */
function margins(size, top) {
  return { l: 3.6 * size.font + 1.6 * size.title + 10, r: 12, t: top, b: 3.3 * size.font + 4 };
}

function plotAxis(theme, size, title, extra = {}) {
  return { ...axisStyle(theme, size, title), automargin: false, ...extra };
}

function curveLayout(theme, size, width, height, xTitle, yTitle, log, refs, legend) {
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

function mapFigure(model, runs, theme, size, width, height) {
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

function render({ model, el }) {
  const shell = createShell(el, "rnnviz-trainer");
  shell.root.classList.add("rnnviz-trainer");
  const controls = createControls(model, document.createElement("div"));
  shell.root.insertBefore(controls.style, shell.readout);
  shell.root.insertBefore(controls.actions, shell.readout);
  shell.root.insertBefore(controls.settings, shell.readout);
  const grid = document.createElement("div");
  grid.className = "rnnviz-grid";
  const plots = {};
  for (const name of PLOTS) {
    const div = document.createElement("div");
    div.dataset.testid = `rnnviz-trainer-${name}`;
    plots[name] = div;
    grid.append(div);
  }
  shell.plot.append(grid);
  const viewsBox = document.createElement("div");
  viewsBox.className = "rnnviz-trainer-views";
  shell.root.append(viewsBox);
  const panels = createViewPanels(model, viewsBox);
  shell.status.textContent = "loading plotly.js …";
  let Plotly = null;
  const loader = loadPlotly(model);
  let mapDrawn = [];

  const draw = async () => {
    const presenter = Boolean(model.get("presenter"));
    const size = sizes(presenter);
    const theme = views.theme();
    shell.root.classList.toggle("rnnviz-presenter", presenter);
    controls.update();
    const info = model.get("info") ?? {};
    const live = model.get("live_runs") ?? [];
    const runs = styledRuns(model.get("kept_runs"), live, theme.dark);
    const mapRuns = styledRuns(
      model.get("kept_runs"),
      withMaps(live, model.get("live_maps")),
      theme.dark,
    );
    const cells = live.map((r) => r.label).join(" vs ");
    shell.title.textContent =
      `Training ${cells} on the ${info.task} task — T = ${info.timesteps}, ` +
      `batch ${info.batch}, ${info.optimizer === "sgd" ? "SGD" : "Adam"}, seed ${info.seed}`;
    fillReadout(shell.readout, model, runs);
    if (Plotly) shell.status.textContent = model.get("status") ?? "";
    if (!Plotly) return;

    const started = performance.now();
    const width = views.width();
    const two = width >= (presenter ? 1200 : 760); // big type needs the whole width
    const w = two ? Math.floor((width - 12) / 2) : width;
    const h = presenter ? 380 : 260;
    const mapH = Math.max(h, mapPanels(mapRuns).runs.length * (presenter ? 170 : 120));
    grid.style.gridTemplateColumns = two ? `${w}px ${w}px` : `${w}px`;
    setPlotHeight(shell.plot, two ? h + mapH + 8 : 3 * h + mapH + 24);
    const refs = references(model, theme, size);
    const metricName = info.metric_name ?? "metric";
    const lossTitle = `loss: ${LOSS_NAMES[info.loss_name] ?? info.loss_name} (log scale)`;
    const figures = [
      [
        "loss",
        curveTraces(runs, "loss", size, true),
        curveLayout(theme, size, w, h, "training step", lossTitle, true, refs.loss, true),
      ],
      [
        "metric",
        curveTraces(runs, "metric", size),
        curveLayout(
          theme,
          size,
          w,
          h,
          "training step",
          METRIC_TITLES[metricName] ?? metricName,
          false,
          refs.metric,
          false,
        ),
      ],
      [
        "grad-norm",
        curveTraces(runs, "grad_norm", size, true),
        curveLayout(
          theme,
          size,
          w,
          h,
          "training step",
          `${GRAD} before clipping`,
          true,
          refs.grad,
          false,
        ),
      ],
    ];
    const metricAxis = figures[1][2].yaxis;
    if (metricName === "accuracy") metricAxis.range = [0, 1.02];
    else metricAxis.range = [-0.5, 1.02];
    // The map is drawn only when its data (sent less often than the curves), the kept
    // runs or the plot's size or style changed.
    const mapKey = [model.get("live_maps"), model.get("kept_runs"), w, mapH, presenter, theme];
    if (mapKey.some((v, i) => v !== mapDrawn[i])) {
      const map = mapFigure(model, mapRuns, theme, size, w, mapH);
      figures.push(["signal-map", map.traces, map.layout]);
      mapDrawn = mapKey;
    }
    const parts = [];
    for (const [name, traces, layout] of figures) {
      const t0 = performance.now();
      await Plotly.react(plots[name], traces, layout, plotConfig(`rnnviz-trainer-${name}`));
      parts.push(`${name}:${Math.round(performance.now() - t0)}`);
    }
    const d = shell.root.dataset;
    d.step = String(model.get("step_count"));
    d.points = String(livePoints(live));
    d.runs = String(runs.length);
    d.cells = live.map((r) => r.cell).join(",");
    d.running = String(Boolean(model.get("running")));
    d.revision = String(model.get("revision"));
    d.task = String(model.get("task"));
    d.drawn = String(Number(d.drawn ?? 0) + 1);
    d.drawMs = String(Math.round(performance.now() - started));
    d.drawParts = parts.join(",");
  };

  const views = scheduleDraws(el, shell.plot, draw);
  loader.promise.then((P) => {
    Plotly = P;
    views.schedule();
  });
  const off = onChanges(model, TRAITS, views.schedule);
  views.schedule();
  model.on("change:views", panels.update);
  panels.update();

  return () => {
    loader.cleanup();
    views.cleanup();
    off();
    model.off("change:views", panels.update);
    panels.cleanup();
    if (Plotly) for (const div of Object.values(plots)) Plotly.purge(div);
  };
}

export default { render };
