// The export page's views and their precomputed frames: one PageModel per view, fed from
// the payload instead of a kernel. What a kernel would answer was computed at export time:
// - the sweep: one frame per value of one setting (showFrame);
// - a view's own selectors (the heatmap's quantity and layer): every other choice of every
//   frame, stored as a patch of that view's state ("variants");
// - the keys every view shares with the time scrubber (SHARED): a view's saved change
//   reaches all the others, as the Explorer's links do in a notebook.

import { PageModel } from "./page_model.js";
import { hydrate } from "./page_payload.js";

/** Keys that every view shares (the scrubber's cursor). */
export const SHARED = Object.freeze(["t_cursor", "phase"]);

export class PageViews {
  /**
   * @param {{frames: {value: unknown, text: string, timesteps: number, timeline: object[],
   *   views: object[],
   *           variants: {key: object, patch: object}[][]}[],
   *          initial: number, selectors: string[]}} payload
   * @param {DataView[]} buffers  the payload's buffer table, decoded
   * @param {{onCursor?: (cursor: {t_cursor: number, phase: string}) => void}} hooks
   *   onCursor: a view saved a new cursor (the page moves its time slider)
   */
  constructor(payload, buffers, hooks = {}) {
    if (!payload.frames?.length) throw new RangeError("the page holds no frame");
    this.frames = payload.frames;
    this.buffers = buffers;
    this.selectors = new Set(payload.selectors ?? []);
    this.hooks = hooks;
    this.index = checkIndex(this.frames, payload.initial ?? 0);
    /** @type {PageModel[]} one per view, in display order */
    this.models = [];
  }

  /** The frame shown now. */
  get frame() {
    return this.frames[this.index];
  }

  /** The model of the next view (views are added in the payload's order). */
  addModel() {
    const v = this.models.length;
    const model = new PageModel(this.stateOf(this.index, v), {
      onSave: (source, changes) => this.saved(source, changes),
    });
    this.models.push(model);
    return model;
  }

  /**
   * State of view v in frame f for the selector values `model` has now (the frame's own
   * selection when that frame has no such choice), keeping the shared cursor.
   */
  stateFor(f, v, model) {
    const state = this.stateOf(f, v);
    const variant = (this.frames[f].variants?.[v] ?? []).find(({ key }) =>
      Object.entries(key).every(([k, value]) => model.get(k) === value),
    );
    if (variant) Object.assign(state, hydrate(variant.patch, this.buffers), variant.key);
    for (const key of SHARED) state[key] = model.get(key);
    return state;
  }

  /** Show precomputed frame `index` (the sweep slider) on every view. */
  showFrame(index) {
    this.index = checkIndex(this.frames, index);
    for (const [v, model] of this.models.entries()) model.update(this.stateFor(index, v, model));
  }

  /** Move the cursor of every view (the time scrubber). */
  setCursor(cursor) {
    for (const model of this.models) model.update(cursor);
  }

  /** View v's stored state in frame f (a fresh copy). */
  stateOf(f, v) {
    return hydrate(this.frames[f].views[v], this.buffers);
  }

  /** A view saved changes: answer its selectors, share its cursor. */
  saved(source, changes) {
    const keys = Object.keys(changes);
    if (keys.some((key) => this.selectors.has(key))) {
      source.update(this.stateFor(this.index, this.models.indexOf(source), source));
    }
    const shared = Object.fromEntries(
      keys.filter((key) => SHARED.includes(key)).map((key) => [key, changes[key]]),
    );
    if (Object.keys(shared).length === 0) return;
    for (const model of this.models) if (model !== source) model.update(shared);
    this.hooks.onCursor?.({ t_cursor: source.get("t_cursor"), phase: source.get("phase") });
  }
}

function checkIndex(frames, index) {
  if (!Number.isInteger(index) || index < 0 || index >= frames.length) {
    throw new RangeError(`frame ${index} is not one of the ${frames.length} precomputed`);
  }
  return index;
}
