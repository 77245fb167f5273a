import assert from "node:assert/strict";
import test from "node:test";
import {
  divergingColor,
  gradientExtent,
  gradientStyles,
  hasInfinity,
  inkOn,
} from "../src/lib/graph_color.js";
import { inputNote, paramsText, shapeRows, shapesCaption } from "../src/lib/graph_shapes.js";

// The frame's cell facts (frame_info.cell_info, rnnviz/frame/cells.py: cell_facts) of each cell.
const CELL = {
  rnn: { name: "rnn", display_name: "RNN", gate_names: [], n_gates: 1, split_bias: false },
  lstm: {
    name: "lstm",
    display_name: "LSTM",
    gate_names: ["i", "f", "c", "o"],
    n_gates: 4,
    split_bias: false,
  },
  gru: {
    name: "gru",
    display_name: "GRU",
    gate_names: ["z", "r", "h"],
    n_gates: 3,
    split_bias: true,
  },
};

const rnnShapes = {
  x: [1, 20, 4],
  h_0: [1, 16],
  W_xh: [4, 16],
  W_hh: [16, 16],
  b: [16],
  h_t: [1, 16],
  output: [1, 20, 16],
};

test("shape rows name every dimension and list both output choices", () => {
  const rows = shapeRows(rnnShapes, {
    cell: CELL.rnn,
    returnSequences: true,
    architecture: "many-to-many",
  });
  const byName = (n) => rows.filter((r) => r.name === n);
  assert.deepEqual(
    rows.map((r) => r.name),
    ["x", "h_0", "W_xh", "W_hh", "b", "h_t", "output", "output"],
  );
  assert.equal(byName("x")[0].dims, "(batch, timesteps, features)");
  assert.equal(byName("x")[0].value, "(1, 20, 4)");
  assert.equal(byName("b")[0].dims, "(units,)");
  assert.equal(byName("b")[0].value, "(16,)");
  const [seq, last] = byName("output");
  assert.deepEqual(
    [seq.dims, seq.value, seq.current],
    ["(batch, timesteps, units)", "(1, 20, 16)", true],
  );
  assert.deepEqual([last.dims, last.value, last.current], ["(batch, units)", "(1, 16)", false]);
});

test("a PyTorch-imported LSTM lists both biases, b_ih and b_hh", () => {
  // what from_torch(nn.LSTM(4, 16)).shapes(1, 20) sends: b_ih and b_hh in place of b
  const shapes = {
    x: [1, 20, 4],
    h_0: [1, 16],
    W_xh: [4, 64],
    W_hh: [16, 64],
    b_ih: [64],
    b_hh: [64],
    h_t: [1, 16],
    c_t: [1, 16],
    output: [1, 20, 16],
  };
  const rows = shapeRows(shapes, {
    cell: CELL.lstm,
    returnSequences: true,
    architecture: "many-to-many",
  });
  assert.deepEqual(
    rows.map((r) => r.name),
    ["x", "h_0", "W_xh", "W_hh", "b_ih", "b_hh", "h_t", "c_t", "output", "output"],
  );
  for (const name of ["b_ih", "b_hh"]) {
    const row = rows.find((r) => r.name === name);
    assert.equal(row.dims, "(4·units,)");
    assert.equal(row.value, "(64,)");
  }
  assert.match(rows.find((r) => r.name === "b_ih").note, /PyTorch/);
  assert.match(rows.find((r) => r.name === "b_hh").note, /b_ih \+ b_hh/);
});

test("many-to-one emphasises the (batch, units) output", () => {
  const rows = shapeRows(
    { ...rnnShapes, output: [1, 16] },
    { cell: CELL.rnn, returnSequences: false, architecture: "many-to-one" },
  );
  const outs = rows.filter((r) => r.name === "output");
  assert.deepEqual(
    outs.map((r) => [r.value, r.current]),
    [
      ["(1, 20, 16)", false],
      ["(1, 16)", true],
    ],
  );
});

test("LSTM and GRU shapes show the gate multiples", () => {
  const lstm = shapeRows(
    {
      x: [2, 5, 3],
      W_xh: [3, 32],
      W_hh: [8, 32],
      b: [32],
      h_t: [2, 8],
      c_t: [2, 8],
      output: [2, 5, 8],
    },
    { cell: CELL.lstm, returnSequences: true, architecture: "many-to-many" },
  );
  const w = lstm.find((r) => r.name === "W_hh");
  assert.deepEqual(
    [w.dims, w.value, w.note],
    ["(units, 4·units)", "(8, 32)", "gates i, f, c, o side by side"],
  );
  const gru = shapeRows(
    { b: [2, 24], h_t: [1, 8] },
    { cell: CELL.gru, returnSequences: true, architecture: "many-to-many" },
  );
  assert.deepEqual([gru[0].dims, gru[0].value], ["(2, 3·units)", "(2, 24)"]);
  assert.equal(shapesCaption({ cell: CELL.gru, layers: 1 }), "GRU: 3 gates → 3·units columns");
});

test("parameter count text says it does not depend on timesteps", () => {
  assert.equal(paramsText(336, 1), "parameters: 336 (same for any number of timesteps)");
  assert.equal(
    paramsText(12345, 2),
    "parameters: 12,345 (same for any number of timesteps, all 2 layers)",
  );
});

test("overflow is found in any layer's states", () => {
  assert.equal(hasInfinity([[1, 2], new Float32Array([3, Number.NEGATIVE_INFINITY])]), true);
  assert.equal(hasInfinity([[1, Number.NaN], null]), false);
});

test("diverging colours: ends, neutral midpoint, inf clipped, NaN flagged", () => {
  assert.equal(divergingColor(-1, -1, 1), "rgb(33, 102, 172)");
  assert.equal(divergingColor(0, -1, 1), "rgb(247, 247, 247)");
  assert.equal(divergingColor(1, -1, 1), "rgb(178, 24, 43)");
  // Non-negative ranges (relu, sigmoid) are sequential: 0 is neutral, the top is red.
  assert.equal(divergingColor(0, 0, 4), "rgb(247, 247, 247)");
  assert.equal(divergingColor(2, 0, 4), "rgb(239, 138, 98)");
  assert.equal(divergingColor(4, 0, 4), "rgb(178, 24, 43)");
  assert.equal(divergingColor(Number.POSITIVE_INFINITY, -1, 1), "rgb(178, 24, 43)");
  assert.equal(divergingColor(Number.NaN, -1, 1), null);
  assert.equal(divergingColor(0.5, -1, 1), "rgb(239, 138, 98)");
  // Dark theme: near-black zero, bright ends.
  assert.equal(divergingColor(0, -1, 1, true), "rgb(38, 38, 38)");
  assert.equal(divergingColor(-1, -1, 1, true), "rgb(108, 182, 255)");
  assert.equal(divergingColor(0, 0, 1, true), "rgb(38, 38, 38)");
  assert.equal(inkOn(0.9, -1, 1), "#ffffff");
  assert.equal(inkOn(0.1, -1, 1), "#1a1a1a");
});

test("gradient styles are log-scaled; zero, inf and NaN are told apart", () => {
  const s = gradientStyles([0, 1e-6, 1e-3, 1, Number.POSITIVE_INFINITY, Number.NaN]);
  assert.deepEqual(
    s.map((x) => x.state),
    ["zero", "active", "active", "active", "inf", "nan"],
  );
  assert.deepEqual(
    s.slice(1, 4).map((x) => x.level),
    [0, 0.5, 1],
  );
  assert.equal(s[4].level, 1);
  assert.deepEqual(
    gradientStyles([2, 2]).map((x) => x.level),
    [1, 1],
  );
  // Norms within two decades are drawn within the top of the scale (similar widths).
  assert.deepEqual(
    gradientStyles([1, 10, 100]).map((x) => x.level),
    [0, 0.5, 1],
  );
  assert.deepEqual(
    gradientStyles([1, 10]).map((x) => x.level),
    [0.5, 1],
  );
  assert.deepEqual(gradientExtent([0, 1e-6, 1, Number.POSITIVE_INFINITY]), [1e-6, 1]);
  assert.equal(gradientExtent([0, 0]), null);
});

test("the shapes panel states the sentence's encoding: one-hot over its vocabulary", () => {
  const s = { cell: CELL.rnn, returnSequences: true, architecture: "many-to-many" };
  const words = ["the", "cat", "sat", "on", "the", "mat"];
  const shapes = { x: [1, 6, 5], h_t: [1, 16], output: [1, 6, 16] };
  const x = shapeRows(shapes, { ...s, tokens: words }).find((r) => r.name === "x");
  assert.equal(x.note, "x_t: one-hot over 5 words, one word per timestep");
  const padded = [...words, "<pad>", "<pad>"];
  assert.match(inputNote(padded, [1, 8, 5]), /one-hot over 5 words.*<pad> = a zero vector/);
  for (const tokens of [null, []]) {
    assert.equal(shapeRows(shapes, { ...s, tokens }).find((r) => r.name === "x").note, "");
  }
});

test("one-to-many: x is one vector per sequence, and the panel says what later steps read", () => {
  const shapes = { ...rnnShapes, x: [1, 4] }; // frame.shapes.x of one-to-many
  const rows = shapeRows(shapes, {
    cell: CELL.rnn,
    returnSequences: true,
    architecture: "one-to-many",
  });
  const x = rows.find((r) => r.name === "x");
  assert.equal(x.dims, "(batch, features)");
  assert.equal(x.value, "(1, 4)");
  assert.match(x.note, /x_1/);
  assert.match(x.note, /zero vector/);
  const seq = rows.find((r) => r.name === "output" && r.current);
  assert.equal(seq.value, "(1, 20, 16)"); // T from the output, not from x
});
