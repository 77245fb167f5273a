import assert from "node:assert/strict";
import test from "node:test";
import {
  architectureNotes,
  chainsFor,
  gradientChain,
  matricesOf,
} from "../src/lib/graph_chains.js";
import { chooseSteps, columnsFor, xOfStep } from "../src/lib/graph_columns.js";
import { layoutGraph } from "../src/lib/graph_layout.js";
import { layoutRolled } from "../src/lib/graph_rolled.js";
import { metrics, textWidth } from "../src/lib/graph_text.js";
import { nodeHeight, unitLayout } from "../src/lib/graph_units.js";
import { graphOptions, windowOf } from "./graph_options.js";

const base = graphOptions({ gradLength: 21 });

function overlaps(a, b) {
  return a.x0 < b.x1 - 0.01 && b.x0 < a.x1 - 0.01 && a.y0 < b.y1 - 0.01 && b.y0 < a.y1 - 0.01;
}

function nodeBox(n) {
  const hw = n.r ?? n.w / 2;
  const hh = n.r ?? n.h / 2;
  return { x0: n.cx - hw, x1: n.cx + hw, y0: n.cy - hh, y1: n.cy + hh };
}

function assertLegible(L, what) {
  const boxes = L.labels.map((l) => ({ ...l.box, text: l.parts.map((p) => p.text).join("") }));
  if (!L.tokenRotate)
    boxes.push(...L.tokenLabels.map((l) => ({ ...l.box, text: l.parts[0].text })));
  for (let i = 0; i < boxes.length; i++) {
    const b = boxes[i];
    assert.ok(b.x0 >= 0 && b.x1 <= L.width + 0.01, `${what}: label "${b.text}" cut at the sides`);
    assert.ok(b.y0 >= 0 && b.y1 <= L.height + 0.01, `${what}: label "${b.text}" cut vertically`);
    for (let j = i + 1; j < boxes.length; j++) {
      assert.ok(!overlaps(b, boxes[j]), `${what}: "${b.text}" overlaps "${boxes[j].text}"`);
    }
    if (L.lossBox && b.text !== "L") {
      const { x, y, w, h } = L.lossBox;
      assert.ok(!overlaps(b, { x0: x, x1: x + w, y0: y, y1: y + h }), `${what}: "${b.text}" on L`);
    }
    for (const n of L.nodes) {
      assert.ok(!overlaps(b, nodeBox(n)), `${what}: "${b.text}" covers a ${n.kind} node`);
    }
  }
  if (L.tokenRotate) {
    // Rotated 45°: neighbours are pitch·sin45 apart perpendicular to the text.
    assert.ok(L.pitch * Math.SQRT1_2 >= L.m.small * 1.2, `${what}: rotated tokens collide`);
  }
}

test("unitLayout: one cell per unit up to at least 32 units at every setting", () => {
  for (const presenter of [false, true]) {
    const m = metrics(presenter);
    for (const layers of [1, 2, 3]) {
      for (let p = 1; p <= 32; p++) {
        const u = unitLayout(p, m, layers);
        assert.equal(u.drawn, p, `p ${p}, ${layers} layers`);
        assert.deepEqual(
          u.slots.map((s) => s.unit),
          Array.from({ length: p }, (_, i) => i),
        );
        assert.ok(u.slots.every((s) => s.h >= m.minCell - 1e-9));
      }
    }
  }
  // One layer draws all 64 units too.
  assert.equal(unitLayout(64, metrics(false), 1).drawn, 64);
});

test("unitLayout: beyond what fits, first units, an ellipsis, the last unit", () => {
  const m = metrics(false);
  const u = unitLayout(256, m, 1);
  assert.ok(u.drawn > 32 && u.drawn < 256, `${u.drawn} cells`);
  const ell = u.slots.findIndex((s) => s.ellipsis);
  assert.equal(ell, u.slots.length - 2);
  assert.deepEqual(
    u.slots.slice(0, ell).map((s) => s.unit),
    Array.from({ length: u.drawn - 1 }, (_, i) => i),
  );
  assert.equal(u.slots.at(-1).unit, 255);
  // The slots tile the node from top to bottom, each cell at least minCell tall.
  let y = 0;
  for (const s of u.slots) {
    assert.ok(Math.abs(s.y - y) < 1e-9);
    if (!s.ellipsis) assert.ok(s.h >= m.minCell - 1e-9);
    y += s.h;
  }
  assert.ok(Math.abs(y - u.height) < 1e-9);
});

test("node height grows with every unit added, on a log scale beyond 8", () => {
  for (const presenter of [false, true]) {
    const m = metrics(presenter);
    for (const layers of [1, 2, 3]) {
      let prev = 0;
      for (let p = 1; p <= 512; p++) {
        const h = nodeHeight(p, m, layers);
        assert.ok(h > prev, `p ${p}, ${layers} layers: ${h} after ${prev}`);
        prev = h;
      }
      // Each doubling beyond 8 adds the same height: 16 → 64 → 256 reads at a glance.
      const step = nodeHeight(32, m, layers) - nodeHeight(16, m, layers);
      assert.ok(step >= 8 * m.k, `${layers} layers: a doubling adds ${step}px`);
      const d = (a, b) => nodeHeight(b, m, layers) - nodeHeight(a, m, layers);
      assert.ok(Math.abs(d(64, 256) - d(16, 64)) < 1e-9, "16 → 64 and 64 → 256 add the same");
      assert.ok(Math.abs(d(64, 128) - step) < 1e-9 && Math.abs(d(128, 256) - step) < 1e-9);
    }
  }
  // A single unit is one full cell whatever the stack.
  assert.equal(nodeHeight(1, metrics(false), 3), metrics(false).cellH);
});

test("chooseSteps keeps everything that fits and always shows the first and last step", () => {
  assert.deepEqual(chooseSteps(5, 10), [1, 2, 3, 4, 5]);
  const s = chooseSteps(200, 12, [], 1);
  assert.equal(s[0], 1);
  assert.equal(s.at(-1), 200);
  // 11 steps + 1 gap = 12 columns; the end gets the extra step.
  assert.deepEqual(s, [1, 2, 3, 4, 5, 195, 196, 197, 198, 199, 200]);
  assert.ok(chooseSteps(200, 12, [100], 1).includes(100));
  assert.deepEqual(chooseSteps(200, 1, [], 1), [1, 200]);
});

test("columnsFor inserts gap columns with the number of hidden steps", () => {
  const cols = columnsFor([1, 2, 9, 10], 10, true);
  assert.deepEqual(
    cols.map((c) => c.kind),
    ["h0", "step", "step", "gap", "step", "step"],
  );
  assert.equal(cols[3].count, 6);
  assert.deepEqual([cols[3].from, cols[3].to], [3, 8]);
});

test("xOfStep places hidden steps inside their gap, shown steps at the column centre", () => {
  const cols = columnsFor([1, 5], 5, true).map((c, i) => ({ ...c, x: i * 10, w: 10 }));
  assert.equal(xOfStep(cols, 0), 5);
  assert.equal(xOfStep(cols, 1), 15);
  assert.equal(xOfStep(cols, 3), 20 + (10 * 2) / 4);
  assert.equal(xOfStep(cols, 5), 35);
  assert.equal(xOfStep(cols, 6), null);
});

test("labels never overlap, are never cut, every column has a valid t", () => {
  const archs = ["many-to-many", "many-to-one", "one-to-many", "seq2seq"];
  for (const width of [400, 560, 1200, 1280]) {
    for (const T of [1, 2, 7, 10, 15, 20, 30, 200]) {
      for (const presenter of [false, true]) {
        for (const arch of archs) {
          for (const [units, layers] of [
            [1, 1],
            [16, 2],
            [256, 3],
          ]) {
            const o = {
              ...base,
              width,
              timesteps: T,
              presenter,
              architecture: arch,
              units,
              decoderSteps: arch === "seq2seq" ? 5 : 0,
              truncate: T > 3 ? 3 : 0,
              gradLength: (arch === "seq2seq" ? 5 : T) + 1,
              tCursor: Math.ceil(T / 2),
              layers,
              outputLayer: units !== 16,
            };
            o.window = windowOf(o);
            const L = layoutGraph(o);
            const what = JSON.stringify({ width, T, presenter, arch, units, layers });
            assertLegible(L, what);
            for (const c of L.columns) {
              const chainT = L.chains[c.chain].T;
              assert.ok(Number.isInteger(c.t) && c.t >= 0 && c.t <= chainT, `${what}: t=${c.t}`);
            }
            const enc = L.columns.filter((c) => c.chain === 0).map((c) => c.t);
            assert.ok(enc.includes(1) && enc.includes(T), `${what}: first/last step shown`);
            assert.ok(
              enc.includes(Math.ceil(T / 2)) || arch === "seq2seq",
              `${what}: cursor shown`,
            );
          }
        }
      }
    }
  }
});

test("tokens are labelled horizontally and never collide: long ones are thinned", () => {
  const tokens = ["the", "cat", "sat", "on", "the", "mat"];
  const L = layoutGraph({ ...base, timesteps: 6, tokens, gradLength: 7 });
  assert.deepEqual(
    L.tokenLabels.map((l) => l.parts[0].text),
    tokens,
  );
  assert.equal(L.tokenRotate, false);
  assertLegible(L, "short tokens");
  const long = Array.from({ length: 30 }, (_, i) => `antidisestablishment${i}`);
  const R = layoutGraph({ ...base, width: 400, timesteps: 30, tokens: long, gradLength: 31 });
  assert.equal(R.tokenRotate, false);
  assert.ok(R.tokenLabels.every((l) => !l.rotate));
  assert.ok(R.tokenLabels.length >= 1 && R.tokenLabels.length < R.columns.length - 1);
  assertLegible(R, "long tokens");
  // The sentence padded to 20 and 200 steps, normal and presenter, narrow and wide.
  for (const T of [6, 20, 200]) {
    const padded = [...tokens, ...Array(Math.max(0, T - 6)).fill("<pad>")].slice(0, T);
    for (const presenter of [false, true]) {
      for (const width of [400, 800, 1280]) {
        const G = layoutGraph({ ...base, width, presenter, timesteps: T, tokens: padded });
        const what = `T=${T} width=${width} presenter=${presenter}`;
        assertLegible(G, what);
        assert.equal(G.tokenLabels[0].parts[0].text, "the", what);
        const pads = G.tokenLabels.filter((l) => l.parts[0].text === "<pad>");
        assert.ok(
          pads.every((l) => l.cls === "token pad"),
          what,
        );
      }
    }
  }
});

test("the units slider changes every node, the timesteps slider the number of columns", () => {
  const heights = [1, 8, 16, 32, 64, 256].map((units) => {
    const L = layoutGraph({ ...base, units });
    const hs = L.nodes.filter((n) => n.kind === "h");
    assert.ok(hs.every((n) => n.h === L.nodeH));
    if (units <= 64) assert.equal(L.unitsDrawn, units);
    assertLegible(L, `units ${units}`);
    return L.nodeH;
  });
  for (let i = 1; i < heights.length; i++) assert.ok(heights[i] > heights[i - 1], `${heights}`);
  // The rolled view uses the same rule.
  assert.equal(layoutRolled({ ...base, units: 64, cellLabel: "RNN" }).nodeH, heights[4]);
  const steps = (T) =>
    layoutGraph({ ...base, timesteps: T, gradLength: T + 1 }).columns.filter((c) => c.t > 0).length;
  assert.deepEqual([steps(1), steps(2), steps(7)], [1, 2, 7]);
});

test("many-to-one ghosts every output but y_T; one-to-many has a single input", () => {
  const m21 = layoutGraph({ ...base, architecture: "many-to-one", timesteps: 4, gradLength: 5 });
  const ys = m21.nodes.filter((n) => n.kind === "y");
  assert.deepEqual(
    ys.map((n) => [n.t, n.ghost]),
    [
      [1, true],
      [2, true],
      [3, true],
      [4, false],
    ],
  );
  const o2m = layoutGraph({ ...base, architecture: "one-to-many", timesteps: 4, gradLength: 5 });
  const xs = o2m.nodes.filter((n) => n.kind === "x");
  assert.deepEqual(
    xs.map((n) => n.ghost),
    [false, true, true, true],
  );
  assert.equal(o2m.edges.filter((e) => e.which === "xh").length, 1);
  const words = ["a", "b", "c", "d"];
  const o2mTokens = layoutGraph({
    ...base,
    architecture: "one-to-many",
    timesteps: 4,
    tokens: words,
  });
  assert.deepEqual(
    o2mTokens.tokenLabels.map((l) => l.parts[0].text),
    ["a"],
  );
});

test("seq2seq draws two chains joined by the context edge, gradients on the matching chain", () => {
  const chains = chainsFor({ architecture: "seq2seq", timesteps: 6, decoderSteps: 4, layers: 1 });
  assert.deepEqual(
    chains.map((c) => [c.name, c.T]),
    [
      ["encoder", 6],
      ["decoder", 4],
    ],
  );
  assert.equal(gradientChain(chains, 7), 0);
  assert.equal(gradientChain(chains, 5), 1);
  // The frame's gradients are those of the top decoder layer (S + 1 = 5 norms).
  const L = layoutGraph({
    ...base,
    architecture: "seq2seq",
    timesteps: 6,
    decoderSteps: 4,
    gradLength: 5,
  });
  const ctx = L.edges.filter((e) => e.context);
  assert.equal(ctx.length, 1);
  assert.equal(ctx[0].matrix, "W_hh^dec");
  assert.ok(L.labels.some((l) => l.parts[0].text === "decoder"));
  // Backward edges arrive at h_1..h_S of the decoder and, through the context, at h_T.
  const bwd = L.edges.filter((e) => e.kind === "bwd").map((e) => [e.chain, e.t]);
  assert.deepEqual(
    bwd.sort((a, b) => a[0] - b[0] || a[1] - b[1]),
    [
      [1, 1],
      [1, 2],
      [1, 3],
      [1, 4],
    ],
  );
  // Decoder inputs are zeros: ghosted, no W_xh edge into the decoder.
  assert.ok(L.nodes.filter((n) => n.kind === "x" && n.chain === 1).every((n) => n.ghost));
  assert.equal(L.edges.filter((e) => e.which === "xh" && e.chain === 1).length, 0);
  const stacked = chainsFor({ architecture: "seq2seq", timesteps: 6, layers: 2 });
  assert.deepEqual(
    stacked.map((c) => c.states),
    [
      [0, 1],
      [2, 3],
    ],
  );
  assert.equal(stacked[1].T, 6);
});

test("shared matrices: one key per matrix and layer, every copy carries it", () => {
  const chains = chainsFor({
    architecture: "many-to-many",
    layers: 2,
    timesteps: 5,
    returnSequences: true,
  });
  assert.deepEqual(
    matricesOf(chains, true).map((m) => m.key),
    ["W_xh^(1)", "W_hh^(1)", "W_xh^(2)", "W_hh^(2)", "W_hy^(2)"],
  );
  const L = layoutGraph({ ...base, layers: 2, timesteps: 5, gradLength: 6 });
  const count = (key) => L.edges.filter((e) => e.matrix === key).length;
  assert.deepEqual(
    ["W_xh^(1)", "W_hh^(1)", "W_xh^(2)", "W_hh^(2)", "W_hy^(2)"].map(count),
    [5, 5, 5, 5, 5],
  );
});

test("truncated BPTT band spans the last k steps and is labelled", () => {
  const o = { ...base, timesteps: 10, truncate: 4, gradLength: 11 };
  const L = layoutGraph({ ...o, window: windowOf(o) });
  assert.equal(L.bands.length, 1);
  const cx = (t) => L.columns.find((c) => c.t === t && c.chain === 0);
  const b = L.bands[0];
  assert.ok(b.x < cx(6).x + cx(6).w / 2 && b.x > cx(5).x + cx(5).w / 2);
  assert.ok(b.x + b.w > cx(10).x + cx(10).w / 2);
  assert.ok(L.labels.some((l) => l.parts[0].text === "truncated BPTT: 4 steps"));
});

test("architecture notes explain stacking and ghosted outputs", () => {
  const notes = architectureNotes({
    architecture: "many-to-many",
    layers: 3,
    returnSequences: true,
    outputUnits: 2,
  });
  assert.equal(notes.length, 2);
  assert.match(
    notes[0],
    /^layer 1 must return sequences: layer 2 needs an input at every timestep/,
  );
  const m21 = architectureNotes({ architecture: "many-to-one", layers: 1, outputUnits: 0 });
  assert.deepEqual(m21, [
    "many-to-one: only h_T leaves the layer (return_sequences=False).",
    "No output layer: each output is the hidden state itself.",
  ]);
});

test("rolled view: one cell per layer with its W_hh self-loop, legible", async () => {
  const { layoutRolled } = await import("../src/lib/graph_rolled.js");
  for (const arch of ["many-to-many", "many-to-one", "one-to-many", "seq2seq"]) {
    for (const presenter of [false, true]) {
      const L = layoutRolled({
        ...base,
        architecture: arch,
        layers: 2,
        presenter,
        width: 400,
        tCursor: 5,
        cellLabel: "LSTM",
      });
      assertLegible(L, `rolled ${arch} ${presenter}`);
      const caption = L.labels.find((l) => l.cls === "caption").parts[0].text;
      assert.match(caption, /^one LSTM cell per layer, the same weights at every step \(/);
      const loops = L.edges.filter((e) => e.loop);
      const cells = arch === "seq2seq" ? 2 : 1;
      assert.equal(loops.length, 2 * cells);
      assert.equal(L.nodes.filter((n) => n.kind === "h").length, 2 * cells);
      assert.ok(L.nodes.filter((n) => n.kind === "h").every((n) => n.t === 5));
    }
  }
});

test("stacked layers draw shorter nodes (three layers stay within a projector's reach)", () => {
  const h = (layers, presenter) =>
    layoutGraph({ ...base, units: 256, layers, presenter }).nodes.find((n) => n.kind === "h").h;
  assert.ok(h(1, false) > h(2, false) && h(2, false) > h(3, false));
  // Three presenter layers of 256 units: about 900 px before the SVG is scaled to its box
  // (it was 600 px when every node showed 5 cells whatever the units).
  const L = layoutGraph({ ...base, units: 256, layers: 3, presenter: true });
  assert.ok(L.height <= 920, `three presenter layers are ${L.height}px tall`);
});

test("every timestep gets a column while they fit; only longer sequences are compressed", () => {
  const drawn = (width, T) => {
    const L = layoutGraph({ ...base, width, timesteps: T, gradLength: T + 1 });
    assertLegible(L, `width ${width}, T ${T}`);
    assert.ok(L.width <= width + 0.01, `width ${width}, T ${T}: ${L.width}px wide`);
    return L.columns.filter((c) => c.t > 0).map((c) => c.t);
  };
  const all = (T) => Array.from({ length: T }, (_, i) => i + 1);
  // A default JupyterLab graph (~560 px) and a wide one (1200 px).
  assert.deepEqual(drawn(560, 10), all(10));
  assert.deepEqual(drawn(1200, 10), all(10));
  assert.deepEqual(drawn(1200, 15), all(15));
  assert.deepEqual(drawn(1200, 20), all(20));
  for (const width of [560, 900, 1200]) {
    let fit = 0;
    while (drawn(width, fit + 1).length === fit + 1) fit++;
    assert.ok(
      fit >= { 560: 13, 900: 22, 1200: 30 }[width],
      `${width}px: all steps up to T = ${fit}`,
    );
    // Past that, the width stays full: first and last steps, a gap, never fewer than
    // fit - 3 columns (the gap label takes their place).
    for (const T of [fit + 1, 15, 20, 50, 100, 150, 200].filter((t) => t > fit)) {
      const steps = drawn(width, T);
      assert.ok(steps.length >= fit - 3 && steps.length <= fit, `${width}px, T ${T}: ${steps}`);
      assert.equal(steps[0], 1);
      assert.equal(steps.at(-1), T);
    }
    // Up to the fit, every extra timestep adds a column.
    let prev = 0;
    for (let T = 1; T <= fit; T++) {
      const n = drawn(width, T).length;
      assert.ok(n > prev, `${width}px: T ${T} draws ${n} columns`);
      prev = n;
    }
  }
  // Presenter mode uses wider columns: fewer of them fit.
  const big = layoutGraph({ ...base, width: 1200, presenter: true, timesteps: 30, gradLength: 31 });
  assert.ok(big.pitch >= 45);
  assert.ok(big.columns.filter((c) => c.t > 0).length < 30);
});

test("seq2seq: the cursor column is on the chain the cursor is in (timeline.js locate)", async () => {
  const { locate } = await import("../src/lib/timeline.js");
  const timeline = [
    { name: "encoder", start: 0, steps: 6, layers: [0] },
    { name: "decoder", start: 6, steps: 3, layers: [1] },
  ];
  const o = { ...base, architecture: "seq2seq", timesteps: 6, decoderSteps: 3, gradLength: 4 };
  // g = 5 forward: encoder step 5 (the scrubber counts the whole run, not decoder steps)
  const at = locate(timeline, 5, "forward");
  assert.deepEqual(at, { segment: 0, name: "encoder", t: 5 });
  const L = layoutGraph({ ...o, tCursor: at.t, cursorChain: at.segment });
  assert.ok(L.columns.some((c) => c.chain === 0 && c.t === 5));
  const dec = locate(timeline, 8, "forward");
  assert.deepEqual(dec, { segment: 1, name: "decoder", t: 2 });
  const L2 = layoutGraph({ ...o, width: 400, tCursor: dec.t, cursorChain: dec.segment });
  assert.ok(L2.columns.some((c) => c.chain === 1 && c.t === 2));
});
