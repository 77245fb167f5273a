import assert from "node:assert/strict";
import test from "node:test";
import { inputHint, parsePrediction } from "../src/lib/quiz_input.js";

test("plain numbers, signs, decimals and exponents are read", () => {
  assert.deepEqual(parsePrediction("208"), { value: 208 });
  assert.deepEqual(parsePrediction("  -0.5 "), { value: -0.5 });
  assert.deepEqual(parsePrediction(".25"), { value: 0.25 });
  assert.deepEqual(parsePrediction("1e-3"), { value: 0.001 });
  assert.deepEqual(parsePrediction("2.5E4"), { value: 25000 });
  assert.deepEqual(parsePrediction("−3"), { value: -3 }); // a typographic minus
});

test("powers of ten in the ways people write them", () => {
  for (const text of ["10^-3", "10**-3", "10^(-3)", "10⁻³", "10 ^ −3"]) {
    const { value, error } = parsePrediction(text, "magnitude");
    assert.equal(error, undefined, text);
    assert.ok(Math.abs(value - 1e-3) < 1e-15, `${text} -> ${value}`);
  }
  assert.deepEqual(parsePrediction("2 × 10^3"), { value: 2000 });
  assert.deepEqual(parsePrediction("2x10**3"), { value: 2000 });
  assert.deepEqual(parsePrediction("5·10⁵"), { value: 500000 });
});

test("thousands separators only where they cannot be decimals", () => {
  assert.deepEqual(parsePrediction("2,430"), { value: 2430 });
  assert.deepEqual(parsePrediction("1,000,000"), { value: 1e6 });
  assert.match(parsePrediction("2,43").error, /not a number/);
});

test("anything else is refused with a message that says what to type", () => {
  for (const text of ["abc", "12 units", "1e", "10^", "--3", "0x10", "1/3"]) {
    const { value, error } = parsePrediction(text);
    assert.equal(value, undefined, text);
    assert.match(error, /is not a number\. Type a number such as 208/, text);
    assert.ok(error.includes(text.trim()), "the message quotes what was typed");
  }
  assert.match(parsePrediction("").error, /Type a number/);
  assert.match(parsePrediction("   ").error, /Type a number/);
  assert.match(parsePrediction("1e999").error, /too large/);
});

test("an order of magnitude must be positive", () => {
  assert.match(parsePrediction("0", "magnitude").error, /positive number/);
  assert.match(parsePrediction("-1e-3", "magnitude").error, /positive number/);
  assert.deepEqual(parsePrediction("0", "number"), { value: 0 });
  assert.deepEqual(parsePrediction("-2", "number"), { value: -2 });
});

test("the hint names the keyboard", () => {
  for (const kind of ["number", "magnitude", "choice"]) assert.match(inputHint(kind), /Enter/);
  assert.match(inputHint("magnitude"), /order of magnitude/);
});
