import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import test from "node:test";
import { formatNumber } from "../src/lib/format.js";

test("formatNumber: 3 significant digits, compact exponent form, inf / nan spelled out", () => {
  assert.deepEqual(
    [0.98765, 1, 25000, 1.23456, 0.000012345, 123456, 0, 0.5, -2e8, 1234.5, 9999.9].map(
      formatNumber,
    ),
    ["0.988", "1", "2.5e4", "1.23", "1.23e-5", "1.23e5", "0", "0.5", "-2e8", "1230", "10000"],
  );
  assert.deepEqual(
    [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN].map(formatNumber),
    ["inf", "-inf", "nan"],
  );
});

test("formatNumber is defined once, in lib/format.js", () => {
  const dirs = ["../src", "../src/lib"].map((d) => new URL(`${d}/`, import.meta.url));
  const defining = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir)) {
      if (!name.endsWith(".js")) continue;
      const text = readFileSync(new URL(name, dir), "utf8");
      if (/function\s+formatNumber\b|formatNumber\s*=/.test(text)) defining.push(name);
    }
  }
  assert.deepEqual(defining, ["format.js"]);
});
