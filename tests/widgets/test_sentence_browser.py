"""The sentence's word labels in headless Chromium: real text boxes never overlap.

The heatmap's time axis and the graph's x_t row at 6 (one column per word), 20 and 200
timesteps (padding), normal and presenter, wide and narrow: every pair of rendered tick
labels is measured (getBoundingClientRect / getBBox, so real fonts), none overlap, none is
rotated, and the labels are words (no step numbers on top of them).
"""

from __future__ import annotations

import harness
import pytest
from test_graph_browser import OVERLAP_JS as GRAPH_OVERLAP_JS
from viewpage import view_pages

from rnnviz.widgets.graph import UnrolledGraph
from rnnviz.widgets.heatmap import StateHeatmap

pytestmark = [pytest.mark.ui, pytest.mark.slow]

WORDS = ["the", "cat", "sat", "on", "the", "mat"]
VOCAB = {*WORDS, "<pad>"}

# The x-axis tick labels of the heatmap: text, box, and whether plotly rotated them.
XTICKS_JS = """() => [...document.querySelectorAll('.rnnviz-plot .xtick text')]
  .filter((t) => t.textContent.trim() !== '')
  .map((t) => { const b = t.getBoundingClientRect();
    return { text: t.textContent, x0: b.left, x1: b.right, y0: b.top, y1: b.bottom,
             rotated: /rotate\\((?!0[,)])/.test(t.getAttribute('transform') || '') }; })"""


def _overlaps(boxes: list[dict]) -> list[str]:
    bad = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            across = a["x0"] < b["x1"] - 0.5 and b["x0"] < a["x1"] - 0.5
            if across and a["y0"] < b["y1"] - 0.5 and b["y0"] < a["y1"] - 0.5:
                bad.append(f"{a['text']} / {b['text']}")
    return bad


@pytest.fixture
def page(ui_browser):
    with view_pages(ui_browser) as pages:
        yield pages


@pytest.mark.parametrize("timesteps", [6, 20, 200])
def test_sentence_heatmap_word_ticks_never_overlap(page, timesteps):
    for presenter in (False, True):
        for width in (1000, 480):
            view = StateHeatmap.from_settings(
                input="sentence", timesteps=timesteps, units=8, presenter=presenter
            )
            p = page.mount({"heatmap": view}, width)
            ticks = p.evaluate(XTICKS_JS)
            what = f"T={timesteps} width={width} presenter={presenter}"
            assert ticks, what
            assert {t["text"] for t in ticks} <= VOCAB, what  # words only: no step numbers
            assert not any(t["rotated"] for t in ticks), what
            assert _overlaps(ticks) == [], what
            texts = [t["text"] for t in sorted(ticks, key=lambda t: t["x0"])]
            assert texts[0] == "the", what
            if timesteps == 6 or (timesteps == 20 and width == 1000):
                assert texts[:6] == WORDS, what  # one labelled column per word
            if timesteps == 6 and width == 1000 and not presenter:
                # hovering the column of t = 2 names its word
                box = p.locator(".rnnviz-plot .nsewdrag").bounding_box()
                p.mouse.move(box["x"] + box["width"] * 1.5 / 6, box["y"] + box["height"] / 2)
                p.wait_for_selector(".rnnviz-plot .hovertext", timeout=10_000)
                assert "t = 2 (cat)" in p.text_content(".rnnviz-plot .hovertext")
            if width == 1000 or timesteps == 20:
                name = f"sentence_heatmap_T{timesteps}" + ("_presenter" if presenter else "")
                name += "" if width == 1000 else f"_{width}px"
                harness.screenshot(p.locator('[data-testid="rnnviz-heatmap"]'), name)


@pytest.mark.parametrize("timesteps", [6, 20, 200])
def test_sentence_graph_word_labels_never_overlap(page, timesteps):
    for presenter in (False, True):
        for width in (1256, 560):
            view = UnrolledGraph.from_settings(
                input="sentence", timesteps=timesteps, presenter=presenter
            )
            p = page.mount({"graph": view}, width)
            what = f"T={timesteps} width={width} presenter={presenter}"
            result = p.evaluate(GRAPH_OVERLAP_JS)
            assert result["bad"] == [], what
            tokens = p.eval_on_selector_all(
                "text.token",
                "ts => ts.map((t) => [t.textContent, t.getAttribute('transform')])",
            )
            assert tokens, what
            assert all(transform is None for _, transform in tokens), what  # horizontal
            texts = [t for t, _ in tokens]
            assert set(texts) <= VOCAB, what
            assert texts[0] == "the", what
            if timesteps == 6:
                assert texts == WORDS, what
            panel = p.text_content(".rg-shapes")
            assert "x_t: one-hot over 5 words" in panel, what
            assert ("<pad> = a zero vector" in panel) == (timesteps > 6), what
            if not presenter and width == 1256:
                harness.screenshot(
                    p.locator('[data-testid="rnnviz-graph"]'), f"sentence_graph_T{timesteps}"
                )
