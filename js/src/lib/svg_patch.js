// Keyed reconcile of an SVG subtree with a description of what it should be, so that a new
// frame of the same geometry only sets what changed (a cell's fill, a lane's width, a
// tooltip) on the elements already drawn, and a new geometry creates and removes only the
// elements that came or went. The result is the same DOM a fresh build gives (tested in
// js/test/graph_reconcile.test.js).
//
// A description ("vnode") is a plain object {tag, key?, attrs?, text?, kids?}:
//   tag    element name (SVG namespace);
//   key    identity among its siblings (default: its position); same tag and key → the
//          element is kept and patched, else created; elements whose key is gone are removed;
//   attrs  attribute name → value (undefined / null: no such attribute);
//   text   textContent (then no kids), or kids: the child descriptions, in order.
// What was last set on an element is remembered on it (the symbols below), so a patch
// compares with that and reads nothing back from the DOM.

const NS = "http://www.w3.org/2000/svg";
const KEY = Symbol("rnnvizKey");
const ATTRS = Symbol("rnnvizAttrs");
const KIDS = Symbol("rnnvizKids");
const TEXT = Symbol("rnnvizText");

/** Set `node`'s attributes and content to those of `v` (same tag). */
function patchNode(node, v) {
  const prev = node[ATTRS] ?? {};
  const next = {};
  const attrs = v.attrs ?? {};
  for (const name in attrs) {
    const value = attrs[name];
    if (value === undefined || value === null) continue;
    const s = String(value);
    next[name] = s;
    if (prev[name] !== s) node.setAttribute(name, s);
  }
  for (const name in prev) if (!(name in next)) node.removeAttribute(name);
  node[ATTRS] = next;
  if (v.text !== undefined) {
    if (node[KIDS]?.length) {
      node.replaceChildren();
      node[KIDS] = [];
    }
    if (node[TEXT] !== v.text) {
      node.textContent = v.text;
      node[TEXT] = v.text;
    }
    return;
  }
  if (node[TEXT] !== undefined) {
    node.textContent = ""; // its text node goes; the kids come next
    node[TEXT] = undefined;
  }
  patchChildren(node, v.kids ?? []);
}

/**
 * Make the element children of `parent` those described by `vnodes`, in order, reusing
 * the elements of the same tag and key, creating the new ones and removing the rest.
 * `parent` must hold only what earlier calls put there (anything else is removed).
 * @param {Element} parent
 * @param {Array<{tag: string, key?: string, attrs?: object, text?: string, kids?: Array}>} vnodes
 */
export function patchChildren(parent, vnodes) {
  const old = parent[KIDS] ?? null;
  let byKey = null; // built only when an element is not where it was
  const used = new Set();
  const next = new Array(vnodes.length);
  let same = old !== null && old.length === vnodes.length;
  for (let i = 0; i < vnodes.length; i++) {
    const v = vnodes[i];
    let key = `${v.tag}:${v.key ?? `#${i}`}`;
    if (used.has(key)) key = `${key}#${i}`; // a repeated key: keep them apart
    used.add(key);
    let node = old?.[i];
    if (node?.[KEY] !== key) {
      if (byKey === null) byKey = new Map((old ?? []).map((n) => [n[KEY], n]));
      node = byKey.get(key);
    }
    if (node !== undefined) {
      if (old[i] !== node) same = false; // keys are unique: no element is taken twice
    } else {
      node = document.createElementNS(NS, v.tag);
      node[KEY] = key;
      same = false;
    }
    patchNode(node, v);
    next[i] = node;
  }
  if (!same) parent.replaceChildren(...next);
  parent[KIDS] = next;
}
