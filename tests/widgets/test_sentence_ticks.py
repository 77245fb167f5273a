"""The sentence's word labels: the exported figure thins them by the views' own rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rnnviz.export._axes import word_ticks
from rnnviz.export._figures import TICK_FONT, WORD_PLOT_WIDTH, WORD_ROWS
from rnnviz.frame import build_frame
from rnnviz.sim import inputs

ROOT = Path(__file__).resolve().parents[2]
WORDS = ["the", "cat", "sat", "on", "the", "mat"]
CASES = [
    (inputs.tokens("sentence", T), width, size, rows)
    for T in (1, 3, 6, 7, 20, 57, 200)
    for width in (150, 460, 1200)
    for size in (12, 20)
    for rows in (1, 2)
]
CASES.append((["antidisestablishment", "a", "<pad>", "ww", "日本語", "i"] * 5, 300, 12, 2))


def test_python_and_js_thin_the_word_labels_alike(node_json):
    """rnnviz.export._axes.word_ticks and js/src/lib/word_ticks.js keep the same labels."""
    module = (ROOT / "js" / "src" / "lib" / "word_ticks.js").as_uri()
    code = (
        f"import {{ wordTicks }} from {json.dumps(module)};"
        f"const cases = {json.dumps(CASES)};"
        "console.log(JSON.stringify(cases.map(([t, w, s, r]) => {"
        "  const k = wordTicks(t, w, s, r);"
        "  return k.steps.map((step, i) => [step, k.texts[i], k.rows[i]]);"
        "})));"
    )
    js = node_json(code)
    py = [[list(tick) for tick in word_ticks(*case)] for case in CASES]
    assert py == js


@pytest.mark.parametrize("timesteps", [6, 20, 200])
def test_sentence_figure_labels_words_only_horizontal_and_apart(timesteps):
    from rnnviz.export import to_figures

    axis = to_figures(build_frame(input="sentence", timesteps=timesteps, units=4))["heatmap"]
    axis = axis.layout.xaxis
    assert axis.tickangle == 0
    steps, texts = list(axis.tickvals), list(axis.ticktext)
    expected = word_ticks(inputs.tokens("sentence", timesteps), WORD_PLOT_WIDTH, TICK_FONT, 2)
    assert steps == [t for t, _, _ in expected]
    assert WORD_ROWS == 2
    words = [t.removeprefix("<br>").replace("&lt;", "<").replace("&gt;", ">") for t in texts]
    assert all(w in [*WORDS, "<pad>"] for w in words)  # no numbers under the words
    if timesteps <= 20:
        assert words[:6] == WORDS  # every word of the sentence is labelled
    assert words[0] == "the"
    trace = to_figures(build_frame(input="sentence", timesteps=timesteps, units=4))["heatmap"]
    trace = trace.data[0]
    assert "t = %{customdata}" in trace.hovertemplate  # not %{x}: that reads the tick text
    assert list(trace.customdata[3][:2]) == ["1 (the)", "2 (cat)"]
    assert trace.customdata[3][-1] == (f"{timesteps} (&lt;pad&gt;)" if timesteps > 6 else "6 (mat)")
