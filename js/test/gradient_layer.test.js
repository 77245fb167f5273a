import assert from "node:assert/strict";
import test from "node:test";
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
