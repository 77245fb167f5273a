"""UnrolledGraph in headless Chromium: the real bundle fed with the real Python state.

The page gets the widget's state exactly as ipywidgets would deliver it and a minimal model
(``viewpage``). No server and no network.
"""

from __future__ import annotations

import dataclasses

import harness
import pytest
from viewpage import view_pages

from rnnviz.widgets.graph import UnrolledGraph

pytestmark = [pytest.mark.ui, pytest.mark.slow]

# Real rendered text boxes (getBBox, so real fonts): overlaps and labels cut at the edges.
OVERLAP_JS = """() => {
  const svg = document.querySelector('.rnnviz-graph .rg-figure svg');
  const vb = svg.viewBox.baseVal;
  const boxes = [...svg.querySelectorAll('text')]
    .filter((t) => !t.getAttribute('transform'))
    .map((t) => { const b = t.getBBox(); return [b.x, b.x + b.width, b.y, b.y + b.height, t.textContent]; });
  const bad = [];
  for (let i = 0; i < boxes.length; i++) {
    const [ax0, ax1, ay0, ay1, as] = boxes[i];
    if (ax0 < -0.5 || ax1 > vb.width + 0.5 || ay0 < -0.5 || ay1 > vb.height + 0.5) bad.push(`cut: ${as}`);
    for (let j = i + 1; j < boxes.length; j++) {
      const [bx0, bx1, by0, by1, bs] = boxes[j];
      if (ax0 < bx1 - 0.5 && bx0 < ax1 - 0.5 && ay0 < by1 - 0.5 && by0 < ay1 - 0.5) bad.push(`${as} / ${bs}`);
    }
  }
  return { count: boxes.length, bad };
}"""


@pytest.fixture
def mount(ui_browser):
    with view_pages(ui_browser, 1280, 720) as pages:
        yield lambda graph, width=1256, dark=False: pages.mount({"graph": graph}, width, dark)


def _attrs(page) -> dict:
    return page.evaluate(
        """() => { const r = document.querySelector('[data-testid="rnnviz-graph"]');
                   return Object.fromEntries([...r.attributes].filter((a) => a.name.startsWith('data-'))
                     .map((a) => [a.name, a.value])); }"""
    )


def _steps(page) -> list[int]:
    return page.evaluate(
        """() => [...new Set([...document.querySelectorAll('[data-testid="h-node"]')]
                   .map((n) => Number(n.dataset.t)))].sort((a, b) => a - b)"""
    )


def test_dom_reports_the_python_state(mount):
    g = UnrolledGraph.from_settings(units=16, timesteps=20, weight_scale=1.25, cell="gru")
    page = mount(g)
    attrs = _attrs(page)
    assert {k: attrs[k] for k in ("data-units", "data-timesteps", "data-weight-scale")} == {
        "data-units": "16",
        "data-timesteps": "20",
        "data-weight-scale": "1.25",
    }
    assert (attrs["data-cell"], attrs["data-architecture"], attrs["data-layers"]) == (
        "gru",
        "many-to-many",
        "1",
    )
    steps = _steps(page)
    assert steps[:2] == [0, 1]
    assert steps[-1] == 20
    params = page.text_content('[data-testid="n-params"]')
    # GRU, Keras reset_after: 3 blocks of (1 feature + 16 units) × 16, two biases of 3 × 16
    assert g.n_params == 3 * (1 + 16) * 16 + 2 * 3 * 16 == 912
    assert params == "parameters: 912 (same for any number of timesteps)"


def test_timesteps_change_the_columns_units_do_not(mount):
    for T, expected in [(1, [0, 1]), (2, [0, 1, 2]), (4, [0, 1, 2, 3, 4])]:
        assert _steps(mount(UnrolledGraph.from_settings(timesteps=T, units=256))) == expected
    long = _steps(mount(UnrolledGraph.from_settings(timesteps=200, units=3)))
    assert long[:2] == [0, 1]
    assert long[-1] == 200
    assert len(long) < 40  # compressed: first and last steps around a gap column


def test_every_timestep_gets_a_column_while_they_fit(mount):
    # Host 840 px: the figure is about 580 px beside the shapes panel (a default Lab cell).
    page = mount(UnrolledGraph.from_settings(timesteps=12, units=16), width=840)
    width = page.evaluate("() => document.querySelector('.rg-figure').clientWidth")
    assert 560 <= width <= 600
    assert _steps(page) == list(range(13))
    shown = {}
    for T in (20, 200):
        steps = _steps(mount(UnrolledGraph.from_settings(timesteps=T, units=16), width=840))
        assert steps[:2] == [0, 1]
        assert steps[-1] == T
        shown[T] = len(steps)
    assert shown[20] >= 10
    assert abs(shown[200] - shown[20]) <= 1  # the width is full: the gap label changes
    wide = mount(UnrolledGraph.from_settings(timesteps=20, units=16), width=1480)
    assert _steps(wide) == list(range(21))


# Per drawn h node: data-units-drawn, the cells in it and the frame's rendered height.
UNITS_JS = """() => [...document.querySelectorAll('[data-testid="h-node"]')].map((n) => ({
  drawn: Number(n.dataset.unitsDrawn),
  cells: n.querySelectorAll('rect.cell').length,
  height: n.querySelector('rect.frame').getBBox().height,
}))"""


def test_units_change_every_node_at_a_glance(mount):
    heights = []
    for units in (1, 8, 16, 32, 64, 256):
        page = mount(UnrolledGraph.from_settings(units=units, timesteps=12), width=1256)
        nodes = page.evaluate(UNITS_JS)
        assert len(nodes) == 13  # h_0 … h_12
        assert {n["drawn"] for n in nodes} == {nodes[0]["drawn"]}
        assert all(n["cells"] == n["drawn"] for n in nodes)
        drawn = nodes[0]["drawn"]
        if units <= 64:
            assert drawn == units
        else:  # first units, an ellipsis, the last one
            assert 64 < drawn < units
        heights.append(nodes[0]["height"])
        assert page.evaluate(OVERLAP_JS)["bad"] == []
        if units in (16, 64, 256):
            harness.screenshot(page.locator(".rnnviz-graph"), f"graph_units_{units}")
    assert heights == sorted(heights)
    assert len(set(heights)) == len(heights), heights
    # 16 → 64 → 256 are clearly different heights (each step at least 40 px here)
    h16, h64, h256 = heights[2], heights[4], heights[5]
    assert h64 - h16 >= 40
    assert h256 - h64 >= 40


def test_stacked_layers_draw_every_unit_up_to_32(mount):
    for layers, presenter in [(2, False), (3, False), (3, True)]:
        g = UnrolledGraph.from_settings(units=32, layers=layers, timesteps=6, presenter=presenter)
        page = mount(g, width=1256)
        nodes = page.evaluate(UNITS_JS)
        assert {n["drawn"] for n in nodes} == {32}
        assert page.evaluate(OVERLAP_JS)["bad"] == []


@pytest.mark.parametrize("figure", [560, 900, 1200])
def test_drawn_columns_grow_with_timesteps_until_the_width_is_used(mount, figure):
    # The figure sits beside the shapes panel: find the host width that gives `figure` px.
    page = mount(UnrolledGraph.from_settings(timesteps=10, units=16), width=figure + 260)
    got = page.evaluate("() => document.querySelector('.rg-figure').clientWidth")
    page = mount(UnrolledGraph.from_settings(timesteps=10, units=16), width=2 * figure + 260 - got)
    got = page.evaluate("() => document.querySelector('.rg-figure').clientWidth")
    assert abs(got - figure) <= 2
    counts = {}
    for T in [*range(10, 41), 60, 100, 150, 200]:
        before = int(_attrs(page)["data-draws"])
        # layout only: a frame of T steps as the kernel would send it (frame_info)
        page.evaluate(
            """(T) => { const m = window.viewModel; const info = m.get('frame_info');
                        m.set('frame_info', { ...info, timesteps: T, decoder_steps: T,
                                              settings: { ...info.settings, timesteps: T } }); }""",
            T,
        )
        page.wait_for_function(
            f"""() => Number(document.querySelector('[data-testid="rnnviz-graph"]')
                  .dataset.draws) > {before}"""
        )
        steps = [t for t in _steps(page) if t > 0]
        assert steps[0] == 1
        assert steps[-1] == T
        assert page.evaluate(OVERLAP_JS)["bad"] == [], T
        counts[T] = len(steps)
    full = [T for T, n in counts.items() if n == T]
    fit = max(full)
    # every step is drawn while they fit; then the count stays near the fit (compressed)
    assert full == [T for T in counts if fit >= T], counts
    assert fit >= {560: 13, 900: 22, 1200: 30}[figure], counts
    for T, n in counts.items():
        if fit < T:
            assert fit - 3 <= n <= fit, counts


def test_cells_use_the_heatmap_colour_scale_in_both_themes(mount):
    for dark, zero in [(False, "rgb(247, 247, 247)"), (True, "rgb(38, 38, 38)")]:
        page = mount(UnrolledGraph.from_settings(timesteps=5, units=4), dark=dark)
        fills = page.evaluate(
            """() => [...document.querySelectorAll('[data-testid="h-node"][data-t="0"] rect.cell')]
                   .map((r) => r.getAttribute('fill'))"""
        )
        assert fills == [zero] * 4  # h_0 = 0: the neutral colour of the scale
        legend = page.evaluate(
            "() => getComputedStyle(document.querySelector('.rg-scale')).backgroundImage"
        )
        assert zero in legend


@pytest.mark.parametrize(
    ("settings", "width"),
    [
        ({"units": 16, "timesteps": 10}, 840),
        ({"units": 16, "timesteps": 15, "layers": 2}, 840),
        ({"units": 16, "timesteps": 20}, 1480),
        ({"units": 256, "timesteps": 200, "truncate": 30}, 1256),
        ({"units": 256, "timesteps": 200, "truncate": 30, "presenter": True}, 1256),
        ({"units": 12, "timesteps": 30, "layers": 3, "truncate": 10, "presenter": True}, 1256),
        ({"architecture": "seq2seq", "timesteps": 8, "decoder_steps": 5, "layers": 2}, 400),
        ({"architecture": "many-to-one", "output_units": 2, "units": 1, "timesteps": 7}, 400),
        ({"input": "sentence", "timesteps": 6}, 1256),
        ({"units": 4, "timesteps": 1, "presenter": True}, 320),
        ({"units": 32, "layers": 2, "rolled": True}, 700),
    ],
)
def test_labels_never_overlap_in_real_fonts(mount, settings, width):
    page = mount(UnrolledGraph.from_settings(**settings), width=width)
    result = page.evaluate(OVERLAP_JS)
    assert result["count"] >= 8
    assert result["bad"] == []


def test_hovering_a_legend_entry_highlights_every_copy(mount):
    page = mount(UnrolledGraph.from_settings(timesteps=6))
    page.hover('.rg-key[data-matrix="W_hh"]')
    copies = page.locator('g.edge[data-matrix="W_hh"]')
    assert copies.count() == 6  # h_0 -> h_1 ... h_5 -> h_6
    assert page.locator('g.edge.hl[data-matrix="W_hh"]').count() == 6
    assert page.locator("g.edge.hl:not([data-matrix='W_hh'])").count() == 0
    page.mouse.move(1, 700)
    assert page.locator("g.edge.hl").count() == 0


def test_roll_button_sets_the_trait_and_redraws(mount):
    page = mount(UnrolledGraph.from_settings(timesteps=6, layers=2))
    page.click("button.rg-roll")
    calls = page.evaluate("() => window.viewCalls")
    assert calls == [["set", "rolled", True], ["save_changes"]]
    page.wait_for_selector('[data-testid="rnnviz-graph"][data-rolled="true"]')
    assert page.locator('[data-testid="h-node"]').count() == 2  # one cell per layer


def test_one_draw_per_batch_of_changes(mount):
    page = mount(UnrolledGraph.from_settings(timesteps=12))
    before = int(_attrs(page)["data-draws"])
    page.evaluate(
        """() => { const m = window.viewModel; m.set('t_cursor', 4); m.set('phase', 'backward');
                   const info = m.get('frame_info');
                   m.set('frame_info', { ...info, settings: { ...info.settings, truncate: 3 } }); }"""
    )
    page.wait_for_timeout(200)
    assert int(_attrs(page)["data-draws"]) == before + 1
    # the backward cursor highlights the gradient edge arriving at h_4
    assert page.locator("g.bwd.hot").get_attribute("data-t") == "4"


def test_tokens_are_shown_as_text_never_as_html(mount):
    g = UnrolledGraph.from_settings(input="sentence", timesteps=6)
    # Tokens only reach a view through a frame (the data traits are read-only).
    words = ["<img src=x onerror=alert(1)>", "cat", "sat", "on", "the", "mat"]
    g.show(dataclasses.replace(g.frame, tokens=words))
    page = mount(g)
    assert page.locator("img").count() == 0
    texts = page.eval_on_selector_all("text.token", "ts => ts.map((t) => t.textContent)")
    assert texts[0] == "<img src=x onerror=alert(1)>"
    assert texts[-1] == "mat"


def test_cleanup_removes_the_view(mount):
    page = mount(UnrolledGraph.from_settings(timesteps=3))
    page.evaluate("() => window.viewCleanup()")
    assert page.locator('[data-testid="rnnviz-graph"]').count() == 0


# Backward edges by chain and layer: {chain: {layer: [t, ...]}}, plus the BPTT label.
BWD_JS = """() => {
  const out = {};
  for (const g of document.querySelectorAll('.rnnviz-graph g.bwd')) {
    const c = g.dataset.bwdChain;
    const l = g.dataset.bwdLayer;
    ((out[c] ||= {})[l] ||= []).push(Number(g.dataset.t));
  }
  const label = document.querySelector('.rnnviz-graph text.band')?.textContent ?? null;
  const ctx = document.querySelectorAll('.rnnviz-graph g.bwd.context').length;
  const down = document.querySelectorAll('.rnnviz-graph g.bwd.down:not(.g-zero)').length;
  return { lanes: out, label, ctx, down };
}"""


@pytest.mark.parametrize("presenter", [False, True])
def test_backward_edges_in_every_layer_of_a_3_layer_stack(mount, presenter):
    g = UnrolledGraph.from_settings(units=8, layers=3, timesteps=10, presenter=presenter)
    page = mount(g, width=1256)
    got = page.evaluate(BWD_JS)
    lanes = got["lanes"]["main"]
    assert sorted(lanes) == ["1", "2", "3"]
    for layer, ts in lanes.items():
        assert set(range(10)) <= set(ts), layer  # arrows into h_0 … h_9 (h_10 from the loss)
    assert got["label"] == "full BPTT: back through every step of every layer"
    assert got["down"] == 2 * 10  # down from layer 3 to 2 and 2 to 1 at every step
    assert page.evaluate(OVERLAP_JS)["bad"] == []
    harness.screenshot(page.locator(".rnnviz-graph"), f"graph_bptt_3_layers_p{int(presenter)}")


@pytest.mark.parametrize("truncate", [0, 8])
def test_seq2seq_gradient_runs_back_through_the_context_into_the_encoder(mount, truncate):
    g = UnrolledGraph.from_settings(
        architecture="seq2seq", units=8, layers=2, timesteps=8, decoder_steps=5, truncate=truncate
    )
    page = mount(g, width=1256)
    got = page.evaluate(BWD_JS)
    for layer in ("1", "2"):
        assert set(got["lanes"]["encoder"][layer]) == set(
            range(9)
        )  # h_0 … h_8, h_8 via the context
        assert set(got["lanes"]["decoder"][layer]) >= {1, 2, 3, 4}
    assert got["ctx"] == 2  # one context edge per layer
    if truncate:  # the 5 decoder steps and 3 encoder steps: gradient edges there, zero before
        assert got["label"] == "truncated BPTT: 8 steps (the decoder + 3 encoder steps)"
        zero = page.evaluate(
            """() => [...document.querySelectorAll('g.bwd[data-bwd-chain="encoder"].g-zero:not(.down)')]
                   .map((g) => Number(g.dataset.t))"""
        )
        assert set(zero) == {0, 1, 2, 3, 4}
    else:
        assert "context" in got["label"]
    assert page.evaluate(OVERLAP_JS)["bad"] == []
    harness.screenshot(page.locator(".rnnviz-graph"), f"graph_bptt_seq2seq_k{truncate}")


def test_seq2seq_cursor_is_on_the_chain_it_is_in(mount):
    """The scrubber's t counts the whole run (encoder 6 steps, then decoder 3): the graph put
    every cursor on the decoder chain (the gradient's), at a decoder step that t is not."""
    g = UnrolledGraph.from_settings(architecture="seq2seq", timesteps=6, decoder_steps=3)
    hot = "g.h-node.hot"
    for t_cursor, chain, t in [(4, "0", "4"), (8, "1", "2")]:
        g.t_cursor = t_cursor
        page = mount(g)
        assert page.locator(hot).count() == 1
        assert (page.get_attribute(hot, "data-chain"), page.get_attribute(hot, "data-t")) == (
            chain,
            t,
        )
