// PageModel: an anywidget model without a kernel. The export page drives every view through
// one, and the JS unit tests use the same class (js/test/fake_model.js), so the views are
// tested against the model the page really uses.
//
// It keeps the per-trait event semantics of the real hosts (Backbone in Jupyter, marimo):
// - set(key, value) stores the value and fires "change:<key>" (model, value), then "change"
//   (model), at once and only when the value really changed (deep equality, as Backbone's
//   _.isEqual: arrays, plain objects and binary buffers compare by content);
// - the change reaches the "kernel" (the host's onSave hook) only on save_changes(), with
//   every key set since the last save; send(content, callbacks, buffers) goes to onSend;
// - update(patch) is a change coming from the kernel: the same events, nothing sent back;
// - receive(content, buffers) is a custom message from the kernel ("msg:custom");
// - on/off take ONE event name per call (marimo ignores space-separated lists: a name with
//   a space is refused here so that a view relying on them fails its tests).

/** Deep equality of synced values: primitives (NaN equals NaN), arrays, plain objects, buffers. */
export function sameValue(a, b) {
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b)) return false;
    if (a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
}

function checkEvent(name) {
  if (typeof name !== "string" || name === "" || /\s/.test(name)) {
    throw new TypeError(
      `model.on/off take one event name per call (e.g. "change:units"); got ${JSON.stringify(name)}`,
    );
  }
}

export class PageModel {
  /**
   * @param {Record<string, unknown>} state  initial trait values (not copied)
   * @param {{onSave?: (model: PageModel, changes: Record<string, unknown>) => void,
   *          onSend?: (model: PageModel, content: unknown, buffers: unknown[]) => void}} hooks
   */
  constructor(state = {}, hooks = {}) {
    this.state = state;
    this.hooks = hooks;
    this.listeners = new Map();
    this.dirty = new Set();
  }

  get(key) {
    return this.state[key];
  }

  /** A change made by the view: events now, sent to the kernel on save_changes(). */
  set(key, value) {
    if (store(this, key, value)) {
      this.dirty.add(key);
      this.emit(`change:${key}`, this, value);
      this.emit("change", this);
    }
  }

  save_changes() {
    if (this.dirty.size === 0) return;
    const changes = {};
    for (const key of this.dirty) changes[key] = this.state[key];
    this.dirty.clear();
    this.hooks.onSave?.(this, changes);
  }

  send(content, _callbacks, buffers = []) {
    this.hooks.onSend?.(this, content, buffers);
  }

  /** A change coming from the kernel: every changed key's event, then one "change". */
  update(patch) {
    const changed = Object.keys(patch).filter((key) => store(this, key, patch[key]));
    for (const key of changed) this.emit(`change:${key}`, this, this.state[key]);
    if (changed.length > 0) this.emit("change", this);
    return changed;
  }

  /** A custom message from the kernel, as the views receive it. */
  receive(content, buffers = []) {
    this.emit("msg:custom", content, buffers);
  }

  on(name, callback) {
    checkEvent(name);
    if (!this.listeners.has(name)) this.listeners.set(name, new Set());
    this.listeners.get(name).add(callback);
  }

  /** off() removes every listener, off(name) those of one event, off(name, cb) one. */
  off(name, callback) {
    if (name === undefined || name === null) {
      if (!callback) this.listeners.clear();
      else for (const set of this.listeners.values()) set.delete(callback);
      return;
    }
    checkEvent(name);
    if (!callback) this.listeners.delete(name);
    else this.listeners.get(name)?.delete(callback);
  }

  /** Number of listeners of an event (a view that cleaned up leaves none). */
  listenerCount(name) {
    return this.listeners.get(name)?.size ?? 0;
  }

  emit(event, ...args) {
    for (const callback of [...(this.listeners.get(event) ?? [])]) callback(...args);
  }
}

/** Store a value; false (and nothing stored) when it equals the current one. */
function store(model, key, value) {
  if (sameValue(model.state[key], value)) return false;
  model.state[key] = value;
  return true;
}
