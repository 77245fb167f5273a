"""EigenView and StateHeatmap in headless Chromium: the real bundles fed with the real state.

As in test_graph_browser.py (``viewpage``): the widget's state as ipywidgets delivers it
(JSON plus binary buffers as DataViews), a minimal model, and plotly.js put on the page
beforehand (as an exported page does), so no kernel, server or network is needed.
"""

from __future__ import annotations

import re

import harness
import pytest
from viewpage import view_pages

from rnnviz.widgets.eigen import EigenView
from rnnviz.widgets.heatmap import StateHeatmap

pytestmark = [pytest.mark.ui, pytest.mark.slow]

# Rendered text boxes of the plotly SVG (axis ticks, titles, annotations): overlaps.
OVERLAP_JS = """(sel) => {
  const root = document.querySelector(sel);
  const boxes = [...root.querySelectorAll('svg text')]
    .filter((t) => t.textContent.trim() !== '' && t.getBoundingClientRect().width > 0)
    .map((t) => { const b = t.getBoundingClientRect(); return [b.left, b.right, b.top, b.bottom, t.textContent]; });
  const bad = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a[0] < b[1] - 1 && b[0] < a[1] - 1 && a[2] < b[3] - 1 && b[2] < a[3] - 1) bad.push(`${a[4]} / ${b[4]}`);
    }
  }
  return { count: boxes.length, bad };
}"""


@pytest.fixture
def mount(ui_browser):
    with view_pages(ui_browser) as pages:
        yield lambda widget, name, width=1000: pages.mount({name: widget}, width)


def _data(page, testid: str) -> dict:
    return page.evaluate(
        f"""() => ({{ ...document.querySelector('[data-testid="{testid}"]').dataset }})"""
    )


def test_eigen_view_draws_every_eigenvalue_and_the_unit_circle(mount):
    view = EigenView.from_settings(units=32, weight_scale=0.9, init="gaussian")
    page = mount(view, "eigen")
    data = _data(page, "rnnviz-eigen")
    assert data["matrix"] == "W_hh"
    assert data["points"] == "32"
    assert float(data["rho"]) < 1 < float(data["sigmaMax"])
    assert page.get_attribute('[data-testid="eigen-verdict"]', "data-verdict") == (
        "rho-below-sigma-above"
    )
    # 32 eigenvalue markers and 32 singular values; the unit circle and the ρ circle
    points = page.evaluate(
        """() => [...document.querySelectorAll('.rnnviz-plot .scatterlayer .trace')]
                   .map((t) => t.querySelectorAll('path.point').length)"""
    )
    assert points == [32, 32]
    circles = page.evaluate(
        """() => document.querySelector('.rnnviz-plot')
                   ._fullLayout.shapes.filter((s) => s.type === 'circle').map((s) => s.x1)"""
    )
    assert circles[0] == 1
    assert circles[1] == pytest.approx(0.9, abs=1e-6)
    # the circle is round: the plane's axes have the same scale
    ratio = page.evaluate(
        """() => { const L = document.querySelector('.rnnviz-plot')._fullLayout;
                   return (L.xaxis._length / (L.xaxis.range[1] - L.xaxis.range[0])) /
                          (L.yaxis._length / (L.yaxis.range[1] - L.yaxis.range[0])); }"""
    )
    assert ratio == pytest.approx(1, abs=0.01)
    assert page.evaluate(OVERLAP_JS, '[data-testid="rnnviz-eigen"]')["bad"] == []
    harness.screenshot(page.locator('[data-testid="rnnviz-eigen"]'), "eigen_gaussian_0.9")
    narrow = mount(view, "eigen", width=560)
    assert narrow.evaluate(OVERLAP_JS, '[data-testid="rnnviz-eigen"]')["bad"] == []


def test_eigen_view_follows_the_weight_scale_and_init(mount):
    view = EigenView.from_settings(units=16, weight_scale=1.5)
    page = mount(view, "eigen")
    data = _data(page, "rnnviz-eigen")
    assert float(data["rho"]) == pytest.approx(1.5, abs=1e-5)
    assert float(data["sigmaMax"]) == pytest.approx(1.5, abs=1e-5)
    assert page.get_attribute('[data-testid="eigen-verdict"]', "data-verdict") == "equal"
    radii = page.evaluate(
        """() => { const d = document.querySelector('.rnnviz-plot').data[0];
                   return d.x.map((x, i) => Math.hypot(x, d.y[i])); }"""
    )
    assert radii == pytest.approx([1.5] * 16, abs=1e-5)  # orthogonal: all on |λ| = s
    assert page.evaluate(OVERLAP_JS, '[data-testid="rnnviz-eigen"]')["bad"] == []
    harness.screenshot(page.locator('[data-testid="rnnviz-eigen"]'), "eigen_orthogonal_1.5")
    lstm = EigenView.from_settings(cell="lstm", units=8, presenter=True)
    page = mount(lstm, "eigen", width=1256)
    title = page.text_content(".rnnviz-title")
    assert "U_c (LSTM candidate block)" in title
    assert page.evaluate(OVERLAP_JS, '[data-testid="rnnviz-eigen"]')["bad"] == []
    harness.screenshot(page.locator('[data-testid="rnnviz-eigen"]'), "eigen_lstm_presenter")


@pytest.mark.parametrize("presenter", [False, True])
def test_heatmap_rows_stay_readable_at_256_units(mount, presenter):
    rows = {}
    for units in (16, 256):
        view = StateHeatmap.from_settings(units=units, timesteps=20, presenter=presenter)
        page = mount(view, "heatmap")
        px = page.evaluate(
            """() => document.querySelector('.rnnviz-plot')._fullLayout.yaxis._length"""
        )
        rows[units] = px / units
        data = _data(page, "rnnviz-heatmap")
        box = page.evaluate(
            """() => document.querySelector('[data-testid="heatmap-scroll"]')
                     .getBoundingClientRect().height"""
        )
        assert box <= (480 if presenter else 320) + 1
        if units == 256:
            assert data["scroll"] == "true"
            assert "scroll for all 256" in page.text_content(".rnnviz-title")
            # the time axis sits on top, inside the box, whatever the scroll position
            side = page.evaluate(
                "() => document.querySelector('.rnnviz-plot')._fullLayout.xaxis.side"
            )
            assert side == "top"
            if not presenter:
                page.wait_for_selector(".rnnviz-plot .colorbar")
                harness.screenshot(page.locator('[data-testid="rnnviz-heatmap"]'), "heatmap_256")
        else:
            assert data["scroll"] == "false"
    assert rows[256] >= (4 if presenter else 3)
    assert rows[16] > rows[256]


POWER_OF_TEN = re.compile(r"^(1|10|10−?\d+)$")  # "10−4" is 10<sup>−4</sup> as text
TICKS_JS = """(axis) => [...document.querySelectorAll(`.rnnviz-plot .${axis}tick text`)]
  .map((t) => t.textContent.replace(/\u200b/g, ""))"""  # plotly pads <sup> with U+200B


@pytest.mark.parametrize("presenter", [False, True])
def test_gradient_axes_at_one_step_read_whole_steps_and_powers_of_ten(mount, presenter):
    from rnnviz.widgets.gradients import GradientFlow

    view = GradientFlow.from_settings(units=1, timesteps=1, presenter=presenter)
    page = mount(view, "gradients", width=1256 if presenter else 1000)
    assert page.text_content(".rnnviz-title").endswith("1 step back")
    assert page.evaluate(TICKS_JS, "x") == ["0", "1"]  # not −0.5, 0, 0.5, 1, 1.5
    y = page.evaluate(TICKS_JS, "y")
    assert y
    assert all(POWER_OF_TEN.match(t) for t in y), y
    assert page.evaluate(OVERLAP_JS, '[data-testid="rnnviz-gradients"]')["bad"] == []
    if not presenter:
        harness.screenshot(page.locator('[data-testid="rnnviz-gradients"]'), "gradients_1x1")
    # 60 steps back at s = 0.5: many decades, labelled at powers of ten only, <= 8 labels
    deep = GradientFlow.from_settings(timesteps=60, weight_scale=0.5, presenter=presenter)
    page = mount(deep, "gradients", width=1256 if presenter else 1000)
    assert page.text_content(".rnnviz-title").endswith("60 steps back")
    y = page.evaluate(TICKS_JS, "y")
    assert 2 <= len(y) <= 8, y
    assert all(POWER_OF_TEN.match(t) for t in y), y
    assert not any(t in {str(d) for d in range(2, 10)} for t in y), y
    assert page.evaluate(OVERLAP_JS, '[data-testid="rnnviz-gradients"]')["bad"] == []
    if not presenter:
        harness.screenshot(page.locator('[data-testid="rnnviz-gradients"]'), "gradients_60")


def test_heatmap_one_unit_one_step_and_relu_sequential_scale(mount):
    view = StateHeatmap.from_settings(units=1, timesteps=1)
    page = mount(view, "heatmap")
    assert page.text_content(".rnnviz-title").endswith("1 unit × 1 timestep")
    assert page.evaluate(TICKS_JS, "x") == ["1"]  # not 0.6, 0.8, 1, 1.2, 1.4
    assert page.evaluate(TICKS_JS, "y") == ["1"]
    relu = StateHeatmap.from_settings(activation="relu", weight_scale=1.5)
    page = mount(relu, "heatmap")
    data = _data(page, "rnnviz-heatmap")
    assert float(data["zmin"]) == 0  # h_t >= 0: no unused negative half of the bar
    assert float(data["zmax"]) > 0
    assert "16 units × 20 timesteps" in page.text_content(".rnnviz-title")
    y = page.evaluate(TICKS_JS, "y")
    assert all(t.isdigit() for t in y), y
    assert page.evaluate(OVERLAP_JS, '[data-testid="rnnviz-heatmap"]')["bad"] == []
    page.wait_for_selector(".rnnviz-plot .colorbar")
    harness.screenshot(page.locator('[data-testid="rnnviz-heatmap"]'), "heatmap_relu")


def test_gradient_panel_names_the_layer_it_shows(mount):
    from rnnviz.widgets.gradients import GradientFlow

    for settings, caption in [
        ({"layers": 3}, "layer 3 of 3 (top)"),
        ({"architecture": "seq2seq"}, "decoder"),
        ({"architecture": "seq2seq", "layers": 2}, "decoder, layer 2 of 2 (top)"),
        ({}, ""),
    ]:
        view = GradientFlow.from_settings(timesteps=12, **settings)
        page = mount(view, "gradients")
        title = page.text_content(".rnnviz-title")
        assert title.endswith(f"12 steps back — {caption}" if caption else "12 steps back")
        assert _data(page, "rnnviz-gradients")["layer"] == caption
        assert page.evaluate(OVERLAP_JS, '[data-testid="rnnviz-gradients"]')["bad"] == []
        menu = page.locator('[data-testid="gradients-layer"]')
        if not caption:
            assert not menu.is_visible()  # one plain layer: nothing to choose
            continue
        options = menu.locator("option").all_text_contents()
        assert options[-1] == caption  # the shown layer is selected, named as in the title
        assert menu.input_value() == str(len(options) - 1)
        if settings.get("layers") == 3:
            assert options == ["layer 1 of 3", "layer 2 of 3", "layer 3 of 3 (top)"]
            harness.screenshot(page.locator('[data-testid="rnnviz-gradients"]'), "gradients_layer3")
            menu.select_option("0")  # the choice goes to the model (Python analyses it)
            assert page.evaluate("() => window.viewState.layer") == 0


def _annotations(page, testid: str) -> list[str]:
    """The plotly annotations' text (sub/superscripts leave zero-width spaces: removed)."""
    texts = page.locator(f'[data-testid="{testid}"] .annotation-text').all_text_contents()
    return [t.replace("\u200b", "") for t in texts]


def test_seq2seq_heatmap_marks_the_step_of_its_own_layer(mount):
    """The scrubber's t is a step of the whole run (encoder 6, then decoder 3): the decoder's
    heatmap marked decoder step 4 (which does not exist) while the encoder was at step 4."""
    view = StateHeatmap.from_settings(architecture="seq2seq", timesteps=6, decoder_steps=3)
    assert view.frame_info["layer_names"][view.layer] == "decoder 1"
    for t_cursor, phase, layer, label in [
        (4, "forward", 1, "forward: not computed yet"),  # encoder step 4
        (8, "forward", 1, "forward: h2"),  # decoder step 2
        (4, "forward", 0, "forward: h4"),  # the encoder's own heatmap
        (8, "backward", 0, "backward: the gradient has not reached this layer yet"),
    ]:
        view.layer = layer
        view.t_cursor, view.phase = t_cursor, phase
        page = mount(view, "heatmap", "rnnviz-heatmap")
        assert _annotations(page, "rnnviz-heatmap") == [label]


def test_panels_show_the_layer_note_and_the_eigen_view_names_its_layer(mount):
    from rnnviz.frame import build_frame, reanalyse
    from rnnviz.widgets.gradients import GradientFlow

    view = GradientFlow.from_settings(layers=3, units=4, timesteps=6)
    view.layer = 2
    view.show(build_frame(layers=2, units=4, timesteps=6))  # "layer 3" is gone
    note = view.frame_info["layer_note"]
    assert "no longer exists" in note
    page = mount(view, "gradients", "rnnviz-gradients")
    assert page.text_content('[data-testid="rnnviz-gradients"] .rnnviz-status') == note
    eigen = EigenView(frame=reanalyse(build_frame(layers=2, units=4, timesteps=6), 0))
    page = mount(eigen, "eigen", "rnnviz-eigen")
    assert page.text_content(".rnnviz-title").endswith("— layer 1 of 2")
