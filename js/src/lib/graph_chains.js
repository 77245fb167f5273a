// What an architecture draws: chains of unrolled cells, which inputs and outputs exist,
// and the names of the shared weight matrices. Pure functions (unit-tested).

import { sym } from "./graph_text.js";

export const ARCHITECTURES = ["many-to-many", "many-to-one", "one-to-many", "seq2seq"];

/**
 * Chains of one architecture.
 *
 * Each chain: `{name, T, layers, x, y, h0, states}` with
 * `x` = "all" | "first" (one-to-many: zeros after x_1) | "none" (decoder: reads zeros),
 * `y` = "all" | "last" | "none", `h0` = whether it starts from a drawn h_0,
 * `states` = index into frame.states of each layer (bottom first).
 *
 * @param {{architecture: string, layers: number, returnSequences: boolean,
 *          timesteps: number, decoderSteps: number}} s
 */
export function chainsFor(s) {
  const T = Math.max(1, s.timesteps | 0);
  const layers = Math.min(3, Math.max(1, s.layers | 0));
  const states = Array.from({ length: layers }, (_, i) => i);
  if (s.architecture === "seq2seq") {
    // frame.states: encoder layers, then decoder layers. The decoder reads zeros.
    const D = Math.max(1, s.decoderSteps | 0 || T);
    const dec = states.map((i) => i + layers);
    return [
      { name: "encoder", T, layers, x: "all", y: "none", h0: true, states },
      { name: "decoder", T: D, layers, x: "none", y: "all", h0: false, states: dec },
    ];
  }
  if (s.architecture === "many-to-one") {
    return [{ name: null, T, layers, x: "all", y: "last", h0: true, states }];
  }
  if (s.architecture === "one-to-many") {
    return [{ name: null, T, layers, x: "first", y: "all", h0: true, states }];
  }
  return [
    { name: null, T, layers, x: "all", y: s.returnSequences ? "all" : "last", h0: true, states },
  ];
}

/**
 * Key and label of a shared weight matrix.
 *
 * @param {"xh" | "hh" | "hy"} which
 * @param {{name: string | null, layers: number}} chain
 * @param {number} layer 0-based layer in the chain
 */
export function matrixOf(which, chain, layer) {
  const dec = chain.name === "decoder" ? "dec" : "";
  const supText = chain.layers > 1 ? `${dec}(${layer + 1})` : dec;
  const key = supText ? `W_${which}^${supText}` : `W_${which}`;
  return { key, which, label: sym("W", which, supText) };
}

/**
 * Every matrix a set of chains uses, in legend order.
 *
 * @param {ReturnType<typeof chainsFor>} chains
 * @param {boolean} outputLayer whether y_t = g(h_t W_hy + b_y) exists (else y_t is h_t)
 */
export function matricesOf(chains, outputLayer) {
  const out = [];
  for (const chain of chains) {
    for (let l = 0; l < chain.layers; l++) {
      out.push(matrixOf("xh", chain, l), matrixOf("hh", chain, l));
    }
    if (chain.y !== "none" && outputLayer) out.push(matrixOf("hy", chain, chain.layers - 1));
  }
  return out;
}

/**
 * Index of the chain that carries the backward (BPTT) lane: the last chain whose
 * length + 1 equals the number of gradient norms (h_0..h_T); -1 when none matches.
 */
export function gradientChain(chains, gradLength) {
  for (let c = chains.length - 1; c >= 0; c--) if (chains[c].T + 1 === gradLength) return c;
  return -1;
}

/**
 * Short notes explaining what the drawing shows for these settings (plain text).
 *
 * @param {{architecture: string, layers: number, returnSequences: boolean,
 *          outputUnits: number, timesteps: number}} s
 */
export function architectureNotes(s) {
  const notes = [];
  const layers = Math.min(3, Math.max(1, s.layers | 0));
  if (s.architecture === "seq2seq") {
    notes.push(
      "seq2seq: the encoder reads x₁…x_T; its last state h_T is the decoder's initial state" +
        (layers > 1 ? " (layer by layer)." : "."),
      "The decoder has its own weights and reads zeros: it runs on that context alone.",
    );
  } else {
    for (let l = 1; l < layers; l++) {
      notes.push(
        `layer ${l} must return sequences: layer ${l + 1} needs an input at every timestep` +
          " (with return_sequences=False it would pass up a single vector).",
      );
    }
    if (s.architecture === "many-to-one") {
      notes.push("many-to-one: only h_T leaves the layer (return_sequences=False).");
    } else if (s.architecture === "one-to-many") {
      notes.push("one-to-many: one input x₁ (zeros after it), then an output at every step.");
    } else if (!s.returnSequences) {
      notes.push(
        "return_sequences=False: the layer outputs h_T only; the other steps are ghosted.",
      );
    }
  }
  if (!(s.outputUnits > 0)) notes.push("No output layer: each output is the hidden state itself.");
  return notes;
}

/**
 * Which layers of which chains carry a backward lane: per chain, one boolean per layer.
 *
 * With per-layer gradient norms (`gradLengths[i]` = length of frame.layer_dh_norms[i], the
 * gradient reaching the states `i` of frame.states), every layer whose norms cover its
 * h_0..h_T; without them (an older frame) only the top layer of the gradient chain `gc`.
 *
 * @param {ReturnType<typeof chainsFor>} chains
 * @param {number[] | null} gradLengths
 * @param {number} gc index of the chain the loss is on (-1: none)
 * @returns {boolean[][]}
 */
export function laneLayers(chains, gradLengths, gc) {
  const perLayer = Array.isArray(gradLengths) && gradLengths.length > 0;
  return chains.map((c, ci) =>
    Array.from({ length: c.layers }, (_, l) =>
      perLayer ? gradLengths[c.states[l]] === c.T + 1 : ci === gc && l === c.layers - 1,
    ),
  );
}

/**
 * First state of the truncated-BPTT window in each chain, as the frame sends it
 * (frame_info.window: rnnviz.widgets.graph.bptt_window, from rnnviz.frame.truncation — the
 * one rule; every layer of a chain is cut at the same step, so its top layer's is read):
 * `null` where the window does not reach the chain (or no gradient is drawn: `gc` < 0, a
 * chain after the loss chain), 0 for a chain differentiated to its h_0, T for an encoder of
 * which only h_T (the context) is. Without a window (an older frame): full BPTT.
 *
 * @param {ReturnType<typeof chainsFor>} chains
 * @param {number} gc index of the chain the loss is on (-1: none)
 * @param {{active: boolean, starts: Array<number | null>} | null | undefined} window
 * @returns {Array<number | null>}
 */
export function chainStarts(chains, gc, window) {
  return chains.map((c, ci) => {
    if (gc < 0 || ci > gc) return null;
    const s = window?.starts?.[c.states[c.layers - 1]];
    return s === undefined ? 0 : s;
  });
}
