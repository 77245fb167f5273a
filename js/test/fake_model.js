// The shared fake anywidget model of rnnviz's JS tests.
//
// It IS the export page's in-page model (src/lib/page_model.js, bundled into every page
// that rnnviz.export.to_html writes and driven by the browser tests through
// window.rnnvizExport.models), so the node tests and the browser tests exercise one model
// with the hosts' semantics:
//   set(key, value)    "change:<key>" (model, value) then "change" (model), at once, only
//                      when the value changed (deep equality, as Backbone);
//   save_changes()     what was set reaches the kernel: recorded in model.saves;
//   send(content, callbacks, buffers)  recorded in model.sent;
//   update(patch)      a change from the kernel (events, nothing saved);
//   receive(content, buffers)  a custom message from the kernel ("msg:custom");
//   on/off             one event name per call (as marimo): a space-separated list throws.
//
// Usage:
//   import { fakeModel, wire } from "./fake_model.js";
//   const model = fakeModel({ units: 4, values: wire([1, 2, 3, 4], [2, 2]) });
//   render({ model, el });  model.update({ units: 8 });  assert.deepEqual(model.saves, [...]);

import { PageModel, sameValue } from "../src/lib/page_model.js";

export { PageModel, sameValue };

/** A PageModel that records what a view saved (model.saves) and sent (model.sent). */
export function fakeModel(state = {}) {
  const saves = [];
  const sent = [];
  const model = new PageModel(state, {
    onSave: (_model, changes) => saves.push(changes),
    onSend: (_model, content, buffers) => sent.push({ content, buffers }),
  });
  model.saves = saves;
  model.sent = sent;
  return model;
}

/** An array trait as the kernel sends it: float32 bytes in a DataView, its shape, its dtype. */
export function wire(values, shape = [values.length]) {
  const f = new Float32Array(values);
  return { data: new DataView(f.buffer), shape, dtype: "float32" };
}
