"""Redraws in place give the picture a full draw gives, in headless Chromium.

The unrolled graph patches its SVG (js/src/lib/svg_patch.js) and the eigenvalue view moves
its points in place (js/src/lib/plotly_scatter.js) when only values change. Here, in a real
DOM with real plotly.js: after frame A then frame B, the view's DOM equals a fresh draw of B
(the graph: a fresh mount; the eigen view: a full ``Plotly.react`` of the same data on the
same plot), and a weight-scale step really took the in-place path.
"""

from __future__ import annotations

import pytest
import viewswitch
from viewpage import view_pages

from rnnviz.widgets.eigen import EigenView
from rnnviz.widgets.graph import UnrolledGraph

pytestmark = [pytest.mark.ui, pytest.mark.slow]

# The graph's SVG as text, attributes sorted by name (a patch may set them in another order).
GRAPH_SVG_JS = """() => {
  const ser = (n) => {
    if (n.nodeType === Node.TEXT_NODE) return n.data;
    const attrs = [...n.attributes].map((a) => `${a.name}="${a.value}"`).sort().join(" ");
    return `<${n.localName} ${attrs}>${[...n.childNodes].map(ser).join("")}</${n.localName}>`;
  };
  return ser(document.querySelector('.rnnviz-graph .rg-figure svg'));
}"""

# Marks every element of the graph's SVG; returns how many there are.
MARK_JS = """() => {
  const all = document.querySelectorAll('.rnnviz-graph .rg-figure svg *');
  all.forEach((e) => { e.__before = true; });
  return all.length;
}"""

# How many elements of the graph's SVG were there before (MARK_JS), and how many there are.
KEPT_JS = """() => {
  const all = [...document.querySelectorAll('.rnnviz-graph .rg-figure svg *')];
  return [all.filter((e) => e.__before).length, all.length];
}"""


@pytest.fixture
def pages(ui_browser):
    with view_pages(ui_browser, 1280, 900) as p:
        yield p


@pytest.mark.parametrize(
    ("a", "b", "same_geometry"),
    [
        ({"weight_scale": 0.5}, {"weight_scale": 0.55}, True),
        ({"weight_scale": 0.5, "t_cursor": 3}, {"weight_scale": 3.0, "t_cursor": 3}, True),
        ({}, {"units": 33}, False),
        ({}, {"timesteps": 7, "layers": 2}, False),
        ({"architecture": "seq2seq"}, {"architecture": "many-to-one"}, False),
    ],
)
def test_graph_redrawn_in_place_equals_a_fresh_draw(pages, a, b, same_geometry):
    size = {"units": 64, "timesteps": 40}
    graphs = []
    for s in (a, b):
        settings = {**size, **s}
        cursor = settings.pop("t_cursor", None)
        g = UnrolledGraph.from_settings(**settings)
        if cursor is not None:
            g.t_cursor = cursor
        graphs.append(g)
    page = pages.mount({"graph": graphs[0]}, 1256)
    viewswitch.load(page, graphs)
    n_before = page.evaluate(MARK_JS)
    viewswitch.switch(page, "graph", 1)
    kept, n_after = page.evaluate(KEPT_JS)
    redrawn = page.evaluate(GRAPH_SVG_JS)
    fresh = pages.mount({"graph": graphs[1]}, 1256).evaluate(GRAPH_SVG_JS)
    assert redrawn == fresh
    if same_geometry:
        assert kept == n_after == n_before, "every element kept, only its values changed"
    else:
        assert kept < n_after or n_after != n_before


def test_hovered_matrix_stays_highlighted_on_every_copy_across_a_redraw(pages):
    # The pointer rests on a kept element (no new pointer event), and the cursor step
    # rewrites the class of the W_hh edge into h_3 ("hot"): every copy stays highlighted.
    page = pages.mount({"graph": UnrolledGraph.from_settings(units=8, timesteps=6)}, 1256)
    box = page.locator('g.edge[data-matrix="W_hh"] line.hit').nth(4).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    copies = 'g.edge[data-matrix="W_hh"]'
    assert page.locator(f"{copies}.hl").count() == page.locator(copies).count() == 6
    page.evaluate("() => window.viewModel.set('t_cursor', 3)")
    page.wait_for_selector(f"{copies}.hot")
    assert page.locator(f"{copies}.hl").count() == 6
    page.mouse.move(1, 890)
    assert page.locator("g.edge.hl").count() == 0


# The plot's SVG layers as text (plotly's own markup, on one plot div). plotly redraws a
# moved annotation alone and appends it to its layer: the annotations are compared in the
# order of their index (they never overlap: the same pixels, which the test checks too).
PLOT_SVG_JS = """() => [...document.querySelectorAll('[data-testid="rnnviz-eigen"] .rnnviz-plot svg.main-svg')]
  .map((svg) => {
    const copy = svg.cloneNode(true);
    for (const layer of new Set([...copy.querySelectorAll('g.annotation')].map((g) => g.parentNode))) {
      const groups = [...layer.children].filter((g) => g.matches('g.annotation'));
      groups.sort((a, b) => a.dataset.index - b.dataset.index).forEach((g) => layer.appendChild(g));
    }
    return copy.outerHTML;
  }).join("\\n")"""

# A full redraw of what the plot shows: fresh copies of its data and layout, Plotly.react.
FULL_REACT_JS = """async () => {
  const gd = document.querySelector('[data-testid="rnnviz-eigen"] .rnnviz-plot');
  const data = gd.data.map((t) => ({ ...t, x: Array.from(t.x), y: Array.from(t.y) }));
  await Plotly.react(gd, data, JSON.parse(JSON.stringify(gd.layout)));
}"""


@pytest.mark.parametrize(("b", "fast"), [({"weight_scale": 0.55}, True), ({"units": 48}, False)])
def test_eigen_redrawn_in_place_equals_a_full_react(pages, b, fast):
    views = [
        EigenView.from_settings(**{"units": 64, "timesteps": 20, "weight_scale": 0.5, **s})
        for s in ({}, b)
    ]
    page = pages.mount({"eigen": views[0]}, 1256)
    viewswitch.load(page, views)
    viewswitch.switch(page, "eigen", 1)
    root = '[data-testid="rnnviz-eigen"]'
    assert page.get_attribute(root, "data-fast-draws") == ("1" if fast else "0")
    plot = page.locator(f"{root} .rnnviz-plot")
    redrawn = page.evaluate(PLOT_SVG_JS), plot.screenshot()
    page.evaluate(FULL_REACT_JS)
    full = page.evaluate(PLOT_SVG_JS), plot.screenshot()
    assert redrawn[0] == full[0]
    assert redrawn[1] == full[1], "the same pixels"
