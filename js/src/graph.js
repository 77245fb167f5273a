// UnrolledGraph view (rnnviz/widgets/graph.py): the RNN unrolled in time as SVG, with the
// backward (BPTT) lane, a rolled/unrolled toggle and a live shapes panel.
// Uses only model.get / set / save_changes / on / off, so it also runs in exported pages.

import { count } from "./lib/axes.js";
import { decodeArray } from "./lib/buffers.js";
import { backwardNotes } from "./lib/graph_bptt.js";
import { architectureNotes, chainsFor, matricesOf } from "./lib/graph_chains.js";
import { hasInfinity } from "./lib/graph_color.js";
import { GRAPH_CSS } from "./lib/graph_css.js";
import { drawGraph } from "./lib/graph_draw.js";
import { layoutGraph } from "./lib/graph_layout.js";
import { fillLegend, fillNotes, fillShapes } from "./lib/graph_panel.js";
import { backwardStarted, progressAt } from "./lib/graph_progress.js";
import { layoutRolled } from "./lib/graph_rolled.js";
import { isDark, watchTheme } from "./lib/theme.js";
import { locate } from "./lib/timeline.js";
import { frameInfo, watchModel } from "./lib/view_shell.js";

/** What the graph draws: the frame's settings and facts (frame_info, no defaults: only
 * what a frame holds), its float32 buffers and the view's own state. */
function readState(model) {
  const info = frameInfo(model);
  const s = info.settings;
  const dh = decodeArray(model.get("dh_norms"));
  return {
    units: s.units,
    timesteps: info.timesteps,
    weightScale: s.weight_scale,
    cell: s.cell,
    // the cell's facts (label, gates, split bias), from its class: never branch on s.cell
    cellInfo: info.cell_info ?? {},
    presenter: Boolean(model.get("presenter")),
    // t_cursor is a step of the whole run: its chain (seq2seq: encoder, decoder) and step
    cursor: locate(info.timeline, model.get("t_cursor"), model.get("phase")),
    phase: model.get("phase"),
    rolled: Boolean(model.get("rolled")),
    architecture: s.architecture,
    layers: s.layers,
    returnSequences: s.return_sequences,
    truncate: s.truncate,
    // the truncated-BPTT window per layer (rnnviz.frame.truncation: the one rule)
    window: info.window,
    activation: s.activation,
    outputUnits: s.output_units,
    decoderSteps: info.decoder_steps,
    tokens: info.tokens,
    states: (model.get("states") ?? []).map((a) => decodeArray(a)),
    dh: dh ? dh.values : null,
    // Per layer ‖∂L/∂h_t‖ (every layer; seq2seq: the encoder too): a lane in each.
    dhLayers: (model.get("layer_dh_norms") ?? []).map((a) => decodeArray(a)?.values ?? null),
    shapes: info.shapes,
    nParams: info.n_params,
    overflowed: info.overflowed,
    range: info.state_range, // Frame.colour_range("h"): the one rule of every view
  };
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "rnnviz-graph";
  const style = document.createElement("style");
  style.textContent = GRAPH_CSS;
  const toolbar = document.createElement("div");
  toolbar.className = "rg-toolbar";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "rg-roll";
  const legend = document.createElement("div");
  legend.className = "rg-legend";
  toolbar.append(button, legend);
  const body = document.createElement("div");
  body.className = "rg-body";
  const figure = document.createElement("div");
  figure.className = "rg-figure";
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("role", "img");
  figure.appendChild(svg);
  const shapes = document.createElement("aside");
  shapes.className = "rg-shapes";
  body.append(figure, shapes);
  // The notes sit under the SVG, and the figure is centred beside a taller shapes panel,
  // so that no empty band opens between the graph and what follows.
  const notes = document.createElement("ul");
  notes.className = "rg-notes";
  figure.appendChild(notes);
  root.append(style, toolbar, body);
  el.appendChild(root);

  let draws = 0;
  let lastWidth = 0;
  let hovered = null; // the matrix whose copies are highlighted (pointer over one of them)
  let cache = { states: undefined, inf: false };
  const draw = () => {
    const s = readState(model);
    const width = Math.round(figure.clientWidth || el.clientWidth || 800);
    lastWidth = width;
    const opts = {
      width,
      cellLabel: s.cellInfo.display_name,
      presenter: s.presenter,
      units: s.units,
      timesteps: s.timesteps,
      architecture: s.architecture,
      layers: s.layers,
      returnSequences: s.returnSequences,
      truncate: s.truncate,
      window: s.window,
      tokens: s.tokens,
      decoderSteps: s.decoderSteps,
      tCursor: s.cursor ? s.cursor.t : -1,
      cursorChain: s.cursor?.segment,
      phase: s.phase, // the rolled view: a chain after the cursor's has not run yet (forward)
      outputLayer: s.outputUnits > 0,
      gradLength: s.dh ? s.dh.length : 0,
      gradLengths: s.dhLayers.map((a) => (a ? a.length : 0)),
    };
    const L = s.rolled ? layoutRolled(opts) : layoutGraph(opts);
    // The overflow scan reads every value: only redo it for new arrays.
    const rawStates = model.get("states");
    if (rawStates !== cache.states) {
      cache = { states: rawStates, inf: hasInfinity(s.states.map((a) => a?.values)) };
    }
    const range = s.range;
    const dark = pageIsDark(el);
    drawGraph(svg, L, {
      dark,
      states: s.states,
      dh: s.rolled ? null : s.dh,
      dhLayers: s.dhLayers,
      range,
      units: s.units,
      cursor: s.cursor ? s.cursor.t : -1,
      cursorChain: s.cursor?.segment,
      phase: s.phase,
      outputLayer: s.outputUnits > 0,
    });
    const label = s.cellInfo.display_name ?? s.cell;
    const what = `${label} with ${count(s.units, "unit")} unrolled over ${count(s.timesteps, "timestep")}`;
    svg.setAttribute("aria-label", s.rolled ? `${label} cell, rolled` : what);
    button.textContent = s.rolled ? "Unroll in time ⇢" : "Roll up ⟲";
    button.setAttribute("aria-pressed", String(s.rolled));
    const chains = chainsFor(s);
    const allDh = s.dhLayers.length ? s.dhLayers.flatMap((a) => Array.from(a ?? [])) : s.dh;
    fillLegend(legend, matricesOf(chains, s.outputUnits > 0), {
      range,
      dark,
      // forward at a cursor the backward pass has not started: no gradient entry yet
      dh: s.rolled || !backwardStarted(progressAt(opts, 0)) ? null : allDh,
      windowed: L.bands.length > 0, // a truncation band: zeros may lie outside the window
    });
    fillShapes(shapes, s.shapes, { ...s, cell: s.cellInfo });
    const extra = [];
    if (s.overflowed || cache.inf || hasInfinity([s.dh, ...s.dhLayers])) {
      extra.push(
        "Exploding: some values overflowed (beyond ±3.4e38) and are shown as inf — red dashed gradient edges, saturated cells.",
      );
    }
    if (L.unitsDrawn < s.units) {
      const head = L.unitsDrawn - 1;
      extra.push(
        `Each h node shows units 1–${head}, ⋮, and unit ${s.units} (p = ${s.units}); its height grows with log₂ p.`,
      );
    }
    const back = s.rolled ? [] : backwardNotes(s, s.dhLayers.length > 0);
    fillNotes(notes, [...architectureNotes(s), ...back, ...extra]);
    if (hovered) highlight(hovered);
    root.classList.toggle("presenter", s.presenter);
    draws += 1;
    Object.assign(root.dataset, {
      testid: "rnnviz-graph",
      units: String(s.units),
      timesteps: String(s.timesteps),
      weightScale: String(s.weightScale),
      cell: s.cell,
      architecture: s.architecture,
      layers: String(s.layers),
      rolled: String(s.rolled),
      presenter: String(s.presenter),
      draws: String(draws),
    });
  };

  // One draw per batch of changes (and per resize), coalesced on the next animation frame.
  const raf = globalThis.requestAnimationFrame ?? ((f) => setTimeout(f, 16));
  const caf = globalThis.cancelAnimationFrame ?? clearTimeout;
  let pending = null;
  const schedule = () => {
    if (pending === null) {
      pending = raf(() => {
        pending = null;
        draw();
      });
    }
  };
  const stopWatching = watchModel(model, schedule);

  // Hovering an edge or its legend entry highlights every copy of that shared matrix.
  // Kept across redraws: draw() marks the copies it created while the pointer stays.
  const highlight = (key) => {
    hovered = key || null;
    root.classList.toggle("hl-on", !!key);
    for (const node of root.querySelectorAll("[data-matrix]")) {
      node.classList.toggle("hl", !!key && node.dataset.matrix === key);
    }
  };
  const onOver = (event) => {
    const target = event.target.closest?.("[data-matrix]");
    highlight(target && root.contains(target) ? target.dataset.matrix : null);
  };
  const onLeave = () => highlight(null);
  root.addEventListener("pointerover", onOver);
  root.addEventListener("pointerleave", onLeave);
  root.addEventListener("focusin", onOver);
  root.addEventListener("focusout", onLeave);
  const onClick = () => {
    model.set("rolled", !model.get("rolled"));
    model.save_changes();
  };
  button.addEventListener("click", onClick);

  let observer = null;
  if (typeof ResizeObserver !== "undefined") {
    observer = new ResizeObserver(() => {
      const w = Math.round(figure.clientWidth);
      if (w > 0 && Math.abs(w - lastWidth) > 1) schedule();
    });
    observer.observe(figure);
  }
  // The cell colours follow the page theme (the heatmap uses the same scale).
  const unwatch = watchTheme(el, schedule);
  draw();

  return () => {
    unwatch();
    stopWatching();
    if (pending !== null) caf(pending);
    observer?.disconnect();
    root.removeEventListener("pointerover", onOver);
    root.removeEventListener("pointerleave", onLeave);
    root.removeEventListener("focusin", onOver);
    root.removeEventListener("focusout", onLeave);
    button.removeEventListener("click", onClick);
    root.remove();
  };
}

/** Whether the page around `el` is in a dark theme (JupyterLab, VS Code, browser). */
function pageIsDark(el) {
  const body = (el.ownerDocument ?? document).body;
  return isDark({
    jpThemeLight: body?.dataset?.jpThemeLight,
    bodyClass: body?.className ?? "",
    prefersDark: globalThis.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false,
  });
}

export default { render };
