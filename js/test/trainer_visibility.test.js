import assert from "node:assert/strict";
import { test } from "node:test";

import { MARGIN, watchVisibility } from "../src/lib/trainer_visibility.js";

/** A fake IntersectionObserver: `report(el, visible)` is what the browser calls back. */
function fakeObserver() {
  const made = [];
  class Observer {
    constructor(callback, options) {
      this.callback = callback;
      this.options = options;
      this.watched = new Set();
      made.push(this);
    }
    observe(el) {
      this.watched.add(el);
    }
    unobserve(el) {
      this.watched.delete(el);
    }
    disconnect() {
      this.watched.clear();
    }
    report(...pairs) {
      const entries = pairs
        .filter(([el]) => this.watched.has(el))
        .map(([el, isIntersecting]) => ({ target: el, isIntersecting }));
      this.callback(entries, this);
    }
  }
  return { Observer, made };
}

/**
 * The Trainer's rule in miniature: states arrive; each draw asks `shouldDraw` for every
 * plot and draws the newest state into the visible ones (what trainer.js does).
 */
function trainer(Observer) {
  const plots = { loss: { shows: null }, map: { shows: null } };
  let newest = 0;
  let draws = 0;
  const draw = () => {
    draws += 1;
    for (const plot of Object.values(plots)) if (seen.shouldDraw(plot)) plot.shows = newest;
  };
  const seen = watchVisibility(draw, Observer);
  for (const plot of Object.values(plots)) seen.observe(plot);
  return {
    plots,
    seen,
    state(n) {
      newest = n;
      draw();
    },
    draws: () => draws,
  };
}

test("a plot off screen is not drawn while states arrive; back in view it shows the newest", () => {
  const { Observer, made } = fakeObserver();
  const t = trainer(Observer);
  assert.equal(made[0].options.rootMargin, MARGIN); // redrawn just before it scrolls in
  t.state(1); // before the observer reports: everything is drawn
  assert.deepEqual([t.plots.loss.shows, t.plots.map.shows], [1, 1]);
  made[0].report([t.plots.map, false]); // the map scrolls out of view
  for (const n of [2, 3, 4]) t.state(n);
  assert.deepEqual([t.plots.loss.shows, t.plots.map.shows], [4, 1]); // not drawn meanwhile
  const before = t.draws();
  made[0].report([t.plots.map, true]); // back in view: drawn at once, with the newest state
  assert.equal(t.draws(), before + 1);
  assert.deepEqual([t.plots.loss.shows, t.plots.map.shows], [4, 4]);
});

test("coming into view without a missed state draws nothing again", () => {
  const { Observer, made } = fakeObserver();
  const t = trainer(Observer);
  t.state(1);
  made[0].report([t.plots.loss, false]);
  made[0].report([t.plots.loss, true]); // no state arrived while it was away
  assert.equal(t.draws(), 1);
  made[0].report([t.plots.loss, false], [t.plots.map, false]);
  t.state(2); // both missed it
  made[0].report([t.plots.loss, true], [t.plots.map, true]);
  assert.equal(t.draws(), 3); // one draw for both
  assert.deepEqual([t.plots.loss.shows, t.plots.map.shows], [2, 2]);
});

test("without IntersectionObserver, or for a part never observed, everything is drawn", () => {
  const t = trainer(undefined);
  t.state(5);
  assert.deepEqual([t.plots.loss.shows, t.plots.map.shows], [5, 5]);
  const { Observer, made } = fakeObserver();
  const seen = watchVisibility(() => {}, Observer);
  assert.equal(seen.shouldDraw({}), true);
  const el = {};
  seen.observe(el);
  made[0].report([el, false]);
  assert.equal(seen.shouldDraw(el), false);
  seen.unobserve(el); // a removed panel: no longer watched
  assert.equal(seen.shouldDraw(el), true);
  seen.cleanup();
  assert.equal(made[0].watched.size, 0);
});

/** Just enough of the DOM for createViewPanels (node has none). */
function fakeElement() {
  return {
    children: [],
    dataset: {},
    style: {},
    className: "",
    textContent: "",
    parent: null,
    append(...els) {
      for (const el of els) this.insertBefore(el, null);
    },
    insertBefore(el, at) {
      el.remove();
      const i = at ? this.children.indexOf(at) : -1;
      this.children.splice(i < 0 ? this.children.length : i, 0, el);
      el.parent = this;
    },
    remove() {
      if (this.parent) this.parent.children.splice(this.parent.children.indexOf(this), 1);
      this.parent = null;
    },
  };
}

test("a run's views off screen are not updated; back in view they show the newest step", async () => {
  globalThis.document ??= { createElement: fakeElement };
  const { createViewPanels } = await import("../src/lib/trainer_views.js");
  const { Observer, made } = fakeObserver();
  let views = [];
  const model = { get: (key) => (key === "views" ? views : undefined), send() {} };
  const drawn = []; // [step the embedded view's model holds] at each of its changes
  const widgets = {
    heatmap: {
      render({ model: sub }) {
        sub.on("change:step", () => drawn.push(sub.get("step")));
      },
    },
  };
  const entry = (step) => ({ label: "RNN", step, heatmap: { step } });
  const parent = fakeElement();
  let panels = null;
  const seen = watchVisibility(() => panels.update(), Observer);
  panels = createViewPanels(model, parent, widgets, seen);
  views = [entry(1)];
  panels.update();
  const root = parent.children[0];
  assert.equal(root.dataset.step, "1");
  views = [entry(2)];
  panels.update();
  assert.deepEqual(drawn, [2]);
  made[0].report([root, false]); // scrolled away
  for (const step of [3, 4, 5]) {
    views = [entry(step)];
    panels.update();
  }
  assert.deepEqual(drawn, [2]); // nothing drawn meanwhile
  assert.equal(root.dataset.step, "2"); // the step it shows, not the kernel's
  made[0].report([root, true]); // back in view: the newest step, at once
  assert.deepEqual(drawn, [2, 5]);
  assert.equal(root.dataset.step, "5");
  assert.match(root.children[0].textContent, /after step 5/);
  panels.cleanup();
  assert.equal(made[0].watched.size, 0);
});
