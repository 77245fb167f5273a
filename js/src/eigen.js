// EigenView (rnnviz/widgets/eigen.py): the recurrent matrix's eigenvalues in the complex
// plane with the unit circle, and its singular values against their index with a line at 1.

import { decodeArray } from "./lib/buffers.js";
import {
  planeExtent,
  planeShapes,
  singularLines,
  singularTop,
  subplotTitles,
  verdict,
} from "./lib/eigen_data.js";
import { HOVER_NUMBER, formatNumber } from "./lib/format.js";
import { titleWithLayer } from "./lib/panel_text.js";
import { LABELS_FIT, axisStyle, baseLayout, plotConfig } from "./lib/plotly.js";
import { redrawScatterXY } from "./lib/plotly_scatter.js";
import { sizes } from "./lib/theme.js";
import { frameInfo, mountPlotlyView, setCommonData, setPlotHeight } from "./lib/view_shell.js";

const CANDIDATE = { U_c: " (LSTM candidate block)", U_h: " (GRU candidate block)" };

/** Below this width (in font sizes) the two plots are stacked, not side by side. */
const STACK_BELOW_EM = 40;

/** Matrix name with a subscript for plotly text: W_hh → W<sub>hh</sub>. */
function html(name) {
  const [base, sub] = name.split("_");
  return sub ? `${base}<sub>${sub}</sub>` : base;
}

function fillReadout(node, info, v) {
  const { matrix, settings } = info;
  const chips = [
    [`ρ(${matrix}) = max |λ| = `, formatNumber(info.rho), "rho"],
    [`σ_max(${matrix}) = `, formatNumber(info.sigma_max), "sigma-max"],
    ["init: ", `${settings.init}, s = ${formatNumber(settings.weight_scale)}`, "init"],
  ];
  const spans = chips.map(([label, value, id]) => {
    const s = document.createElement("span");
    s.className = "rnnviz-chip";
    const b = document.createElement("b");
    b.textContent = value;
    b.dataset.testid = `eigen-${id}`;
    s.append(label, b);
    return s;
  });
  const line = document.createElement("div");
  line.dataset.testid = "eigen-verdict";
  line.dataset.verdict = v.key;
  line.textContent = v.text;
  node.replaceChildren(...spans, line);
}

/** The view's draw() (the complex plane and the singular values) for mountPlotlyView. */
function setup(ctx) {
  const { model, shell } = ctx;
  // `updating` (newer settings being analysed) changes no pixel of the plot: it only dims
  // it (data-updating, view_shell's CSS). A full plotly redraw for it cost one
  // Plotly.react per update at 256 units, in the middle of the other views' updates.
  const onUpdating = () => {
    shell.root.dataset.updating = String(Boolean(model.get("updating")));
  };
  model.on("change:updating", onUpdating);
  ctx.cleanups.push(() => model.off("change:updating", onUpdating));
  let drawnKey = null; // what the plot shows but the values (null: draw it whole)
  let drawnMarks = null; // its shapes and annotations
  return async () => {
    const presenter = Boolean(model.get("presenter"));
    const size = sizes(presenter);
    const theme = ctx.views.theme();
    shell.root.classList.toggle("rnnviz-presenter", presenter);
    const info = frameInfo(model);
    const { matrix } = info;
    const units = info.settings.units;
    const rho = Number(info.rho);
    const sigmaMax = Number(info.sigma_max);
    const gamma = Number(info.gamma);
    shell.title.textContent = titleWithLayer(
      `Spectrum of ${matrix}${CANDIDATE[matrix] ?? ""}, ${units} × ${units}: eigenvalues and singular values`,
      info.layer_names,
      info.shown_layer,
    );
    const eig = decodeArray(model.get("eigenvalues"));
    const sv = decodeArray(model.get("singular_values"));
    const v = verdict(rho, sigmaMax, sv?.values.at(-1)); // σ_min: all σ_i equal?
    fillReadout(shell.readout, info, v);
    const { Plotly } = ctx;
    if (!Plotly || !eig || !sv) return;

    const n = sv.values.length;
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      re[i] = eig.values[2 * i];
      im[i] = eig.values[2 * i + 1];
    }
    const index = Float64Array.from({ length: n }, (_, i) => i + 1);
    const r = planeExtent(eig.values);
    const top = singularTop(sigmaMax, rho, gamma);
    const h = html(matrix);
    const plotH = presenter ? 480 : 340;
    const width = ctx.views.width();
    const areaPx = width - 20 - 3 * size.font;
    // Narrow (a phone, presenter type in a side panel): the plane above σ_i, each full width.
    const stacked = width < STACK_BELOW_EM * size.font;
    // The plane is square: give it about its plot height in width, the rest to σ_i.
    const planeW = stacked ? 1 : Math.min(0.46, Math.max(0.3, (plotH - 30 + size.font) / width));
    const sigmaX0 = stacked ? 0 : Math.min(0.58, planeW + 0.12);
    // Subplot titles on one line when both fit their subplot's width, else on two.
    const titles = subplotTitles(
      [
        [`eigenvalues of ${h}`, "unit circle"],
        [`singular values of ${h}`, "largest first"],
      ],
      [planeW * areaPx, (1 - sigmaX0) * areaPx],
      size.title,
    );
    const titlePx = titles.lines * 1.3 * size.title;
    const extra = titlePx - 1.3 * size.title;
    const height = (stacked ? 2 * plotH : plotH) + extra;
    const marginT = 34 + size.title + extra;
    // Stacked: the gap between the plots holds the plane's ticks and axis title and σ's title.
    const areaH = height - marginT - 10;
    const gap = stacked ? (4 * size.font + 40 + titlePx) / areaH : 0;
    const planeY = stacked ? [(1 + gap) / 2, 1] : [0, 1];
    const sigmaY = stacked ? [0, (1 - gap) / 2] : [0, 1];
    const plotPx = sigmaY[1] * areaH - 3 * size.font - 30; // σ's plot minus ticks and title
    const lines = singularLines(rho, gamma, theme, size, (1.3 * size.font * top) / plotPx);
    const traces = [
      {
        type: "scatter",
        mode: "markers",
        name: "eigenvalues λ",
        x: re,
        y: im,
        xaxis: "x",
        yaxis: "y",
        marker: { size: size.marker * 0.8, color: theme.curve, line: { width: 0 } },
        hovertemplate: `λ = %{x:${HOVER_NUMBER}} %{y:+${HOVER_NUMBER}}i<extra></extra>`,
      },
      {
        type: "scatter",
        mode: n <= 64 ? "lines+markers" : "lines",
        name: "singular values σ",
        x: index,
        y: Float64Array.from(sv.values),
        xaxis: "x2",
        yaxis: "y2",
        line: { color: theme.curve, width: size.thin },
        marker: { size: size.marker * 0.6, color: theme.curve },
        hovertemplate: `σ<sub>%{x}</sub> = %{y:${HOVER_NUMBER}}<extra></extra>`,
      },
    ];
    const layout = {
      ...baseLayout(theme, size, `${n}:${r}:${top}`, ctx.views.width(), height),
      margin: { l: 10, r: 10 + 3 * size.font, t: marginT, b: 10 },
      showlegend: false,
      xaxis: {
        ...axisStyle(theme, size, "Re λ"),
        ...LABELS_FIT,
        domain: [0, planeW],
        range: [-r, r],
        constrain: "domain",
        zeroline: true,
        nticks: 5,
      },
      yaxis: {
        ...axisStyle(theme, size, "Im λ"),
        ...LABELS_FIT,
        domain: planeY,
        range: [-r, r],
        scaleanchor: "x",
        scaleratio: 1,
        constrain: "domain",
        zeroline: true,
        nticks: 5,
      },
      xaxis2: {
        ...axisStyle(theme, size, "index i"),
        ...LABELS_FIT,
        domain: [sigmaX0, 1],
        anchor: "y2",
        range: [0.5, n + 0.5],
        zeroline: false,
        tickformat: "d",
        ...(n <= 10 ? { tickmode: "linear", tick0: 1, dtick: 1 } : {}),
      },
      yaxis2: {
        ...axisStyle(theme, size, "σ<sub>i</sub>"),
        ...LABELS_FIT,
        anchor: "x2",
        domain: sigmaY,
        range: [0, top],
        zeroline: false,
      },
      shapes: [...planeShapes(rho, theme, size), ...lines.shapes],
      annotations: [
        ...lines.annotations,
        {
          xref: "x domain",
          yref: "paper",
          x: 0.5,
          y: 1,
          yshift: 10,
          yanchor: "bottom",
          showarrow: false,
          text: titles.texts[0],
          font: { size: size.title, color: theme.fg },
        },
        {
          xref: "x2 domain",
          yref: "paper",
          x: 0.5,
          y: sigmaY[1],
          yshift: 10,
          yanchor: "bottom",
          showarrow: false,
          text: titles.texts[1],
          font: { size: size.title, color: theme.fg },
        },
      ],
    };
    // Only the values changed (a weight-scale step): move the points and the σ line in
    // place; the ρ circle, ρ line and their labels (layout shapes, annotations) move with
    // a layout-only react, which keeps the traces as they are.
    const { shapes, annotations, ...frame } = layout;
    const key = JSON.stringify([
      traces.map((t) => ({ ...t, x: t.x.length, y: t.y.length })),
      frame,
    ]);
    const marks = JSON.stringify([shapes, annotations]);
    const fast = key === drawnKey && redrawScatterXY(shell.plot, traces);
    if (!fast) {
      setPlotHeight(shell.plot, height);
      await Plotly.react(shell.plot, traces, layout, plotConfig("rnnviz-eigen"));
      drawnKey = key;
    } else if (marks !== drawnMarks) {
      await Plotly.react(shell.plot, shell.plot.data, layout, plotConfig("rnnviz-eigen"));
    }
    drawnMarks = marks;
    shell.status.textContent = "";
    setCommonData(shell.root, model);
    Object.assign(shell.root.dataset, {
      matrix,
      rho: String(rho),
      sigmaMax: String(sigmaMax),
      init: String(info.settings.init),
      points: String(n),
      drawn: String(Number(shell.root.dataset.drawn ?? 0) + 1),
      fastDraws: String(Number(shell.root.dataset.fastDraws ?? 0) + fast),
    });
  };
}

function render({ model, el }) {
  // Drawn one frame after the graph, heatmap and gradients of the same update: it is the
  // Explorer's fourth view and a full plotly redraw, which would hold the others back.
  // `updating` is marked by setup's own listener, without a redraw.
  return mountPlotlyView({
    model,
    el,
    testid: "rnnviz-eigen",
    setup,
    defer: true,
    ignore: ["updating"],
  });
}

export default { render };
