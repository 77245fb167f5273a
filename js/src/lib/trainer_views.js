// The Trainer's views of the current weights (rnnviz/widgets/_trainer_views.py): for every
// current run, the Explorer's heatmap of h_t and its gradient-flow curve, rendered by those
// views' own modules. Each gets a small model of its own whose state is the run's entry in
// the Trainer's `views` trait; a choice made in it (the heatmap's quantity or layer) is
// sent to the kernel as {type: "view", index, view, name, value}. A run's panel scrolled
// out of sight is not updated (its views are not redrawn) until it comes back into view,
// then with the newest state (lib/trainer_visibility.js).

import gradients from "../gradients.js";
import heatmap from "../heatmap.js";

/** The views drawn per run, in order (the same names as in Python's VIEWS). */
export const VIEW_WIDGETS = { heatmap, gradients };

/**
 * A model for one embedded view: `get` reads its state, `update(state)` replaces it and
 * fires `change:<key>` for each key whose value changed (by identity). Custom messages
 * (plotly.js) go through the Trainer's model.
 * @param {object} parent the Trainer's model
 * @param {(name: string, value: unknown) => void} onSet a choice made in the view
 */
export function subModel(parent, onSet) {
  let state = {};
  const listeners = new Map();
  const fire = (key) => {
    for (const cb of [...(listeners.get(`change:${key}`) ?? [])]) cb();
  };
  return {
    get: (key) => state[key],
    set(key, value) {
      state = { ...state, [key]: value };
      fire(key);
      onSet(key, value);
    },
    save_changes() {},
    send: (msg, callbacks, buffers) => parent.send(msg, callbacks, buffers),
    on(event, cb) {
      if (event === "msg:custom") return parent.on(event, cb);
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(cb);
    },
    off(event, cb) {
      if (event === "msg:custom") return parent.off(event, cb);
      listeners.get(event)?.delete(cb);
    },
    update(next) {
      const old = state;
      state = next ?? {};
      const keys = new Set([...Object.keys(old), ...Object.keys(state)]);
      for (const key of keys) if (old[key] !== state[key]) fire(key);
    },
  };
}

/** Caption of a run's views: whose weights, at which step. */
export function viewsCaption(entry) {
  return `${entry.label}: the weights after step ${entry.step} — h_t and ‖∂h_T/∂h_t‖ on one sequence of the task`;
}

/**
 * The panels of every current run inside `parent`; returns `update()` that mirrors the
 * model's `views` trait (panels are made and removed as runs come and go) and `cleanup()`.
 * @param {object} model the Trainer's model
 * @param {HTMLElement} parent
 * @param {Record<string, {render: Function}>} widgets the view modules (default VIEW_WIDGETS)
 * @param {{observe: Function, unobserve: Function, shouldDraw: Function} | null} seen
 *   which panels are on screen (watchVisibility); null: every panel is always updated
 */
export function createViewPanels(model, parent, widgets = VIEW_WIDGETS, seen = null) {
  const panels = new Map(); // label -> {root, caption, models, cleanups}
  const remove = (label) => {
    const p = panels.get(label);
    for (const fn of p.cleanups) fn?.();
    seen?.unobserve(p.root);
    p.root.remove();
    panels.delete(label);
  };
  const update = () => {
    const entries = model.get("views") ?? [];
    const labels = new Set(entries.map((e) => e.label));
    for (const label of [...panels.keys()]) if (!labels.has(label)) remove(label);
    entries.forEach((entry, index) => {
      let p = panels.get(entry.label);
      let drawn = true;
      if (!p) {
        const root = document.createElement("div");
        root.className = "rnnviz-trainer-run-views";
        root.dataset.testid = "rnnviz-trainer-views";
        const caption = document.createElement("div");
        caption.className = "rnnviz-trainer-caption";
        const row = document.createElement("div");
        row.className = "rnnviz-trainer-view-row";
        root.append(caption, row);
        p = { root, caption, models: {}, cleanups: [], index };
        for (const [name, widget] of Object.entries(widgets)) {
          const el = document.createElement("div");
          el.className = "rnnviz-trainer-view";
          row.append(el);
          const sub = subModel(model, (key, value) =>
            model.send({ type: "view", index: p.index, view: name, name: key, value }),
          );
          sub.update(entry[name]);
          p.models[name] = sub;
          p.cleanups.push(widget.render({ model: sub, el }));
        }
        panels.set(entry.label, p);
        seen?.observe(root);
      } else if (!seen || seen.shouldDraw(p.root)) {
        for (const name of Object.keys(widgets)) p.models[name].update(entry[name]);
      } else {
        drawn = false; // off screen: the newest entry is drawn when it comes into view
      }
      p.index = index;
      p.root.dataset.label = entry.label;
      if (drawn) {
        p.root.dataset.step = String(entry.step); // the step the views show
        p.caption.textContent = viewsCaption(entry);
      }
      const at = parent.children[index] ?? null;
      if (at !== p.root) parent.insertBefore(p.root, at); // the runs' order
    });
    parent.dataset.steps = entries.map((e) => e.step).join(",");
  };
  const cleanup = () => {
    for (const label of [...panels.keys()]) remove(label);
  };
  return { update, cleanup };
}
