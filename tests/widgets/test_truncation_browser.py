"""The truncation band in headless Chromium: the live gradient view and the exported figure
(plotly.py's figure drawn by the same plotly.js) shade the same kept steps with the same
words, both from ``rnnviz.frame.truncation`` — checked on the drawn plots, not the payload.

Screenshots (live view above, exported figure below) go to ``artifacts/screenshots`` and to
``/tmp/trunc_<case>.png`` for a look by eye.
"""

from __future__ import annotations

import shutil

import harness
import pytest
from viewpage import view_pages

from rnnviz.export import to_figures
from rnnviz.frame import reanalyse
from rnnviz.widgets.gradients import GradientFlow

pytestmark = [pytest.mark.ui, pytest.mark.slow]

# Rectangles and annotation texts of the plotly plots on the page (live view, then figure).
BANDS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map((p) => ({
  rects: (p.layout.shapes || []).filter((s) => s.type === 'rect').map((s) => [s.x0, s.x1]),
  texts: [...p.querySelectorAll('.annotation-text')].map((t) => t.textContent)
    .filter((t) => t.includes('BPTT')),
}))"""

# Draw a plotly.py figure (JSON) under the live view with the page's plotly.js.
FIGURE_JS = """async (fig) => {
  const div = document.createElement('div');
  div.id = 'exported';
  div.style.width = '1000px';
  document.body.appendChild(div);
  await window.Plotly.newPlot(div, fig.data, { ...fig.layout, width: 1000, height: 450 });
}"""


@pytest.fixture
def mount(ui_browser):
    with view_pages(ui_browser) as pages:
        yield lambda widget: pages.mount({"gradients": widget}, 1000)


S2S = {"architecture": "seq2seq", "timesteps": 8, "decoder_steps": 5}
CASES = [
    ("m2m_k5", {"architecture": "many-to-many", "timesteps": 12, "truncate": 5}, -1),
    ("s2s_k3_decoder", {**S2S, "truncate": 3}, -1),
    ("s2s_k3_encoder", {**S2S, "truncate": 3}, 0),  # the cut is in the decoder
    ("s2s_k7_encoder", {**S2S, "truncate": 7}, 0),
    ("s2s_k7_decoder", {**S2S, "truncate": 7}, -1),  # the whole decoder is kept
]


@pytest.mark.parametrize(("name", "settings", "layer"), CASES, ids=[c[0] for c in CASES])
def test_live_view_and_exported_figure_draw_the_same_band(mount, name, settings, layer):
    pytest.importorskip("plotly")
    view = GradientFlow.from_settings(units=6, weight_scale=0.9, **settings)
    if layer >= 0:
        view.layer = layer
    window = view.frame_info["truncation"]
    page = mount(view)
    fig = to_figures(reanalyse(view.frame, view.frame_info["shown_layer"]))["gradients"]
    page.evaluate(FIGURE_JS, fig.to_plotly_json())
    page.wait_for_selector("#exported .main-svg")
    live, exported = page.evaluate(BANDS_JS)
    kept = window["kept"]
    expected = [] if kept is None else [[kept[0] - 0.5, kept[1] + 0.5]]
    assert live["rects"] == expected
    assert exported["rects"] == expected
    words = "".join(window["label"])  # plotly draws each <br> line as its own tspan
    assert live["texts"] == [words]
    assert exported["texts"] == [words]
    root = page.locator('[data-testid="rnnviz-gradients"]')
    assert root.get_attribute("data-kept") == ("none" if kept is None else f"{kept[0]},{kept[1]}")
    shot = harness.screenshot(page, f"trunc_{name}", full_page=True)
    shutil.copy(shot, f"/tmp/trunc_{name}.png")
