import assert from "node:assert/strict";
import { test } from "node:test";

import { subModel, viewsCaption } from "../src/lib/trainer_views.js";

function parentModel() {
  const sent = [];
  const handlers = [];
  return {
    sent,
    handlers,
    send: (msg) => sent.push(msg),
    on: (event, cb) => handlers.push([event, cb]),
    off: (event, cb) => {
      const i = handlers.findIndex(([e, c]) => e === event && c === cb);
      if (i >= 0) handlers.splice(i, 1);
    },
  };
}

test("a sub-model fires change events only for the keys whose value changed", () => {
  const sub = subModel(parentModel(), () => {});
  const seen = [];
  sub.on("change:values", () => seen.push("values"));
  sub.on("change:units", () => seen.push("units"));
  const values = { data: new DataView(new ArrayBuffer(8)), shape: [2], dtype: "float32" };
  sub.update({ units: 8, values });
  assert.deepEqual(seen.sort(), ["units", "values"]);
  seen.length = 0;
  sub.update({ units: 8, values }); // nothing changed
  assert.deepEqual(seen, []);
  sub.update({ units: 8, values: { ...values } }); // a new array from the kernel
  assert.deepEqual(seen, ["values"]);
  assert.equal(sub.get("units"), 8);
});

test("a choice made in a view is applied locally and reported; messages use the parent", () => {
  const parent = parentModel();
  const choices = [];
  const sub = subModel(parent, (name, value) => choices.push([name, value]));
  let fired = 0;
  sub.on("change:quantity", () => fired++);
  sub.update({ quantity: "h" });
  fired = 0;
  sub.set("quantity", "c");
  sub.save_changes();
  assert.equal(sub.get("quantity"), "c");
  assert.equal(fired, 1);
  assert.deepEqual(choices, [["quantity", "c"]]);
  const cb = () => {};
  sub.on("msg:custom", cb);
  assert.deepEqual(parent.handlers, [["msg:custom", cb]]);
  sub.off("msg:custom", cb);
  assert.deepEqual(parent.handlers, []);
  sub.send({ type: "plotly:request" });
  assert.deepEqual(parent.sent, [{ type: "plotly:request" }]);
});

test("the caption names the run and the step of the weights drawn", () => {
  assert.match(viewsCaption({ label: "LSTM", step: 12 }), /^LSTM: the weights after step 12/);
});
