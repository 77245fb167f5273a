// The unrolled graph at the time cursor shows only what the pass has computed (as the
// heatmap's veil): forward at step t, the h and y nodes of later steps are pending (empty,
// hatched, no value colour, "not computed yet at the cursor") and no backward lane is drawn
// (the backward pass has not started); backward at step t, every state is shown and only
// the lanes from the loss back to t. No cursor: everything, as before.

import assert from "node:assert/strict";
import test from "node:test";
import graph from "../src/graph.js";
import { PENDING_TEXT, graphTree } from "../src/lib/graph_draw.js";
import { layoutRolled } from "../src/lib/graph_rolled.js";
import { locate } from "../src/lib/timeline.js";
import { installDom, settle } from "./fake_dom.js";
import { fakeModel, wire } from "./fake_model.js";
import { graphOptions, layoutWithGradients } from "./graph_options.js";

const T = 6; // encoder steps (seq2seq) / steps (rnn)
const S = 4; // decoder steps
const TIMELINE = [
  { name: "encoder", start: 0, steps: T, layers: [0] },
  { name: "decoder", start: T, steps: S, layers: [1] },
];
const RNN = graphOptions({ timesteps: T, units: 4, width: 900 });
const SEQ = graphOptions({ timesteps: T, units: 4, width: 900, architecture: "seq2seq" });
Object.assign(SEQ, { decoderSteps: S });

/** Layout (with the frame's gradient norms) at cursor g of the whole run. */
function at(o, g, phase, timeline = null) {
  const c = locate(timeline, g, phase);
  return layoutWithGradients({ ...o, tCursor: c ? c.t : -1, cursorChain: c?.segment, phase });
}

/** [chain, t] of the pending nodes of `kind`. */
const pending = (L, kind) =>
  L.nodes.filter((n) => n.kind === kind && n.pending).map((n) => [n.chain, n.t]);
const steps = (from, to, chain = 0) =>
  Array.from({ length: to - from + 1 }, (_, i) => [chain, from + i]);
const lanes = (L) => L.edges.filter((e) => e.kind === "bwd");
const caption = (L) => L.labels.find((l) => l.cls === "caption")?.parts[0].text;

test("rnn, forward at t = 3: later h and y are pending, no backward lane", () => {
  const L = at(RNN, 3, "forward");
  assert.deepEqual(pending(L, "h"), steps(4, T));
  assert.deepEqual(pending(L, "y"), steps(4, T));
  assert.ok(L.nodes.some((n) => n.kind === "h" && n.t === 3 && !n.pending));
  assert.ok(!L.nodes.some((n) => n.kind === "h0" && n.pending), "h_0 is given");
  assert.equal(lanes(L).length, 0, "the backward pass has not started");
  // the forward edges into a pending step are marked too (drawn faint)
  assert.ok(L.edges.filter((e) => e.t > 3).every((e) => e.pending));
  assert.ok(L.edges.filter((e) => e.t <= 3).every((e) => !e.pending));
  assert.match(caption(L), /^forward: computed up to t = 3; hatched: not computed yet/);
  // at the last step every state is computed, still no gradient
  const last = at(RNN, T, "forward");
  assert.deepEqual(pending(last, "h"), []);
  assert.equal(lanes(last).length, 0);
  assert.match(caption(last), /every step computed; backward pass not started$/);
});

test("seq2seq, forward in the encoder: later encoder steps and the whole decoder pending", () => {
  const L = at(SEQ, 3, "forward", TIMELINE);
  assert.deepEqual(pending(L, "h"), [...steps(4, T), ...steps(1, S, 1)]);
  assert.deepEqual(pending(L, "y"), steps(1, S, 1));
  assert.equal(lanes(L).length, 0);
  assert.ok(
    L.edges.some((e) => e.context && e.pending),
    "the context is not passed yet",
  );
  assert.match(caption(L), /^forward: computed up to encoder t = 3/);
  // in the decoder: the encoder is done
  const D = at(SEQ, T + 2, "forward", TIMELINE);
  assert.deepEqual(pending(D, "h"), steps(3, S, 1));
  assert.equal(lanes(D).length, 0);
  assert.match(caption(D), /^forward: computed up to decoder t = 2/);
});

test("backward: every state shown, lanes only from the loss back to the cursor", () => {
  const full = lanes(layoutWithGradients(RNN)); // no cursor: every lane
  const B = at(RNN, 4, "backward");
  assert.deepEqual(pending(B, "h"), []);
  assert.deepEqual(
    lanes(B).map((e) => e.t),
    full.map((e) => e.t).filter((t) => t >= 4),
  );
  assert.match(caption(B), /^backward: ‖∂L\/∂hₜ‖ computed from the loss back to t = 4/);
  assert.equal(lanes(at(RNN, 0, "backward")).length, full.length, "at h_0: every lane");
  // seq2seq, the gradient in the decoder: not yet through the context into the encoder
  const s2s = lanes(layoutWithGradients(SEQ));
  const D = lanes(at(SEQ, T + 2, "backward", TIMELINE));
  assert.ok(D.length > 0 && D.every((e) => e.chain === 1 && e.t >= 2));
  // at g = T the gradient reaches the encoder's h_T through the context
  const E = lanes(at(SEQ, T, "backward", TIMELINE));
  assert.ok(E.some((e) => e.chain === 0 && e.context));
  assert.ok(E.every((e) => e.chain === 1 || e.t === T));
  assert.equal(lanes(at(SEQ, 0, "backward", TIMELINE)).length, s2s.length);
});

test("no cursor: nothing pending, every lane, no caption", () => {
  for (const o of [RNN, SEQ]) {
    const L = layoutWithGradients(o);
    assert.equal(pending(L, "h").length + pending(L, "y").length, 0);
    assert.ok(lanes(L).length > 0);
    assert.equal(caption(L), undefined);
  }
});

/** Every vnode under `v`, depth first. */
function* walk(v) {
  for (const k of v.kids ?? []) {
    yield k;
    yield* walk(k);
  }
}

const D = { dark: false, dh: null, dhLayers: [], range: [-1, 1], units: 4, outputLayer: true };

/** Frame numbers for a layout: every state 0 (the value whose colour a pending node had). */
function numbers(L, extra) {
  const states = [];
  for (const c of L.chains) for (const i of c.states) states[i] = zeros(c.T);
  return { ...D, states, cursor: -1, phase: "forward", ...extra };
}
const zeros = (n) => ({ values: new Float32Array(n * 4), shape: [n, 4] });

/** The drawn h and y node groups of a layout, with their cells and tooltip. */
function drawn(L, d) {
  const groups = [...walk({ kids: graphTree(L, d) })].filter(
    (v) => v.tag === "g" && /\b(h|y)-node\b/.test(v.attrs?.class ?? ""),
  );
  return groups.map((g) => ({
    cls: g.attrs.class,
    pending: g.attrs["data-pending"] === "true",
    fills: (g.kids ?? [])
      .filter((k) => /\bcell\b/.test(k.attrs?.class ?? ""))
      .map((k) => k.attrs.fill),
    tip: (g.kids ?? []).find((k) => k.tag === "title")?.text,
  }));
}

test("a pending node is drawn without a value colour and says it is not computed yet", () => {
  assert.equal(PENDING_TEXT, "not computed yet at the cursor");
  const L = at(SEQ, 3, "forward", TIMELINE);
  const g = drawn(L, numbers(L, { cursor: 3, cursorChain: 0 }));
  const waiting = g.filter((n) => n.pending);
  assert.equal(waiting.length, T - 3 + 2 * S); // h of encoder 4..6, h and y of the decoder
  for (const n of waiting) {
    assert.ok(/\bpending\b/.test(n.cls));
    assert.ok(
      n.fills.every((f) => f === undefined),
      `${n.tip}: a value colour`,
    );
    assert.ok(n.tip.endsWith(`— ${PENDING_TEXT}`), n.tip);
  }
  assert.ok(waiting.some((n) => n.tip === `h_1 decoder — ${PENDING_TEXT}`));
  assert.ok(waiting.some((n) => n.tip === `y_2 — ${PENDING_TEXT}`));
  // a computed h = 0 keeps its (neutral) value colour and its values
  const done = g.filter((n) => !n.pending && /h-node/.test(n.cls) && !/h0/.test(n.cls));
  assert.ok(done.length > 0 && done.every((n) => n.fills.every(Boolean)));
  assert.ok(done.every((n) => /values 0 … 0$/.test(n.tip)));
  // the rolled view's pending cell (the decoder not run yet) has no h_0 in its tooltip
  const R = layoutRolled({ ...SEQ, tCursor: 3, cursorChain: 0, phase: "forward" });
  const rolled = drawn(R, numbers(R, { cursor: 3, cursorChain: 0 })).filter((n) => n.pending);
  assert.equal(rolled.length, 1);
  assert.deepEqual(rolled[0].fills, [undefined, undefined, undefined, undefined]);
  assert.equal(rolled[0].tip, `h_t decoder — ${PENDING_TEXT}`);
});

test("the graph view passes the cursor and phase: the unrolled seq2seq veils the decoder", async () => {
  const uninstall = installDom();
  try {
    // a redraw patches in place (svg_patch.js): the one method the fake DOM lacks
    const proto = Object.getPrototypeOf(document.createElement("g"));
    proto.removeAttribute ??= function removeAttribute(name) {
      delete this.attributes[name];
    };
    const model = fakeModel({
      _drawn_traits: ["frame_info", "states", "t_cursor", "phase", "rolled"],
      frame_info: {
        settings: { units: 4, architecture: "seq2seq", layers: 1, cell: "rnn", output_units: 1 },
        timesteps: T,
        decoder_steps: S,
        timeline: TIMELINE,
        cell_info: { display_name: "RNN" },
        shapes: [],
        state_range: [-1, 1],
      },
      states: [wire(new Array(T * 4).fill(0.9), [T, 4]), wire(new Array(S * 4).fill(0.9), [S, 4])],
      dh_norms: wire(new Array(S + 1).fill(0.5)),
      layer_dh_norms: [wire(new Array(T + 1).fill(0.5)), wire(new Array(S + 1).fill(0.5))],
      t_cursor: 3,
      phase: "forward",
      rolled: false,
      presenter: false,
    });
    const el = document.createElement("div");
    graph.render({ model, el });
    const all = () => {
      const out = [];
      const visit = (n) => {
        for (const c of n.children ?? []) {
          out.push(c);
          visit(c);
        }
      };
      visit(el);
      return out;
    };
    const count = (pred) => all().filter((n) => pred(n.attributes ?? {})).length;
    const pendingH = () =>
      count((a) => a["data-testid"] === "h-node" && a["data-pending"] === "true");
    const bwd = () => count((a) => a["data-bwd-chain"] !== undefined); // lanes, not the legend
    assert.equal(pendingH(), T - 3 + S);
    assert.equal(bwd(), 0);
    model.update({ phase: "backward", t_cursor: T + 1 }); // decoder t = 1
    await settle(40);
    assert.equal(pendingH(), 0);
    assert.ok(bwd() > 0);
    assert.ok(
      all().every((n) => !(n.attributes?.["data-bwd-chain"] === "encoder")),
      "the gradient has not reached the encoder",
    );
    model.update({ t_cursor: -1, phase: "forward" });
    await settle(40);
    assert.equal(pendingH(), 0);
    assert.ok(all().some((n) => n.attributes?.["data-bwd-chain"] === "encoder"));
  } finally {
    uninstall();
  }
});
