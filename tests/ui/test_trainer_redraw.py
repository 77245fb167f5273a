"""The Trainer's cheap redraw (js/src/lib/trainer_redraw.js) shows what Plotly.react shows.

One page, no kernel: plotly.js (rnnviz/static/plotly_runtime.js) and the module from js/src,
served to headless Chromium from this checkout (every other request is refused). A curve plot
like the Trainer's loss plot (log axis, legend, reference line and label) and a two-panel
heatmap like its gradient-signal map are redrawn state after state with ``drawPlot``, then
drawn from scratch in the same div: both must have the same pixels at every state.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.ui

REPO = Path(__file__).resolve().parents[2]
ORIGIN = "http://rnnviz.invalid"
FILES = {
    "/plotly_runtime.js": REPO / "rnnviz" / "static" / "plotly_runtime.js",
    "/trainer_redraw.js": REPO / "js" / "src" / "lib" / "trainer_redraw.js",
}
PAGE = """<!doctype html><html><body style="margin:0">
<div id="a"></div>
<script type="module">
import Plotly from "/plotly_runtime.js";
import { drawPlot } from "/trainer_redraw.js";
const memo = new Map();
const config = { responsive: false, displaylogo: false, modeBarButtons: [["toImage"]] };
function curves(n) {
  const traces = [];
  for (const [r, color] of [[0, "#d55e00"], [1, "#0072b2"]]) {
    const x = [], raw = [], smooth = [];
    for (let i = 1; i <= n; i++) {
      x.push(i);
      const v = 0.2 * Math.exp(-i / (6 + 20 * r)) * (1 + 0.4 * Math.sin(3 * i + r));
      raw.push(v);
      smooth.push(0.2 * Math.exp(-i / (6 + 20 * r)));
    }
    traces.push({ type: "scatter", mode: n === 1 ? "markers" : "lines", x, y: raw,
      name: `run ${r} (each step)`, showlegend: false, opacity: 0.3, line: { color, width: 1 } });
    traces.push({ type: "scatter", mode: n === 1 ? "markers" : "lines", x, y: smooth,
      name: `run ${r}`, line: { color, width: 2.5 } });
  }
  const layout = { width: 520, height: 280, showlegend: true, uirevision: "u",
    paper_bgcolor: "white", margin: { l: 70, r: 12, t: 40, b: 50 },
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
    xaxis: { title: { text: "training step" }, rangemode: "tozero", automargin: false },
    yaxis: { title: { text: "loss (log scale)" }, type: "log", exponentformat: "power",
             automargin: false },
    shapes: [{ type: "line", xref: "paper", x0: 0, x1: 1, yref: "y", y0: 0.1, y1: 0.1,
               line: { dash: "dash", color: "#888" } }],
    annotations: [{ xref: "paper", x: 1, xanchor: "right", yref: "y", y: -1,
                    yanchor: "bottom", text: "predicting the mean", showarrow: false }] };
  return [traces, layout];
}
function map(n) {
  const traces = [];
  const layout = { width: 520, height: 280, paper_bgcolor: "white",
    margin: { l: 50, r: 90, t: 20, b: 50 }, xaxis: { title: { text: "training step" },
    anchor: "y2" } };
  for (let p = 0; p < 2; p++) {
    const x = [], z = [];
    for (let c = 1; c <= n; c++) x.push(c);
    for (let t = 0; t <= 20; t++) z.push(x.map((c) => -Math.min(6, (20 - t) / (2 + p * 4 + c / 10))));
    traces.push({ type: "heatmap", x, z, zmin: -6, zmax: 0, colorscale: "Viridis",
      showscale: p === 0, yaxis: p ? "y2" : "y" });
    layout[p ? "yaxis2" : "yaxis"] = { domain: p ? [0, 0.46] : [0.54, 1], range: [-0.5, 20.5],
      title: { text: "t" } };
  }
  return [traces, layout];
}
const FIGURES = { curves, map };
const a = document.getElementById("a");
// redrawn over the previous state (data only when the figure's style is the same)
window.step = (kind, n) => drawPlot(Plotly, a, ...FIGURES[kind](n), config, memo);
// the same state drawn from scratch, in the same div (the next step redraws over it)
window.full = async (kind, n) => {
  Plotly.purge(a);
  await Plotly.newPlot(a, ...FIGURES[kind](n), config);
};
window.ready = true;
</script></body></html>"""


def _serve(route) -> None:
    path = route.request.url.removeprefix(ORIGIN).split("?")[0]
    if path == "/":
        route.fulfill(status=200, content_type="text/html", body=PAGE)
    elif path in FILES:
        route.fulfill(status=200, content_type="text/javascript", body=FILES[path].read_bytes())
    else:
        route.abort()


def _settled(page, tries: int = 20) -> bytes:
    """The plot's pixels once two screenshots agree: a heatmap is an <image> whose PNG the
    browser decodes in its own time."""
    last = page.locator("#a").screenshot()
    for _ in range(tries):
        page.wait_for_timeout(50)
        now = page.locator("#a").screenshot()
        if now == last:
            return now
        last = now
    return last


@pytest.mark.parametrize("kind", ["curves", "map"])
def test_redraw_of_the_data_has_the_pixels_of_a_full_draw(ui_browser, kind) -> None:
    if not FILES["/plotly_runtime.js"].exists():
        pytest.skip("the front end is not built (cd js && npm run build)")
    context = ui_browser.new_context(viewport={"width": 600, "height": 700})
    try:
        context.route("**/*", _serve)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{ORIGIN}/")
        page.wait_for_function("window.ready === true", timeout=60_000)
        modes = []
        for n in (1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144):
            modes.append(page.evaluate("([k, n]) => step(k, n)", [kind, n]))
            redrawn = _settled(page)
            page.evaluate("([k, n]) => full(k, n)", [kind, n])
            assert redrawn == _settled(page), f"{kind}: the redrawn plot differs, n = {n}"
        assert errors == []
        # the cheap path was taken (a first draw and a new trace mode are full draws)
        assert modes.count("data") >= 8, modes
    finally:
        context.close()
