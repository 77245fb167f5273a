// How far the pass has got at the time cursor, in the unrolled graph: what is computed and
// what is not yet. The scrubber runs the forward pass (chain by chain: seq2seq runs the
// encoder, then the decoder; timeline.js locate gives the cursor's chain and step), then
// the backward pass from the loss back to h_0. The heatmap veils the same steps
// (heatmap_data.js cursorShapes); the rolled view marks a chain not run yet (graph_rolled.js).
// Pure (no DOM); tested in js/test/graph_veil.test.js.
//
// - forward at (chain c, step t): h_s and y_s are computed for every step s ≤ t of chain c
//   and every step of the chains before it; later steps are `pending` (drawn as empty,
//   hatched cells); no gradient exists yet, so no backward lane is drawn (nor the gradient's
//   legend entry or the band's words: backwardStarted).
// - backward at (c, t): the forward pass is done (every state shown); the lane carrying
//   ∂L/∂h_s is computed for s ≥ t in chain c and in every chain after it; the lanes of
//   earlier steps are not drawn yet.
// - no cursor: everything is shown.

/**
 * The cursor in the layout's terms, or null without one.
 * @param {{tCursor: number, cursorChain?: number, phase?: string}} o layout options
 * @param {number} primary the chain the cursor is in when o.cursorChain is absent
 * @returns {{backward: boolean, chain: number, t: number} | null}
 */
export function progressAt(o, primary) {
  if (!(o.tCursor >= 0)) return null;
  return { backward: o.phase === "backward", chain: o.cursorChain ?? primary, t: o.tCursor };
}

/**
 * Whether the backward pass has started at the cursor (no cursor: everything is shown).
 * Until it has, the graph shows nothing of the gradient: no lane, no ‖∂L/∂hₜ‖ legend entry,
 * no words on the truncation band.
 * @param {object | null} at progressAt
 */
export function backwardStarted(at) {
  return !at || at.backward;
}

/** Forward: whether h_t (and y_t) of chain `chain` is not computed yet at the cursor. */
export function notComputedYet(at, chain, t) {
  if (!at || at.backward) return false;
  return chain > at.chain || (chain === at.chain && t > at.t);
}

/** Whether the gradient ‖∂L/∂h_t‖ of chain `chain` is computed at the cursor. */
export function gradientComputed(at, chain, t) {
  if (!at) return true;
  if (!at.backward) return false; // the backward pass has not started
  return chain > at.chain || (chain === at.chain && t >= at.t);
}

/**
 * Mark what the pass has not computed yet: h, y nodes and the forward edges into them get
 * `pending: true` (an h_0 column is given, never pending); backward edges whose gradient is
 * not computed yet are left out. Returns the edges to draw.
 * @param {object | null} at progressAt
 * @param {object[]} nodes layout nodes (marked in place)
 * @param {object[]} edges layout edges (forward ones marked in place)
 * @returns {object[]}
 */
export function applyProgress(at, nodes, edges) {
  if (!at) return edges;
  for (const n of nodes) {
    if (n.kind === "h" || n.kind === "y") n.pending = notComputedYet(at, n.chain, n.t);
  }
  const kept = [];
  for (const e of edges) {
    if (e.kind === "bwd") {
      if (gradientComputed(at, e.chain, e.t)) kept.push(e);
      continue;
    }
    // an edge into step t of its chain (W_xh, W_hh, W_hy, the context into decoder step 1)
    e.pending = notComputedYet(at, e.chain, e.t);
    kept.push(e);
  }
  return kept;
}

/** "t = 3", "encoder t = 3" (the chain named when there are several). */
function stepText(chains, at) {
  const name = chains.length > 1 ? chains[at.chain]?.name : "";
  return `${name ? `${name} ` : ""}t = ${at.t}`;
}

/**
 * What the graph shows at the cursor, in words (a caption under it): `long` when it fits,
 * else `short`; null without a cursor.
 * @param {object | null} at progressAt
 * @param {{name?: string, T: number}[]} chains
 * @returns {{long: string, short: string} | null}
 */
export function progressText(at, chains) {
  if (!at) return null;
  const step = stepText(chains, at);
  if (at.backward) {
    const short = `backward: ‖∂L/∂h‖ back to ${step}`;
    return {
      long: `backward: ‖∂L/∂hₜ‖ computed from the loss back to ${step}; earlier steps not reached yet`,
      short,
    };
  }
  const last = at.chain === chains.length - 1 && at.t >= chains[at.chain].T;
  const later = last ? "every step computed" : "hatched: not computed yet";
  return {
    long: `forward: computed up to ${step}; ${later}; backward pass not started`,
    short: `forward: computed up to ${step}`,
  };
}
