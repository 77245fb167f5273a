// Which layer the gradient panel describes, in words: "layer 2 of 3", "decoder",
// "encoder, layer 1 of 2". Pure (unit-tested in js/test/gradient_layer.test.js).

/**
 * Split a frame's layer name ("layer 2", "encoder 1", "decoder 3") into its part and number.
 * @param {string} name
 * @returns {{part: string, n: number}}
 */
function parse(name) {
  const m = /^(.*?)\s*(\d+)$/.exec(String(name ?? ""));
  return m ? { part: m[1], n: Number(m[2]) } : { part: String(name ?? ""), n: 1 };
}

/**
 * Caption of the layer `index` of `names` (frame.layer_names; -1 or out of range: the
 * top one). Empty for a single plain layer: there is nothing to tell apart.
 *
 * @param {string[]} names e.g. ["layer 1", "layer 2"] or ["encoder 1", "decoder 1"]
 * @param {number} index
 * @returns {string}
 */
export function layerCaption(names, index = -1) {
  if (!Array.isArray(names) || names.length === 0) return "";
  const i = index >= 0 && index < names.length ? index : names.length - 1;
  const { part, n } = parse(names[i]);
  const same = names.filter((x) => parse(x).part === part).length;
  const top = n === same && same > 1 ? " (top)" : "";
  if (part === "layer") return same > 1 ? `layer ${n} of ${same}${top}` : "";
  return same > 1 ? `${part}, layer ${n} of ${same}${top}` : part;
}

/**
 * Options of the panel's layer menu, [index, caption] bottom first (one entry per layer;
 * a single layer gives a menu the shell hides).
 *
 * @param {string[]} names frame.layer_names
 * @returns {Array<[number, string]>}
 */
export function layerOptions(names) {
  if (!Array.isArray(names)) return [];
  return names.map((_, i) => [i, layerCaption(names, i) || "layer 1"]);
}
