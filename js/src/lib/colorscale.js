// The one colour scale of hidden-state values, shared by the graph (SVG cells) and the
// heatmap (plotly): the same value gets the same colour in both views, in both themes.
// Pure functions, unit-tested in js/test/colorscale.test.js.

/**
 * Diverging stops: blue (negative) - neutral (zero) - red (positive), ColorBrewer RdBu in
 * light theme; in dark theme the same hues, brightened, around a near-black neutral so
 * that zero recedes into a dark page like white does on a light one.
 */
const STOPS = {
  light: [
    [0, "#2166ac"],
    [0.25, "#67a9cf"],
    [0.5, "#f7f7f7"],
    [0.75, "#ef8a62"],
    [1, "#b2182b"],
  ],
  dark: [
    [0, "#6cb6ff"],
    [0.25, "#3674b5"],
    [0.5, "#262626"],
    [0.75, "#c2473d"],
    [1, "#ff8170"],
  ],
};

/**
 * Colour stops of the state scale as a plotly colorscale `[[fraction, "#rrggbb"], ...]`.
 * Ranges around zero (tanh, linear: lo < 0) are diverging; non-negative ranges (relu,
 * sigmoid) use the upper half only, so that h = 0 is always the neutral colour.
 *
 * @param {boolean} dark
 * @param {number} lo lower end of the value range
 * @returns {Array<[number, string]>}
 */
export function stateScale(dark, lo = -1) {
  const stops = STOPS[dark ? "dark" : "light"];
  if (lo < 0) return stops.map(([f, c]) => [f, c]);
  return stops.filter(([f]) => f >= 0.5).map(([f, c]) => [(f - 0.5) * 2, c]);
}

function rgb(hex) {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * Colour of `v` on the state scale over [lo, hi], interpolated linearly in RGB between the
 * stops (as plotly does). +inf / -inf clip to the ends; NaN gives null.
 *
 * @returns {string | null} "rgb(r, g, b)"
 */
export function stateColor(v, lo, hi, dark = false) {
  if (Number.isNaN(v)) return null;
  const stops = stateScale(dark, lo);
  const f = Math.max(0, Math.min(1, (v - lo) / (hi - lo || 1)));
  let i = 1;
  while (i < stops.length - 1 && stops[i][0] < f) i++;
  const [f0, c0] = stops[i - 1];
  const [f1, c1] = stops[i];
  const a = rgb(c0);
  const b = rgb(c1);
  const w = (f - f0) / (f1 - f0 || 1);
  const c = a.map((x, j) => Math.round(x + (b[j] - x) * w));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** CSS linear-gradient of the scale, for legends. */
export function scaleGradient(dark, lo = -1) {
  const parts = stateScale(dark, lo).map(([f, c]) => `${c} ${Math.round(f * 100)}%`);
  return `linear-gradient(90deg, ${parts.join(", ")})`;
}
