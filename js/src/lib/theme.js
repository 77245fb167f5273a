// Colours and fonts for the plotly views, read from JupyterLab's --jp-* CSS variables
// (with fallbacks for pages outside Jupyter), and a watcher for theme switches.

import { stateScale } from "./colorscale.js";

const LIGHT = {
  dark: false,
  fg: "#1f2328",
  muted: "#57606a",
  bg: "#ffffff",
  grid: "#d0d7de",
  font: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  accent: "#d4380d",
  curve: "#0b61a4",
  bound: "#6e7781",
  shade: "rgba(110, 119, 129, 0.16)",
  // State scale shared with the graph (lib/colorscale.js).
  diverging: stateScale(false),
  overlays: ["#8250df", "#1a7f37", "#bf8700", "#cf222e", "#0550ae", "#953800"],
};

const DARK = {
  dark: true,
  fg: "#e6edf3",
  muted: "#9da7b3",
  bg: "#111111",
  grid: "#3d444d",
  font: LIGHT.font,
  accent: "#ffa657",
  curve: "#58a6ff",
  bound: "#9da7b3",
  shade: "rgba(157, 167, 179, 0.18)",
  diverging: stateScale(true),
  overlays: ["#d2a8ff", "#56d364", "#e3b341", "#ff7b72", "#79c0ff", "#ffa657"],
};

/**
 * Decide whether the page is dark.
 * JupyterLab sets data-jp-theme-light on <body>; VS Code sets a "vscode-dark" class;
 * elsewhere follow the browser's preference.
 * @param {{ jpThemeLight?: string, bodyClass?: string, prefersDark?: boolean }} signals
 */
export function isDark({ jpThemeLight, bodyClass = "", prefersDark = false }) {
  if (jpThemeLight === "false") return true;
  if (jpThemeLight === "true") return false;
  if (/\bvscode-(dark|high-contrast)\b/.test(bodyClass)) return true;
  if (/\bvscode-light\b/.test(bodyClass)) return false;
  return prefersDark;
}

/**
 * Build the theme from a CSS variable lookup.
 * @param {(name: string) => string} cssVar returns the value of a custom property or ""
 * @param {boolean} dark
 */
export function pickTheme(cssVar, dark) {
  const base = dark ? DARK : LIGHT;
  const v = (name, fallback) => {
    const value = (cssVar(name) || "").trim();
    return value === "" ? fallback : value;
  };
  return {
    ...base,
    fg: v("--jp-ui-font-color1", base.fg),
    muted: v("--jp-ui-font-color2", base.muted),
    bg: v("--jp-layout-color0", base.bg),
    grid: v("--jp-border-color2", base.grid),
    font: v("--jp-ui-font-family", base.font),
  };
}

/** The theme that applies to element `el` now. */
export function readTheme(el) {
  const doc = el.ownerDocument ?? document;
  const body = doc.body;
  const style = getComputedStyle(el);
  const dark = isDark({
    jpThemeLight: body?.dataset?.jpThemeLight,
    bodyClass: body?.className ?? "",
    prefersDark: globalThis.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false,
  });
  return pickTheme((name) => style.getPropertyValue(name), dark);
}

/**
 * Call `onChange` when the page theme changes (JupyterLab theme switch, OS preference).
 * @returns {() => void} cleanup that stops watching
 */
export function watchTheme(el, onChange) {
  const doc = el.ownerDocument ?? document;
  const observer = new MutationObserver(() => onChange());
  if (doc.body) {
    observer.observe(doc.body, {
      attributes: true,
      attributeFilter: ["data-jp-theme-light", "data-jp-theme-name", "class"],
    });
  }
  const media = globalThis.matchMedia?.("(prefers-color-scheme: dark)");
  media?.addEventListener?.("change", onChange);
  return () => {
    observer.disconnect();
    media?.removeEventListener?.("change", onChange);
  };
}

/** Font sizes and line widths: normal, or large for a projector. */
export function sizes(presenter) {
  return presenter
    ? { font: 20, title: 22, line: 4.5, thin: 3, marker: 16, cursor: 4 }
    : { font: 12, title: 13, line: 2.5, thin: 1.5, marker: 10, cursor: 2 };
}
