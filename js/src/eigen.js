// EigenView (rnnviz/widgets/eigen.py): the recurrent matrix's eigenvalues in the complex
// plane with the unit circle, and its singular values against their index with a line at 1.

import { decodeArray } from "./lib/buffers.js";
import { planeExtent, planeShapes, singularLines, singularTop, verdict } from "./lib/eigen_data.js";
import { formatNumber } from "./lib/format.js";
import { axisStyle, baseLayout, plotConfig } from "./lib/plotly.js";
import { sizes } from "./lib/theme.js";
import { frameInfo, mountPlotlyView, setCommonData, setPlotHeight } from "./lib/view_shell.js";

const CANDIDATE = { U_c: " (LSTM candidate block)", U_h: " (GRU candidate block)" };

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

function render({ model, el }) {
  return mountPlotlyView({
    model,
    el,
    testid: "rnnviz-eigen",
    setup: (ctx) => {
      const { shell } = ctx;
      const draw = async () => {
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
        shell.title.textContent = `Spectrum of ${matrix}${CANDIDATE[matrix] ?? ""}, ${units} × ${units}: eigenvalues and singular values`;
        const v = verdict(rho, sigmaMax);
        fillReadout(shell.readout, info, v);
        const eig = decodeArray(model.get("eigenvalues"));
        const sv = decodeArray(model.get("singular_values"));
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
        const height = presenter ? 480 : 340;
        const plotPx = height - 3 * size.font - 30; // plot area minus axis titles and ticks
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
            hovertemplate: "λ = %{x:.3f} %{y:+.3f}i<extra></extra>",
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
            hovertemplate: "σ<sub>%{x}</sub> = %{y:.3f}<extra></extra>",
          },
        ];
        const h = html(matrix);
        // The plane is square: give it about its plot height in width, the rest to σ_i.
        const planeW = Math.min(0.46, Math.max(0.3, (plotPx + 4 * size.font) / ctx.views.width()));
        const layout = {
          ...baseLayout(theme, size, `${n}:${r}:${top}`, ctx.views.width(), height),
          margin: { l: 10, r: 10 + 3 * size.font, t: 34 + size.title, b: 10 },
          showlegend: false,
          xaxis: {
            ...axisStyle(theme, size, "Re λ"),
            domain: [0, planeW],
            range: [-r, r],
            constrain: "domain",
            zeroline: true,
            nticks: 5,
          },
          yaxis: {
            ...axisStyle(theme, size, "Im λ"),
            range: [-r, r],
            scaleanchor: "x",
            scaleratio: 1,
            constrain: "domain",
            zeroline: true,
            nticks: 5,
          },
          xaxis2: {
            ...axisStyle(theme, size, "index i"),
            domain: [Math.min(0.58, planeW + 0.12), 1],
            anchor: "y2",
            range: [0.5, n + 0.5],
            zeroline: false,
            tickformat: "d",
            ...(n <= 10 ? { tickmode: "linear", tick0: 1, dtick: 1 } : {}),
          },
          yaxis2: {
            ...axisStyle(theme, size, "σ<sub>i</sub>"),
            anchor: "x2",
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
              text: `eigenvalues of ${h}, unit circle`,
              font: { size: size.title, color: theme.fg },
            },
            {
              xref: "x2 domain",
              yref: "paper",
              x: 0.5,
              y: 1,
              yshift: 10,
              yanchor: "bottom",
              showarrow: false,
              text: `singular values of ${h}, largest first`,
              font: { size: size.title, color: theme.fg },
            },
          ],
        };
        setPlotHeight(shell.plot, height);
        await Plotly.react(shell.plot, traces, layout, plotConfig("rnnviz-eigen"));
        shell.status.textContent = "";
        setCommonData(shell.root, model);
        Object.assign(shell.root.dataset, {
          matrix,
          rho: String(rho),
          sigmaMax: String(sigmaMax),
          init: String(info.settings.init),
          points: String(n),
          drawn: String(Number(shell.root.dataset.drawn ?? 0) + 1),
        });
      };
      return draw;
    },
  });
}

export default { render };
