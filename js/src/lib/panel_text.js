// Words a panel adds to its title and status line: which layer it describes, and why it
// shows another layer than the one chosen. Pure (unit-tested in js/test/panel_text.test.js).

import { layerCaption } from "./gradient_layer.js";

/**
 * `title` with the layer it describes ("… — layer 1 of 2") when the frame has more than
 * one layer to tell apart (layerCaption: nothing for a single plain layer).
 * @param {string} title
 * @param {string[]} names frame.layer_names
 * @param {number} index the layer shown (-1: the top one)
 * @returns {string}
 */
export function titleWithLayer(title, names, index = -1) {
  const layer = layerCaption(names, index);
  return layer ? `${title} — ${layer}` : title;
}

/**
 * A panel's status line: its own message (may be empty) and frame_info.layer_note (the
 * chosen layer is gone and the top one is shown), joined; "" when neither.
 * @param {{layer_note?: string}} info frame_info
 * @param {string} [message]
 * @returns {string}
 */
export function panelStatus(info, message = "") {
  return [info?.layer_note, message].filter(Boolean).join(" · ");
}
