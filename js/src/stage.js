// StageSwitch view (rnnviz/widgets/_stage.py): which view the lecture stage shows large.
// Four buttons and the keys 1–4 / g h d e (ipywidgets cannot catch keys). It also fits
// the stage to the window: every view of its Explorer is zoomed so that the control strip,
// the large view and the small ones are on one screen together (see lib/stage_fit.js).

import { LETTERS, fitStage, stageKey } from "./lib/stage_fit.js";

const CSS = `
.rnnviz-switch { display: inline-flex; gap: 4px; align-items: center; flex-wrap: wrap;
  font-family: var(--jp-ui-font-family, system-ui, sans-serif);
  color: var(--jp-ui-font-color1, #1f2328); font-size: var(--jp-widgets-font-size, 13px); }
.rnnviz-switch button { font: inherit; padding: 2px 10px; cursor: pointer;
  min-height: var(--jp-widgets-inline-height, 28px);
  color: var(--jp-ui-font-color1, #1f2328); background: var(--jp-layout-color2, #eee);
  border: 1px solid var(--jp-border-color1, #8c959f); border-radius: 3px; }
.rnnviz-switch button[aria-pressed="true"] { background: var(--jp-brand-color1, #0969da);
  border-color: var(--jp-brand-color1, #0969da); color: #fff; font-weight: 600; }
.rnnviz-switch kbd { font: inherit; font-size: 0.8em; opacity: 0.8; margin-right: 0.35em; }
`;

/** The rnnviz Explorer in presenter mode that holds `el`, or null. */
function explorerOf(el) {
  const explorer = el.closest?.(".rnnviz-explorer");
  return explorer?.classList.contains("rnnviz-presenter") ? explorer : null;
}

/** Visible area of `node` in the window, in px². */
function visibleArea(node) {
  const r = node.getBoundingClientRect();
  const w = Math.min(r.right, window.innerWidth) - Math.max(r.left, 0);
  const h = Math.min(r.bottom, window.innerHeight) - Math.max(r.top, 0);
  return Math.max(w, 0) * Math.max(h, 0);
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "rnnviz-switch";
  root.dataset.testid = "rnnviz-stage-switch";
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", "view shown large (keys 1–4 or g, h, d, e)");
  const style = document.createElement("style");
  style.textContent = CSS;
  root.appendChild(style);
  const letters = Object.fromEntries(Object.entries(LETTERS).map(([k, v]) => [v, k]));
  const buttons = {};
  const names = Object.keys(model.get("views") ?? {}); // in button order: keys 1, 2, …
  Object.entries(model.get("views") ?? {}).forEach(([name, text], i) => {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.testid = `rnnviz-stage-${name}`;
    const letter = letters[name] ? ` or ${letters[name]}` : "";
    b.title = `show the ${text} large (key ${i + 1}${letter})`;
    const kbd = document.createElement("kbd");
    kbd.textContent = String(i + 1);
    b.append(kbd, text);
    b.addEventListener("click", () => choose(name));
    buttons[name] = b;
    root.appendChild(b);
  });
  el.appendChild(root);

  const choose = (name) => {
    if (!(name in buttons)) return;
    model.set("view", name);
    model.save_changes();
    apply();
  };

  let fitted = null; // {stop} of the fitter once the stage is on the page
  const apply = () => {
    const view = model.get("view");
    for (const [name, b] of Object.entries(buttons)) {
      b.setAttribute("aria-pressed", String(name === view));
    }
    root.dataset.view = view;
    fitted?.refit();
  };

  // Keys pressed inside the Explorer (a focused slider handle, a button); stopped here so
  // that the host (JupyterLab's command mode) does not act on them too.
  const onKey = (event) => {
    const name = stageKey(event, names);
    if (name === null) return;
    event.preventDefault();
    event.stopPropagation();
    choose(name);
  };
  // Keys pressed with nothing focused (Voila): the Explorer most in view takes them.
  const onPageKey = (event) => {
    const t = event.target;
    if (t !== document.body && t !== document.documentElement) return;
    const mine = explorerOf(el);
    if (!mine) return;
    const all = [...document.querySelectorAll(".rnnviz-explorer.rnnviz-presenter")];
    const best = all.reduce((a, b) => (visibleArea(b) > visibleArea(a) ? b : a), mine);
    if (best !== mine || visibleArea(mine) === 0) return;
    onKey(event);
  };
  // A click on a small view shows it large (and nothing else: the click is taken before
  // it reaches the view's own buttons, such as the graph's "Roll up").
  const onClick = (event) => {
    const thumb = event.target.closest?.(".rnnviz-thumb");
    const name = thumb && [...thumb.classList].find((c) => c.startsWith("rnnviz-slot-"));
    if (!name) return;
    event.preventDefault();
    event.stopPropagation();
    choose(name.slice("rnnviz-slot-".length));
  };

  let explorer = null;
  let tries = 0;
  const attach = () => {
    explorer = explorerOf(el);
    const stage = explorer?.querySelector(".rnnviz-stage");
    if (!stage || stage.children.length === 0) {
      if (tries++ < 600) timer = setTimeout(attach, 50); // the Box renders its children later
      return;
    }
    explorer.addEventListener("keydown", onKey);
    stage.addEventListener("click", onClick, true);
    fitted = fitStage(explorer, stage, () => model.get("view"));
    apply();
  };
  let timer = setTimeout(attach, 0);
  document.addEventListener("keydown", onPageKey);
  model.on("change:view", apply);
  apply();

  return () => {
    clearTimeout(timer);
    document.removeEventListener("keydown", onPageKey);
    model.off("change:view", apply);
    if (explorer) explorer.removeEventListener("keydown", onKey);
    explorer?.querySelector(".rnnviz-stage")?.removeEventListener("click", onClick, true);
    fitted?.stop();
    root.remove();
  };
}

export default { render };
