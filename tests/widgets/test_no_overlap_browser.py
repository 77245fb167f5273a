"""No overlapping labels at any setting: the four views in headless Chromium at the extremes.

The graph, the heatmap, the gradient curves and the eigenvalue view are each built with
``View.from_settings(...)`` and drawn by the real bundles (``viewpage``, as in
test_graph_browser.py and test_plotly_views_browser.py: the widget state as ipywidgets
delivers it, plotly.js on the page, no kernel, no network), at the extreme settings — units 1 and 256, timesteps 1 and
200, 3 layers, seq2seq with truncation, LSTM and GRU, the sentence, presenter on and off —
at a narrow and a wide width. For every view, every visible rendered text (SVG ``<text>``:
the graph's labels, plotly's ticks, titles, legend and annotations) is measured with
``getBoundingClientRect`` (real fonts) and:

- no two text boxes overlap;
- no text runs outside the view (texts inside a scrolling box are clipped to it);
- in the graph, no label touches a node (h boxes, x/y circles, the loss box);
- at 1 unit / 1 timestep the unit and step axes read whole numbers and the words are
  singular ("1 unit", "1 step", never "1 units" or 0.6 … 1.4 ticks).
"""

from __future__ import annotations

import re

import harness
import pytest
from viewpage import view_pages

from rnnviz.frame import build_frame
from rnnviz.widgets.eigen import EigenView
from rnnviz.widgets.gradients import GradientFlow
from rnnviz.widgets.graph import UnrolledGraph
from rnnviz.widgets.heatmap import StateHeatmap

pytestmark = [pytest.mark.ui, pytest.mark.slow]

VIEWS = {
    "graph": (UnrolledGraph, "rnnviz-graph"),
    "heatmap": (StateHeatmap, "rnnviz-heatmap"),
    "gradients": (GradientFlow, "rnnviz-gradients"),
    "eigen": (EigenView, "rnnviz-eigen"),
}

# Every visible text box of one view: overlaps, texts outside the view, labels on nodes.
CHECK_JS = """(testid) => {
  const root = document.querySelector(`[data-testid="${testid}"]`);
  const R = root.getBoundingClientRect();
  const visible = (t) => {
    for (let e = t; e && e !== root; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0) return false;
    }
    return true;
  };
  // the nearest scrolling box clips what is drawn inside it
  const clipOf = (t) => {
    for (let e = t.parentElement; e && e !== root; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (/(auto|scroll|hidden)/.test(s.overflowY + s.overflowX) && e.tagName !== 'svg') return e.getBoundingClientRect();
    }
    return null;
  };
  const boxes = [];
  for (const t of root.querySelectorAll('svg text')) {
    const text = t.textContent.replace(/\\u200b/g, '').trim();
    const b = t.getBoundingClientRect();
    if (text === '' || b.width === 0 || b.height === 0 || !visible(t)) continue;
    let [x0, x1, y0, y1] = [b.left, b.right, b.top, b.bottom];
    const c = clipOf(t);
    if (c) {
      [x0, x1, y0, y1] = [Math.max(x0, c.left), Math.min(x1, c.right), Math.max(y0, c.top), Math.min(y1, c.bottom)];
      if (x1 - x0 < 1 || y1 - y0 < 1) continue;  // scrolled out of sight
    }
    boxes.push({ x0, x1, y0, y1, text, node: t.closest('g.node') !== null });
  }
  const bad = [];
  const hit = (a, b, tol) => a.x0 < b.x1 - tol && b.x0 < a.x1 - tol && a.y0 < b.y1 - tol && b.y0 < a.y1 - tol;
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    if (a.x0 < R.left - 0.5 || a.x1 > R.right + 0.5 || a.y0 < R.top - 0.5 || a.y1 > R.bottom + 0.5)
      bad.push(`outside: ${a.text}`);
    for (let j = i + 1; j < boxes.length; j++) {
      if (hit(a, boxes[j], 0.5)) bad.push(`${a.text} / ${boxes[j].text}`);
    }
  }
  // the graph: a label on a node's box or circle (its own zero mark aside)
  const nodes = [...root.querySelectorAll('g.node rect.frame, g.node.io circle, g.node.loss rect')]
    .map((n) => { const b = n.getBoundingClientRect();
      return { x0: b.left, x1: b.right, y0: b.top, y1: b.bottom,
               name: n.parentElement.querySelector('title')?.textContent.split(' ')[0] ?? '?' }; });
  const inside = (a, n) => a.x0 >= n.x0 && a.x1 <= n.x1 && a.y0 >= n.y0 && a.y1 <= n.y1;
  for (const a of boxes.filter((b) => !b.node)) {
    for (const n of nodes) {  // a label inside a box names it (the loss box's L)
      if (hit(a, n, 0.5) && !inside(a, n)) bad.push(`${a.text} on node ${n.name}`);
    }
  }
  const ticks = (axis) => [...root.querySelectorAll(`.${axis}tick text`)]
    .map((t) => t.textContent.replace(/\\u200b/g, '').trim()).filter((s) => s !== '');
  return { count: boxes.length, bad, x: ticks('x'), y: ticks('y'), text: root.textContent };
}"""

# (settings, label) at the extremes of every setting that changes the pictures' text.
EXTREMES = [
    ({"units": 1, "timesteps": 1}, "u1_t1"),
    ({"units": 256, "timesteps": 200}, "u256_t200"),
    ({"units": 1, "timesteps": 200, "cell": "gru"}, "u1_t200_gru"),
    ({"units": 256, "timesteps": 1, "cell": "lstm"}, "u256_t1_lstm"),
    ({"units": 256, "timesteps": 200, "layers": 3, "cell": "lstm"}, "u256_t200_l3_lstm"),
    ({"units": 1, "timesteps": 1, "layers": 3, "cell": "gru"}, "u1_t1_l3_gru"),
    (
        {"architecture": "seq2seq", "truncate": 5, "layers": 3, "units": 256, "timesteps": 200},
        "seq2seq_t200_k5_l3",
    ),
    ({"architecture": "seq2seq", "truncate": 1, "units": 1, "timesteps": 1}, "seq2seq_t1_k1"),
    ({"input": "sentence", "timesteps": 200, "cell": "lstm"}, "sentence_t200_lstm"),
    ({"input": "sentence", "timesteps": 1, "units": 1, "cell": "gru"}, "sentence_t1_gru"),
    ({}, "defaults"),
]

SINGULAR_WRONG = re.compile(r"\b1 (units|steps|timesteps|layers|words)\b")


@pytest.fixture(scope="module")
def page(ui_browser):
    frames = {}  # one simulator run per setting, drawn at both widths, presenter or not

    with view_pages(ui_browser, 1400, 900) as pages:

        def _mount(settings: dict, presenter: bool, width: int) -> object:
            key = repr(sorted(settings.items()))
            if key not in frames:
                frames[key] = build_frame(**settings)
            # one page per setting, the four views one under the other
            views = {
                name: cls(frames[key], presenter=presenter) for name, (cls, _) in VIEWS.items()
            }
            return pages.mount(views, width)

        yield _mount


@pytest.mark.parametrize("width", [560, 1256])
@pytest.mark.parametrize("presenter", [False, True])
@pytest.mark.parametrize(("settings", "label"), EXTREMES, ids=[e[1] for e in EXTREMES])
def test_no_text_overlaps_in_any_view(page, settings, label, presenter, width):
    p = page(settings, presenter, width)
    problems = {}
    for name, (_, testid) in VIEWS.items():
        got = p.evaluate(CHECK_JS, testid)
        assert got["count"] >= 2, name  # the view drew its labels
        if got["bad"]:
            problems[name] = got["bad"]
        wrong = SINGULAR_WRONG.findall(got["text"])
        assert not wrong, (name, wrong)
        units, steps = settings.get("units", 16), settings.get("timesteps", 20)
        if name == "heatmap":  # whole units and steps (or words) on the axes
            if settings.get("input") != "sentence":
                assert all(t.isdigit() for t in got["x"]), got["x"]
            assert all(t.isdigit() for t in got["y"]), got["y"]
            if units == 1:
                assert got["y"] == ["1"]
            if steps == 1 and settings.get("input") != "sentence":
                assert got["x"] == ["1"]
        if name == "gradients":  # steps back: whole numbers; the norm: powers of ten
            assert all(t.lstrip("−-").isdigit() for t in got["x"]), got["x"]
            assert all(re.match(r"^(1|10|10−?\d+)$", t) for t in got["y"]), got["y"]
            if steps == 1 and settings.get("architecture") != "seq2seq":
                assert got["x"] == ["0", "1"]
    for name in problems:  # look at them: artifacts/screenshots/overlap_*.png
        shot = f"overlap_{label}_p{int(presenter)}_w{width}_{name}"
        harness.screenshot(p.locator(f'[data-testid="{VIEWS[name][1]}"]'), shot)
    assert problems == {}
