// DOM scaffolding shared by the plotly views: root with data-testid, header (title +
// selectors + readout), the plot area, a status line; theme/resize watching; coalesced draws.

import { readTheme, watchTheme } from "./theme.js";

const CSS = `
.rnnviz-view { box-sizing: border-box; width: 100%; min-width: 0; padding: 4px 0;
  font-family: var(--jp-ui-font-family, system-ui, sans-serif);
  color: var(--jp-ui-font-color1, #1f2328); }
.rnnviz-view .rnnviz-head { display: flex; flex-wrap: wrap; align-items: baseline;
  gap: 4px 14px; margin: 0 4px 2px; }
.rnnviz-view .rnnviz-title { font-weight: 600; font-size: 14px; }
.rnnviz-view .rnnviz-controls { display: inline-flex; gap: 10px; flex-wrap: wrap; }
.rnnviz-view label { font-size: 13px; display: inline-flex; gap: 6px; align-items: center; }
.rnnviz-view select { font: inherit; font-size: 13px; padding: 1px 4px;
  color: var(--jp-ui-font-color1, inherit); background: var(--jp-layout-color1, transparent);
  border: 1px solid var(--jp-border-color1, #8c959f); border-radius: 3px; }
.rnnviz-view .rnnviz-readout { font-size: 13px; margin: 0 4px; line-height: 1.5;
  font-variant-numeric: tabular-nums; }
.rnnviz-view .rnnviz-readout b { font-weight: 600; }
.rnnviz-view .rnnviz-chip { white-space: nowrap; margin-right: 1.3em; display: inline-block; }
.rnnviz-view .rnnviz-yes { color: var(--jp-success-color1, #1a7f37); font-weight: 600; }
.rnnviz-view .rnnviz-no { color: var(--jp-warn-color0, #bc4c00); font-weight: 600; }
.rnnviz-view .rnnviz-plot { width: 100%; }
.rnnviz-view .rnnviz-status { font-size: 12px; color: var(--jp-ui-font-color2, #57606a);
  margin: 2px 4px; min-height: 0; }
.rnnviz-view.rnnviz-presenter .rnnviz-title { font-size: 24px; }
.rnnviz-view.rnnviz-presenter label, .rnnviz-view.rnnviz-presenter select,
.rnnviz-view.rnnviz-presenter .rnnviz-readout { font-size: 20px; }
`;

/** Create the view's DOM inside `el`. */
export function createShell(el, testid) {
  const root = document.createElement("div");
  root.className = "rnnviz-view";
  root.dataset.testid = testid;
  const style = document.createElement("style");
  style.textContent = CSS;
  const head = document.createElement("div");
  head.className = "rnnviz-head";
  const title = document.createElement("span");
  title.className = "rnnviz-title";
  const controls = document.createElement("span");
  controls.className = "rnnviz-controls";
  head.append(title, controls);
  const readout = document.createElement("div");
  readout.className = "rnnviz-readout";
  const plot = document.createElement("div");
  plot.className = "rnnviz-plot";
  const status = document.createElement("div");
  status.className = "rnnviz-status";
  status.setAttribute("role", "status");
  root.append(style, head, readout, plot, status);
  el.appendChild(root);
  return { root, title, controls, readout, plot, status };
}

/**
 * A labelled <select> whose options are [value, label] pairs.
 * @returns {{wrap: HTMLElement, select: HTMLSelectElement, update: Function}}
 */
export function createSelect(labelText, testid, onChange) {
  const wrap = document.createElement("label");
  const text = document.createElement("span");
  text.textContent = labelText;
  const select = document.createElement("select");
  select.dataset.testid = testid;
  select.addEventListener("change", () => onChange(select.value));
  wrap.append(text, select);
  const update = (options, value) => {
    const key = JSON.stringify(options);
    if (select.dataset.options !== key) {
      select.replaceChildren(
        ...options.map(([v, label]) => {
          const o = document.createElement("option");
          o.value = String(v);
          o.textContent = label;
          return o;
        }),
      );
      select.dataset.options = key;
    }
    select.value = String(value);
    wrap.style.display = options.length > 1 ? "" : "none";
  };
  return { wrap, select, update };
}

/** Copy the shared model state into data-* attributes (called after each draw). */
export function setCommonData(root, model) {
  root.dataset.units = String(model.get("units"));
  root.dataset.timesteps = String(model.get("timesteps"));
  root.dataset.weightScale = String(model.get("weight_scale"));
  root.dataset.cell = String(model.get("cell"));
  root.dataset.tCursor = String(model.get("t_cursor"));
  root.dataset.phase = String(model.get("phase"));
  root.dataset.presenter = String(Boolean(model.get("presenter")));
}

/**
 * Run `draw` at most once per microtask burst (several traits change in one update),
 * redraw on theme switches and on size changes; returns the cleanup.
 */
export function scheduleDraws(el, plot, draw, onResize) {
  let queued = false;
  let running = Promise.resolve();
  const schedule = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      running = running.then(draw).catch((error) => console.error("rnnviz view:", error));
    });
  };
  const stopTheme = watchTheme(el, schedule);
  let lastWidth = -1;
  const resize =
    typeof ResizeObserver === "undefined"
      ? null
      : new ResizeObserver((entries) => {
          const width = Math.round(entries[0]?.contentRect.width ?? 0);
          if (width > 0 && width !== lastWidth) {
            lastWidth = width;
            onResize();
          }
        });
  resize?.observe(plot);
  return {
    schedule,
    theme: () => readTheme(el),
    cleanup: () => {
      stopTheme();
      resize?.disconnect();
    },
  };
}
