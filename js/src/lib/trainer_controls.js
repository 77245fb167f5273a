// The Trainer's controls: Play / Pause / Step / Reset / Keep / Clear buttons and the
// settings (cell, units, task, delay, learning rate, clipping). Every control carries
// data-testid="rnnviz-trainer-<name>"; settings are written to the model, actions are
// sent to the kernel as {type: "step" | "reset" | "keep" | "clear"}.

const CSS = `
.rnnviz-trainer .rnnviz-bar { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center;
  margin: 2px 4px 6px; }
.rnnviz-trainer button { font: inherit; font-size: 13px; padding: 2px 10px; cursor: pointer;
  color: var(--jp-ui-font-color1, inherit); background: var(--jp-layout-color2, #f6f8fa);
  border: 1px solid var(--jp-border-color1, #8c959f); border-radius: 3px; }
.rnnviz-trainer button:disabled { opacity: 0.45; cursor: default; }
.rnnviz-trainer button.rnnviz-primary { font-weight: 600; }
.rnnviz-trainer input[type=number] { width: 5.5em; font: inherit; font-size: 13px;
  color: var(--jp-ui-font-color1, inherit); background: var(--jp-layout-color1, transparent);
  border: 1px solid var(--jp-border-color1, #8c959f); border-radius: 3px; padding: 1px 3px; }
.rnnviz-trainer .rnnviz-grid { display: grid; gap: 4px 12px; }
.rnnviz-trainer-views { margin-top: 8px; }
.rnnviz-trainer-caption { margin: 6px 4px 2px; font-weight: 600; }
.rnnviz-trainer-view-row { display: grid; gap: 4px 12px;
  grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); }
.rnnviz-trainer-view { min-width: 0; }
.rnnviz-trainer.rnnviz-presenter button, .rnnviz-trainer.rnnviz-presenter input[type=number]
  { font-size: 20px; }
`;

function labelled(text, control) {
  const wrap = document.createElement("label");
  const span = document.createElement("span");
  span.textContent = text;
  wrap.append(span, control);
  return { wrap, span };
}

function button(text, testid, onClick, primary = false) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.dataset.testid = `rnnviz-trainer-${testid}`;
  if (primary) b.className = "rnnviz-primary";
  b.addEventListener("click", onClick);
  return b;
}

function select(testid, onChange) {
  const s = document.createElement("select");
  s.dataset.testid = `rnnviz-trainer-${testid}`;
  s.addEventListener("change", () => onChange(s.value));
  return s;
}

function fillSelect(s, options, value) {
  const key = JSON.stringify(options);
  if (s.dataset.options !== key) {
    s.replaceChildren(
      ...options.map(([v, label]) => {
        const o = document.createElement("option");
        o.value = String(v);
        o.textContent = label;
        return o;
      }),
    );
    s.dataset.options = key;
  }
  s.value = String(value);
}

function number(testid, onChange, step = "1") {
  const n = document.createElement("input");
  n.type = "number";
  n.step = step;
  n.dataset.testid = `rnnviz-trainer-${testid}`;
  const commit = () => {
    const v = Number(n.value);
    if (n.value !== "" && Number.isFinite(v)) onChange(v, n);
  };
  n.addEventListener("change", commit);
  // Keys typed here are the input's: JupyterLab's notebook shortcuts must not see them
  // (its Enter handler would also swallow the change event).
  n.addEventListener("keydown", (event) => {
    event.stopPropagation();
    if (event.key === "Enter") commit();
  });
  return n;
}

/** Clamp `v` to [lo, hi] (and round when `whole`). */
export function clampSetting(v, [lo, hi], whole = true) {
  const x = whole ? Math.round(v) : v;
  return Math.min(hi, Math.max(lo, x));
}

/**
 * Build the control bars into `parent`; returns `update()` that mirrors the model.
 * @param {object} model the anywidget model
 * @param {HTMLElement} parent
 */
export function createControls(model, parent) {
  const style = document.createElement("style");
  style.textContent = CSS;
  const set = (name, value) => {
    model.set(name, value);
    model.save_changes();
  };
  const send = (type) => () => model.send({ type });
  const choices = () => model.get("choices") ?? {};

  const play = button("▶ Play", "play", () => set("running", true), true);
  const pause = button("❚❚ Pause", "pause", () => set("running", false), true);
  const step = button("Step", "step", send("step"));
  const reset = button("Reset", "reset", send("reset"));
  const keep = button("Keep run", "keep", send("keep"));
  const clear = button("Clear kept", "clear", send("clear"));
  const actions = document.createElement("div");
  actions.className = "rnnviz-bar";
  actions.append(play, pause, step, reset, keep, clear);

  const cell = select("cell", (v) => set("cell_type", v));
  const task = select("task", (v) => set("task", v));
  const lr = select("lr", (v) => set("lr", Number(v)));
  const units = number("units", (v, n) => {
    const c = clampSetting(v, choices().units ?? [1, 256]);
    n.value = String(c);
    set("units", c);
  });
  const delay = number("delay", (v, n) => {
    const c = clampSetting(v, choices().delay ?? [1, 400]);
    n.value = String(c);
    set("delay", c);
  });
  const clip = document.createElement("input");
  clip.type = "checkbox";
  clip.dataset.testid = "rnnviz-trainer-clip";
  clip.addEventListener("change", () => set("clip", clip.checked));
  const clipNorm = number(
    "clip-norm",
    (v, n) => {
      if (v <= 0) {
        n.value = String(model.get("clip_norm"));
        return;
      }
      const c = clampSetting(v, choices().clip_norm ?? [1e-3, 1e3], false);
      n.value = String(c);
      set("clip_norm", c);
    },
    "any",
  );
  const delayLabel = labelled("delay", delay);
  const clipGroup = labelled("clip ‖∂L/∂θ‖", clip).wrap; // checkbox and threshold stay together
  const at = document.createElement("span");
  at.textContent = "at";
  clipGroup.append(at, clipNorm);
  const settings = document.createElement("div");
  settings.className = "rnnviz-bar";
  settings.append(
    labelled("cell", cell).wrap,
    labelled("units", units).wrap,
    labelled("task", task).wrap,
    delayLabel.wrap,
    labelled("learning rate", lr).wrap,
    clipGroup,
  );
  parent.append(style, actions, settings);

  const update = () => {
    const running = Boolean(model.get("running"));
    const ch = choices();
    play.disabled = running;
    pause.disabled = !running;
    keep.disabled = Number(model.get("step_count")) === 0;
    clear.disabled = (model.get("kept_runs") ?? []).length === 0;
    fillSelect(cell, ch.cells ?? [], model.get("cell_type"));
    fillSelect(
      task,
      (ch.tasks ?? []).map((t) => [t, t]),
      model.get("task"),
    );
    const rates = ch.lrs ?? [];
    const current = Number(model.get("lr"));
    const opts = rates.includes(current) ? rates : [...rates, current].sort((a, b) => a - b);
    fillSelect(
      lr,
      opts.map((v) => [v, String(v)]),
      current,
    );
    const t = model.get("task");
    delayLabel.span.textContent = t === "copy" ? "delay" : "length T";
    delay.disabled = t === "order";
    for (const [input, name] of [
      [units, "units"],
      [delay, "delay"],
      [clipNorm, "clip_norm"],
    ]) {
      if (document.activeElement !== input) input.value = String(model.get(name));
    }
    clip.checked = Boolean(model.get("clip"));
    clipNorm.disabled = !clip.checked;
  };
  return { update, style, actions, settings };
}
