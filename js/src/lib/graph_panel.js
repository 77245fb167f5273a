// HTML around the SVG: legend, shapes panel and notes. Built with DOM calls and
// textContent only (tokens and other user text are never parsed as HTML).

import { scaleGradient } from "./colorscale.js";
import { formatNumber } from "./format.js";
import { gradientExtent, zeroMeaning } from "./graph_color.js";
import { paramsText, shapeRows, shapesCaption } from "./graph_shapes.js";

function h(tag, cls, parent, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

/** Label parts ({text, sub, sup}) as HTML <sub>/<sup>. */
function richText(parent, parts) {
  const span = h("span", null, parent);
  for (const p of parts) h(p.sub ? "sub" : p.sup ? "sup" : "span", null, span, p.text);
  return span;
}

function swatch(parent, cls) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 10");
  svg.setAttribute("class", `edge ${cls}`);
  const line = document.createElementNS(ns, "line");
  for (const [k, v] of Object.entries({ x1: 1, y1: 5, x2: 23, y2: 5, "stroke-width": 3 })) {
    line.setAttribute(k, String(v));
  }
  line.setAttribute("class", "line");
  svg.appendChild(line);
  parent.appendChild(svg);
}

/**
 * Fill the legend: one entry per shared matrix (hovering it highlights every copy),
 * the state colour scale, and the gradient scale.
 */
export function fillLegend(box, matrices, s) {
  box.replaceChildren();
  for (const mat of matrices) {
    const key = h("span", "rg-key", box);
    key.dataset.matrix = mat.key;
    key.tabIndex = 0; // keyboard users highlight a matrix by focusing its legend entry
    key.title = `${mat.key.replace("^", " ")}: one matrix, shared by every timestep`;
    swatch(key, `e-${mat.which}`);
    richText(key, mat.label);
  }
  if (matrices.length) h("span", "rg-shared", box, "(each shared by all steps)");
  const scale = h("span", "rg-key", box);
  h("span", null, scale, `h: ${formatNumber(s.range[0])}`);
  const bar = h("span", s.range[0] >= 0 ? "rg-scale sequential" : "rg-scale", scale);
  bar.style.background = scaleGradient(!!s.dark, s.range[0]);
  h("span", null, scale, formatNumber(s.range[1]));
  const ext = s.dh ? gradientExtent(s.dh) : null;
  if (ext) {
    const g = h("span", "rg-key", box);
    swatch(g, "bwd g-active");
    h(
      "span",
      null,
      g,
      `‖∂L/∂hₜ‖ ${formatNumber(ext[0])} … ${formatNumber(ext[1])} (log: thicker = larger)`,
    );
  }
  if (s.dh?.some((v) => v === Number.POSITIVE_INFINITY)) {
    const g = h("span", "rg-key", box);
    swatch(g, "bwd g-inf");
    h("span", null, g, "‖∂L/∂hₜ‖ = inf (overflow)");
  }
  if (s.dh?.some((v) => v === 0)) {
    const g = h("span", "rg-key", box);
    swatch(g, "bwd g-zero");
    h("span", null, g, `0: ${zeroMeaning(Boolean(s.windowed))}`);
  }
}

/** Fill the shapes panel from the frame's shapes and parameter count. */
export function fillShapes(box, shapes, s) {
  box.replaceChildren();
  h("h4", null, box, "Shapes (Keras layout)");
  const caption = shapesCaption(s);
  if (caption) h("div", "note", box, caption);
  const grid = h("div", "rg-rows", box);
  for (const row of shapeRows(shapes ?? {}, s)) {
    const cls = row.current === null ? "" : row.current ? " current" : " other";
    const item = h("div", `rg-row${cls}`, grid);
    item.dataset.name = row.name;
    h("span", "name", item, row.name);
    h("span", "value", item, row.value);
    const sub = [row.dims, row.note].filter(Boolean).join(" — ");
    if (sub) h("span", "dims", item, sub);
  }
  const p = h("p", "params", box, paramsText(s.nParams, s.layers, s.architecture));
  p.dataset.testid = "n-params";
}

/** Replace the notes list. */
export function fillNotes(list, notes) {
  list.replaceChildren();
  for (const n of notes) h("li", null, list, n);
}
