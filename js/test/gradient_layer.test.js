import assert from "node:assert/strict";
import test from "node:test";
import { truncatedSpan } from "../src/lib/gradient_data.js";
import { layerCaption, layerOptions } from "../src/lib/gradient_layer.js";

test("layerCaption names the layer the gradient panel shows", () => {
  assert.equal(layerCaption(["layer 1"]), "");
  assert.equal(layerCaption(["layer 1", "layer 2", "layer 3"]), "layer 3 of 3 (top)");
  assert.equal(layerCaption(["layer 1", "layer 2", "layer 3"], 1), "layer 2 of 3");
  assert.equal(layerCaption(["encoder 1", "decoder 1"]), "decoder");
  assert.equal(layerCaption(["encoder 1", "decoder 1"], 0), "encoder");
  const s2s = ["encoder 1", "encoder 2", "decoder 1", "decoder 2"];
  assert.equal(layerCaption(s2s), "decoder, layer 2 of 2 (top)");
  assert.equal(layerCaption(s2s, 0), "encoder, layer 1 of 2");
  assert.equal(layerCaption(s2s, 9), "decoder, layer 2 of 2 (top)");
  assert.equal(layerCaption([]), "");
  assert.equal(layerCaption(null), "");
});

test("layerOptions: one entry per layer, bottom first, in the caption's words", () => {
  assert.deepEqual(layerOptions(["layer 1", "layer 2"]), [
    [0, "layer 1 of 2"],
    [1, "layer 2 of 2 (top)"],
  ]);
  assert.deepEqual(layerOptions(["encoder 1", "decoder 1"]), [
    [0, "encoder"],
    [1, "decoder"],
  ]);
  assert.deepEqual(layerOptions(["layer 1"]), [[0, "layer 1"]]);
  assert.deepEqual(layerOptions(undefined), []);
});

test("truncatedSpan: the layer shown may be reached less far than k (seq2seq encoder)", () => {
  assert.deepEqual(truncatedSpan(8, 7, 2), [2, 8]); // the decoder's 5 steps took 5 of the 7
  assert.deepEqual(truncatedSpan(8, 5, 0), [0, 8]); // only the context h_T
  assert.equal(truncatedSpan(5, 7, -1), null); // the decoder: all of it inside the window
  assert.equal(truncatedSpan(8, 0, 3), null); // full BPTT
  assert.deepEqual(truncatedSpan(20, 5), [5, 20]); // one chain: reach = k
});
