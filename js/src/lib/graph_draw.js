// Turn a graph layout (graph_layout.js / graph_rolled.js) plus the frame's numbers into SVG.
// Text is always set with textContent: tokens and labels are never parsed as markup.

import { count } from "./axes.js";
import { formatNumber } from "./format.js";
import { divergingColor, gradientStyles, zeroMeaning } from "./graph_color.js";

const NS = "http://www.w3.org/2000/svg";

export function svgEl(tag, attrs = {}, parent = null) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  }
  if (parent) parent.appendChild(node);
  return node;
}

function title(parent, text) {
  svgEl("title", {}, parent).textContent = text;
}

/** A <text> with sub/superscript parts as <tspan>s (dy shifts, 70 % size). */
export function drawText(parent, lab) {
  const attrs = {
    x: lab.x,
    y: lab.y,
    "font-size": lab.size,
    "text-anchor": lab.anchor,
    class: `lbl ${lab.cls ?? ""}`,
  };
  if (lab.rotate) attrs.transform = `rotate(${lab.rotate} ${lab.x} ${lab.y})`;
  if (lab.matrix) attrs["data-matrix"] = lab.matrix;
  const node = svgEl("text", attrs, parent);
  if (lab.parts.length === 1 && !lab.parts[0].sub && !lab.parts[0].sup) {
    node.textContent = lab.parts[0].text;
    return node;
  }
  let shift = 0;
  for (const part of lab.parts) {
    const target = part.sub ? 0.3 * lab.size : part.sup ? -0.45 * lab.size : 0;
    const span = svgEl("tspan", {}, node);
    if (target !== shift) span.setAttribute("dy", String(target - shift));
    if (part.sub || part.sup) span.setAttribute("font-size", String(lab.size * 0.7));
    span.textContent = part.text;
    shift = target;
  }
  return node;
}

function arrowHead(parent, e, size) {
  const ang = Math.atan2(e.y2 - e.y1, e.x2 - e.x1);
  const a = (d) => [e.x2 - size * Math.cos(ang + d), e.y2 - size * Math.sin(ang + d)];
  const [p1, p2] = [a(0.45), a(-0.45)];
  svgEl(
    "path",
    { d: `M${e.x2},${e.y2}L${p1[0]},${p1[1]}L${p2[0]},${p2[1]}Z`, class: "head" },
    parent,
  );
}

function drawEdge(parent, e, m, extraClass = "") {
  const cls = ["edge", `e-${e.which ?? "plain"}`];
  if (!e.matrix) cls.push("e-identity");
  if (e.ghost) cls.push("ghost");
  if (e.dashed) cls.push("dashed");
  if (extraClass) cls.push(extraClass);
  const g = svgEl("g", { class: cls.join(" "), "data-matrix": e.matrix ?? undefined }, parent);
  if (e.path) {
    svgEl("path", { d: e.path, class: "line", "stroke-width": m.line, fill: "none" }, g);
  } else {
    svgEl(
      "line",
      { x1: e.x1, y1: e.y1, x2: e.x2, y2: e.y2, class: "line", "stroke-width": m.line },
      g,
    );
    if (e.matrix) {
      svgEl(
        "line",
        { x1: e.x1, y1: e.y1, x2: e.x2, y2: e.y2, class: "hit", "stroke-width": 10 * m.k },
        g,
      );
    }
  }
  arrowHead(g, e.head ?? e, 5 * m.k);
  if (e.matrix) title(g, `${e.matrix.replace("^", " ")}: the same matrix at every step`);
  return g;
}

function drawGradEdge(parent, e, style, m, where) {
  const cls = ["edge", "bwd", `g-${style.state}`];
  if (e.dashed) cls.push("dashed");
  if (e.context) cls.push("context");
  if (e.down) cls.push("down");
  const attrs = {
    class: cls.join(" "),
    "data-t": e.t,
    "data-bwd-layer": e.layer === undefined ? undefined : e.layer + 1,
    "data-bwd-chain": where.chain,
    "data-bwd-down": e.down ? "true" : undefined,
  };
  const g = svgEl("g", attrs, parent);
  const w = style.state === "zero" ? m.line * 0.7 : m.line * (0.8 + 3.2 * style.level);
  const opacity = style.state === "active" ? 0.35 + 0.65 * style.level : 1;
  svgEl(
    "line",
    { x1: e.x1, y1: e.y1, x2: e.x2, y2: e.y2, class: "line", "stroke-width": w, opacity },
    g,
  );
  arrowHead(g, e, (4 + 2 * style.level) * m.k);
  if (e.down) {
    const into = `h_${e.t}^(${e.layer + 1})`;
    const via = (e.via ?? "").replace("^", " ");
    title(
      g,
      style.state === "zero"
        ? `no gradient flows down into ${into} here (outside the truncation window)`
        : `the gradient flows down from layer ${e.from + 1} through ${via} into ${into}`,
    );
    return g;
  }
  title(
    g,
    `‖∂L/∂h_${e.t}${where.of}‖ = ${formatNumber(style.value)}${style.state === "zero" ? ` (${zeroMeaning(where.windowed)})` : ""}`,
  );
  return g;
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

function drawHNode(parent, n, L, d, hot) {
  const { m, slots } = L;
  const g = svgEl(
    "g",
    {
      class: `node h-node${n.kind === "h0" ? " h0" : ""}${hot ? " hot" : ""}`,
      "data-testid": "h-node",
      "data-t": n.t,
      "data-layer": n.layer + 1,
      "data-chain": n.chain,
      "data-units-drawn": L.unitsDrawn,
    },
    parent,
  );
  const vals = valueAt(d.states, n, d.units);
  const x = n.cx - m.cellW / 2;
  const top = n.cy - n.h / 2;
  for (const slot of slots) {
    const y = top + slot.y;
    if (slot.ellipsis) {
      for (const dy of [-0.28, 0, 0.28]) {
        svgEl("circle", { cx: n.cx, cy: y + slot.h * (0.5 + dy), r: 0.9 * m.k, class: "dots" }, g);
      }
      continue;
    }
    const v = vals ? vals[slot.unit] : 0;
    const fill = divergingColor(v, d.range[0], d.range[1], d.dark);
    svgEl(
      "rect",
      {
        x,
        y,
        width: m.cellW,
        height: slot.h,
        class: `cell${fill ? "" : " nan"}${slot.h < 3 * m.k ? " thin" : ""}`,
        fill: fill ?? undefined,
      },
      g,
    );
  }
  svgEl(
    "rect",
    {
      x: n.cx - n.w / 2,
      y: top - 2 * m.k,
      width: n.w,
      height: n.h + 4 * m.k,
      rx: 3 * m.k,
      class: "frame",
    },
    g,
  );
  const what = n.kind === "h0" ? "h_0 = 0 (initial state)" : `h_${n.t}`;
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
  title(g, `${what}${chain}${layer} — ${count(d.units, "unit")}${summary}`);
}

function drawIo(parent, n, outputLayer) {
  const cls = `node io ${n.kind}-node${n.ghost ? " ghost" : ""}${n.kind === "y" && outputLayer ? " has-w" : ""}`;
  const g = svgEl("g", { class: cls, "data-t": n.t }, parent);
  svgEl("circle", { cx: n.cx, cy: n.cy, r: n.r }, g);
  if (n.kind === "x" && n.ghost) {
    drawText(g, {
      parts: [{ text: "0" }],
      x: n.cx,
      y: n.cy + n.r * 0.45,
      size: n.r * 1.3,
      anchor: "middle",
      cls: "zero",
    });
  }
  const what =
    n.kind === "x"
      ? n.ghost
        ? `x_${n.t} = 0`
        : `x_${n.t}`
      : n.ghost
        ? `y_${n.t} (not returned)`
        : `y_${n.t}`;
  title(g, what);
}

/**
 * Draw a layout into `svg` (emptied first).
 *
 * @param {SVGSVGElement} svg
 * @param {object} L layout
 * @param {{states: Array, dh: Float32Array | null, dhLayers?: Array<Float32Array | null>,
 *          range: [number, number], units: number, cursor: number, phase: string,
 *          cursorChain?: number,
 *          outputLayer: boolean}} d
 */
export function drawGraph(svg, L, d) {
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${L.width} ${L.height}`);
  const { m } = L;
  const layers = {};
  for (const name of ["bands", "cursor", "bwd", "fwd", "nodes", "labels"]) {
    layers[name] = svgEl("g", { class: `layer-${name}` }, svg);
  }
  for (const b of L.bands) {
    svgEl(
      "rect",
      { x: b.x, y: b.y, width: b.w, height: b.h, rx: 6 * m.k, class: "bptt-band" },
      layers.bands,
    );
  }
  const fwdPhase = d.phase !== "backward";
  const cursorChain = d.cursorChain ?? L.primary; // the chain the cursor is in (timeline.js)
  const cursorCol = L.rolled
    ? null
    : L.columns.find((c) => c.chain === cursorChain && c.t === d.cursor && (c.t > 0 || !fwdPhase));
  if (cursorCol) {
    svgEl(
      "rect",
      { x: cursorCol.x + 2, y: 0, width: cursorCol.w - 4, height: L.height, class: "cursor-col" },
      layers.cursor,
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
        drawGradEdge(layers.bwd, e, style, m, { chain: L.chains[e.chain].name ?? "main", of: "" });
        continue;
      }
      const chain = L.chains[e.chain];
      const layerSup = chain.layers > 1 && e.layer !== undefined ? `^(${e.layer + 1})` : "";
      const where = {
        chain: chain.name ?? "main",
        of: `${layerSup}${chain.name ? ` (${chain.name})` : ""}`,
        windowed: L.bands.length > 0,
      };
      const g = drawGradEdge(layers.bwd, e, styles[e.t], m, where);
      if (cursorCol && !fwdPhase && e.t === d.cursor && e.chain === cursorChain)
        g.classList.add("hot");
      continue;
    }
    const hot = hotNode(e) && e.which !== "hy";
    drawEdge(layers.fwd, e, m, hot ? "hot" : "");
  }
  for (const n of L.nodes) {
    if (n.kind === "h" || n.kind === "h0") drawHNode(layers.nodes, n, L, d, hotNode(n));
    else drawIo(layers.nodes, n, d.outputLayer);
  }
  if (L.lossBox) {
    const b = L.lossBox;
    const g = svgEl("g", { class: "node loss" }, layers.nodes);
    svgEl("rect", { x: b.x, y: b.y, width: b.w, height: b.h, rx: 4 * m.k }, g);
    title(g, "loss L = ½‖y_T − target‖² — its gradient flows back along the pink edges");
  }
  for (const lab of [...L.labels, ...L.tokenLabels]) drawText(layers.labels, lab);
}
