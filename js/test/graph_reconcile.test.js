// The unrolled graph redraws in place (graph_draw.js through svg_patch.js): after frame A
// then frame B, the SVG must be exactly what a fresh build of B gives — same elements in
// the same order, same attributes, same texts — whether B keeps A's geometry (a weight-scale
// step: only colours, lane widths and tooltips change) or not (units, timesteps, layers,
// architecture, cursor, rolled).
import assert from "node:assert/strict";
import test from "node:test";
import { chainsFor } from "../src/lib/graph_chains.js";
import { drawGraph } from "../src/lib/graph_draw.js";
import { layoutGraph } from "../src/lib/graph_layout.js";
import { layoutRolled } from "../src/lib/graph_rolled.js";
import { installDom } from "./fake_dom.js";
import { graphOptions, windowOf } from "./graph_options.js";

const NS = "http://www.w3.org/2000/svg";
// graph.js's options at a narrower width, with what drawGraph reads besides the layout.
const base = graphOptions({
  width: 1000,
  phase: "forward",
  scale: 0.5,
  rolled: false,
  dark: false,
});

/** The DOM shim, with the one element method it lacks that a patch uses. */
function withDom(fn) {
  const uninstall = installDom();
  try {
    const proto = Object.getPrototypeOf(document.createElementNS(NS, "g"));
    proto.removeAttribute ??= function removeAttribute(name) {
      delete this.attributes[name];
    };
    return fn();
  } finally {
    uninstall();
  }
}

/** Deterministic pseudo-random numbers in [-1, 1). */
function noise(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) / 2 ** 32) * 2 - 1;
  };
}

/** Layout and numbers of a frame of settings `o` (states and gradient norms of every
 * layer, scaled by o.scale; o.nan puts a NaN in, o.zeros cuts some norms to 0). */
function frame(o, seed = 1) {
  const rnd = noise(seed);
  const chains = chainsFor(o);
  const states = [];
  const dhLayers = [];
  for (const c of chains) {
    for (const idx of c.states) {
      const values = Float32Array.from({ length: c.T * o.units }, () => o.scale * rnd());
      if (o.nan && values.length > 3) values[3] = Number.NaN;
      states[idx] = { values, shape: [c.T, o.units] };
      const dh = Float32Array.from(
        { length: c.T + 1 },
        (_, t) => o.scale ** (c.T - t) * (1 + rnd()),
      );
      if (o.zeros) dh.fill(0, 0, Math.floor(c.T / 2));
      dhLayers[idx] = dh;
    }
  }
  const dh = dhLayers.at(-1);
  const opts = {
    ...o,
    tCursor: o.cursor ?? -1,
    cursorChain: o.cursorChain,
    gradLength: dh.length,
    gradLengths: dhLayers.map((a) => a.length),
    window: windowOf(o), // frame_info.window of these settings
  };
  const L = o.rolled ? layoutRolled(opts) : layoutGraph(opts);
  const d = {
    dark: o.dark,
    states,
    dh: o.rolled ? null : dh,
    dhLayers,
    range: [-1, 1],
    units: o.units,
    cursor: o.cursor ?? -1,
    cursorChain: o.cursorChain,
    phase: o.phase,
    outputLayer: o.outputLayer,
  };
  return { L, d };
}

/** The element as text: tag, attributes sorted by name, then its text or its children. */
function serialise(node) {
  const attrs = Object.keys(node.attributes)
    .sort()
    .map((k) => ` ${k}="${node.attributes[k]}"`)
    .join("");
  const inner = node.children.length ? node.children.map(serialise).join("") : node.textContent;
  return `<${node.tagName.toLowerCase()}${attrs}>${inner}</${node.tagName.toLowerCase()}>`;
}

function fresh(o, seed) {
  const svg = document.createElementNS(NS, "svg");
  const { L, d } = frame(o, seed);
  drawGraph(svg, L, d);
  return svg;
}

/** Draw A then B into one SVG; returns it and the elements it held after A. */
function redrawn(a, b) {
  const svg = document.createElementNS(NS, "svg");
  const A = frame(a, 1);
  drawGraph(svg, A.L, A.d);
  const before = new Set(elements(svg));
  const B = frame(b, 2);
  drawGraph(svg, B.L, B.d);
  return { svg, before };
}

function elements(node) {
  return [node, ...node.children.flatMap(elements)];
}

/** A -> B equals a fresh B; returns the share of B's elements kept from A. */
function checkTransition(a, b) {
  return withDom(() => {
    const { svg, before } = redrawn(a, b);
    assert.equal(serialise(svg), serialise(fresh(b, 2)));
    const after = elements(svg);
    return after.filter((e) => before.has(e)).length / after.length;
  });
}

test("a weight-scale step keeps every element and changes only values", () => {
  for (const o of [
    { ...base },
    { ...base, units: 256, timesteps: 200, outputLayer: false },
    { ...base, layers: 3, truncate: 5 },
    { ...base, architecture: "seq2seq", decoderSteps: 6, layers: 2 },
    { ...base, architecture: "many-to-one", returnSequences: false, tokens: ["a", "<b>", "c"] },
    { ...base, architecture: "one-to-many", cursor: 4, phase: "backward" },
    { ...base, presenter: true, dark: true, cursor: 3 },
    { ...base, rolled: true },
  ]) {
    const kept = checkTransition(o, { ...o, scale: 0.55 });
    assert.equal(kept, 1, `${JSON.stringify(o)}: every element reused`);
  }
});

test("the colours and texts that change are set on the kept elements", () => {
  withDom(() => {
    const { svg } = redrawn(base, { ...base, scale: 0.9, nan: true, zeros: true });
    const text = serialise(svg);
    assert.match(text, /class="cell nan"/, "the NaN cell");
    assert.match(text, /class="edge bwd g-zero"/, "a zero gradient lane");
    assert.equal(text, serialise(fresh({ ...base, scale: 0.9, nan: true, zeros: true }, 2)));
    // and back: the NaN cell gets its fill again, the lanes their widths
    const A = frame(base, 1);
    drawGraph(svg, A.L, A.d);
    assert.equal(serialise(svg), serialise(fresh(base, 1)));
  });
});

test("a new geometry gives the fresh build's SVG (created, kept, removed, reordered)", () => {
  const s2s = { ...base, architecture: "seq2seq", timesteps: 8, decoderSteps: 5, layers: 2 };
  const pairs = [
    [base, { ...base, units: 17 }],
    [base, { ...base, units: 256, timesteps: 200 }],
    [
      { ...base, units: 256, timesteps: 200 },
      { ...base, units: 255, timesteps: 200 },
    ],
    [base, { ...base, timesteps: 21 }],
    [
      { ...base, timesteps: 200 },
      { ...base, timesteps: 5 },
    ],
    [base, { ...base, layers: 3 }],
    [
      { ...base, layers: 3 },
      { ...base, layers: 1 },
    ],
    [base, { ...base, truncate: 4 }],
    [base, { ...base, architecture: "seq2seq", decoderSteps: 6 }],
    [
      { ...base, architecture: "seq2seq", decoderSteps: 6 },
      { ...base, architecture: "many-to-one" },
    ],
    [base, { ...base, cursor: 7 }],
    [
      { ...base, cursor: 7 },
      { ...base, cursor: 8, phase: "backward" },
    ],
    [{ ...base, cursor: 8, phase: "backward" }, base],
    // across the cursor: steps and lanes turn from not computed yet to computed and back
    [
      { ...base, cursor: 7 },
      { ...base, cursor: 20 },
    ],
    [
      { ...base, cursor: 20 },
      { ...base, cursor: 20, phase: "backward" },
    ],
    [
      { ...base, cursor: 3, phase: "backward" },
      { ...base, cursor: 12, phase: "backward" },
    ],
    [
      { ...s2s, cursor: 3, cursorChain: 0 },
      { ...s2s, cursor: 2, cursorChain: 1 },
    ],
    [
      { ...s2s, cursor: 2, cursorChain: 1 },
      { ...s2s, cursor: 2, cursorChain: 1, phase: "backward" },
    ],
    [{ ...s2s, cursor: 4, cursorChain: 0, phase: "backward" }, s2s],
    // the band's words and the window: gone forward at a cursor, back in the backward phase
    [
      { ...base, truncate: 5, cursor: 7 },
      { ...base, truncate: 5, cursor: 18, phase: "backward" },
    ],
    [
      { ...base, truncate: 5, cursor: 18, phase: "backward" },
      { ...base, truncate: 5, cursor: 2 },
    ],
    [
      { ...base, truncate: 5 },
      { ...base, truncate: 5, cursor: 4 },
    ],
    [
      { ...s2s, truncate: 3, cursor: 2, cursorChain: 1 },
      { ...s2s, truncate: 3, cursor: 4, cursorChain: 1, phase: "backward" },
    ],
    [
      { ...s2s, truncate: 6, cursor: 4, cursorChain: 0, phase: "backward" },
      { ...s2s, truncate: 6, cursor: 4, cursorChain: 0 },
    ],
    [
      { ...s2s, cursor: 3, cursorChain: 0, rolled: true },
      { ...s2s, cursor: 2, cursorChain: 1, rolled: true },
    ],
    [base, { ...base, presenter: true }],
    [base, { ...base, rolled: true }],
    [
      { ...base, rolled: true },
      { ...base, units: 3 },
    ],
    [base, { ...base, tokens: ["the", "cat", "sat"], timesteps: 3 }],
    [
      { ...base, tokens: ["the", "cat", "sat"], timesteps: 3 },
      { ...base, timesteps: 3 },
    ],
    [base, { ...base, outputLayer: false, width: 600 }],
  ];
  for (const [a, b] of pairs) checkTransition(a, b);
});

test("a cursor step keeps the columns: only the highlighted elements change", () => {
  const kept = checkTransition({ ...base, cursor: 3 }, { ...base, cursor: 4 });
  assert.ok(kept > 0.99, `kept ${kept}`);
});
