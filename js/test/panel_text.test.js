import assert from "node:assert/strict";
import test from "node:test";
import { titleWithLayer } from "../src/lib/panel_text.js";

test("titleWithLayer names the layer when there is more than one", () => {
  assert.equal(titleWithLayer("Spectrum of W_hh", ["layer 1"], 0), "Spectrum of W_hh");
  assert.equal(
    titleWithLayer("Spectrum of W_hh", ["layer 1", "layer 2"], 0),
    "Spectrum of W_hh — layer 1 of 2",
  );
  assert.equal(
    titleWithLayer("Spectrum of W_hh", ["layer 1", "layer 2"], -1),
    "Spectrum of W_hh — layer 2 of 2 (top)",
  );
  assert.equal(titleWithLayer("S", ["encoder 1", "decoder 1"], 0), "S — encoder");
  assert.equal(titleWithLayer("S", [], 0), "S");
});
