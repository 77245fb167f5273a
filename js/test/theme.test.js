import assert from "node:assert/strict";
import test from "node:test";
import { stateScale } from "../src/lib/colorscale.js";
import { isDark, pickTheme, sizes } from "../src/lib/theme.js";

test("JupyterLab's data-jp-theme-light decides first", () => {
  assert.equal(isDark({ jpThemeLight: "false", prefersDark: false }), true);
  assert.equal(isDark({ jpThemeLight: "true", prefersDark: true }), false);
});

test("VS Code classes, then the browser preference", () => {
  assert.equal(isDark({ bodyClass: "vscode-body vscode-dark" }), true);
  assert.equal(isDark({ bodyClass: "vscode-light", prefersDark: true }), false);
  assert.equal(isDark({ prefersDark: true }), true);
  assert.equal(isDark({}), false);
});

test("pickTheme uses --jp-* variables when set, fallbacks otherwise", () => {
  const vars = { "--jp-ui-font-color1": " #abcdef ", "--jp-ui-font-family": "Inter" };
  const theme = pickTheme((name) => vars[name] ?? "", false);
  assert.equal(theme.fg, "#abcdef");
  assert.equal(theme.font, "Inter");
  assert.equal(theme.grid, "#d0d7de");
  assert.equal(theme.dark, false);
});

test("the dark diverging scale has a dark neutral middle, the light one a light middle", () => {
  const light = pickTheme(() => "", false);
  const dark = pickTheme(() => "", true);
  assert.equal(light.diverging[2][0], 0.5);
  assert.equal(light.diverging[2][1], "#f7f7f7");
  assert.equal(dark.diverging[2][1], "#262626");
  // The heatmap and the graph share one definition of the scale.
  assert.deepEqual(light.diverging, stateScale(false));
  assert.deepEqual(dark.diverging, stateScale(true));
  assert.equal(dark.fg, "#e6edf3");
});

test("presenter sizes are larger than normal ones", () => {
  const normal = sizes(false);
  const big = sizes(true);
  for (const key of Object.keys(normal)) assert.ok(big[key] > normal[key], key);
});
