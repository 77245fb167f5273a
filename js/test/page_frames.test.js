import assert from "node:assert/strict";
import test from "node:test";
import { PageViews, SHARED } from "../src/lib/page_frames.js";
import { decodeBuffers, fromBase64, hydrate } from "../src/lib/page_payload.js";

const b64 = (values) => Buffer.from(new Float32Array(values).buffer).toString("base64");
const floats = (view) =>
  Array.from({ length: view.byteLength / 4 }, (_, i) => view.getFloat32(4 * i, true));

/**
 * A payload as rnnviz/export/_html.py writes it: a weight-scale sweep over two frames of a
 * heatmap (selector "quantity", LSTM: "c" precomputed as a variant) and a graph.
 */
function lstmPayload() {
  const heat = (scale, h) => ({
    weight_scale: scale,
    quantity: "h",
    quantities: [
      ["h", "h"],
      ["c", "c"],
    ],
    values: { data: { $buffer: h }, shape: [1, 2], dtype: "float32" },
    t_cursor: -1,
    phase: "forward",
  });
  const graph = (scale) => ({ weight_scale: scale, t_cursor: -1, phase: "forward" });
  return {
    initial: 1,
    selectors: ["quantity", "layer"],
    buffers: [b64([0.125, 0.25]), b64([1, 2]), b64([0.375, 0.5]), b64([3, 4])],
    frames: [
      {
        value: 0.5,
        timesteps: 2,
        views: [heat(0.5, 0), graph(0.5)],
        variants: [[{ key: { quantity: "c" }, patch: { values: { data: { $buffer: 1 } } } }], []],
      },
      {
        value: 2,
        timesteps: 3,
        views: [heat(2, 2), graph(2)],
        variants: [[{ key: { quantity: "c" }, patch: { values: { data: { $buffer: 3 } } } }], []],
      },
    ],
  };
}

function page(payload = lstmPayload()) {
  const cursors = [];
  const views = new PageViews(payload, decodeBuffers(payload.buffers), {
    onCursor: (c) => cursors.push(c),
  });
  const [heat, graph] = [views.addModel(), views.addModel()];
  return { views, heat, graph, cursors };
}

test("base64 buffers become DataViews and markers their values", () => {
  assert.deepEqual([...fromBase64("AQID")], [1, 2, 3]);
  const [view] = decodeBuffers([b64([1.5, -2])]);
  assert.ok(view instanceof DataView);
  assert.deepEqual(floats(view), [1.5, -2]);
  const value = hydrate(
    { a: [{ $float: "Infinity" }, { $float: "-Infinity" }, { $float: "NaN" }], b: { $buffer: 0 } },
    [view],
  );
  assert.deepEqual(value.a.slice(0, 2), [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
  assert.ok(Number.isNaN(value.a[2]));
  assert.equal(value.b, view);
  assert.deepEqual(hydrate({ $buffer: 0, x: 1 }, []), { $buffer: 0, x: 1 }, "not a marker");
  assert.throws(() => hydrate({ $buffer: 3 }, [view]), /no buffer 3/);
});

test("each view starts with its state in the initial frame", () => {
  const { views, heat, graph } = page();
  assert.equal(views.index, 1);
  assert.equal(views.frame.value, 2);
  assert.equal(heat.get("weight_scale"), 2);
  assert.deepEqual(floats(heat.get("values").data), [0.375, 0.5]);
  assert.equal(graph.get("weight_scale"), 2);
});

test("the sweep shows another precomputed frame on every view, keeping the cursor", () => {
  const { views, heat, graph } = page();
  views.setCursor({ t_cursor: 2, phase: "backward" });
  const seen = [];
  graph.on("change:weight_scale", (_m, v) => seen.push(v));
  views.showFrame(0);
  assert.deepEqual(seen, [0.5]);
  assert.equal(heat.get("weight_scale"), 0.5);
  assert.deepEqual(floats(heat.get("values").data), [0.125, 0.25]);
  for (const m of [heat, graph]) {
    assert.deepEqual([m.get("t_cursor"), m.get("phase")], [2, "backward"]);
  }
});

test("a frame that is not precomputed is refused and changes nothing", () => {
  const { views, heat } = page();
  for (const bad of [2, -1, 0.5, "1"]) assert.throws(() => views.showFrame(bad), RangeError);
  assert.equal(views.index, 1);
  assert.equal(heat.get("weight_scale"), 2);
  assert.throws(() => new PageViews({ frames: [] }, []), /no frame/);
});

test("a saved selector change is answered from the precomputed variant, in every frame", () => {
  const { views, heat, graph } = page();
  heat.set("quantity", "c");
  assert.deepEqual(floats(heat.get("values").data), [0.375, 0.5], "not saved: no answer yet");
  heat.save_changes();
  assert.equal(heat.get("quantity"), "c");
  assert.deepEqual(floats(heat.get("values").data), [3, 4]);
  assert.equal(graph.get("quantity"), undefined, "a selector is the view's own");
  views.showFrame(0);
  assert.equal(heat.get("quantity"), "c", "the choice survives the sweep");
  assert.deepEqual(floats(heat.get("values").data), [1, 2]);
  heat.set("quantity", "h");
  heat.save_changes();
  assert.deepEqual(floats(heat.get("values").data), [0.125, 0.25]);
});

test("a choice a frame does not offer falls back to that frame's own selection", () => {
  const payload = lstmPayload();
  payload.frames[0].variants[0] = []; // e.g. a sweep to the rnn cell: no c_t
  const { views, heat } = page(payload);
  heat.set("quantity", "c");
  heat.save_changes();
  views.showFrame(0);
  assert.equal(heat.get("quantity"), "h");
  assert.deepEqual(floats(heat.get("values").data), [0.125, 0.25]);
});

test("a view's saved cursor reaches every other view and the time slider", () => {
  const { heat, graph, cursors } = page();
  graph.set("t_cursor", 3);
  assert.equal(heat.get("t_cursor"), -1, "set without save_changes stays in the view");
  graph.save_changes();
  assert.equal(heat.get("t_cursor"), 3);
  assert.deepEqual(cursors, [{ t_cursor: 3, phase: "forward" }]);
  heat.set("phase", "backward");
  heat.set("t_cursor", 1);
  heat.save_changes();
  assert.deepEqual([graph.get("t_cursor"), graph.get("phase")], [1, "backward"]);
  assert.deepEqual(cursors.at(-1), { t_cursor: 1, phase: "backward" });
  graph.set("rolled", true);
  graph.save_changes();
  assert.equal(heat.get("rolled"), undefined, "other keys stay in their view");
  assert.equal(cursors.length, 2);
  assert.deepEqual(SHARED, ["t_cursor", "phase"]);
});

test("the scrubber moves every view's cursor with one change event each", () => {
  const { views, heat, graph } = page();
  let changes = 0;
  for (const m of [heat, graph]) m.on("change", () => changes++);
  views.setCursor({ t_cursor: 1, phase: "forward" });
  assert.equal(changes, 2);
  views.setCursor({ t_cursor: 1, phase: "forward" });
  assert.equal(changes, 2, "the same cursor again: no redraw");
});
