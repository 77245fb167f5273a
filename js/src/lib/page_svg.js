// "Save graph as SVG": the graph view's drawn <svg> with the computed colours, fonts and
// strokes written into attributes, so the file looks the same outside the page.

export const STYLE_PROPS = Object.freeze([
  "fill",
  "fill-opacity",
  "stroke",
  "stroke-width",
  "stroke-dasharray",
  "stroke-opacity",
  "opacity",
  "font-family",
  "font-size",
  "font-weight",
  "text-anchor",
  "dominant-baseline",
  "visibility",
]);

/** The graph's drawing: the outermost <svg> holding the hidden nodes (not a button icon). */
export function graphDrawing(doc) {
  const root = doc.querySelector('[data-testid="rnnviz-graph"]');
  let svg = root?.querySelector('[data-testid="h-node"]')?.closest("svg");
  while (svg?.parentElement?.closest("svg")) svg = svg.parentElement.closest("svg");
  if (!svg) throw new Error("no graph drawing on this page");
  return svg;
}

/** The graph as a standalone SVG document (text). */
export function graphSVG(doc = document, view = globalThis) {
  const svg = graphDrawing(doc);
  const copy = svg.cloneNode(true);
  const src = [svg, ...svg.querySelectorAll("*")];
  const dst = [copy, ...copy.querySelectorAll("*")];
  for (const [i, node] of src.entries()) {
    const style = view.getComputedStyle(node);
    for (const prop of STYLE_PROPS) {
      const value = style.getPropertyValue(prop);
      if (value) dst[i].setAttribute(prop, value);
    }
    dst[i].removeAttribute("class");
  }
  const box = svg.getBoundingClientRect();
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  if (!copy.getAttribute("width")) copy.setAttribute("width", String(Math.round(box.width)));
  if (!copy.getAttribute("height")) copy.setAttribute("height", String(Math.round(box.height)));
  return new view.XMLSerializer().serializeToString(copy);
}
