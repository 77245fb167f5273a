// The Trainer's parts in a notebook that scrolls inside its own element (JupyterLab,
// Notebook 7), with an IntersectionObserver that computes what the browser computes: a
// target is clipped by its scroll container, and rootMargin widens the root only (the
// viewport for root null, else the given element). A plot must be drawn with the newest
// state before it scrolls into the notebook's view, and never show an older state.

import assert from "node:assert/strict";
import { test } from "node:test";

import { MARGIN, scrollRoot, watchVisibility } from "../src/lib/trainer_visibility.js";

const VIEWPORT = { top: 0, bottom: 900 };

/** A notebook: a scroll container showing [top, bottom] of the page, with its content. */
function notebook(top = 100, bottom = 800) {
  const nb = { top, bottom, scrollTop: 0, parts: new Set() };
  nb.contains = (el) => nb.parts.has(el);
  /** A part of the content at y = [y0, y1] (content coordinates). */
  nb.part = (y0, y1) => {
    const el = { y0, y1, isConnected: true, style: {}, shows: null };
    nb.parts.add(el);
    return el;
  };
  /** Where a part is on the screen now. */
  nb.rect = (el) => ({ top: el.y0 - nb.scrollTop + nb.top, bottom: el.y1 - nb.scrollTop + nb.top });
  return nb;
}

/** rootMargin "50% 0px": half the root's height above and below it. */
function widen(rect, margin) {
  assert.equal(margin, "50% 0px");
  const m = (rect.bottom - rect.top) / 2;
  return { top: rect.top - m, bottom: rect.bottom + m };
}

const overlap = (a, b) => Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top);

/** IntersectionObserver as the spec has it, for targets inside `nb` (one scroll container). */
function geometricObserver(nb) {
  const made = [];
  class Observer {
    constructor(callback, { root = null, rootMargin = "0px" } = {}) {
      Object.assign(this, { callback, root, rootMargin, watched: new Map() });
      made.push(this);
    }
    intersects(el) {
      const r = nb.rect(el);
      if (this.root === nb) return overlap(r, widen(nb, this.rootMargin)); // no clip above the root
      // root null: clipped by the notebook (it scrolls), then the (widened) viewport
      const clipped = { top: Math.max(r.top, nb.top), bottom: Math.min(r.bottom, nb.bottom) };
      return clipped.bottom > clipped.top && overlap(clipped, widen(VIEWPORT, this.rootMargin));
    }
    observe(el) {
      this.watched.set(el, undefined);
    }
    unobserve(el) {
      this.watched.delete(el);
    }
    disconnect() {
      this.watched.clear();
    }
    /** What the browser does after a frame: report the targets whose state changed. */
    deliver() {
      const entries = [];
      for (const [el, was] of this.watched) {
        const now = this.intersects(el);
        if (now !== was) entries.push({ target: el, isIntersecting: now });
        this.watched.set(el, now);
      }
      if (entries.length) this.callback(entries, this);
    }
  }
  const deliver = () => {
    for (const o of made) o.deliver();
  };
  return { Observer, made, deliver };
}

/** The Trainer in miniature: each state is drawn into the plots that shouldDraw allows. */
function trainer(Observer, nb, plot) {
  let newest = 0;
  const draw = () => {
    if (seen.shouldDraw(plot)) plot.shows = newest;
  };
  const seen = watchVisibility(draw, Observer, () => nb);
  seen.observe(plot);
  return {
    seen,
    state(n) {
      newest = n;
      draw();
    },
  };
}

/** Whether any of `el` is on screen (inside the notebook's view). */
const onScreen = (nb, el) => overlap(nb.rect(el), nb);

test("a plot is drawn with the newest state before it scrolls into the notebook's view", () => {
  const nb = notebook();
  const plot = nb.part(2000, 2260); // far below the notebook's view (700 px tall)
  const io = geometricObserver(nb);
  const t = trainer(io.Observer, nb, plot);
  io.deliver();
  t.state(1);
  t.state(2);
  assert.equal(plot.shows, null); // off screen: not drawn
  // The user scrolls down, a frame at a time; after each frame the observers report and a
  // new state arrives.
  let newest = 2;
  let first = null; // [what the plot shows, the newest state] in the first frame it is seen
  for (let y = 0; y <= 1800; y += 40) {
    nb.scrollTop = y;
    if (onScreen(nb, plot) && first === null) first = [plot.shows, newest];
    io.deliver();
    newest = 3 + y;
    t.state(newest);
  }
  assert.ok(onScreen(nb, plot));
  // the frame it first appeared in showed the newest state, drawn while it was still out of view
  assert.ok(first !== null);
  assert.deepEqual(first, [first[1], first[1]]);
  assert.equal(plot.style.visibility, "");
  assert.deepEqual(
    io.made.map((o) => [o.root, o.rootMargin]),
    [
      [null, MARGIN],
      [nb, MARGIN], // the scroll container: its margin is the one that matters
    ],
  );
});

test("a plot that jumps into view shows nothing old: hidden until drawn with the newest state", () => {
  const nb = notebook();
  const plot = nb.part(3000, 3260);
  const io = geometricObserver(nb);
  const t = trainer(io.Observer, nb, plot);
  io.deliver();
  t.state(1); // missed
  assert.equal(plot.shows, null);
  assert.equal(plot.style.visibility, "hidden");
  nb.scrollTop = 2800; // scrollIntoView: in view at once, before the observers report
  assert.ok(onScreen(nb, plot));
  assert.equal(plot.style.visibility, "hidden"); // the frame painted now shows no old state
  io.deliver(); // the observers report: drawn with the newest state at once
  assert.equal(plot.shows, 1);
  assert.equal(plot.style.visibility, "");
  t.state(2);
  assert.equal(plot.shows, 2);
});

test("the scroll container is the outermost scrolling ancestor under <body>", () => {
  const doc = {};
  const node = (overflowY, parentElement = null) => ({
    overflowY,
    parentElement,
    ownerDocument: doc,
  });
  doc.documentElement = node("auto");
  doc.body = node("hidden", doc.documentElement);
  const shell = node("hidden", doc.body);
  const outer = node("auto", shell); // .jp-WindowedPanel-outer
  const notebook = node("visible", outer);
  const output = node("auto", notebook); // an output area (scrolls only when told to)
  const plot = node("visible", output);
  const style = (e) => ({ overflowY: e.overflowY });
  assert.equal(scrollRoot(plot, style), outer);
  assert.equal(scrollRoot(node("visible", notebook), style), outer);
  assert.equal(scrollRoot(node("visible", doc.body), style), null); // the page scrolls
  const detached = node("visible", node("visible"));
  assert.equal(scrollRoot(detached, style), null);
});

test("a part outside its container is judged by the viewport; the container is found once attached", () => {
  const { Observer, made } = geometricObserver(notebook());
  let asked = 0;
  const container = { contains: () => false };
  const seen = watchVisibility(
    () => {},
    Observer,
    () => {
      asked += 1;
      return container;
    },
  );
  const el = { isConnected: false, style: {} };
  seen.observe(el); // not on the page yet (anywidget renders before attaching)
  assert.equal(made.length, 1);
  assert.equal(seen.shouldDraw(el), true); // nobody has reported: drawn
  el.isConnected = true;
  seen.shouldDraw(el);
  assert.equal(made.length, 2);
  assert.equal(made[1].root, container);
  made[0].callback([{ target: el, isIntersecting: false }]);
  made[1].callback([{ target: el, isIntersecting: true }]); // ... but not inside it
  assert.equal(seen.shouldDraw(el), false);
  made[0].callback([{ target: el, isIntersecting: true }]);
  assert.equal(seen.shouldDraw(el), true);
  seen.shouldDraw(el);
  assert.equal(asked, 1);
  seen.cleanup();
});
