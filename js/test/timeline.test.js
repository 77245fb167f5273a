import assert from "node:assert/strict";
import test from "node:test";
import { cursorText, localCursor, locate, runSteps, segmentOf } from "../src/lib/timeline.js";

// seq2seq, 2 layers, encoder T = 4, decoder S = 2 (frame_info.timeline)
const S2S = [
  { name: "encoder", start: 0, steps: 4, layers: [0, 1] },
  { name: "decoder", start: 4, steps: 2, layers: [2, 3] },
];
const ONE = [{ name: "", start: 0, steps: 5, layers: [0] }];

test("the run's steps and the segment of a layer", () => {
  assert.equal(runSteps(S2S), 6);
  assert.equal(runSteps(ONE), 5);
  assert.equal(runSteps(undefined, 7), 7);
  assert.equal(segmentOf(S2S, 1).name, "encoder");
  assert.equal(segmentOf(S2S, 3).name, "decoder");
  assert.equal(segmentOf(S2S, -1).name, "decoder"); // -1: the top layer
});

test("seq2seq forward: the decoder is not marked while the encoder runs", () => {
  const dec = (g) => localCursor(S2S, 3, g, "forward");
  const enc = (g) => localCursor(S2S, 0, g, "forward");
  // encoder step 2: the decoder's heatmap / gradient is all still to come, no step marked
  assert.deepEqual(dec(2), { t: -1, pending: true });
  assert.deepEqual(enc(2), { t: 2, pending: false });
  // decoder step 1 (g = 5): the encoder is done
  assert.deepEqual(dec(5), { t: 1, pending: false });
  assert.deepEqual(enc(5), { t: -1, pending: false });
  assert.deepEqual(dec(6), { t: 2, pending: false });
});

test("seq2seq backward: through the decoder, the context, then the encoder", () => {
  const dec = (g) => localCursor(S2S, 2, g, "backward");
  const enc = (g) => localCursor(S2S, 1, g, "backward");
  assert.deepEqual(dec(6), { t: 2, pending: false });
  assert.deepEqual(enc(6), { t: -1, pending: true }); // not reached the encoder yet
  // g = 4: ∂L/∂h_T of the encoder = ∂L/∂h_0 of the decoder
  assert.deepEqual(dec(4), { t: 0, pending: false });
  assert.deepEqual(enc(4), { t: 4, pending: false });
  assert.deepEqual(dec(1), { t: -1, pending: false });
  assert.deepEqual(enc(0), { t: 0, pending: false });
});

test("one segment: the cursor is the step itself; no cursor is none", () => {
  assert.deepEqual(localCursor(ONE, 0, 3, "forward"), { t: 3, pending: false });
  assert.deepEqual(localCursor(ONE, 0, 0, "backward"), { t: 0, pending: false });
  assert.deepEqual(localCursor(ONE, 0, -1, "forward"), { t: -1, pending: false });
  assert.deepEqual(localCursor(undefined, 0, 3, "forward"), { t: 3, pending: false });
});

test("locate and cursorText say where the cursor is, as the Explorer's label does", () => {
  assert.deepEqual(locate(S2S, 3, "forward"), { segment: 0, name: "encoder", t: 3 });
  assert.deepEqual(locate(S2S, 5, "forward"), { segment: 1, name: "decoder", t: 1 });
  assert.deepEqual(locate(S2S, 4, "backward"), { segment: 0, name: "encoder", t: 4 });
  assert.equal(locate(S2S, -1, "forward"), null);
  assert.equal(cursorText(S2S, 5, "backward"), "decoder t = 1");
  assert.equal(cursorText(ONE, 5, "forward"), "t = 5");
  assert.equal(cursorText(ONE, -1, "forward"), "");
});
