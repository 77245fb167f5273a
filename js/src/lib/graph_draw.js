// Turn a graph layout (graph_layout.js / graph_rolled.js) plus the frame's numbers into SVG.
// Text is always set with textContent: tokens and labels are never parsed as markup. The
// SVG is described as vnodes (graphTree) and patched in place (svg_patch.js): a new frame
// of the same geometry only sets the attributes and texts that changed.

import { count } from "./axes.js";
import { formatNumber } from "./format.js";
import { divergingColor, gradientStyles, zeroMeaning } from "./graph_color.js";
import { patchChildren } from "./svg_patch.js";

/** A vnode (svg_patch.js): tag, attributes, then text or kids; `key` names it among its
 * siblings. */
function el(tag, attrs = {}, kids = undefined, key = undefined) {
  return { tag, key, attrs, kids };
}

function title(text) {
  return { tag: "title", key: "title", text };
}

/** A <text> with sub/superscript parts as <tspan>s (dy shifts, 70 % size). */
export function textNode(lab, key = undefined) {
  const attrs = {
    x: lab.x,
    y: lab.y,
    "font-size": lab.size,
    "text-anchor": lab.anchor,
    class: `lbl ${lab.cls ?? ""}`,
  };
  if (lab.rotate) attrs.transform = `rotate(${lab.rotate} ${lab.x} ${lab.y})`;
  if (lab.matrix) attrs["data-matrix"] = lab.matrix;
  if (lab.parts.length === 1 && !lab.parts[0].sub && !lab.parts[0].sup) {
    return { tag: "text", key, attrs, text: lab.parts[0].text };
  }
  let shift = 0;
  const kids = [];
  for (const part of lab.parts) {
    const target = part.sub ? 0.3 * lab.size : part.sup ? -0.45 * lab.size : 0;
    const span = {};
    if (target !== shift) span.dy = String(target - shift);
    if (part.sub || part.sup) span["font-size"] = String(lab.size * 0.7);
    kids.push({ tag: "tspan", attrs: span, text: part.text });
    shift = target;
  }
  return el("text", attrs, kids, key);
}

function arrowHead(e, size) {
  const ang = Math.atan2(e.y2 - e.y1, e.x2 - e.x1);
  const a = (d) => [e.x2 - size * Math.cos(ang + d), e.y2 - size * Math.sin(ang + d)];
  const [p1, p2] = [a(0.45), a(-0.45)];
  return el("path", { d: `M${e.x2},${e.y2}L${p1[0]},${p1[1]}L${p2[0]},${p2[1]}Z`, class: "head" });
}

/** Identity of an edge among the edges of its layer (same step, layer, chain, role). */
function edgeKey(e) {
  const flags = `${e.down ? "d" : ""}${e.context ? "c" : ""}`;
  return `${e.kind}:${e.which ?? ""}:${e.chain}:${e.layer ?? ""}:${e.from ?? ""}:${e.t}:${flags}`;
}

function edgeNode(e, m, extraClass = "") {
  const cls = ["edge", `e-${e.which ?? "plain"}`];
  if (!e.matrix) cls.push("e-identity");
  if (e.ghost) cls.push("ghost");
  if (e.dashed) cls.push("dashed");
  if (e.pending) cls.push("pending");
  if (extraClass) cls.push(extraClass);
  const kids = [];
  if (e.path) {
    kids.push(el("path", { d: e.path, class: "line", "stroke-width": m.line, fill: "none" }));
  } else {
    const ends = { x1: e.x1, y1: e.y1, x2: e.x2, y2: e.y2 };
    kids.push(el("line", { ...ends, class: "line", "stroke-width": m.line }));
    if (e.matrix) kids.push(el("line", { ...ends, class: "hit", "stroke-width": 10 * m.k }));
  }
  kids.push(arrowHead(e.head ?? e, 5 * m.k));
  if (e.matrix) kids.push(title(`${e.matrix.replace("^", " ")}: the same matrix at every step`));
  const attrs = { class: cls.join(" "), "data-matrix": e.matrix ?? undefined };
  return el("g", attrs, kids, edgeKey(e));
}

function gradEdgeNode(e, style, m, where, hot = false) {
  const cls = ["edge", "bwd", `g-${style.state}`];
  if (e.dashed) cls.push("dashed");
  if (e.context) cls.push("context");
  if (e.down) cls.push("down");
  if (hot) cls.push("hot");
  const attrs = {
    class: cls.join(" "),
    "data-t": e.t,
    "data-bwd-layer": e.layer === undefined ? undefined : e.layer + 1,
    "data-bwd-chain": where.chain,
    "data-bwd-down": e.down ? "true" : undefined,
  };
  const w = style.state === "zero" ? m.line * 0.7 : m.line * (0.8 + 3.2 * style.level);
  const opacity = style.state === "active" ? 0.35 + 0.65 * style.level : 1;
  const kids = [
    el("line", {
      x1: e.x1,
      y1: e.y1,
      x2: e.x2,
      y2: e.y2,
      class: "line",
      "stroke-width": w,
      opacity,
    }),
    arrowHead(e, (4 + 2 * style.level) * m.k),
  ];
  if (e.down) {
    const into = `h_${e.t}^(${e.layer + 1})`;
    const via = (e.via ?? "").replace("^", " ");
    kids.push(
      title(
        style.state === "zero"
          ? `no gradient flows down into ${into} here (outside the truncation window)`
          : `the gradient flows down from layer ${e.from + 1} through ${via} into ${into}`,
      ),
    );
  } else {
    kids.push(
      title(
        `‖∂L/∂h_${e.t}${where.of}‖ = ${formatNumber(style.value)}${style.state === "zero" ? ` (${zeroMeaning(where.windowed)})` : ""}`,
      ),
    );
  }
  return el("g", attrs, kids, edgeKey(e));
}

/** Downward gradient edges (layer ℓ+1 → ℓ): drawn thin, at a fixed strength. */
const DOWN_STYLE = { state: "active", level: 0.15, value: Number.NaN };

/**
 * Styles of the backward edges: per entry of frame.states when per-layer norms are given
 * (one log scale for all of them, so layers compare), else the top layer's norms alone.
 *
 * @param {Float32Array | null} dh top layer's norms
 * @param {Array<Float32Array | null> | null} dhLayers per-layer norms
 * @returns {{top: Array | null, layers: Array<Array | null>}}
 */
export function laneStyles(dh, dhLayers) {
  const arrays = (dhLayers ?? []).filter(Boolean);
  if (!arrays.length) return { top: dh ? gradientStyles(dh) : null, layers: [] };
  const all = gradientStyles(arrays.flatMap((a) => Array.from(a)));
  let at = 0;
  const layers = (dhLayers ?? []).map((a) => {
    if (!a) return null;
    const out = all.slice(at, at + a.length);
    at += a.length;
    return out;
  });
  return { top: layers[layers.length - 1] ?? null, layers };
}

function valueAt(states, node, p) {
  const arr = states?.[node.state];
  if (!arr || node.kind === "h0" || arr.shape.length !== 2 || arr.shape[1] !== p) return null;
  const row = node.t - 1;
  if (row < 0 || row >= arr.shape[0]) return null;
  return arr.values.subarray(row * p, (row + 1) * p);
}

/** What a node not computed yet at the cursor says (the heatmap's veil: "forward: not
 * computed yet"). */
export const PENDING_TEXT = "not computed yet at the cursor";

/** Diagonal hatch lines over the box (x, y, w, h), spaced `gap` apart, as one path. */
export function hatchPath(x, y, w, h, gap) {
  const parts = [];
  for (let s = gap / 2; s < w + h; s += gap) {
    // the line x + u = const (s from the top-left corner), clipped to the box
    const x0 = x + Math.min(s, w);
    const y0 = y + Math.max(0, s - w);
    const x1 = x + Math.max(0, s - h);
    const y1 = y + Math.min(s, h);
    parts.push(`M${x0},${y0}L${x1},${y1}`);
  }
  return parts.join("");
}

function hNode(n, L, d, hot) {
  const { m, slots } = L;
  const pending = Boolean(n.pending);
  const attrs = {
    class: `node h-node${n.kind === "h0" ? " h0" : ""}${pending ? " pending" : ""}${hot ? " hot" : ""}`,
    "data-testid": "h-node",
    "data-t": n.t,
    "data-layer": n.layer + 1,
    "data-chain": n.chain,
    "data-units-drawn": L.unitsDrawn,
    "data-pending": pending ? "true" : undefined,
  };
  const kids = [];
  // A pending node has no state: empty cells, never the colour of a value (not even 0).
  const vals = pending ? null : valueAt(d.states, n, d.units);
  const x = n.cx - m.cellW / 2;
  const top = n.cy - n.h / 2;
  for (const slot of slots) {
    const y = top + slot.y;
    if (slot.ellipsis) {
      for (const dy of [-0.28, 0, 0.28]) {
        kids.push(
          el("circle", { cx: n.cx, cy: y + slot.h * (0.5 + dy), r: 0.9 * m.k, class: "dots" }),
        );
      }
      continue;
    }
    const thin = slot.h < 3 * m.k ? " thin" : "";
    if (pending) {
      kids.push(el("rect", { x, y, width: m.cellW, height: slot.h, class: `cell pending${thin}` }));
      continue;
    }
    const v = vals ? vals[slot.unit] : 0;
    const fill = divergingColor(v, d.range[0], d.range[1], d.dark);
    kids.push(
      el("rect", {
        x,
        y,
        width: m.cellW,
        height: slot.h,
        class: `cell${fill ? "" : " nan"}${thin}`,
        fill: fill ?? undefined,
      }),
    );
  }
  if (pending) {
    const hatch = hatchPath(x, top, m.cellW, n.h, 5 * m.k);
    kids.push(el("path", { d: hatch, class: "hatch", fill: "none" }, undefined, "hatch"));
  }
  const frame = {
    x: n.cx - n.w / 2,
    y: top - 2 * m.k,
    width: n.w,
    height: n.h + 4 * m.k,
    rx: 3 * m.k,
    class: "frame",
  };
  kids.push(el("rect", frame, undefined, "frame"));
  // a pending node of the rolled view has no step (t = 0 there is not h_0)
  const what =
    n.kind === "h0" ? "h_0 = 0 (initial state)" : pending && !(n.t > 0) ? "h_t" : `h_${n.t}`;
  const layer = L.chains[n.chain].layers > 1 ? ` layer ${n.layer + 1}` : "";
  const chain = L.chains[n.chain].name ? ` ${L.chains[n.chain].name}` : "";
  let summary = "";
  if (vals) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of vals) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    summary = `: values ${formatNumber(lo)} … ${formatNumber(hi)}`;
  }
  const tip = pending
    ? `${what}${chain}${layer} — ${PENDING_TEXT}`
    : `${what}${chain}${layer} — ${count(d.units, "unit")}${summary}`;
  kids.push(title(tip));
  return el("g", attrs, kids, `${n.kind}:${n.chain}:${n.layer}:${n.t}`);
}

function ioNode(n, outputLayer) {
  const cls = `node io ${n.kind}-node${n.ghost ? " ghost" : ""}${n.pending ? " pending" : ""}${n.kind === "y" && outputLayer ? " has-w" : ""}`;
  const kids = [el("circle", { cx: n.cx, cy: n.cy, r: n.r })];
  if (n.kind === "x" && n.ghost) {
    kids.push(
      textNode({
        parts: [{ text: "0" }],
        x: n.cx,
        y: n.cy + n.r * 0.45,
        size: n.r * 1.3,
        anchor: "middle",
        cls: "zero",
      }),
    );
  }
  const what =
    n.kind === "x"
      ? n.ghost
        ? `x_${n.t} = 0`
        : `x_${n.t}`
      : n.ghost
        ? `y_${n.t} (not returned)`
        : `y_${n.t}`;
  kids.push(title(n.pending ? `y_${n.t} — ${PENDING_TEXT}` : what));
  const attrs = { class: cls, "data-t": n.t, "data-pending": n.pending ? "true" : undefined };
  return el("g", attrs, kids, `${n.kind}:${n.chain}:${n.t}`);
}

/**
 * What the SVG of a layout shows (vnodes for svg_patch.js): the layers' groups in order,
 * each with its elements, keyed so that the same node, edge or step keeps its element.
 *
 * @param {object} L layout
 * @param {object} d the frame's numbers (see drawGraph)
 */
export function graphTree(L, d) {
  const { m } = L;
  const layers = {};
  for (const name of ["bands", "cursor", "bwd", "fwd", "nodes", "labels"]) layers[name] = [];
  for (const b of L.bands) {
    layers.bands.push(
      el("rect", { x: b.x, y: b.y, width: b.w, height: b.h, rx: 6 * m.k, class: "bptt-band" }),
    );
  }
  const fwdPhase = d.phase !== "backward";
  const cursorChain = d.cursorChain ?? L.primary; // the chain the cursor is in (timeline.js)
  const cursorCol = L.rolled
    ? null
    : L.columns.find((c) => c.chain === cursorChain && c.t === d.cursor && (c.t > 0 || !fwdPhase));
  if (cursorCol) {
    layers.cursor.push(
      el("rect", {
        x: cursorCol.x + 2,
        y: 0,
        width: cursorCol.w - 4,
        height: L.height,
        class: "cursor-col",
      }),
    );
  }
  const hotNode = (n) => cursorCol && fwdPhase && n.chain === cursorChain && n.t === d.cursor;
  const lanes = d.dh ? laneStyles(d.dh, d.dhLayers) : null;
  for (const e of L.edges) {
    if (e.kind === "bwd") {
      const styles = lanes?.layers[e.state] ?? lanes?.top;
      if (!styles || styles[e.t] === undefined) continue;
      if (e.down) {
        // The path, not a magnitude (the lanes carry the norms): neutral, or cut.
        const style = e.zero ? { state: "zero", level: 0, value: 0 } : DOWN_STYLE;
        const where = { chain: L.chains[e.chain].name ?? "main", of: "" };
        layers.bwd.push(gradEdgeNode(e, style, m, where));
        continue;
      }
      const chain = L.chains[e.chain];
      const layerSup = chain.layers > 1 && e.layer !== undefined ? `^(${e.layer + 1})` : "";
      const where = {
        chain: chain.name ?? "main",
        of: `${layerSup}${chain.name ? ` (${chain.name})` : ""}`,
        windowed: L.bands.length > 0,
      };
      const hot = cursorCol && !fwdPhase && e.t === d.cursor && e.chain === cursorChain;
      layers.bwd.push(gradEdgeNode(e, styles[e.t], m, where, hot));
      continue;
    }
    const hot = hotNode(e) && e.which !== "hy";
    layers.fwd.push(edgeNode(e, m, hot ? "hot" : ""));
  }
  for (const n of L.nodes) {
    if (n.kind === "h" || n.kind === "h0") layers.nodes.push(hNode(n, L, d, hotNode(n)));
    else layers.nodes.push(ioNode(n, d.outputLayer));
  }
  if (L.lossBox) {
    const b = L.lossBox;
    const kids = [
      el("rect", { x: b.x, y: b.y, width: b.w, height: b.h, rx: 4 * m.k }),
      title("loss L = ½‖y_T − target‖² — its gradient flows back along the pink edges"),
    ];
    layers.nodes.push(el("g", { class: "node loss" }, kids, "loss"));
  }
  for (const lab of [...L.labels, ...L.tokenLabels]) layers.labels.push(textNode(lab));
  return Object.entries(layers).map(([name, kids]) =>
    el("g", { class: `layer-${name}` }, kids, name),
  );
}

/**
 * Draw a layout into `svg`: a fresh SVG the first time, then only what changed (the
 * elements of the same node, edge or label keep their element and get the attributes and
 * texts that differ; new ones are created, gone ones removed). The result is the DOM a
 * fresh build of the same frame gives.
 *
 * @param {SVGSVGElement} svg
 * @param {object} L layout
 * @param {{states: Array, dh: Float32Array | null, dhLayers?: Array<Float32Array | null>,
 *          range: [number, number], units: number, cursor: number, phase: string,
 *          cursorChain?: number,
 *          outputLayer: boolean}} d
 */
export function drawGraph(svg, L, d) {
  const viewBox = `0 0 ${L.width} ${L.height}`;
  if (svg.getAttribute("viewBox") !== viewBox) svg.setAttribute("viewBox", viewBox);
  patchChildren(svg, graphTree(L, d));
}
