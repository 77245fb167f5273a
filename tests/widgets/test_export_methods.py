"""The Explorer's and the graph's export methods reach rnnviz.export with their own state."""

import numpy as np

import rnnviz
from rnnviz.widgets import build_frame


def test_to_figures_shows_the_explorers_frame():
    ex = rnnviz.explore(units=6, timesteps=9, weight_scale=0.5)
    figs = ex.to_figures()
    heat = figs["heatmap"].data[0]
    assert np.asarray(heat.z).shape == (6, 9)
    expected = build_frame(units=6, timesteps=9, weight_scale=0.5).states[-1].T
    np.testing.assert_allclose(np.asarray(heat.z, dtype=float), expected, rtol=1e-6, atol=1e-7)


def test_to_html_writes_one_offline_file_with_the_sweep(tmp_path):
    ex = rnnviz.explore(units=4, timesteps=5)
    path = ex.to_html(tmp_path / "lesson.html", sweep_values=[0.5, 1.0, 2.0])
    text = path.read_text(encoding="utf-8")
    assert path.parent == tmp_path
    assert "<script" in text
    assert "https://" not in text
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
