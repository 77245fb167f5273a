import assert from "node:assert/strict";
import test from "node:test";
import { loadPlotly } from "../src/lib/plotly.js";
import { onChanges } from "../src/lib/view_shell.js";
import { fakeModel, sameValue, wire } from "./fake_model.js";

/** Every event a model fires, as [event, ...args] (the model itself as "model"). */
function recorder(model, events) {
  const seen = [];
  for (const event of events) {
    model.on(event, (...args) =>
      seen.push([event, ...args.map((a) => (a === model ? "model" : a))]),
    );
  }
  return seen;
}

test("set fires change:<key> with the value, then change, at once", () => {
  const model = fakeModel({ units: 4 });
  const seen = recorder(model, ["change:units", "change"]);
  model.set("units", 8);
  assert.equal(model.get("units"), 8);
  assert.deepEqual(seen, [
    ["change:units", "model", 8],
    ["change", "model"],
  ]);
});

test("a value equal to the current one fires nothing and is not saved (deep equality)", () => {
  const model = fakeModel({ shape: [2, 3], theory: { rho: 1 }, values: wire([1, 2]) });
  const seen = recorder(model, ["change:shape", "change:theory", "change:values", "change"]);
  model.set("shape", [2, 3]);
  model.set("theory", { rho: 1 });
  model.set("values", wire([1, 2]));
  model.save_changes();
  assert.deepEqual(seen, []);
  assert.deepEqual(model.saves, []);
  model.set("values", wire([1, 3]));
  assert.deepEqual(
    seen.map(([event]) => event),
    ["change:values", "change"],
  );
});

test("changes reach the kernel only on save_changes, each key once with its last value", () => {
  const model = fakeModel({ quantity: "h", layer: 0 });
  model.set("quantity", "c");
  model.set("layer", 1);
  model.set("quantity", "gate_f");
  assert.deepEqual(model.saves, [], "set alone sends nothing");
  model.save_changes();
  assert.deepEqual(model.saves, [{ quantity: "gate_f", layer: 1 }]);
  model.save_changes();
  assert.equal(model.saves.length, 1, "nothing new: nothing sent");
});

test("update is the kernel's change: every changed key's event, one change, nothing saved", () => {
  const model = fakeModel({ units: 4, timesteps: 5, cell: "rnn" });
  const seen = recorder(model, ["change:units", "change:timesteps", "change:cell", "change"]);
  assert.deepEqual(model.update({ units: 8, timesteps: 5, cell: "lstm" }), ["units", "cell"]);
  assert.deepEqual(seen, [
    ["change:units", "model", 8],
    ["change:cell", "model", "lstm"],
    ["change", "model"],
  ]);
  model.save_changes();
  assert.deepEqual(model.saves, []);
});

test("send is recorded; receive delivers a custom message with its buffers", () => {
  const model = fakeModel();
  const got = [];
  model.on("msg:custom", (content, buffers) => got.push([content, buffers]));
  model.send({ type: "plotly:request" });
  assert.deepEqual(model.sent, [{ content: { type: "plotly:request" }, buffers: [] }]);
  model.receive({ type: "plotly:source" }, ["B"]);
  assert.deepEqual(got, [[{ type: "plotly:source" }, ["B"]]]);
});

test("on/off take one event name per call, as marimo (a list would be ignored there)", () => {
  const model = fakeModel();
  assert.throws(() => model.on("change:units change:timesteps", () => {}), /one event name/);
  assert.throws(() => model.off("change:a change:b", () => {}), /one event name/);
  assert.throws(() => model.on("", () => {}), /one event name/);
});

test("off removes one callback, an event's callbacks, a callback everywhere, or all", () => {
  const model = fakeModel({ a: 0, b: 0 });
  const calls = [];
  const one = () => calls.push("one");
  const two = () => calls.push("two");
  model.on("change:a", one);
  model.on("change:a", two);
  model.on("change:b", one);
  model.off("change:a", one);
  model.set("a", 1);
  assert.deepEqual(calls, ["two"]);
  model.off(null, one);
  model.set("b", 1);
  assert.deepEqual(calls, ["two"]);
  model.off("change:a");
  assert.equal(model.listenerCount("change:a"), 0);
  model.on("change:b", two);
  model.off();
  model.set("b", 2);
  assert.deepEqual(calls, ["two"]);
});

test("a listener removed while an event is delivered still gets that event, not the next", () => {
  const model = fakeModel({ a: 0 });
  const calls = [];
  const second = () => calls.push("second");
  model.on("change:a", () => {
    calls.push("first");
    model.off("change:a", second);
  });
  model.on("change:a", second);
  model.set("a", 1);
  model.set("a", 2);
  assert.deepEqual(calls, ["first", "second", "first"]);
});

test("sameValue: NaN equals NaN, buffers compare by content, shapes matter", () => {
  assert.ok(sameValue(Number.NaN, Number.NaN));
  assert.ok(!sameValue(0, "0"));
  assert.ok(!sameValue([1, 2], [1, 2, 3]));
  assert.ok(!sameValue({ a: 1 }, { b: 1 }));
  assert.ok(!sameValue([1], { 0: 1 }));
  const a = new Float32Array([1, 2, 3]);
  assert.ok(sameValue(new DataView(a.buffer, 4, 8), new DataView(new Float32Array([2, 3]).buffer)));
  assert.ok(!sameValue(new DataView(a.buffer, 0, 8), new DataView(a.buffer, 4, 8)));
  assert.ok(!sameValue(new DataView(a.buffer), [1, 2, 3]));
});

test("the views' own helpers run on the shared fake: onChanges and the plotly loader", async () => {
  const model = fakeModel({ values: wire([0]), units: 1 });
  let changes = 0;
  const stop = onChanges(model, ["values", "units"], () => changes++);
  model.update({ units: 2 });
  model.update({ values: wire([1]) });
  model.update({ other: 1 });
  assert.equal(changes, 2);
  stop();
  assert.equal(model.listenerCount("change:units"), 0);

  const Plotly = { react() {} };
  const loader = loadPlotly(model, {
    scope: {},
    evaluate: async (buffer) => (buffer === "SOURCE" ? Plotly : null),
    now: () => 0,
  });
  assert.deepEqual(
    model.sent.map((m) => m.content),
    [{ type: "plotly:request" }],
  );
  model.receive({ type: "plotly:source" }, ["SOURCE"]);
  assert.equal(await loader.promise, Plotly);
  assert.equal(model.listenerCount("msg:custom"), 0, "the loader cleaned up");
  loader.cleanup();
});
