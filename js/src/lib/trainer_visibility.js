// Which parts of the Trainer are on screen (js/src/trainer.js, lib/trainer_views.js).
//
// While it trains, the kernel sends a new state ~10 times a second. A plot scrolled out of
// view is not drawn (plotly's draws cost 5–50 ms each and nobody sees them); it only notes
// that it missed a state. When it comes back into view it is drawn at once with the newest
// state — never an intermediate one, and it never shows a stale picture once visible: it
// counts as visible already within `MARGIN` of the viewport, so it is redrawn just before it
// scrolls in. Until the observer has reported, everything counts as visible (nothing is
// skipped); without IntersectionObserver nothing ever is.

/** How far outside the viewport a part still counts as visible (IntersectionObserver rootMargin). */
export const MARGIN = "50% 0px";

/**
 * Watch parts of the page for visibility.
 *
 * @param {() => void} onShown called when a part that missed a draw comes into view
 *   (the caller draws the newest state then)
 * @param {Function | undefined} Observer the IntersectionObserver class (injectable for tests)
 * @returns {{observe: (el: object) => void, unobserve: (el: object) => void,
 *   shouldDraw: (el: object) => boolean, cleanup: () => void}}
 *   `shouldDraw(el)`: draw `el` now? False (off screen) records that it missed this state.
 */
export function watchVisibility(onShown, Observer = globalThis.IntersectionObserver) {
  if (typeof Observer !== "function") {
    return { observe() {}, unobserve() {}, shouldDraw: () => true, cleanup() {} };
  }
  const parts = new Map(); // element -> {visible, missed}
  const observer = new Observer(
    (entries) => {
      let redraw = false;
      for (const entry of entries) {
        const part = parts.get(entry.target);
        if (!part) continue;
        part.visible = Boolean(entry.isIntersecting);
        if (part.visible && part.missed) redraw = true;
      }
      if (redraw) onShown();
    },
    { rootMargin: MARGIN },
  );
  return {
    observe(el) {
      if (parts.has(el)) return;
      parts.set(el, { visible: true, missed: false });
      observer.observe(el);
    },
    unobserve(el) {
      parts.delete(el);
      observer.unobserve(el);
    },
    shouldDraw(el) {
      const part = parts.get(el);
      if (!part) return true;
      part.missed = !part.visible;
      return part.visible;
    },
    cleanup() {
      observer.disconnect();
      parts.clear();
    },
  };
}
