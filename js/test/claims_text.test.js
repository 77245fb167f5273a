// Words and numbers of the gradient and graph views at their boundaries: truncate = 1 and
// truncate = T, plural forms, the vanishing readout.

import assert from "node:assert/strict";
import test from "node:test";
import { readoutItems, truncatedSpan, truncationLabel } from "../src/lib/gradient_data.js";

test("gradient view: the truncation band's label counts steps in the singular at 1", () => {
  assert.equal(truncationLabel(1), "truncated BPTT:<br>cut after 1 step ");
  assert.equal(truncationLabel(5), "truncated BPTT:<br>cut after 5 steps ");
  assert.equal(truncationLabel(0), "truncated BPTT:<br>cut after 0 steps ");
});

test("gradient view: truncate = T is full BPTT (no band), T − 1 cuts one step", () => {
  assert.equal(truncatedSpan(8, 8), null);
  assert.deepEqual(truncatedSpan(8, 7), [7, 8]);
  assert.deepEqual(truncatedSpan(8, 1), [1, 8]);
  assert.equal(truncatedSpan(8, 0), null);
  assert.equal(truncatedSpan(8, 3, -1), null); // the window reaches the whole layer
  assert.deepEqual(truncatedSpan(8, 3, 0), [0, 8]); // only h_T of an encoder
});

test("readout: 'sufficient for vanishing' is the kernel's verdict, only for the Elman RNN", () => {
  const rnn = { matrix: "W_hh", rho: 1, sigma_max: 1, gamma: 1, gamma_sigma: 1 };
  const value = (th) => readoutItems(th).find((i) => i.testid === "vanishing-sufficient")?.value;
  assert.equal(value({ ...rnn, pascanu_holds: true, vanishing_sufficient: false }), "no");
  assert.equal(value({ ...rnn, pascanu_holds: true, vanishing_sufficient: true }), "yes");
  assert.equal(value({ ...rnn, pascanu_holds: false, vanishing_sufficient: null }), undefined);
  // overflow travels as null and reads inf, never "null" or "NaN"
  const inf = readoutItems({ ...rnn, sigma_max: null, gamma_sigma: null, pascanu_holds: true });
  assert.deepEqual(
    inf.map((i) => i.value),
    ["1", "inf", "1", "inf", "no"],
  );
});
