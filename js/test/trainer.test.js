import assert from "node:assert/strict";
import test from "node:test";
import { clampSetting } from "../src/lib/trainer_controls.js";
import {
  CELL_COLORS,
  KEPT_DASHES,
  MAX_MAP_PANELS,
  cellColor,
  curveTraces,
  formatValue,
  lastValue,
  livePoints,
  mapPanels,
  mapRows,
  onChanges,
  plottable,
  smooth,
  styledRuns,
} from "../src/lib/trainer_data.js";

/** An array as the kernel sends it: float32 bytes in a DataView. */
function wire(values, shape = [values.length]) {
  const f = new Float32Array(values);
  return { data: new DataView(f.buffer), shape, dtype: "float32" };
}

function run(cell, label, steps = 3, extra = {}) {
  const x = Array.from({ length: steps }, (_, i) => i + 1);
  return {
    cell,
    label,
    steps,
    x: wire(x),
    loss: wire(x.map((v) => 1 / v)),
    metric: wire(x.map(() => 0.5)),
    grad_norm: wire(x.map(() => 2)),
    ...extra,
  };
}

// The Trainer's choices.cells names (rnnviz.sim.CELLS), in order.
const CELLS = ["rnn", "lstm", "gru"];

test("every cell has one fixed colour, different from the others, in both themes", () => {
  for (const theme of ["light", "dark"]) {
    const colours = CELL_COLORS[theme];
    assert.equal(new Set(colours).size, colours.length);
  }
  assert.equal(cellColor("lstm", false, CELLS), CELL_COLORS.light[1]);
  assert.equal(cellColor("lstm", true, CELLS), CELL_COLORS.dark[1]);
  const colours = CELLS.map((c) => cellColor(c, false, CELLS));
  assert.equal(new Set(colours).size, CELLS.length);
  // a new cell type gets the next colour; the others keep theirs
  assert.equal(cellColor("mgu", false, [...CELLS, "mgu"]), CELL_COLORS.light[3]);
  assert.equal(cellColor("gru", false, [...CELLS, "mgu"]), CELL_COLORS.light[2]);
});

test("styledRuns: kept runs first and dashed in order, current runs solid, colour by cell", () => {
  const kept = [run("rnn", "RNN kept 1"), run("rnn", "RNN kept 2")];
  const live = [run("rnn", "RNN"), run("lstm", "LSTM")];
  const styled = styledRuns(kept, live, false, CELLS);
  assert.deepEqual(
    styled.map((s) => [s.run.label, s.dash, s.live]),
    [
      ["RNN kept 1", KEPT_DASHES[0], false],
      ["RNN kept 2", KEPT_DASHES[1], false],
      ["RNN", "solid", true],
      ["LSTM", "solid", true],
    ],
  );
  assert.equal(styled[0].color, styled[2].color);
  assert.notEqual(styled[2].color, styled[3].color);
});

test("plottable: inf and NaN become gaps; on a log axis so do values <= 0", () => {
  const inf = Number.POSITIVE_INFINITY;
  assert.deepEqual(plottable([1, inf, 0, -2]), [1, Number.NaN, 0, -2]);
  assert.deepEqual(plottable([1, inf, 0, -2], true), [1, Number.NaN, Number.NaN, Number.NaN]);
  assert.deepEqual(plottable(null), []);
});

test("curveTraces: per run the raw values (faint) and their average (legend), colour by cell", () => {
  const runs = styledRuns([run("gru", "GRU kept")], [run("lstm", "LSTM", 4)], false, CELLS);
  const traces = curveTraces(runs, "loss", { line: 3, thin: 1 }, true);
  assert.equal(traces.length, 4);
  const [keptRaw, keptAvg, raw, avg] = traces;
  assert.deepEqual(raw.x, [1, 2, 3, 4]);
  assert.deepEqual(raw.y, [1, 0.5, 1 / 3, 0.25].map(Math.fround));
  assert.equal(raw.showlegend, false);
  assert.equal(avg.name, "LSTM");
  assert.equal(avg.y.length, 4);
  assert.equal(avg.line.width, 3);
  assert.equal(keptAvg.line.width, 1);
  assert.equal(keptAvg.line.dash, KEPT_DASHES[0]);
  assert.equal(keptRaw.line.dash, KEPT_DASHES[0]);
  assert.equal(avg.line.color, cellColor("lstm", false, CELLS));
});

test("smooth: a moving average that skips gaps; geometric on a log axis", () => {
  assert.deepEqual(smooth([1, 3, Number.NaN, 3], false, 0.5), [1, 2, Number.NaN, 2.5]);
  const y = smooth([1, 0.01], true, 0.5);
  assert.equal(y[0], 1);
  assert.ok(Math.abs(y[1] - 0.1) < 1e-12); // halfway in decades
  assert.deepEqual(smooth([], true), []);
});

test("curveTraces draws a single step as a marker (a line needs two points)", () => {
  const traces = curveTraces(styledRuns([], [run("rnn", "RNN", 1)]), "loss", { line: 3, thin: 1 });
  assert.equal(traces[0].mode, "markers");
});

test("livePoints counts the points of the first current run", () => {
  assert.equal(livePoints([run("rnn", "RNN", 5), run("lstm", "LSTM", 2)]), 5);
  assert.equal(livePoints([]), 0);
  assert.equal(livePoints([{ ...run("rnn", "RNN", 0), x: wire([], [0]) }]), 0);
});

test("mapRows: rows are timesteps; -inf and below-scale values go to the bottom, NaN is a gap", () => {
  const ninf = Number.NEGATIVE_INFINITY;
  const map = { values: new Float32Array([0, -1, ninf, -9, Number.NaN, 0.5]), shape: [3, 2] };
  assert.deepEqual(mapRows(map, 6), [
    [0, -1],
    [-6, -6],
    [null, 0],
  ]);
});

test("mapPanels: runs with steps only, at most MAX_MAP_PANELS, stacked from the top", () => {
  const runs = styledRuns([], [run("rnn", "RNN"), run("lstm", "LSTM")]);
  const { runs: shown, domains } = mapPanels(runs, 0.1);
  assert.equal(shown.length, 2);
  assert.deepEqual(domains[0], [0.55, 1]);
  assert.ok(Math.abs(domains[1][0]) < 1e-12);
  assert.ok(Math.abs(domains[1][1] - 0.45) < 1e-12);
  const many = styledRuns(
    Array.from({ length: 6 }, (_, i) => run("rnn", `kept ${i}`)),
    [run("lstm", "LSTM", 0)],
  );
  const some = mapPanels(many);
  assert.equal(some.runs.length, MAX_MAP_PANELS);
  assert.equal(some.runs.at(-1).run.label, "kept 5"); // the newest; the empty run is left out
});

test("formatValue and lastValue for the readout", () => {
  assert.equal(formatValue(0.16666), "0.167");
  assert.equal(formatValue(0.00012345), "1.23e-4");
  assert.equal(formatValue(Number.POSITIVE_INFINITY), "inf");
  assert.equal(formatValue(null), "–");
  assert.equal(formatValue(0), "0");
  assert.equal(lastValue(wire([3, 2, 1])), 1);
  assert.equal(lastValue(wire([], [0])), null);
});

test("clampSetting keeps settings in range (and whole where they must be)", () => {
  assert.equal(clampSetting(0, [1, 256]), 1);
  assert.equal(clampSetting(300, [1, 256]), 256);
  assert.equal(clampSetting(31.6, [1, 256]), 32);
  assert.equal(clampSetting(0.25, [1e-3, 1e3], false), 0.25);
});

test("onChanges registers one listener per trait (marimo takes one event per call)", () => {
  const calls = [];
  const model = {
    on: (event, cb) => calls.push(["on", event, cb]),
    off: (event, cb) => calls.push(["off", event, cb]),
  };
  const cb = () => {};
  const off = onChanges(model, ["live_runs", "running"], cb);
  assert.deepEqual(
    calls.map(([what, event]) => [what, event]),
    [
      ["on", "change:live_runs"],
      ["on", "change:running"],
    ],
  );
  off();
  assert.deepEqual(
    calls.slice(2).map(([what, event]) => [what, event]),
    [
      ["off", "change:live_runs"],
      ["off", "change:running"],
    ],
  );
});

test("withMaps joins each current run with its map by label; a run without one has no panel", async () => {
  const { withMaps } = await import("../src/lib/trainer_data.js");
  const live = [
    { label: "RNN", steps: 5 },
    { label: "LSTM", steps: 5 },
  ];
  const maps = [{ label: "LSTM", map: "m", map_x: "x" }];
  const out = withMaps(live, maps);
  assert.deepEqual(out[1], { label: "LSTM", steps: 5, map: "m", map_x: "x" });
  assert.equal(out[0].steps, 0);
  assert.equal(live[0].steps, 5); // the model's runs are not changed
  assert.deepEqual(withMaps(undefined, undefined), []);
});
