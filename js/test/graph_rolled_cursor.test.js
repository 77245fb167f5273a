// The rolled graph at the time cursor (lib/graph_rolled.js): each cell shows the state of
// its chain at the cursor — never a state the pass has not computed yet. seq2seq runs the
// encoder, then the decoder, on one timeline (timeline.js): with the cursor in the encoder
// the decoder has not run (no state, "not run yet"), with it in the decoder the encoder
// shows its final state; in the backward pass every chain has run forward.

import assert from "node:assert/strict";
import test from "node:test";
import graph from "../src/graph.js";
import { divergingColor } from "../src/lib/graph_color.js";
import { layoutRolled, rolledSteps } from "../src/lib/graph_rolled.js";
import { locate } from "../src/lib/timeline.js";
import { installDom, settle } from "./fake_dom.js";
import { fakeModel, wire } from "./fake_model.js";

const T = 5; // encoder steps
const S = 3; // decoder steps
const TIMELINE = [
  { name: "encoder", start: 0, steps: T, layers: [0] },
  { name: "decoder", start: T, steps: S, layers: [1] },
];
const base = {
  width: 900,
  presenter: false,
  units: 4,
  timesteps: T,
  architecture: "seq2seq",
  layers: 1,
  returnSequences: true,
  truncate: 0,
  tokens: null,
  decoderSteps: S,
  outputLayer: true,
  gradLength: S + 1,
  cellLabel: "RNN",
};

/** The layout options graph.js gives for a cursor g of the whole run. */
function at(g, phase, extra = {}) {
  const c = locate(TIMELINE, g, phase);
  return { ...base, ...extra, tCursor: c ? c.t : -1, cursorChain: c?.segment, phase };
}

const texts = (L) => L.labels.map((l) => l.parts.map((p) => p.text).join(""));
const hNodes = (L, chain) => L.nodes.filter((n) => n.kind === "h" && n.chain === chain);

test("forward in the encoder: the decoder has not run — no state, labelled so", () => {
  const L = layoutRolled(at(2, "forward"));
  assert.deepEqual(
    hNodes(L, 0).map((n) => [n.t, Boolean(n.pending)]),
    [[2, false]],
  );
  // before: the decoder's cell showed its state at its last step (t = S)
  assert.deepEqual(
    hNodes(L, 1).map((n) => [n.t, n.pending]),
    [[0, true]],
  );
  assert.ok(texts(L).includes("not run yet"));
  assert.match(texts(L).at(-1), /showing h at encoder t = 2, decoder: not run yet$/);
});

test("forward in the decoder: the encoder shows its final state, and says so", () => {
  const L = layoutRolled(at(T + 2, "forward"));
  assert.deepEqual(
    hNodes(L, 0).map((n) => [n.t, Boolean(n.pending)]),
    [[T, false]],
  );
  assert.deepEqual(
    hNodes(L, 1).map((n) => [n.t, Boolean(n.pending)]),
    [[2, false]],
  );
  assert.ok(texts(L).includes(`final state, t = ${T}`));
  assert.ok(!texts(L).includes("not run yet"));
  assert.match(texts(L).at(-1), /showing h at encoder t = 5 \(final\), decoder t = 2$/);
});

test("backward: every chain has run forward; h_0 at g = 0 is h_0, not h_T", () => {
  // the gradient in the encoder: the decoder ran (its final state), it is not "not run yet"
  const L = layoutRolled(at(2, "backward"));
  assert.deepEqual(
    hNodes(L, 1).map((n) => [n.t, Boolean(n.pending)]),
    [[S, false]],
  );
  assert.ok(!texts(L).includes("not run yet"));
  // the backward pass reaches h_0: the encoder's cell shows h_0 (was clamped to h_T)
  assert.deepEqual(rolledSteps([{ T }, { T: S }], 0, 0, "backward"), [
    { t: 0, status: "current" },
    { t: S, status: "final" },
  ]);
  const one = layoutRolled({
    ...base,
    architecture: "many-to-many",
    tCursor: 0,
    phase: "backward",
  });
  assert.deepEqual(
    hNodes(one, 0).map((n) => n.t),
    [0],
  );
  // no cursor: every chain at its last step, no status line
  const off = layoutRolled(at(-1, "forward"));
  assert.deepEqual(
    off.nodes.filter((n) => n.kind === "h").map((n) => n.t),
    [T, S],
  );
  assert.ok(!texts(off).some((t) => /not run yet|final state/.test(t)));
});

function overlaps(a, b) {
  return a.x0 < b.x1 - 0.01 && b.x0 < a.x1 - 0.01 && a.y0 < b.y1 - 0.01 && b.y0 < a.y1 - 0.01;
}

test("the status lines collide with no other text and no node, at every size", () => {
  for (const presenter of [false, true]) {
    for (const units of [1, 16, 256]) {
      for (const layers of [1, 3]) {
        for (const width of [300, 1280]) {
          for (const [g, phase] of [
            [2, "forward"],
            [T + 1, "forward"],
            [T + S, "backward"],
          ]) {
            const what = `presenter ${presenter}, ${units} units, ${layers} layers, ${width}px, g ${g} ${phase}`;
            const timeline = TIMELINE.map((s, i) => ({
              ...s,
              layers: Array.from({ length: layers }, (_, l) => l + i * layers),
            }));
            const c = locate(timeline, g, phase);
            const L = layoutRolled({
              ...base,
              presenter,
              units,
              layers,
              width,
              tCursor: c.t,
              cursorChain: c.segment,
              phase,
            });
            const boxes = L.labels.map((l) => ({
              ...l.box,
              text: l.parts.map((p) => p.text).join(""),
            }));
            assert.equal(
              boxes.filter((b) => /^(t = |final state|not run yet)/.test(b.text)).length,
              2,
              what,
            );
            for (let i = 0; i < boxes.length; i++) {
              const b = boxes[i];
              assert.ok(b.x0 >= 0 && b.x1 <= L.width + 0.01, `${what}: "${b.text}" cut`);
              assert.ok(b.y0 >= 0 && b.y1 <= L.height + 0.01, `${what}: "${b.text}" cut`);
              for (let j = i + 1; j < boxes.length; j++) {
                assert.ok(
                  !overlaps(b, boxes[j]),
                  `${what}: "${b.text}" overlaps "${boxes[j].text}"`,
                );
              }
              for (const n of L.nodes) {
                const hw = n.r ?? n.w / 2;
                const hh = n.r ?? n.h / 2;
                const box = { x0: n.cx - hw, x1: n.cx + hw, y0: n.cy - hh, y1: n.cy + hh };
                assert.ok(!overlaps(b, box), `${what}: "${b.text}" covers a ${n.kind} node`);
              }
            }
          }
        }
      }
    }
  }
});

/** Every element under `node` (the fake DOM's children), depth first. */
function* walk(node) {
  for (const child of node.children ?? []) {
    yield child;
    yield* walk(child);
  }
}

test("the graph view draws no decoder state before the decoder ran (graph.js passes the phase)", async () => {
  const uninstall = installDom();
  try {
    const p = 4;
    // every state is 0.9: a drawn state is the scale's red end; no state: no fill
    const states = [
      wire(new Array(T * p).fill(0.9), [T, p]),
      wire(new Array(S * p).fill(0.9), [S, p]),
    ];
    const model = fakeModel({
      _drawn_traits: ["frame_info", "states", "t_cursor", "phase", "rolled"],
      frame_info: {
        settings: { units: p, architecture: "seq2seq", layers: 1, cell: "rnn", output_units: 1 },
        timesteps: T, // the encoder's T (graph.py); the decoder's in decoder_steps
        decoder_steps: S,
        timeline: TIMELINE,
        cell_info: { display_name: "RNN" },
        shapes: [],
        state_range: [-1, 1],
      },
      states,
      dh_norms: null,
      layer_dh_norms: [],
      t_cursor: 2,
      phase: "forward",
      rolled: true,
      presenter: false,
    });
    const el = document.createElement("div");
    graph.render({ model, el }); // (its cleanup needs Element.remove: not in the fake DOM)
    const cells = (chain) => {
      const svg = [...walk(el)].find((n) => n.attributes?.role === "img");
      const node = [...walk(svg)].find(
        (n) =>
          n.attributes["data-testid"] === "h-node" && n.attributes["data-chain"] === String(chain),
      );
      return [...walk(node)]
        .filter((n) => /\bcell\b/.test(n.attributes.class ?? ""))
        .map((n) => n.attributes.fill);
    };
    const red = divergingColor(0.9, -1, 1);
    assert.deepEqual(cells(0), new Array(p).fill(red)); // the encoder at t = 2
    // the decoder: no state yet, so no colour at all (not even h = 0's neutral one)
    assert.deepEqual(cells(1), new Array(p).fill(undefined));
    // the same step of the backward pass: the decoder ran forward, its final state shows
    model.update({ phase: "backward" });
    await settle(40);
    assert.deepEqual(cells(1), new Array(p).fill(red));
    model.update({ phase: "forward", t_cursor: T + 1 }); // in the decoder: both have a state
    await settle(40);
    assert.deepEqual([cells(0), cells(1)], [new Array(p).fill(red), new Array(p).fill(red)]);
  } finally {
    uninstall();
  }
});
