// Which parts of the Trainer are on screen (js/src/trainer.js, lib/trainer_views.js).
//
// While it trains, the kernel sends a new state ~10 times a second. A plot scrolled out of
// view is not drawn (plotly's draws cost 5–50 ms each and nobody sees them); it only notes
// that it missed a state. It is drawn with the newest state — never an intermediate one —
// before it scrolls back in: it counts as visible already within `MARGIN` of what its
// scroll container shows.
//
// That margin must be the scroll container's. In JupyterLab and Notebook 7 the notebook
// scrolls inside its own element (.jp-WindowedPanel-outer), not the page: an
// IntersectionObserver on the viewport (root null) sees a plot clipped by that element, and
// its rootMargin only widens the viewport, so a plot just below the notebook's visible area
// counted as hidden until it was on screen — and then showed its old state for the frames
// until the observer's callback and the next draw. So each part is watched twice, with the
// same margin: against the viewport (the page scrolls: Voila, a plain page; and the truth
// wherever the container guess is wrong) and against its scroll container (scrollRoot).
// It counts as visible when either says so, or while either has not reported yet.
//
// A part that missed a state is hidden (visibility: hidden) until it is drawn again: if it
// jumps into view faster than the observers report (scrollIntoView from far away), it shows
// nothing for that frame, never an old state. Without IntersectionObserver nothing is ever
// skipped.

/** How far outside its scroll container's view a part still counts as visible (rootMargin). */
export const MARGIN = "50% 0px";

const SCROLLS = /^(auto|scroll|overlay)$/;

/**
 * The element whose scrolling moves `el`: its outermost ancestor under <body> whose content
 * scrolls vertically (JupyterLab, Notebook 7: the notebook's .jp-WindowedPanel-outer; an
 * output area that scrolls its outputs sits inside it), or null when only the page scrolls.
 * Reads computed styles only (no layout). Stops at a shadow root (marimo: the viewport).
 * @param {Element} el
 * @param {(e: Element) => {overflowY: string}} style getComputedStyle (injectable for tests)
 * @returns {Element | null}
 */
export function scrollRoot(el, style = (e) => getComputedStyle(e)) {
  const doc = el.ownerDocument;
  let found = null;
  for (let p = el.parentElement; p; p = p.parentElement) {
    if (p === doc?.body || p === doc?.documentElement) break;
    if (SCROLLS.test(style(p).overflowY)) found = p;
  }
  return found;
}

/**
 * Watch parts of the page for visibility.
 *
 * @param {() => void} onShown called when a part that missed a draw comes into view
 *   (the caller draws the newest state then)
 * @param {Function | undefined} Observer the IntersectionObserver class (injectable for tests)
 * @param {(el: Element) => Element | null} findRoot the scroll container of a part
 *   (scrollRoot; asked once, for the first part on the page)
 * @returns {{observe: (el: object) => void, unobserve: (el: object) => void,
 *   shouldDraw: (el: object) => boolean, cleanup: () => void}}
 *   `shouldDraw(el)`: draw `el` now? False (off screen) records that it missed this state
 *   and hides it until it is drawn.
 */
export function watchVisibility(
  onShown,
  Observer = globalThis.IntersectionObserver,
  findRoot = scrollRoot,
) {
  if (typeof Observer !== "function") {
    return { observe() {}, unobserve() {}, shouldDraw: () => true, cleanup() {} };
  }
  const parts = new Map(); // element -> {seen: (boolean | undefined)[] per observer, missed}
  const watchers = []; // {observer, root}
  const visible = (part) =>
    watchers.some((_, i) => part.seen[i] === undefined || part.seen[i] === true);
  const show = (el, on) => {
    if (!el.style) return;
    const value = on ? "" : "hidden";
    if (el.style.visibility !== value) el.style.visibility = value;
  };
  const watch = (root) => {
    const i = watchers.length;
    const observer = new Observer(
      (entries) => {
        let redraw = false;
        for (const entry of entries) {
          const part = parts.get(entry.target);
          if (!part) continue;
          // a part moved out of its container (another output area): the viewport decides
          const inside = root === null || root.contains(entry.target);
          part.seen[i] = inside && Boolean(entry.isIntersecting);
          if (visible(part) && part.missed) redraw = true;
        }
        if (redraw) onShown();
      },
      { root, rootMargin: MARGIN },
    );
    watchers.push({ observer, root });
    for (const el of parts.keys()) observer.observe(el);
  };
  watch(null); // the viewport
  let rootFound = false;
  const findContainer = (el) => {
    if (rootFound || !el.isConnected) return; // not on the page yet: asked again later
    rootFound = true;
    const root = findRoot(el);
    if (root) watch(root);
  };
  return {
    observe(el) {
      if (parts.has(el)) return;
      parts.set(el, { seen: [], missed: false });
      for (const w of watchers) w.observer.observe(el);
      findContainer(el);
    },
    unobserve(el) {
      parts.delete(el);
      for (const w of watchers) w.observer.unobserve(el);
      show(el, true);
    },
    shouldDraw(el) {
      const part = parts.get(el);
      if (!part) return true;
      findContainer(el);
      const draw = visible(part);
      part.missed = !draw;
      show(el, draw);
      return draw;
    },
    cleanup() {
      for (const w of watchers) w.observer.disconnect();
      parts.clear();
    },
  };
}
