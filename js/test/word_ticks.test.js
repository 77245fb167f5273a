import assert from "node:assert/strict";
import test from "node:test";
import { textWidth } from "../src/lib/text_width.js";
import { GAP_EM, PAD, thinLabels, wordTicks } from "../src/lib/word_ticks.js";

const WORDS = ["the", "cat", "sat", "on", "the", "mat"];
const padded = (T) => [...WORDS, ...Array(Math.max(0, T - 6)).fill(PAD)].slice(0, T);
const indices = (kept) => kept.map((k) => k.i);

/** The kept labels of each row never come closer than the gap. */
function assertApart(texts, centres, size, kept) {
  const rows = new Map();
  for (const { i, row } of kept) {
    const w = textWidth(texts[i], size);
    if (!rows.has(row)) rows.set(row, []);
    rows.get(row).push([centres[i] - w / 2, centres[i] + w / 2, texts[i]]);
  }
  for (const boxes of rows.values()) {
    for (let j = 1; j < boxes.length; j++) {
      const gap = boxes[j][0] - boxes[j - 1][1];
      const what = `"${boxes[j - 1][2]}" and "${boxes[j][2]}": ${gap}`;
      assert.ok(gap >= GAP_EM * size - 1e-9, what);
    }
  }
}

test("every label is kept, in one row, while the columns are wide enough", () => {
  const centres = WORDS.map((_, i) => 40 * i + 20);
  const kept = thinLabels(WORDS, centres, 12, 2);
  assert.deepEqual(indices(kept), [0, 1, 2, 3, 4, 5]);
  assert.ok(kept.every((k) => k.row === 0));
});

test("equal labels on equally spaced columns: every k-th, k = ceil((width + gap) / pitch)", () => {
  const size = 12;
  const texts = Array(50).fill("word");
  const w = textWidth("word", size);
  for (const pitch of [3, 7.5, 10, 20, 40]) {
    const centres = texts.map((_, i) => pitch * (i + 0.5));
    const kept = thinLabels(texts, centres, size);
    const k = Math.max(1, Math.ceil((w + GAP_EM * size) / pitch - 1e-9));
    assert.deepEqual(
      indices(kept),
      texts.map((_, i) => i).filter((i) => i % k === 0),
      `pitch ${pitch}`,
    );
    assertApart(texts, centres, size, kept);
  }
});

test("two staggered rows hold every word where one row holds every other", () => {
  const centres = WORDS.map((_, i) => 18 * (i + 0.5)); // 18 px columns, "the" is ~22 px
  assert.deepEqual(indices(thinLabels(WORDS, centres, 12)), [0, 2, 4]);
  const two = thinLabels(WORDS, centres, 12, 2);
  assert.deepEqual(indices(two), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(
    two.map((k) => k.row),
    [0, 1, 0, 1, 0, 1],
  );
  assertApart(WORDS, centres, 12, two);
});

test("words come before padding: no <pad> label takes a word's place", () => {
  const texts = padded(20);
  const centres = texts.map((_, i) => 30 * (i + 0.5)); // 30 px columns: "<pad>" is wider
  const kept = thinLabels(texts, centres, 12);
  assert.deepEqual(
    indices(kept).filter((i) => i < 6),
    [0, 1, 2, 3, 4, 5],
  );
  assert.ok(
    kept.some((k) => k.i >= 6),
    "padding labelled where it fits",
  );
  assertApart(texts, centres, 12, kept);
});

test("wordTicks: no two labels collide at 1 … 200 timesteps, narrow to wide, any font", () => {
  for (const rows of [1, 2]) {
    for (const size of [12, 20]) {
      for (const plotWidth of [150, 440, 1200]) {
        for (let T = 1; T <= 200; T++) {
          const tokens = padded(T);
          const ticks = wordTicks(tokens, plotWidth, size, rows);
          assert.equal(ticks.steps[0], 1, `T=${T}`);
          assert.deepEqual(
            ticks.texts,
            ticks.steps.map((t) => tokens[t - 1]),
          );
          assert.ok(ticks.rows.every((r) => r >= 0 && r < rows));
          const pitch = plotWidth / T;
          assertApart(
            tokens,
            tokens.map((_, i) => pitch * (i + 0.5)),
            size,
            ticks.steps.map((t, j) => ({ i: t - 1, row: ticks.rows[j] })),
          );
        }
      }
    }
  }
});

test("wordTicks keeps every word of the sentence on a usual plot at 6 and 20 steps", () => {
  assert.deepEqual(wordTicks(WORDS, 440, 12).texts, WORDS);
  assert.deepEqual(wordTicks(WORDS, 440, 20).texts, WORDS);
  assert.deepEqual(wordTicks(padded(20), 360, 12, 2).texts.slice(0, 6), WORDS);
});
