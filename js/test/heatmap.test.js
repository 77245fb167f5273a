import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";
import { stateScale } from "../src/lib/colorscale.js";
import {
  MIN_ROW_PX,
  cursorShapes,
  formatValue,
  heatmapKey,
  heatmapRows,
  plotAreaWidth,
  plotHeight,
  symbol,
  tokenHover,
  tokenTicks,
} from "../src/lib/heatmap_data.js";

test("the colour range comes from the frame (Frame.colour_range), never from the page", () => {
  const lib = readFileSync(new URL("../src/lib/heatmap_data.js", import.meta.url), "utf8");
  const view = readFileSync(new URL("../src/heatmap.js", import.meta.url), "utf8");
  assert.doesNotMatch(lib, /colourRange|dataRange|boundedRange/);
  assert.match(view, /info\.range/);
});

test("relu ranges start at 0: the heatmap's scale for them is the sequential half", () => {
  assert.equal(stateScale(false, 0)[0][1], "#f7f7f7");
  assert.equal(stateScale(false, -1)[0][1], "#2166ac");
});

test("heatmapRows: one row per unit, views without copying when nothing is clipped", () => {
  const values = new Float32Array([0.1, 0.2, 0.3, -0.1, -0.2, -0.3]);
  const { z, clipped, text } = heatmapRows(values, [2, 3], [-1, 1]);
  assert.equal(z.length, 2);
  assert.equal(z[0].buffer, values.buffer);
  assert.deepEqual(Array.from(z[1]), Array.from(values.subarray(3)));
  assert.equal(clipped, 0);
  assert.equal(text, null);
});

test("heatmapRows clips inf to the range edge and keeps the true value as hover text", () => {
  const inf = Number.POSITIVE_INFINITY;
  const values = new Float32Array([inf, 0.5, -inf, 0.25]);
  const { z, clipped, text } = heatmapRows(values, [2, 2], [-2, 2]);
  assert.deepEqual(Array.from(z[0]), [2, 0.5]);
  assert.deepEqual(Array.from(z[1]), [-2, 0.25]);
  assert.equal(clipped, 2);
  assert.deepEqual(text, [
    ["inf", "0.500"],
    ["-inf", "0.250"],
  ]);
  assert.equal(values[0], inf, "the synced buffer is not modified");
});

test("formatValue: 3 decimals, exponent for tiny or huge values", () => {
  assert.equal(formatValue(0.12345), "0.123");
  assert.equal(formatValue(0), "0.000");
  assert.equal(formatValue(123456), "1.23e+5");
  assert.equal(formatValue(-0.0001234), "-1.23e-4");
});

test("symbol strips the gate_ prefix", () => {
  assert.equal(symbol("gate_f"), "f");
  assert.equal(symbol("h"), "h");
});

const THEME = { dark: false, accent: "#d00" };
const SIZE = { cursor: 2, font: 12 };

test("forward pass: a line at t and a veil over the steps not computed yet", () => {
  const { shapes, annotations } = cursorShapes(5, "forward", 20, THEME, SIZE);
  const [veil, line] = shapes;
  assert.deepEqual([veil.x0, veil.x1], [5.5, 20.5]);
  assert.deepEqual([line.x0, line.x1], [5, 5]);
  assert.equal(annotations[0].text, "forward: h<sub>5</sub>");
});

test("backward pass: the veil covers the steps the gradient has not reached", () => {
  const { shapes, annotations } = cursorShapes(12, "backward", 20, THEME, SIZE);
  assert.deepEqual([shapes[0].x0, shapes[0].x1], [0.5, 11.5]);
  assert.equal(shapes[1].x0, 12);
  assert.equal(annotations[0].text, "backward: ∂L/∂h<sub>12</sub>");
});

test("no veil at the ends of each pass; t = 0 (h_0) sits at the left edge", () => {
  assert.equal(cursorShapes(20, "forward", 20, THEME, SIZE).shapes.length, 1);
  const start = cursorShapes(0, "backward", 20, THEME, SIZE);
  assert.equal(start.shapes.length, 1);
  assert.equal(start.shapes[0].x0, 0.5);
});

test("no cursor when the scrubber is off or out of range", () => {
  assert.deepEqual(cursorShapes(-1, "forward", 20, THEME, SIZE), { shapes: [], annotations: [] });
  assert.deepEqual(cursorShapes(21, "forward", 20, THEME, SIZE).shapes, []);
});

test("plot height: the usual box while rows get the minimum height, then taller and scrolled", () => {
  for (const presenter of [false, true]) {
    const font = presenter ? 20 : 12;
    const small = plotHeight(16, presenter, font);
    assert.equal(small.scroll, false);
    assert.equal(small.height, small.box);
    const big = plotHeight(256, presenter, font);
    assert.equal(big.scroll, true);
    assert.equal(big.box, small.box);
    const minRow = presenter ? MIN_ROW_PX.presenter : MIN_ROW_PX.normal;
    // rows of at least minRow px after the axes' share (60 px + 3 lines of ticks)
    assert.ok((big.height - 60 - 3 * font) / 256 >= minRow);
    let prev = 0;
    for (const units of [1, 8, 32, 64, 128, 256, 512]) {
      const h = plotHeight(units, presenter, font).height;
      assert.ok(h >= prev);
      prev = h;
    }
  }
});

test("token labels are drawn as text: markup in a word is escaped for plotly", () => {
  const tokens = ["<b>bold</b>", '<a href="https://example.com/">x</a>', "a & b", "%{y}"];
  const ticks = tokenTicks(tokens, 4, 2000, 12);
  assert.deepEqual(ticks.tickvals, [1, 2, 3, 4]);
  assert.deepEqual(ticks.ticktext, [
    "&lt;b&gt;bold&lt;/b&gt;",
    '&lt;a href="https://example.com/"&gt;x&lt;/a&gt;',
    "a &amp; b",
    "&#37;{y}",
  ]);
  for (const text of ticks.ticktext) assert.doesNotMatch(text.replace(/^<br>/, ""), /</);
});

test("word ticks: only words, horizontal, thinned at many timesteps; none without tokens", () => {
  assert.equal(tokenTicks(["a", "b"], 3, 500, 12), null);
  assert.equal(tokenTicks([], 0, 500, 12), null);
  const words = ["the", "cat", "sat", "on", "the", "mat"];
  const six = tokenTicks(words, 6, 440, 12);
  assert.deepEqual(six.ticktext, words); // no numbers under or over the words
  assert.equal(six.tickangle, 0);
  const long = [...words, ...Array(194).fill("<pad>")];
  const many = tokenTicks(long, 200, 440, 12);
  assert.equal(many.tickvals[0], 1);
  assert.ok(many.tickvals.length < 80, `${many.tickvals.length} labels on 440 px`);
  // two staggered rows: the second starts with a line break; words first, then padding
  const shown = many.ticktext.map((t) => t.replace(/^<br>/, ""));
  const firstPad = shown.indexOf("&lt;pad&gt;");
  assert.ok(firstPad >= 1 && shown.slice(firstPad).every((t) => t === "&lt;pad&gt;"));
  assert.ok(shown.slice(0, firstPad).every((t) => words.includes(t)));
  assert.ok(many.ticktext.some((t) => t.startsWith("<br>")));
  for (const text of many.ticktext) assert.doesNotMatch(text.replace(/^<br>/, ""), /</);
});

test("plotAreaWidth leaves room for the unit axis and the colour bar", () => {
  const normal = plotAreaWidth(600, 16, { font: 12, title: 13 });
  assert.ok(normal > 350 && normal < 500, `${normal}`);
  assert.ok(plotAreaWidth(600, 256, { font: 20, title: 22 }) < normal);
  assert.equal(plotAreaWidth(10, 16, { font: 12, title: 13 }), 40);
});

test("the quantity symbol in the hover text is escaped too", () => {
  assert.equal(symbol("gate_<b>"), "&lt;b&gt;");
  assert.equal(symbol("h"), "h");
});

test("hover text names t and the word of every cell, escaped; none without matching tokens", () => {
  const hover = tokenHover(["the", "<pad>"], 3, 2);
  assert.equal(hover.length, 3);
  assert.deepEqual(hover[2], ["1 (the)", "2 (&lt;pad&gt;)"]);
  assert.equal(tokenHover(["the"], 3, 2), null);
  assert.equal(tokenHover([], 3, 0), null);
});

test("a layer the pass has not reached (seq2seq decoder while the encoder runs) is all veiled", () => {
  const f = cursorShapes(-1, "forward", 6, THEME, SIZE, true);
  assert.equal(f.shapes.length, 1); // the veil, no line at any step
  assert.deepEqual([f.shapes[0].x0, f.shapes[0].x1], [0.5, 6.5]);
  assert.equal(f.annotations[0].text, "forward: not computed yet");
  const b = cursorShapes(-1, "backward", 6, THEME, SIZE, true);
  assert.match(b.annotations[0].text, /not reached this layer/);
});

test("heatmapKey: only z may differ between equal keys; the hover matrix is not spelled out", () => {
  const tokens = Array.from({ length: 200 }, (_, i) =>
    i < 3 ? ["the", "cat", "sat"][i] : "<pad>",
  );
  const trace = (z, words) => ({
    type: "heatmap",
    z,
    x: new Float64Array(200),
    y: new Float64Array(256),
    customdata: tokenHover(words, 256, 200),
    zmin: -1,
    zmax: 1,
    hovertemplate: "unit %{y}, t = %{customdata}",
  });
  const layout = { height: 900, uirevision: "256x200" };
  const shape = [256, 200];
  const a = heatmapKey(trace([new Float32Array(200)], tokens), layout, shape, tokens);
  const b = heatmapKey(trace([new Float32Array(200).fill(0.5)], tokens), layout, shape, tokens);
  assert.equal(a, b, "new values alone: the same key (the fast redraw applies)");
  assert.ok(a.length < 5000, `the key is ${a.length} characters`);
  const other = tokens.map((t, i) => (i === 1 ? "dog" : t));
  assert.notEqual(heatmapKey(trace([], other), layout, shape, other), a, "new words: a new key");
  assert.notEqual(heatmapKey(trace([], tokens), layout, [255, 200], tokens), a, "new shape");
  assert.notEqual(heatmapKey(trace([], tokens), { ...layout, height: 897 }, shape, tokens), a);
  const plain = { ...trace([], []), customdata: undefined, hovertemplate: "t = %{x}" };
  assert.notEqual(heatmapKey(plain, layout, shape, []), a, "no sentence: another key");
});
