// What every view shares: the frame it draws (`frame_info` + buffers, sent by the kernel's
// rnnviz/widgets/_base.py ViewBase), one listener per trait it draws, the data-* attributes
// the tests read; and for the plotly views the DOM scaffolding (root with data-testid,
// header (title + selectors + readout), the plot area, a status line), theme/resize
// watching, coalesced draws and the plotly.js loader: mountPlotlyView.

import { loadPlotly } from "./plotly.js";
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
.rnnviz-view .rnnviz-plot { width: 100%; contain: strict; }
.rnnviz-view .rnnviz-updating { font-size: 12px; font-style: italic;
  color: var(--jp-ui-font-color2, #57606a); }
.rnnviz-view[data-updating="true"] .rnnviz-plot { opacity: 0.6; transition: opacity 0.2s; }
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
  const updating = document.createElement("span");
  updating.className = "rnnviz-updating";
  updating.dataset.testid = "updating";
  updating.setAttribute("aria-live", "polite");
  updating.textContent = "updating…";
  updating.hidden = true;
  head.append(title, controls, updating);
  const readout = document.createElement("div");
  readout.className = "rnnviz-readout";
  const plot = document.createElement("div");
  plot.className = "rnnviz-plot";
  const status = document.createElement("div");
  status.className = "rnnviz-status";
  status.setAttribute("role", "status");
  root.append(style, head, readout, plot, status);
  el.appendChild(root);
  return { root, title, controls, readout, plot, status, updating };
}

/**
 * Mark the view as showing the last result while newer settings are being analysed
 * (`data-updating` on the root, a subtle "updating…" label, the plot dimmed by the CSS).
 * @param {{root: HTMLElement, updating: HTMLElement}} shell
 * @param {boolean} on
 */
export function showUpdating(shell, on) {
  shell.root.dataset.updating = String(Boolean(on));
  shell.updating.hidden = !on;
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

/**
 * The frame a view draws, as the kernel sent it: `settings` (every setting of the frame),
 * `timesteps` (T of what the view shows) and the view's own facts (colour ranges, shapes,
 * readouts). Never defaults: a view draws only what a frame holds.
 * @returns {{settings: object, timesteps: number} & object}
 */
export function frameInfo(model) {
  return model.get("frame_info") ?? { settings: {} };
}

/** Copy the shared model state into data-* attributes (called after each draw). */
export function setCommonData(root, model) {
  const info = frameInfo(model);
  const s = info.settings;
  root.dataset.units = String(s.units);
  root.dataset.timesteps = String(info.timesteps);
  root.dataset.weightScale = String(s.weight_scale);
  root.dataset.cell = String(s.cell);
  root.dataset.tCursor = String(model.get("t_cursor"));
  root.dataset.phase = String(model.get("phase"));
  root.dataset.presenter = String(Boolean(model.get("presenter")));
  root.dataset.updating = String(Boolean(model.get("updating")));
}

const FRAME_KEY = "__rnnvizFrame";
/** Fallback when requestAnimationFrame does not fire (a hidden tab): draw anyway. */
export const FRAME_FALLBACK_MS = 100;

/**
 * Run `job` in the page's next animation frame, together with every other job queued
 * for that frame (all plotly views of the page draw in one frame, not one per message).
 * @param {() => void} job
 * @param {object} [scope] where the page-wide queue lives (globalThis; tests pass their own)
 */
export function inNextFrame(job, scope = globalThis) {
  let q = scope[FRAME_KEY];
  if (!q) {
    q = { jobs: [], armed: false };
    scope[FRAME_KEY] = q;
  }
  q.jobs.push(job);
  if (q.armed) return;
  q.armed = true;
  let raf = null;
  let timer = null;
  const run = () => {
    if (!q.armed) return;
    q.armed = false;
    if (raf !== null) scope.cancelAnimationFrame?.(raf);
    clearTimeout(timer);
    const jobs = q.jobs;
    q.jobs = [];
    for (const j of jobs) j();
  };
  if (typeof scope.requestAnimationFrame === "function") raf = scope.requestAnimationFrame(run);
  timer = setTimeout(run, raf === null ? 0 : FRAME_FALLBACK_MS);
}

/**
 * Run `job` one frame after the jobs queued now with `inNextFrame`: the browser paints the
 * views drawn in that frame before this one starts (a secondary view does not hold the
 * main views' picture back).
 * @param {() => void} job
 * @param {object} [scope]
 */
export function inLaterFrame(job, scope = globalThis) {
  inNextFrame(() => inNextFrame(job, scope), scope);
}

/**
 * Run `draw(width)` at most once per animation frame (several traits change in one
 * update, and the views of one Explorer update together), redraw on theme switches and
 * on width changes; returns {schedule, theme, width, cleanup}.
 *
 * The plot's width is tracked with a ResizeObserver so that a draw can give plotly an
 * explicit size (no layout read, no forced reflow); `theme()` is read once and again
 * only when the page's theme changes.
 */
export function scheduleDraws(el, plot, draw, scope = globalThis, defer = false) {
  let queued = false;
  let running = Promise.resolve();
  let theme = null;
  let width = 0;
  const job = () => {
    queued = false;
    running = running.then(draw).catch((error) => console.error("rnnviz view:", error));
  };
  const schedule = () => {
    if (queued) return;
    queued = true;
    (defer ? inLaterFrame : inNextFrame)(job, scope);
  };
  const stopTheme = watchTheme(el, () => {
    theme = null;
    schedule();
  });
  const resize =
    typeof ResizeObserver === "undefined"
      ? null
      : new ResizeObserver((entries) => {
          const w = Math.round(entries[0]?.contentRect.width ?? 0);
          if (w > 0 && w !== width) {
            width = w;
            schedule();
          }
        });
  resize?.observe(plot);
  return {
    schedule,
    theme: () => {
      theme ??= readTheme(el);
      return theme;
    },
    /** The plot's width in px (measured once if the observer has not reported yet). */
    width: () => {
      if (width <= 0) width = Math.round(plot.clientWidth) || 0;
      return width > 0 ? width : 600;
    },
    cleanup: () => {
      stopTheme();
      resize?.disconnect();
    },
  };
}

/** Give the plot area its height (it is a layout boundary: `contain: strict`). */
export function setPlotHeight(plot, height) {
  const value = `${height}px`;
  if (plot.style.height !== value) plot.style.height = value;
}

/**
 * Call `callback` on a change of any of `traits`; returns the function that stops it.
 * One listener per trait: Backbone (JupyterLab, Voila) also accepts a space-separated
 * list of events, but marimo's model takes one event name per call and ignores the rest.
 */
export function onChanges(model, traits, callback) {
  const events = traits.map((name) => `change:${name}`);
  for (const event of events) model.on(event, callback);
  return () => {
    for (const event of events) model.off(event, callback);
  };
}

/**
 * Call `callback` on a change of any trait the view draws from: the ones the kernel lists
 * in `_drawn_traits` (ViewBase.drawn_traits(): no hand-kept list in JS) but those in
 * `ignore` (a view that handles one itself), one listener per trait (see onChanges).
 * Returns the function that stops.
 */
export function watchModel(model, callback, ignore = []) {
  const traits = (model.get("_drawn_traits") ?? []).filter((t) => !ignore.includes(t));
  return onChanges(model, traits, callback);
}

const LOADING = "loading plotly.js …";
const WAITING = "waiting for the kernel to send plotly.js (is it running?)";
/** After this long without plotly.js the status line says the kernel may be gone. */
export const SLOW_PLOTLY_MS = 8000;

/**
 * Mount a plotly view: the shell, the plotly.js loader, coalesced draws on every change of
 * a trait the view draws from (watchModel), theme and width watching, and the cleanup.
 *
 * `setup(ctx)` builds the view's own DOM inside `ctx.shell` and returns its `draw()`
 * (async); `draw` reads `ctx.Plotly` (null until loaded), `ctx.views.theme()` and
 * `ctx.views.width()`. It may push extra cleanups to `ctx.cleanups`. Traits in `ignore`
 * do not trigger a draw (the view listens to them itself). `defer`: draw one frame after
 * the other views of an update (inLaterFrame), for a view that should not delay them.
 * @returns {() => void} the cleanup anywidget calls when the view is removed
 */
export function mountPlotlyView({ model, el, testid, setup, ignore = [], defer = false }) {
  const shell = createShell(el, testid);
  const ctx = { model, el, shell, Plotly: null, views: null, cleanups: [] };
  const draw = setup(ctx);
  shell.status.textContent = LOADING;
  const slow = setTimeout(() => {
    shell.status.textContent = WAITING;
  }, SLOW_PLOTLY_MS);
  const loader = loadPlotly(model);
  ctx.views = scheduleDraws(el, shell.plot, draw, globalThis, defer);
  loader.promise.then((P) => {
    clearTimeout(slow);
    ctx.Plotly = P;
    shell.status.textContent = "";
    ctx.views.schedule();
  });
  const stopWatching = watchModel(model, ctx.views.schedule, ignore);
  ctx.views.schedule();
  return () => {
    clearTimeout(slow);
    loader.cleanup();
    ctx.views.cleanup();
    stopWatching();
    for (const c of ctx.cleanups) c();
    if (ctx.Plotly) ctx.Plotly.purge(shell.plot);
  };
}
