// GradientFlow view: ||dh_T/dh_t||_2 against steps back (T - t) on a log axis, with the
// bound (gamma sigma_max)^(T - t), the theory readout, overlays and the truncation window.

import { decodeArray } from "./lib/buffers.js";
import {
  clipToAxis,
  cursorStepsBack,
  formatNumber,
  fromLog10,
  logRange,
  stepsBack,
  truncatedSpan,
  widenRange,
} from "./lib/gradient_data.js";
import { axisStyle, baseLayout, loadPlotly, plotConfig, redrawScatterY } from "./lib/plotly.js";
import { plotlyText } from "./lib/plotly_text.js";
import { sizes } from "./lib/theme.js";
import { createShell, scheduleDraws, setCommonData, setPlotHeight } from "./lib/view_shell.js";

const EVENTS = [
  "log10_jacobian_norms",
  "log10_dh_norms",
  "log10_bound",
  "log10_overlays",
  "theory",
  "truncate",
  "t_cursor",
  "phase",
  "presenter",
  "overflowed",
  "overlay",
  "weight_scale",
]
  .map((name) => `change:${name}`)
  .join(" ");

const CELL_NAMES = { rnn: "RNN", lstm: "LSTM", gru: "GRU" };
const NORM = "‖∂h<sub>T</sub>/∂h<sub>t</sub>‖<sub>2</sub>";

/** The readout line: rho, sigma_max, gamma and the vanishing condition. */
function fillReadout(node, model) {
  const th = model.get("theory") ?? {};
  const matrix = th.matrix ?? "W_hh";
  const num = (v) => (v == null ? "inf" : formatNumber(v));
  const parts = [
    [`ρ(${matrix}) = `, num(th.rho)],
    [`σ_max(${matrix}) = `, num(th.sigma_max)],
    ["γ = max f′ = ", num(th.gamma)],
    ["γ·σ_max = ", num(th.gamma_sigma)],
  ];
  const spans = [];
  for (const [label, value] of parts) {
    const s = document.createElement("span");
    s.className = "rnnviz-chip";
    const b = document.createElement("b");
    b.textContent = value;
    s.append(label, b);
    spans.push(s);
  }
  const verdict = document.createElement("span");
  verdict.className = "rnnviz-chip";
  const yes = Boolean(th.vanishing_sufficient);
  const answer = document.createElement("span");
  answer.className = yes ? "rnnviz-yes" : "rnnviz-no";
  answer.dataset.testid = "vanishing-sufficient";
  answer.textContent = yes ? "yes" : "no";
  verdict.append("sufficient for vanishing (σ_max < 1/γ): ", answer);
  node.replaceChildren(...spans, verdict);
  return yes;
}

/** A decoded log10 array as values against steps back. */
function byStepsBack(array) {
  return stepsBack(fromLog10(array.values));
}

/** Series drawn with clipping: the main curve and the overlays, as [name, y-by-k, colour]. */
function curves(model, theme) {
  const out = [];
  const main = decodeArray(model.get("log10_jacobian_norms"));
  const cell = model.get("cell");
  const which =
    model.get("overlay") === "weight_scale"
      ? `s = ${Number(model.get("weight_scale"))
          .toPrecision(3)
          .replace(/\.?0+$/, "")}`
      : (CELL_NAMES[cell] ?? plotlyText(cell));
  if (main) out.push([`${NORM} (${which})`, byStepsBack(main), null]);
  const overlays = model.get("log10_overlays") ?? [];
  overlays.forEach(([name, value], i) => {
    const arr = decodeArray(value);
    const label = CELL_NAMES[name] ?? plotlyText(name);
    if (arr) out.push([label, byStepsBack(arr), theme.overlays[i % theme.overlays.length]]);
  });
  return out;
}

function render({ model, el }) {
  const shell = createShell(el, "rnnviz-gradients");
  shell.status.textContent = "loading plotly.js …";
  const slow = setTimeout(() => {
    shell.status.textContent = "waiting for the kernel to send plotly.js (is it running?)";
  }, 8000);
  let Plotly = null;
  let drawnKey = null; // everything but the y values of the last full draw (JSON)
  const loader = loadPlotly(model);

  const draw = async () => {
    const presenter = Boolean(model.get("presenter"));
    const size = sizes(presenter);
    const theme = views.theme();
    shell.root.classList.toggle("rnnviz-presenter", presenter);
    const T = model.get("timesteps");
    shell.title.textContent = `How much of h_t reaches h_T: ${T} steps back`;
    const vanishing = fillReadout(shell.readout, model);
    if (!Plotly) return;

    const series = curves(model, theme);
    const bound = decodeArray(model.get("log10_bound"));
    const boundK = bound ? byStepsBack(bound) : null;
    let range = logRange(series.map(([, s]) => s.y));
    if (boundK) range = widenRange(range, boundK.y);

    const traces = [];
    const over = { x: [], y: [], color: [], text: [] };
    const under = { x: [], y: [], color: [], text: [] };
    const cursorK = cursorStepsBack(T, model.get("t_cursor"), model.get("phase"));
    if (boundK) {
      traces.push({
        type: "scatter",
        mode: "lines",
        name: "bound (γ·σ<sub>max</sub>)<sup>T−t</sup>",
        x: boundK.x,
        y: boundK.y.map((v) => (Number.isFinite(v) && v > 0 ? v : Number.NaN)),
        line: { color: theme.bound, width: size.thin, dash: "dash" },
        hovertemplate: "bound at T − t = %{x}: %{y:.3g}<extra></extra>",
      });
    }
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
        x: s.x,
        y,
        line: { color: c, width: main ? size.line : size.thin },
        marker: { size: size.marker * 0.5, color: c },
        hovertemplate: `${name}<br>T − t = %{x}: %{y:.3g}<extra></extra>`,
      });
    });
    const dh = decodeArray(model.get("log10_dh_norms"));
    const span = truncatedSpan(T, model.get("truncate"));
    if (dh) {
      const d = byStepsBack(dh);
      const y = clipToAxis(d.y, range).y.map((v, k) => (span && k > span[0] ? Number.NaN : v));
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
    if (span) {
      shapes.push({
        type: "rect",
        xref: "x",
        yref: "paper",
        x0: span[0],
        x1: span[1] + 0.5,
        y0: 0,
        y1: 1,
        fillcolor: theme.shade,
        line: { width: 0 },
        layer: "below",
      });
      annotations.push({
        x: span[1] + 0.5,
        y: 0.98,
        xref: "x",
        yref: "paper",
        xanchor: "right",
        yanchor: "top",
        text: `truncated BPTT:<br>cut after ${span[0]} steps `,
        align: "right",
        showarrow: false,
        font: { color: theme.muted, size: size.font },
      });
    }
    if (cursorK != null) {
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
    // Two legend entries per row; the plot keeps its own height whatever the legend needs.
    const legendRows = Math.ceil(traces.filter((t) => t.showlegend !== false).length / 2);
    const height = (presenter ? 440 : 300) + legendRows * (size.font + 10);
    const layout = {
      ...baseLayout(theme, size, `${T}:${range.join(",")}`, views.width(), height),
      margin: { l: 10, r: 10, t: 10, b: 10 },
      showlegend: true,
      legend: {
        orientation: "h",
        entrywidth: 0.5,
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
      },
      yaxis: {
        ...axisStyle(theme, size, `${NORM}  (log scale)`),
        type: "log",
        range,
        exponentformat: "power",
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
    shell.root.dataset.vanishing = vanishing ? "yes" : "no";
    shell.root.dataset.overflow = String(over.x.length);
    shell.root.dataset.underflow = String(under.x.length);
    shell.root.dataset.truncate = String(model.get("truncate"));
    shell.root.dataset.yrange = range.join(",");
    shell.root.dataset.curves = String(series.length);
    shell.root.dataset.fastDraws = String(Number(shell.root.dataset.fastDraws ?? 0) + fast);
    shell.root.dataset.drawn = String(Number(shell.root.dataset.drawn ?? 0) + 1);
  };

  const views = scheduleDraws(el, shell.plot, draw);
  loader.promise.then((P) => {
    clearTimeout(slow);
    Plotly = P;
    shell.status.textContent = "";
    views.schedule();
  });
  model.on(EVENTS, views.schedule);
  views.schedule();

  return () => {
    clearTimeout(slow);
    loader.cleanup();
    views.cleanup();
    model.off(EVENTS, views.schedule);
    if (Plotly) Plotly.purge(shell.plot);
  };
}

export default { render };
