// The standalone export page (rnnviz.export.to_html): bundled into rnnviz/static/page.js and
// inlined by rnnviz/export/_html.py into rnnviz/export/page.html, which holds the markup,
// the data (#rnnviz-payload) and the view bundles (base64, #rnnviz-esm-<name>). No kernel,
// no network: each view gets a PageModel (lib/page_model.js) fed from precomputed frames.
// Loaded on a page without the export's data (#rnnviz-payload) it starts nothing: browser
// tests import it for the shared model (PageModel, the JS tests' fake model) and the
// payload decoding, to mount one view by hand.

import { PageViews } from "./lib/page_frames.js";
import { PageModel } from "./lib/page_model.js";
import { decodeBuffers, fromBase64, hydrate } from "./lib/page_payload.js";
import { graphSVG } from "./lib/page_svg.js";
import {
  Player,
  cursorFor,
  lastPosition,
  playDelay,
  positionFor,
  timeLabel,
} from "./lib/page_time.js";

// (no document — node, the JS unit tests: nothing is on the page)
const byId = (id) => globalThis.document?.getElementById(id) ?? null;

/** An inlined ES module, imported from an in-memory blob: URL (no network). */
async function importModule(name) {
  const node = byId(`rnnviz-esm-${name}`);
  if (!node) throw new Error(`the page holds no module ${name}`);
  const source = new TextDecoder().decode(fromBase64(node.textContent.trim()));
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  try {
    return await import(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** An anywidget view module's widget (default export, or a function returning it). */
async function loadWidget(name) {
  let widget = (await importModule(name)).default;
  if (typeof widget === "function") widget = await widget();
  return widget;
}

async function renderViews(payload, views) {
  const container = byId("rnnviz-views");
  for (const view of payload.views) {
    const el = document.createElement("div");
    el.className = "rnnviz-export-view";
    el.dataset.view = view.name;
    container.appendChild(el);
    const model = views.addModel();
    try {
      const widget = await loadWidget(view.module);
      if (widget.initialize) await widget.initialize({ model });
      await widget.render({ model, el });
    } catch (err) {
      el.className += " rnnviz-export-error";
      el.textContent = `could not draw the ${view.name} view: ${err}`;
    }
  }
}

/** The sweep slider: one precomputed frame per value of the chosen setting. */
function setupSweep(payload, views, onFrame) {
  const sweep = byId("rnnviz-sweep");
  const value = byId("rnnviz-sweep-value");
  byId("rnnviz-sweep-name").textContent = payload.sweep.label;
  sweep.max = String(views.frames.length - 1);
  sweep.value = String(views.index);
  value.textContent = views.frame.text;
  if (views.frames.length < 2) byId("rnnviz-sweep-label").hidden = true;
  const show = (index) => {
    views.showFrame(index);
    sweep.value = String(index);
    value.textContent = views.frame.text;
    onFrame();
  };
  sweep.addEventListener("input", () => show(Number(sweep.value)));
  return show;
}

/** The page's time scrubber: its slider, its label and its play button. */
function timeControls() {
  return { time: byId("rnnviz-time"), label: byId("rnnviz-time-value"), play: byId("rnnviz-play") };
}

/**
 * The time scrubber and its play button; returns what the sweep and the views call.
 * Every change of the slider's position reaches the views (views.setCursor) in the same
 * call: the views never show another position than the slider's, not even for one tick.
 * @param {PageViews} views
 * @param {{time: HTMLInputElement, label: HTMLElement, play: HTMLElement}} controls
 * @param {object} timers setInterval / clearInterval (the play button's ticks)
 */
export function setupTime(views, { time, label, play } = timeControls(), timers = globalThis) {
  const steps = () => views.frame.timesteps; // N: every step of the run (its timeline)
  const apply = (position) => {
    label.textContent = timeLabel(position, steps(), views.frame.timeline);
    views.setCursor(cursorFor(position, steps()));
  };
  const player = new Player(
    () => {
      const next = Number(time.value) + 1;
      if (next > Number(time.max)) return false;
      time.value = String(next);
      apply(next);
      return true;
    },
    {
      onStop: () => {
        play.innerHTML = "&#9654;";
      },
      timers,
    },
  );
  time.addEventListener("input", () => apply(Number(time.value)));
  play.addEventListener("click", () => {
    if (player.playing) return player.stop();
    if (Number(time.value) >= Number(time.max)) {
      // replay from the start: the views go back with the slider now, not at the first tick
      time.value = "0";
      apply(0);
    }
    play.innerHTML = "&#10074;&#10074;";
    player.start(playDelay(steps()));
  });
  return {
    /** A new frame: its number of timesteps, the cursor kept where possible. */
    reset() {
      time.max = String(lastPosition(steps()));
      if (Number(time.value) > Number(time.max)) time.value = time.max;
      apply(Number(time.value));
    },
    /** A view moved the cursor: the slider follows. */
    follow({ t_cursor, phase }) {
      const position = positionFor(t_cursor, phase, steps());
      time.value = String(position);
      label.textContent = timeLabel(position, steps(), views.frame.timeline);
    },
  };
}

function setupSaveSVG() {
  const button = byId("rnnviz-save-svg");
  if (!document.querySelector('[data-view="graph"]')) button.hidden = true;
  button.addEventListener("click", () => {
    const blob = new Blob([graphSVG(document, window)], { type: "image/svg+xml" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "rnnviz-graph.svg";
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
}

async function main() {
  const payload = JSON.parse(byId("rnnviz-payload").textContent);
  // Shared libraries the views expect on the page (plotly.js: globalThis.Plotly).
  for (const lib of payload.globals) {
    globalThis[lib.name] = (await importModule(lib.module)).default;
  }
  let time = null;
  const views = new PageViews(payload, decodeBuffers(payload.buffers), {
    onCursor: (cursor) => time?.follow(cursor),
  });
  await renderViews(payload, views);
  time = setupTime(views);
  const showFrame = setupSweep(payload, views, () => time.reset());
  time.reset();
  setupSaveSVG();
  window.rnnvizExport = {
    models: views.models,
    showFrame,
    graphSVG: () => graphSVG(document, window),
    PageModel,
    ready: true,
  };
  document.body.dataset.rnnvizReady = "true";
}

export { PageModel, PageViews, decodeBuffers, hydrate };

if (byId("rnnviz-payload")) {
  main().catch((err) => {
    const note = document.createElement("p");
    note.className = "rnnviz-export-error";
    note.textContent = `rnnviz: this page could not start: ${err}`;
    document.body.prepend(note);
    throw err;
  });
}
