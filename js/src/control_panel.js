// ControlPanel view: the Explorer's settings as plain HTML controls (range inputs, selects,
// checkboxes) drawn by anywidget, so they work in every anywidget host — marimo included,
// where ipywidgets' own sliders do not render.
//
// Everything shown comes from the model: `controls` (one spec per setting: name, label,
// kind, min, max, step, options, help), `values`, `limits` (maxima that depend on other
// settings) and `disabled` (setting -> why). A change is sent as a new `values` dict; the
// kernel validates it and either applies it or restores the old value and sets `error`.

import { onChanges } from "./lib/view_shell.js";

const CSS = `
.rnnviz-panel { font-family: var(--jp-ui-font-family, system-ui, sans-serif);
  color: var(--jp-ui-font-color1, #1f2328); font-size: 13px; padding: 4px 0; }
.rnnviz-panel .rnnviz-panel-grid { display: grid; gap: 6px 24px;
  grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); align-items: center; }
.rnnviz-panel .rnnviz-ctl { display: flex; align-items: center; gap: 8px; min-width: 0; }
.rnnviz-panel .rnnviz-ctl > span { white-space: nowrap; }
.rnnviz-panel input[type=range] { flex: 1 1 auto; min-width: 80px; }
.rnnviz-panel output { min-width: 3.2em; text-align: right; font-variant-numeric: tabular-nums; }
.rnnviz-panel select { font: inherit; padding: 1px 4px; color: inherit;
  background: var(--jp-layout-color1, transparent);
  border: 1px solid var(--jp-border-color1, #8c959f); border-radius: 3px; }
.rnnviz-panel .rnnviz-ctl[aria-disabled=true] { opacity: 0.55; }
.rnnviz-panel .rnnviz-scrub { display: flex; align-items: center; gap: 8px; margin-top: 6px; }
.rnnviz-panel .rnnviz-scrub input { flex: 1 1 auto; }
.rnnviz-panel .rnnviz-panel-status { color: var(--jp-ui-font-color2, #57606a); margin-top: 4px; }
.rnnviz-panel .rnnviz-panel-error { color: var(--jp-error-color1, #cf222e); font-weight: 600; }
.rnnviz-panel.rnnviz-presenter { font-size: 20px; }
.rnnviz-panel.rnnviz-presenter .rnnviz-panel-grid {
  grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); }
.rnnviz-panel.rnnviz-presenter input[type=range] { height: 28px; }
`;

/** The text shown next to a slider for `value`. */
export function formatValue(spec, value) {
  if (spec.kind === "float") return Number(value).toFixed(spec.decimals ?? 2);
  return String(value);
}

/** A value read from an input element, typed as the spec says. */
export function parseValue(spec, raw, checked) {
  if (spec.kind === "bool") return Boolean(checked);
  if (spec.kind === "int") return Math.round(Number(raw));
  if (spec.kind === "float") return Number(raw);
  return raw;
}

function sliderControl(spec, onInput) {
  const input = document.createElement("input");
  input.type = "range";
  input.min = String(spec.min);
  input.step = String(spec.step ?? 1);
  input.setAttribute("aria-label", spec.label);
  const out = document.createElement("output");
  input.addEventListener("input", () => {
    out.textContent = formatValue(spec, input.value);
    onInput(parseValue(spec, input.value));
  });
  return {
    nodes: [input, out],
    input,
    set(value, max) {
      input.max = String(max ?? spec.max);
      input.value = String(value);
      out.textContent = formatValue(spec, value);
    },
  };
}

function selectControl(spec, onInput) {
  const select = document.createElement("select");
  select.setAttribute("aria-label", spec.label);
  for (const [value, label] of spec.options) {
    const o = document.createElement("option");
    o.value = String(value);
    o.textContent = label;
    select.append(o);
  }
  select.addEventListener("change", () => onInput(select.value));
  return {
    nodes: [select],
    input: select,
    set(value) {
      select.value = String(value);
    },
  };
}

function checkboxControl(spec, onInput) {
  const box = document.createElement("input");
  box.type = "checkbox";
  box.setAttribute("aria-label", spec.label);
  box.addEventListener("change", () => onInput(box.checked));
  return {
    nodes: [box],
    input: box,
    set(value) {
      box.checked = Boolean(value);
    },
  };
}

const MAKERS = { int: sliderControl, float: sliderControl, choice: selectControl };

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "rnnviz-panel";
  root.dataset.testid = "rnnviz-controls";
  const style = document.createElement("style");
  style.textContent = CSS;
  const grid = document.createElement("div");
  grid.className = "rnnviz-panel-grid";
  const scrub = document.createElement("div");
  scrub.className = "rnnviz-scrub";
  const status = document.createElement("div");
  status.className = "rnnviz-panel-status";
  status.setAttribute("role", "status");
  root.append(style, grid, scrub, status);
  el.appendChild(root);

  const controls = new Map();
  for (const spec of model.get("controls")) {
    const wrap = document.createElement("label");
    wrap.className = "rnnviz-ctl";
    wrap.dataset.testid = `rnnviz-control-${spec.name}`;
    if (spec.help) wrap.title = spec.help;
    const text = document.createElement("span");
    text.textContent = spec.label;
    const send = (value) => {
      model.set("values", { ...model.get("values"), [spec.name]: value });
      model.save_changes();
    };
    const control = (MAKERS[spec.kind] ?? checkboxControl)(spec, send);
    wrap.append(text, ...control.nodes);
    grid.append(wrap);
    controls.set(spec.name, { spec, wrap, control });
  }

  // Time scrubber: 0 off, 1…N forward pass, N+1…2N+1 backward pass (N: steps of the run).
  const play = document.createElement("button");
  play.type = "button";
  play.textContent = "▶";
  play.setAttribute("aria-label", "play the forward then the backward pass");
  const time = document.createElement("input");
  time.type = "range";
  time.min = "0";
  time.step = "1";
  time.setAttribute("aria-label", "time");
  const timeWrap = document.createElement("label");
  timeWrap.className = "rnnviz-ctl";
  timeWrap.dataset.testid = "rnnviz-control-time";
  const timeText = document.createElement("span");
  timeText.textContent = "time";
  const timeLabel = document.createElement("output");
  timeWrap.append(timeText, time);
  scrub.append(play, timeWrap, timeLabel);
  const sendTime = (value) => {
    model.set("time", value);
    model.save_changes();
  };
  time.addEventListener("input", () => sendTime(Number(time.value)));
  let timer = null;
  const stop = () => {
    clearInterval(timer);
    timer = null;
    play.textContent = "▶";
  };
  play.addEventListener("click", () => {
    if (timer) return stop();
    play.textContent = "❚❚";
    timer = setInterval(() => {
      const next = model.get("time") + 1;
      if (next > model.get("time_max")) return stop();
      sendTime(next);
    }, 250);
  });

  const draw = () => {
    const values = model.get("values");
    const limits = model.get("limits");
    const disabled = model.get("disabled");
    for (const [name, { wrap, control }] of controls) {
      control.set(values[name], limits[name]);
      const why = disabled[name];
      control.input.disabled = Boolean(why);
      wrap.setAttribute("aria-disabled", String(Boolean(why)));
      wrap.dataset.value = String(values[name]);
      if (why) wrap.title = why;
    }
    time.max = String(model.get("time_max"));
    time.value = String(model.get("time"));
    timeLabel.textContent = model.get("time_label");
    const error = model.get("error");
    status.replaceChildren();
    if (error) {
      const b = document.createElement("span");
      b.className = "rnnviz-panel-error";
      b.textContent = error;
      status.append(b);
    } else {
      status.textContent = model.get("status");
    }
    root.classList.toggle("rnnviz-presenter", Boolean(model.get("presenter")));
    root.dataset.presenter = String(Boolean(model.get("presenter")));
  };
  const traits = ["values", "limits", "disabled", "time", "time_max", "time_label"];
  const stopWatching = onChanges(model, [...traits, "status", "error", "presenter"], draw);
  draw();
  return () => {
    stop();
    stopWatching();
  };
}

export default { render };
