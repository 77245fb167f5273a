// The whole backward path in the unrolled graph: a lane in every layer of a stack, through
// the seq2seq context into the encoder, the truncation band over what it truncates, and a
// BPTT label that is true at every setting.
import assert from "node:assert/strict";
import test from "node:test";
import { backwardNotes, bpttText } from "../src/lib/graph_bptt.js";
import { chainsFor, laneLayers } from "../src/lib/graph_chains.js";
import { laneStyles } from "../src/lib/graph_draw.js";
import { layoutGraph } from "../src/lib/graph_layout.js";
import { bandText, graphOptions, windowStarts, withGradients } from "./graph_options.js";

const base = graphOptions({ timesteps: 8 });

const bwd = (L) => L.edges.filter((e) => e.kind === "bwd");
test("laneLayers: every layer with its norms; without them only the top of the loss chain", () => {
  const chains = chainsFor({ ...base, layers: 3 });
  assert.deepEqual(laneLayers(chains, [9, 9, 9], 0), [[true, true, true]]);
  assert.deepEqual(laneLayers(chains, null, 0), [[false, false, true]]);
  const s2s = chainsFor({ ...base, architecture: "seq2seq", layers: 2, decoderSteps: 4 });
  assert.deepEqual(laneLayers(s2s, [9, 9, 5, 5], 1), [
    [true, true],
    [true, true],
  ]);
  assert.deepEqual(laneLayers(s2s, [], 1), [
    [false, false],
    [false, true],
  ]);
});

test("a 3-layer stack has a backward lane in every layer, one edge per step interval", () => {
  for (const truncate of [0, 3]) {
    const L = layoutGraph(withGradients({ ...base, layers: 3, truncate }));
    const lane = (l) => bwd(L).filter((e) => e.layer === l && e.x1 > e.x2);
    for (const l of [0, 1, 2]) {
      // h_8 → h_7 … h_1 → h_0 (plus the loss edge entering the top layer)
      const ts = lane(l)
        .map((e) => e.t)
        .filter((t, i, a) => a.indexOf(t) === i);
      assert.ok(ts.length >= 8, `layer ${l + 1}: ${ts.length} steps`);
      assert.ok(
        lane(l).every((e) => e.state === l),
        "edges read their own layer's norms",
      );
      // The lane sits below the nodes' centre line; forward recurrent edges above it.
      const fwd = L.edges.filter((e) => e.which === "hh" && e.layer === l);
      assert.ok(lane(l).every((e) => e.y1 > fwd[0].y1));
    }
    assert.match(bandText(L), truncate ? /^truncated BPTT: 3 steps/ : /every step of every layer/);
  }
});

test("seq2seq: the gradient goes back from the decoder through the context into the encoder", () => {
  for (const layers of [1, 2, 3]) {
    const L = layoutGraph(
      withGradients({ ...base, architecture: "seq2seq", layers, timesteps: 6, decoderSteps: 4 }),
    );
    for (let l = 0; l < layers; l++) {
      const enc = bwd(L).filter((e) => e.chain === 0 && e.layer === l && !e.down);
      // h_6 → h_5 … h_1 → h_0 in the encoder, and the context edge into h_6
      assert.deepEqual(
        enc.map((e) => e.t).sort((a, b) => a - b),
        [0, 1, 2, 3, 4, 5, 6],
        `encoder layer ${l + 1}`,
      );
      const ctx = enc.find((e) => e.context);
      assert.equal(ctx.t, 6);
      assert.equal(ctx.state, l);
      const dec = bwd(L).filter((e) => e.chain === 1 && e.layer === l && !e.down);
      assert.ok(dec.length >= 3 && dec.every((e) => e.state === layers + l));
      // drawn right to left, from the decoder's first node to the encoder's last
      assert.ok(ctx.x1 > ctx.x2);
    }
    assert.match(bandText(L), /context/);
  }
});

test("windowStarts (the reference): one timeline, decoder then context then encoder", () => {
  const s2s = chainsFor({ ...base, architecture: "seq2seq", timesteps: 6, decoderSteps: 4 });
  assert.deepEqual(windowStarts(s2s, 1, 0), [0, 0]);
  assert.deepEqual(windowStarts(s2s, 1, 3), [null, 1]);
  assert.deepEqual(windowStarts(s2s, 1, 4), [6, 0]);
  assert.deepEqual(windowStarts(s2s, 1, 6), [4, 0]);
  assert.deepEqual(windowStarts(chainsFor(base), 0, 3), [5]);
  assert.deepEqual(windowStarts(chainsFor(base), -1, 3), [null]);
});

test("the truncation band covers the encoder steps the window reaches", () => {
  const o = { ...base, architecture: "seq2seq", timesteps: 6, decoderSteps: 4 };
  const col = (L, chain, t) => L.columns.find((c) => c.chain === chain && c.t === t);
  const centre = (c) => c.x + c.w / 2;
  const deep = layoutGraph(withGradients({ ...o, truncate: 6 }));
  const band = deep.bands[0];
  assert.ok(band.x < centre(col(deep, 0, 4)) && band.x > centre(col(deep, 0, 3)));
  assert.ok(band.x + band.w > centre(col(deep, 1, 4)));
  assert.match(bandText(deep), /truncated BPTT: 6 steps \(the decoder \+ 2 encoder steps\)/);
  const shallow = layoutGraph(withGradients({ ...o, truncate: 2 }));
  const b2 = shallow.bands[0];
  assert.ok(b2.x > centre(col(shallow, 1, 1)) && b2.x < centre(col(shallow, 1, 2)));
  assert.ok(Number.isFinite(b2.x) && Number.isFinite(b2.w));
  const ctxOnly = layoutGraph(withGradients({ ...o, truncate: 4 }));
  const b4 = ctxOnly.bands[0];
  assert.ok(b4.x < centre(col(ctxOnly, 0, 6)) && b4.x > centre(col(ctxOnly, 0, 5)));
  assert.match(bandText(ctxOnly), /the decoder \+ the context/);
});

test("bpttText: full BPTT says only what the lanes show", () => {
  const one = chainsFor(base);
  assert.equal(
    bpttText(one, [[true]], 0, [0]).long,
    "full BPTT: the gradient flows back through every step",
  );
  const three = chainsFor({ ...base, layers: 3 });
  assert.equal(
    bpttText(three, [[false, false, true]], 0, [0]).long,
    "full BPTT (lane of the top layer only)",
  );
  assert.match(bpttText(three, [[true, true, true]], 0, [0]).long, /every layer/);
});

test("laneStyles: one log scale over every layer, so layers compare", () => {
  const top = Float32Array.from([1e-3, 1e-2, 1]);
  const low = Float32Array.from([1e-6, 1e-5, 1e-4]);
  const s = laneStyles(top, [low, top]);
  assert.equal(s.layers.length, 2);
  assert.ok(s.layers[0][2].level < s.layers[1][0].level);
  assert.equal(s.layers[1][2].level, 1);
  assert.equal(s.top, s.layers[1]);
  assert.deepEqual(laneStyles(top, []).layers, []);
});

function overlaps(a, b) {
  return a.x0 < b.x1 - 0.01 && b.x0 < a.x1 - 0.01 && a.y0 < b.y1 - 0.01 && b.y0 < a.y1 - 0.01;
}

test("labels stay legible with every lane drawn", () => {
  for (const width of [400, 800, 1280, 1920]) {
    for (const presenter of [false, true]) {
      for (const architecture of ["many-to-many", "seq2seq"]) {
        for (const layers of [1, 2, 3]) {
          for (const [timesteps, truncate] of [
            [3, 0],
            [12, 0],
            [12, 7],
            [200, 0],
            [200, 150],
          ]) {
            const o = { ...base, width, presenter, architecture, layers, timesteps, truncate };
            if (architecture === "seq2seq") o.decoderSteps = 5;
            const L = layoutGraph(withGradients(o));
            const what = JSON.stringify({
              width,
              presenter,
              architecture,
              layers,
              timesteps,
              truncate,
            });
            const boxes = L.labels.map((l) => ({
              ...l.box,
              text: l.parts.map((p) => p.text).join(""),
            }));
            for (let i = 0; i < boxes.length; i++) {
              assert.ok(
                boxes[i].x0 >= 0 && boxes[i].x1 <= L.width + 0.01,
                `${what}: ${boxes[i].text} cut`,
              );
              for (let j = i + 1; j < boxes.length; j++) {
                assert.ok(
                  !overlaps(boxes[i], boxes[j]),
                  `${what}: ${boxes[i].text} / ${boxes[j].text}`,
                );
              }
            }
            for (const b of L.bands) assert.ok(Number.isFinite(b.x) && b.w > 0, `${what}: band`);
          }
        }
      }
    }
  }
});

test("the gradient also comes down from each layer to the one below, at every drawn step", () => {
  const L = layoutGraph(withGradients({ ...base, layers: 3, timesteps: 6 }));
  const down = bwd(L).filter((e) => e.down);
  for (const [from, to] of [
    [2, 1],
    [1, 0],
  ]) {
    const here = down.filter((e) => e.from === from && e.layer === to);
    assert.deepEqual(
      here.map((e) => e.t),
      [1, 2, 3, 4, 5, 6],
    );
    assert.ok(
      here.every((e) => e.y2 > e.y1 && e.x1 === e.x2 && !e.zero),
      "pointing down",
    );
    assert.ok(here.every((e) => e.via === `W_xh^(${from + 1})`));
  }
  // Truncated to 2 steps: only steps 5 and 6 of the upper layers are differentiated.
  const cut = layoutGraph(withGradients({ ...base, layers: 2, timesteps: 6, truncate: 2 }));
  const flows = bwd(cut).filter((e) => e.down && !e.zero);
  assert.deepEqual(
    flows.map((e) => e.t),
    [5, 6],
  );
  // No per-layer norms (an older frame): no downward edges either.
  const old = layoutGraph({ ...base, layers: 3, gradLength: 9 });
  assert.equal(bwd(old).filter((e) => e.down).length, 0);
});

test("backwardNotes explain the lanes of a stack and the path into the encoder", () => {
  assert.deepEqual(backwardNotes({ architecture: "many-to-many", layers: 1 }, true), []);
  assert.deepEqual(backwardNotes({ architecture: "many-to-many", layers: 3 }, false), []);
  const stack = backwardNotes({ architecture: "many-to-many", layers: 3 }, true);
  assert.equal(stack.length, 1);
  assert.match(stack[0], /down from layer ℓ \+ 1/);
  const s2s = backwardNotes(
    { architecture: "seq2seq", layers: 1, truncate: 4, window: { active: true } },
    true,
  );
  assert.match(s2s[0], /through the context into the encoder's last state.*truncation window/);
});

test("the graph reads whether truncation is active from the window Python sends, not the setting", () => {
  // frame_info.window (rnnviz.frame.truncation) is the one rule; a window that cuts nothing
  // (active false) draws full BPTT whatever the truncate setting says.
  const full = { active: false, starts: { h: 0 } };
  const notes = backwardNotes(
    { architecture: "seq2seq", layers: 1, truncate: 4, window: full },
    true,
  );
  assert.doesNotMatch(notes[0], /truncation window/);
  const o = withGradients(graphOptions({ layers: 2, timesteps: 8, truncate: 3 }));
  const cutEdges = (L) => L.edges.filter((e) => e.kind === "bwd" && e.down && e.zero).length;
  const active = layoutGraph(o);
  const inactive = layoutGraph({ ...o, window: { ...o.window, active: false } });
  assert.ok(cutEdges(active) > 0, "the active window cuts the downward gradient before it");
  assert.equal(cutEdges(inactive), 0);
});
