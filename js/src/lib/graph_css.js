// Styles of the graph view, scoped under .rnnviz-graph. Colours come from JupyterLab's
// --jp-* variables (light and dark themes) with fallbacks for pages outside Jupyter.

export const GRAPH_CSS = `
.rnnviz-graph {
  --rg-fg: var(--jp-ui-font-color1, #1f2328);
  --rg-muted: var(--jp-ui-font-color2, #59636e);
  --rg-bg: var(--jp-layout-color0, #ffffff);
  --rg-panel: var(--jp-layout-color1, #f6f8fa);
  --rg-border: var(--jp-border-color1, #c3cad3);
  --rg-accent: var(--jp-brand-color1, #1565c0);
  --rg-xh: #1b9e77;
  --rg-hh: #d95f02;
  --rg-hy: #7570b3;
  --rg-grad: #e7298a;
  --rg-grad-ink: #b8176a;
  --rg-inf: #d62728;
  --rg-font: var(--jp-ui-font-family, system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif);
  color: var(--rg-fg);
  font-family: var(--rg-font);
  font-size: 13px;
  line-height: 1.35;
  box-sizing: border-box;
  width: 100%;
}
[data-jp-theme-light="false"] .rnnviz-graph {
  --rg-hy: #a6a1f0; --rg-xh: #3cc79f; --rg-grad: #f45aa8; --rg-grad-ink: #f77fbd;
}
.rnnviz-graph.presenter { font-size: 19px; }
.rnnviz-graph .rg-toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.35em 1em; margin-bottom: 0.3em; }
.rnnviz-graph button.rg-roll {
  font: inherit; color: var(--rg-fg); background: var(--rg-panel); border: 1px solid var(--rg-border);
  border-radius: 4px; padding: 0.15em 0.7em; cursor: pointer;
}
.rnnviz-graph button.rg-roll:hover { border-color: var(--rg-accent); }
.rnnviz-graph .rg-legend { display: flex; flex-wrap: wrap; gap: 0.2em 0.9em; align-items: center; }
.rnnviz-graph .rg-key { display: inline-flex; align-items: center; gap: 0.3em; cursor: default; white-space: nowrap; }
.rnnviz-graph .rg-key svg { width: 1.8em; height: 0.8em; overflow: visible; }
.rnnviz-graph .rg-key.hl { font-weight: 600; }
.rnnviz-graph .rg-key:focus-visible { outline: 2px solid var(--rg-accent); outline-offset: 2px; border-radius: 3px; }
.rnnviz-graph .rg-legend sub, .rnnviz-graph .rg-legend sup { font-size: 0.72em; line-height: 0; }
.rnnviz-graph .rg-legend sub { vertical-align: -0.3em; }
.rnnviz-graph .rg-scale { display: inline-block; width: 5em; height: 0.7em; border: 1px solid var(--rg-border); vertical-align: middle; }
.rnnviz-graph .rg-body { display: flex; flex-wrap: wrap; gap: 0.8em; align-items: center; }
.rnnviz-graph .rg-figure { flex: 1 1 40em; min-width: 0; }
.rnnviz-graph.presenter .rg-figure { flex-basis: 100%; }
.rnnviz-graph.presenter .rg-shapes { flex-basis: 100%; }
.rnnviz-graph .rg-figure svg { display: block; width: 100%; height: auto; }
.rnnviz-graph .rg-shapes { flex: 0 1 19em; background: var(--rg-panel); border: 1px solid var(--rg-border);
  border-radius: 6px; padding: 0.5em 0.7em; font-size: 0.92em; }
.rnnviz-graph .rg-shapes h4 { margin: 0 0 0.3em; font-size: 1em; }
.rnnviz-graph .rg-rows { display: grid; grid-template-columns: 1fr; gap: 0.15em 1.2em; }
.rnnviz-graph.presenter .rg-rows { grid-template-columns: repeat(auto-fill, minmax(17em, 1fr)); }
.rnnviz-graph .rg-row { display: grid; grid-template-columns: auto 1fr; column-gap: 0.6em; padding: 0.05em 0.3em; border-radius: 4px; }
.rnnviz-graph .rg-row .name { font-family: var(--jp-code-font-family, monospace); white-space: nowrap; }
.rnnviz-graph .rg-row .value { font-family: var(--jp-code-font-family, monospace); white-space: nowrap; text-align: right; }
.rnnviz-graph .rg-row .dims { grid-column: 1 / -1; color: var(--rg-muted); font-size: 0.88em; padding-left: 0.8em; }
.rnnviz-graph .rg-row.other { opacity: 0.55; }
.rnnviz-graph .rg-row.current { font-weight: 700; background: color-mix(in srgb, var(--rg-accent) 12%, transparent); }
.rnnviz-graph .rg-row.current .name::after { content: " ◀ this layer"; color: var(--rg-accent); font-family: var(--rg-font); font-size: 0.85em; }
.rnnviz-graph .rg-shapes .note { color: var(--rg-muted); font-size: 0.9em; }
.rnnviz-graph .rg-shapes .params { margin: 0.4em 0 0; font-weight: 600; }
.rnnviz-graph .rg-notes { margin: 0.3em 0 0; padding-left: 1.2em; color: var(--rg-muted); }
.rnnviz-graph .lbl { fill: var(--rg-fg); font-family: var(--rg-font); }
.rnnviz-graph .lbl.units, .rnnviz-graph .lbl.step, .rnnviz-graph .lbl.token.pad, .rnnviz-graph .lbl.gap, .rnnviz-graph .lbl.caption { fill: var(--rg-muted); }
.rnnviz-graph .lbl.title, .rnnviz-graph .lbl.loss { font-weight: 700; }
.rnnviz-graph .lbl.band { fill: var(--rg-grad-ink); font-weight: 600; }
.rnnviz-graph .lbl.dots { fill: var(--rg-muted); }
.rnnviz-graph .lbl.zero { fill: var(--rg-muted); }
.rnnviz-graph .bptt-band { fill: var(--rg-grad); fill-opacity: 0.07; stroke: var(--rg-grad); stroke-opacity: 0.5; stroke-dasharray: 5 4; }
.rnnviz-graph .cursor-col { fill: var(--rg-accent); fill-opacity: 0.09; }
.rnnviz-graph .edge .line { stroke: var(--rg-muted); }
.rnnviz-graph .edge .head { fill: var(--rg-muted); }
.rnnviz-graph .edge .hit { stroke: transparent; }
.rnnviz-graph .e-xh .line { stroke: var(--rg-xh); }
.rnnviz-graph .e-xh .head { fill: var(--rg-xh); }
.rnnviz-graph .e-hh .line { stroke: var(--rg-hh); }
.rnnviz-graph .e-hh .head { fill: var(--rg-hh); }
.rnnviz-graph .e-hy .line { stroke: var(--rg-hy); }
.rnnviz-graph .e-hy .head { fill: var(--rg-hy); }
.rnnviz-graph .e-identity .line { stroke: var(--rg-muted); }
.rnnviz-graph .e-identity .head { fill: var(--rg-muted); }
.rnnviz-graph .edge.dashed .line { stroke-dasharray: 4 4; }
.rnnviz-graph .edge.ghost { opacity: 0.28; }
.rnnviz-graph .edge.ghost .line { stroke-dasharray: 3 3; }
.rnnviz-graph .bwd .line { stroke: var(--rg-grad); }
.rnnviz-graph .bwd .head { fill: var(--rg-grad); }
.rnnviz-graph .bwd.g-zero .line { stroke: var(--rg-muted); stroke-dasharray: 2 3; opacity: 0.5; }
.rnnviz-graph .bwd.g-zero .head { fill: var(--rg-muted); opacity: 0.5; }
.rnnviz-graph .bwd.g-inf .line, .rnnviz-graph .bwd.g-nan .line { stroke: var(--rg-inf); stroke-dasharray: 6 3; }
.rnnviz-graph .bwd.g-inf .head, .rnnviz-graph .bwd.g-nan .head { fill: var(--rg-inf); }
.rnnviz-graph .edge.hot .line { stroke: var(--rg-accent); stroke-width: 3.5px; opacity: 1; }
.rnnviz-graph .edge.hot .head { fill: var(--rg-accent); }
.rnnviz-graph.presenter .edge.hot .line { stroke-width: 5px; }
.rnnviz-graph.hl-on .edge:not(.hl) { opacity: 0.13; }
.rnnviz-graph.hl-on .edge.hl .line { stroke-width: 4px; }
.rnnviz-graph.presenter.hl-on .edge.hl .line { stroke-width: 6px; }
.rnnviz-graph.hl-on .wlabel:not(.hl) { opacity: 0.25; }
.rnnviz-graph .wlabel.hl { font-weight: 700; }
.rnnviz-graph .cell { stroke: var(--rg-bg); stroke-width: 0.6px; }
.rnnviz-graph .cell.nan { fill: var(--rg-muted); }
.rnnviz-graph .cell.thin { stroke: none; }
.rnnviz-graph .h-node .frame { fill: none; stroke: var(--rg-fg); stroke-opacity: 0.55; stroke-width: 1px; }
.rnnviz-graph .h-node.h0 .frame { stroke-dasharray: 3 2; }
.rnnviz-graph .h-node.hot .frame { stroke: var(--rg-accent); stroke-opacity: 1; stroke-width: 3px; }
.rnnviz-graph .h-node .dots { fill: var(--rg-fg); }
.rnnviz-graph .h-node.pending .cell { fill: var(--rg-bg); stroke: var(--rg-border); }
.rnnviz-graph .h-node.pending .cell.thin { stroke: none; }
.rnnviz-graph .h-node.pending .hatch { stroke: var(--rg-muted); stroke-width: 1px; stroke-opacity: 0.75; }
.rnnviz-graph .h-node.pending .frame { stroke: var(--rg-muted); stroke-dasharray: 3 2; }
.rnnviz-graph .h-node.pending .dots { fill: var(--rg-muted); }
.rnnviz-graph .io.pending circle { fill: var(--rg-bg); stroke: var(--rg-muted); stroke-dasharray: 2 2; }
.rnnviz-graph .edge.pending { opacity: 0.35; }
.rnnviz-graph .io circle { fill: var(--rg-panel); stroke: var(--rg-fg); stroke-width: 1.2px; }
.rnnviz-graph .y-node.has-w circle { stroke: var(--rg-hy); stroke-width: 2px; }
.rnnviz-graph .io.ghost circle { stroke-dasharray: 2 2; opacity: 0.45; }
.rnnviz-graph .loss rect { fill: var(--rg-panel); stroke: var(--rg-grad); stroke-width: 2px; }
`;
