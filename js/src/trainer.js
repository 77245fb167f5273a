// Trainer view (rnnviz/widgets/trainer.py): the controls, a readout, and four plots —
// loss, metric, ‖∂L/∂θ‖ with the clipping threshold, and the gradient-signal map
// (‖∂L/∂h_t‖ relative to its largest, over training step × timestep, one panel per run).
// The kernel sends the newest state at most every ~100 ms (the maps every ~600 ms); drawing is coalesced to one
// per animation frame and always draws the newest state (latest wins). Below them, per
// current run, the heatmap and gradient-flow views of the current weights
// (lib/trainer_views.js). A plot or view scrolled out of sight is not drawn while it trains;
// it is drawn with the newest state before it scrolls back into the notebook's view, and is
// hidden rather than show an older one (lib/trainer_visibility.js). Each plot's data-step
// is the training step of the state it was last drawn from (the map: redrawn only when its
// data, sent less often, changed).

import { loadPlotly, plotConfig } from "./lib/plotly.js";
import { sizes } from "./lib/theme.js";
import { createControls } from "./lib/trainer_controls.js";
import {
  GRAD,
  curveTraces,
  livePoints,
  mapPanels,
  onChanges,
  styledRuns,
  withMaps,
} from "./lib/trainer_data.js";
import { curveLayout, mapFigure, references } from "./lib/trainer_figures.js";
import { fillReadout } from "./lib/trainer_readout.js";
import { drawPlot } from "./lib/trainer_redraw.js";
import { VIEW_WIDGETS, createViewPanels } from "./lib/trainer_views.js";
import { watchVisibility } from "./lib/trainer_visibility.js";
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
  // off screen: not drawn; coming into view: drawn at once with the newest state
  const seen = watchVisibility(() => {
    views.schedule();
    panels.update();
  });
  for (const div of Object.values(plots)) seen.observe(div);
  const panels = createViewPanels(model, viewsBox, VIEW_WIDGETS, seen);
  shell.status.textContent = "loading plotly.js …";
  let Plotly = null;
  const loader = loadPlotly(model);
  let mapDrawn = [];
  const drawnFigures = new Map(); // plot div -> what it shows (trainer_redraw.js)

  const draw = async () => {
    const presenter = Boolean(model.get("presenter"));
    const size = sizes(presenter);
    const theme = views.theme();
    shell.root.classList.toggle("rnnviz-presenter", presenter);
    controls.update();
    const info = model.get("info") ?? {};
    const revision = model.get("revision"); // the state this draw shows
    const step = String(model.get("step_count"));
    const live = model.get("live_runs") ?? [];
    // every cell type's name, in order: each keeps one colour (never a table of names)
    const cellNames = (model.get("choices")?.cells ?? []).map(([name]) => name);
    const runs = styledRuns(model.get("kept_runs"), live, theme.dark, cellNames);
    const mapRuns = styledRuns(
      model.get("kept_runs"),
      withMaps(live, model.get("live_maps")),
      theme.dark,
      cellNames,
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
    // only the plots on screen are drawn (the others when they come into view)
    const shown = new Set(PLOTS.filter((name) => seen.shouldDraw(plots[name])));
    const figures = [];
    if (shown.has("loss")) {
      figures.push([
        "loss",
        curveTraces(runs, "loss", size, true),
        curveLayout(theme, size, w, h, "training step", lossTitle, true, refs.loss, true),
      ]);
    }
    if (shown.has("metric")) {
      const title = METRIC_TITLES[metricName] ?? metricName;
      const layout = curveLayout(
        theme,
        size,
        w,
        h,
        "training step",
        title,
        false,
        refs.metric,
        false,
      );
      layout.yaxis.range = metricName === "accuracy" ? [0, 1.02] : [-0.5, 1.02];
      figures.push(["metric", curveTraces(runs, "metric", size), layout]);
    }
    if (shown.has("grad-norm")) {
      const title = `${GRAD} before clipping`;
      figures.push([
        "grad-norm",
        curveTraces(runs, "grad_norm", size, true),
        curveLayout(theme, size, w, h, "training step", title, true, refs.grad, false),
      ]);
    }
    // The map is drawn only when its data (sent less often than the curves), the kept
    // runs or the plot's size or style changed.
    const mapKey = [model.get("live_maps"), model.get("kept_runs"), w, mapH, presenter, theme];
    if (shown.has("signal-map") && mapKey.some((v, i) => v !== mapDrawn[i])) {
      const map = mapFigure(model, mapRuns, theme, size, w, mapH);
      figures.push(["signal-map", map.traces, map.layout]);
      mapDrawn = mapKey;
    }
    const parts = [];
    const modes = PLOTS.filter((name) => !shown.has(name)).map((name) => `${name}:hidden`);
    for (const [name, traces, layout] of figures) {
      const t0 = performance.now();
      const config = plotConfig(`rnnviz-trainer-${name}`);
      // the curves are made from the runs alone: the same runs, the same curves
      const sources = name === "signal-map" ? null : [model.get("kept_runs"), live];
      const mode = await drawPlot(
        Plotly,
        plots[name],
        traces,
        layout,
        config,
        drawnFigures,
        sources,
      );
      plots[name].dataset.step = step;
      parts.push(`${name}:${Math.round(performance.now() - t0)}`);
      modes.push(`${name}:${mode}`);
    }
    const d = shell.root.dataset;
    d.step = step;
    d.points = String(livePoints(live));
    d.runs = String(runs.length);
    d.mapPanels = String(mapPanels(mapRuns).runs.length);
    d.cells = live.map((r) => r.cell).join(",");
    d.running = String(Boolean(model.get("running")));
    d.revision = String(revision);
    d.task = String(model.get("task"));
    d.drawn = String(Number(d.drawn ?? 0) + 1);
    d.drawMs = String(Math.round(performance.now() - started));
    d.drawParts = parts.join(",");
    d.drawModes = modes.join(",");
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
    seen.cleanup();
    model.off("change:views", panels.update);
    panels.cleanup();
    if (Plotly) for (const div of Object.values(plots)) Plotly.purge(div);
    drawnFigures.clear();
  };
}

export default { render };
