// What a cursor value means: one step g along the whole run (frame_info.timeline, from
// rnnviz/frame/timeline.py, where the rule is spelled out). Forward g = 1 … N, backward
// g = N … 0; seq2seq runs the encoder's T steps, then the decoder's S (N = T + S). Every
// view reads t_cursor through these functions, so all of them mark the same step.
// Pure (unit-tested in js/test/timeline.test.js).

/**
 * @typedef {{name: string, start: number, steps: number, layers: number[]}} Segment
 */

/** The timeline, or one segment of `timesteps` steps holding every layer when absent. */
function segments(timeline, timesteps = 0) {
  return Array.isArray(timeline) && timeline.length
    ? timeline
    : [{ name: "", start: 0, steps: timesteps, layers: [] }];
}

/** N: the steps of the whole forward pass. */
export function runSteps(timeline, timesteps = 0) {
  const all = segments(timeline, timesteps);
  const last = all[all.length - 1];
  return last.start + last.steps;
}

/**
 * The segment holding layer `layer` (an index into frame.states; -1 or unknown: the top
 * one, the last segment).
 * @param {Segment[]} timeline
 * @param {number} layer
 * @returns {Segment}
 */
export function segmentOf(timeline, layer) {
  const all = segments(timeline);
  return all.find((s) => s.layers?.includes(layer)) ?? all[all.length - 1];
}

/**
 * The cursor in one layer's own steps.
 *
 * `t`: the step to mark (forward 1 … steps, backward 0 … steps), or -1 when the cursor is
 * not in this layer's segment. `pending`: the pass has not reached this layer yet (forward:
 * none of its steps computed; backward: the gradient is still in a later segment), so all
 * of it is veiled. Not pending and t = -1: the pass is done with this layer.
 * @param {Segment[]} timeline frame_info.timeline
 * @param {number} layer index into frame.states of the layer drawn
 * @param {number} tCursor g (-1: no cursor)
 * @param {string} phase "forward" | "backward"
 * @returns {{t: number, pending: boolean}}
 */
export function localCursor(timeline, layer, tCursor, phase) {
  if (!(tCursor >= 0)) return { t: -1, pending: false };
  if (!Array.isArray(timeline) || !timeline.length) return { t: tCursor, pending: false };
  const seg = segmentOf(timeline, layer);
  const t = tCursor - seg.start;
  if (phase === "backward") {
    if (t > seg.steps) return { t: -1, pending: true };
    return t < 0 ? { t: -1, pending: false } : { t, pending: false };
  }
  if (t < 1) return { t: -1, pending: true };
  return t > seg.steps ? { t: -1, pending: false } : { t, pending: false };
}

/**
 * Where the cursor is: the index of its segment (the graph's chain) and the step in it;
 * backward at a boundary (seq2seq g = T: the context) the earlier segment (the encoder's
 * h_T, which is the decoder's h_0). null without a cursor.
 * @returns {{segment: number, name: string, t: number} | null}
 */
export function locate(timeline, tCursor, phase) {
  if (!(tCursor >= 0)) return null;
  const all = segments(timeline, tCursor);
  const first = phase === "backward" ? 0 : 1;
  for (let i = 0; i < all.length; i++) {
    const t = tCursor - all[i].start;
    if (t >= first && t <= all[i].steps) return { segment: i, name: all[i].name, t };
  }
  const i = all.length - 1;
  return { segment: i, name: all[i].name, t: tCursor - all[i].start };
}

/** The cursor in words: "t = 3", "decoder t = 1" ("" without a cursor). */
export function cursorText(timeline, tCursor, phase) {
  const at = locate(timeline, tCursor, phase);
  if (!at) return "";
  return `${at.name ? `${at.name} ` : ""}t = ${at.t}`;
}
