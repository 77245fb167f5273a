// Pure logic of the eigenvalue view (js/src/eigen.js): axis extents, the verdict on
// ρ vs σ_max, and the shapes drawn in the complex plane. No DOM; tested in eigen.test.js.

import { textWidth } from "./text_width.js";

/** Relative tolerance under which ρ and σ_max count as equal (a normal matrix). */
export const EQUAL_TOL = 1e-5;

/**
 * Half-width of the complex plane's square axes: the unit circle and every eigenvalue
 * with a margin.
 * @param {Float32Array} eig interleaved (Re, Im) pairs
 */
export function planeExtent(eig) {
  let r = 1;
  for (let i = 0; i + 1 < eig.length; i += 2) r = Math.max(r, Math.hypot(eig[i], eig[i + 1]));
  return Math.ceil(r * 1.15 * 10) / 10;
}

/** Upper end of the singular-value axis: σ_max, 1, ρ and 1/γ (when shown), with a margin. */
export function singularTop(sigmaMax, rho, gamma) {
  const marks = [1, sigmaMax, rho];
  if (gamma > 0 && gamma !== 1) marks.push(1 / gamma);
  return Math.ceil(Math.max(...marks.filter(Number.isFinite)) * 1.12 * 10) / 10;
}

/** Whether a and b agree within EQUAL_TOL (relative): float32 readings of one number. */
function near(a, b) {
  return Math.abs(a - b) <= EQUAL_TOL * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

/**
 * One sentence on what ρ and σ_max say together, and a key for tests and styling. Every
 * comparison with 1 or between the two takes EQUAL_TOL: they arrive as float32, and an
 * exact 1 may read 0.9999999 or 1.0000001.
 * @param {number} rho spectral radius ρ
 * @param {number} sigmaMax largest singular value σ_max
 * @param {number} [sigmaMin] smallest singular value (default σ_max): "every direction is
 *   scaled by the same factor" only when it equals σ_max
 * @returns {{key: string, text: string}}
 */
export function verdict(rho, sigmaMax, sigmaMin = sigmaMax) {
  const below = (v) => v < 1 - EQUAL_TOL;
  const above = (v) => v > 1 + EQUAL_TOL;
  // Equal first: an orthogonal W_hh's 0.9999999 and 1.0000001 must not read as ρ < 1 < σ_max.
  if (near(sigmaMax, rho)) {
    const r = Number(rho.toPrecision(3));
    if (near(sigmaMin, sigmaMax)) {
      const unit = !below(rho) && !above(rho);
      return {
        key: "equal",
        text: `ρ = σ_max = ${r}: a normal matrix (orthogonal × s) — every step scales every direction by this same factor, so ${unit ? "lengths are kept" : rho < 1 ? "all of h shrinks" : "all of h grows"}.`,
      };
    }
    const what = below(sigmaMax)
      ? "every step shrinks every vector"
      : above(sigmaMax)
        ? "some direction grows by this factor at every step"
        : "no step stretches a vector, and some direction keeps its length";
    return {
      key: "equal",
      text: `ρ = σ_max = ${r}: the most one step stretches a vector is also the long-run rate of the powers — ${what}.`,
    };
  }
  if (below(rho) && above(sigmaMax)) {
    return {
      key: "rho-below-sigma-above",
      text: "ρ < 1 < σ_max: every eigenvalue is inside the unit circle, so powers of the matrix shrink in the long run — yet one step can stretch a vector by up to σ_max (a non-normal matrix).",
    };
  }
  if (below(sigmaMax)) {
    return { key: "both-below", text: "σ_max < 1: every step shrinks every vector." };
  }
  if (below(rho)) {
    return {
      key: "rho-below-sigma-one",
      text: "ρ < 1 = σ_max: powers of the matrix shrink in the long run, and no single step stretches a vector.",
    };
  }
  return {
    key: "rho-above",
    text: "ρ ≥ 1: some direction is not shrunk by the powers of the matrix.",
  };
}

/**
 * Plotly shapes of the complex plane: the unit circle (solid) and the circle of radius ρ
 * (dashed), both centred on 0, on axes x / y.
 */
export function planeShapes(rho, theme, size) {
  const circle = (r, line) => ({
    type: "circle",
    xref: "x",
    yref: "y",
    x0: -r,
    y0: -r,
    x1: r,
    y1: r,
    line,
    layer: "below",
  });
  const shapes = [circle(1, { color: theme.muted, width: size.thin })];
  if (Number.isFinite(rho) && Math.abs(rho - 1) > 1e-3) {
    shapes.push(circle(rho, { color: theme.accent, width: size.thin, dash: "dash" }));
  }
  return shapes;
}

/**
 * Label positions at least `gap` apart, as close as possible to `values` (in any order):
 * sorted upwards, each pushed above the previous one when too close.
 * @param {number[]} values
 * @param {number} gap
 */
export function spread(values, gap) {
  const order = values.map((v, i) => [v, i]).sort((a, b) => a[0] - b[0]);
  const out = new Array(values.length);
  let prev = Number.NEGATIVE_INFINITY;
  for (const [v, i] of order) {
    const y = Math.max(v, prev + gap);
    out[i] = y;
    prev = y;
  }
  return out;
}

/**
 * Horizontal reference lines of the singular-value plot (axes x2 / y2): 1, ρ and 1/γ, with
 * labels right of the plot kept `labelGap` (axis units) apart.
 * @returns {{shapes: object[], annotations: object[]}}
 */
export function singularLines(rho, gamma, theme, size, labelGap = 0) {
  const lines = [[1, "1", theme.muted, "solid"]];
  if (Number.isFinite(rho)) lines.push([rho, "ρ", theme.accent, "dash"]);
  if (gamma > 0 && gamma !== 1) lines.push([1 / gamma, "1/γ", theme.bound, "dot"]);
  const shapes = [];
  const annotations = [];
  const labelY = spread(
    lines.map((l) => l[0]),
    labelGap,
  );
  for (const [i, [y, text, color, dash]] of lines.entries()) {
    shapes.push({
      type: "line",
      xref: "x2 domain",
      yref: "y2",
      x0: 0,
      x1: 1,
      y0: y,
      y1: y,
      line: { color, width: size.thin, dash },
    });
    annotations.push({
      xref: "x2 domain",
      yref: "y2",
      x: 1,
      y: labelY[i],
      xanchor: "left",
      yanchor: "middle",
      text,
      showarrow: false,
      font: { color, size: size.font },
    });
  }
  return { shapes, annotations };
}

/**
 * The two subplot titles, each `[first, second]` (plotly markup), given each subplot's
 * width in px: on one line ("first, second") when both fit, else both broken after the
 * comma (so the two plots stay level).
 * @param {Array<[string, string]>} titles
 * @param {number[]} px
 * @param {number} fontSize
 * @returns {{texts: string[], lines: 1 | 2}}
 */
export function subplotTitles(titles, px, fontSize) {
  const fits = titles.every(
    ([a, b], i) => textWidth(`${a}, ${b}`.replace(/<[^>]*>/g, ""), fontSize) <= px[i],
  );
  const sep = fits ? ", " : ",<br>";
  return { texts: titles.map(([a, b]) => `${a}${sep}${b}`), lines: fits ? 1 : 2 };
}
