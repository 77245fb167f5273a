"""``frame_of(settings, model)``: the one place a complete frame is made from settings and a
model; the Explorer's ``frame_for`` and the export's frames of views alone both use it."""

from __future__ import annotations

import numpy as np
import pytest

import rnnviz
from rnnviz.export._interfaces import ViewsSource
from rnnviz.frame import build_frame, frame_of
from rnnviz.sim import make_cell


@pytest.fixture(scope="module")
def explorer():
    cell = make_cell("gru", units=3, features=2, seed=5, weight_scale=1.1)
    return rnnviz.explore([cell], timesteps=6)


def _same_frame(a, b) -> None:
    assert a.settings == b.settings
    for x, y in zip(a.states, b.states, strict=True):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(a.jacobian_norms, b.jacobian_norms)
    np.testing.assert_array_equal(a.product_bound, b.product_bound)


def test_without_a_model_it_is_build_frame():
    settings = {"units": 4, "timesteps": 5, "cell": "lstm", "weight_scale": 0.8}
    _same_frame(frame_of(settings), build_frame(**settings))


def test_a_models_frame_has_the_settings_the_model_decides(explorer):
    model = explorer._model
    frame = frame_of({"weight_scale": 0.5, "timesteps": 4}, model)  # units etc. not given
    assert (frame.settings["units"], frame.settings["cell"], frame.settings["features"]) == (
        3,
        "gru",
        2,
    )
    expected = model.cells_at(0.5)[0].run(frame.x[None]).states[0]
    np.testing.assert_allclose(frame.states[0], expected, rtol=1e-12)
    with pytest.raises(ValueError, match="units is fixed by your model"):
        frame_of({"units": 8}, model)


def test_the_explorer_and_the_export_make_the_same_frame(explorer):
    settings = {**explorer.settings, "weight_scale": 0.7}
    alone = ViewsSource([explorer.heatmap])
    want = frame_of(settings, explorer._model)
    _same_frame(explorer.frame_for(**settings), want)
    _same_frame(alone.frame_for(**settings), want)
    assert explorer.frame_for(**{**explorer.settings, "weight_scale": 0.7}).model is explorer._model
