import assert from "node:assert/strict";
import test from "node:test";
import { panelStatus, titleWithLayer } from "../src/lib/panel_text.js";

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

test("panelStatus shows the layer note with the panel's own message", () => {
  const note = "the chosen layer 2 no longer exists: showing the top layer, layer 1";
  assert.equal(panelStatus({ layer_note: note }), note);
  assert.equal(panelStatus({ layer_note: note }, "3 values beyond"), `${note} · 3 values beyond`);
  assert.equal(panelStatus({ layer_note: "" }, "3 values beyond"), "3 values beyond");
  assert.equal(panelStatus({}), "");
  assert.equal(panelStatus(undefined, ""), "");
});
