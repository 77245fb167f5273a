// The lecture stage's rules: which key shows which view, and how large each view is drawn
// so that the control strip, the large view and the small ones fit one screen.

/** Letter shortcuts: key -> view ("d" for ∂, the gradients). The digits 1, 2, … follow the
 * order of the switch's buttons (the StageSwitch's `views`, from Python's STAGE_VIEWS). */
export const LETTERS = {
  g: "graph",
  h: "heatmap",
  d: "gradients",
  e: "eigen",
};

/** Room kept above the Explorer (the page's padding) and below it. A page that wants a
 * heading above each Explorer on the same screen (notebooks/lecture.ipynb: one idea per
 * screen) sets the CSS variable --rnnviz-stage-headroom on it, e.g.
 * `.rnnviz-explorer { --rnnviz-stage-headroom: 140px; }`. */
export const HEADROOM = 24;
export const FOOTROOM = 10;
/** Zoom limits: the large view may grow on a big screen; the small ones stay previews. */
export const MAIN_ZOOM = [0.35, 1.5];
export const THUMB_ZOOM = [0.12, 0.8];
/** Gap between the small views (px, as in the stage's CSS). */
export const GAP = 4;

const EDITABLE = new Set(["INPUT", "TEXTAREA", "SELECT"]);

/**
 * The view a key press asks for, or null: no modifier keys, not typed into a text box; the
 * digit n is the n-th of `views` (the buttons' order), a letter one of LETTERS in `views`.
 * @param {{key: string, ctrlKey?: boolean, metaKey?: boolean, altKey?: boolean,
 *   defaultPrevented?: boolean, target?: {tagName?: string, isContentEditable?: boolean}}} event
 * @param {string[]} views the views the switch offers, in button order
 * @returns {string | null}
 */
export function stageKey(event, views) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return null;
  const t = event.target ?? {};
  if (EDITABLE.has(String(t.tagName).toUpperCase()) || t.isContentEditable) return null;
  const key = String(event.key).toLowerCase();
  const name = /^[1-9]$/.test(key) ? views[Number(key) - 1] : LETTERS[key];
  return name !== undefined && views.includes(name) ? name : null;
}

const clamp = (v, [lo, hi]) => Math.min(hi, Math.max(lo, v));

/**
 * Zoom of every view for a stage of `available` px height: the large view fills it,
 * the small ones share it (with GAP between them).
 * @param {number} available height for the stage, px
 * @param {number} main natural height of the large view (at zoom 1), px
 * @param {number[]} thumbs natural heights of the small views, px
 * @returns {{main: number, thumbs: number[]}}
 */
export function stageZooms(available, main, thumbs) {
  const each = (available - GAP * Math.max(thumbs.length - 1, 0)) / Math.max(thumbs.length, 1);
  return {
    main: main > 0 ? clamp(available / main, MAIN_ZOOM) : 1,
    thumbs: thumbs.map((h) => (h > 0 ? clamp(each / h, THUMB_ZOOM) : THUMB_ZOOM[0])),
  };
}

const zoomOf = (node) => Number(node.style.zoom) || 1;

/**
 * Height of the area the page scrolls `node` in: JupyterLab's notebook panel (below its
 * menus, tabs and toolbar), else the window (Voila). Boxes that merely could scroll (an
 * output area as tall as its content) do not count.
 * @param {HTMLElement} node
 */
export function scrollerHeight(node) {
  const doc = node.ownerDocument;
  for (let e = node.parentElement; e && e !== doc.body; e = e.parentElement) {
    const overflow = getComputedStyle(e).overflowY;
    // a scroller that scrolls: its height is set by the page, not by what it holds
    const scrolls = e.scrollHeight > e.clientHeight + 1 && e.clientHeight > 0;
    if ((overflow === "auto" || overflow === "scroll") && scrolls) {
      return Math.min(e.clientHeight, window.innerHeight);
    }
  }
  return window.innerHeight;
}

/** Smallest relative growth of a zoom that is applied (shrinking is always applied). */
export const GROW_STEP = 0.08;

/**
 * Whether a view at zoom `current` goes to `wanted`: any shrink beyond rounding, a growth
 * only of at least GROW_STEP (so the fit settles).
 * @param {number} current
 * @param {number} wanted
 */
export function zoomChange(current, wanted) {
  return wanted < current * 0.995 || wanted > current * (1 + GROW_STEP);
}

/**
 * Mark the large view (class rnnviz-main; the others rnnviz-thumb, placed by the stage's
 * CSS) and keep the views of `stage` zoomed to fit the window (on resizes, redraws, a new
 * large view).
 * @param {HTMLElement} explorer the Explorer's root
 * @param {HTMLElement} stage its stage box (one child per view, class rnnviz-slot-<name>)
 * @param {() => string} currentView name of the view shown large
 * @returns {{refit: () => void, stop: () => void}}
 */
export function fitStage(explorer, stage, currentView) {
  let queued = false;
  const fit = () => {
    queued = false;
    const view = currentView();
    for (const n of stage.children) {
      const large = n.classList.contains(`rnnviz-slot-${view}`);
      n.classList.toggle("rnnviz-main", large);
      n.classList.toggle("rnnviz-thumb", !large);
    }
    const slots = [...stage.children].filter((n) => n.getBoundingClientRect().height > 0);
    const main = slots.find((n) => n.classList.contains("rnnviz-main"));
    if (!main) return;
    const thumbs = slots.filter((n) => n !== main);
    const top = stage.getBoundingClientRect().top - explorer.getBoundingClientRect().top;
    const own = Number.parseFloat(
      getComputedStyle(explorer).getPropertyValue("--rnnviz-stage-headroom"),
    );
    const headroom = Number.isFinite(own) ? own : HEADROOM;
    const available = Math.max(200, scrollerHeight(explorer) - headroom - FOOTROOM - top);
    const natural = (n) => n.getBoundingClientRect().height / zoomOf(n);
    const z = stageZooms(available, natural(main), thumbs.map(natural));
    const set = (node, zoom) => {
      // Shrink whenever the view does not fit; grow only by a clear step. A view's height
      // can depend on its width (a legend wraps), and the width on the zoom: growing by
      // small steps could swing between two zooms forever.
      if (zoomChange(zoomOf(node), zoom)) node.style.zoom = zoom.toFixed(3);
    };
    set(main, z.main);
    thumbs.forEach((n, i) => set(n, z.thumbs[i]));
    stage.dataset.available = String(Math.round(available));
    stage.dataset.main = view;
  };
  const refit = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(fit);
  };
  const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(refit);
  observer?.observe(explorer);
  for (const n of stage.children) observer?.observe(n);
  window.addEventListener("resize", refit);
  refit();
  return {
    refit,
    stop: () => {
      observer?.disconnect();
      window.removeEventListener("resize", refit);
    },
  };
}
