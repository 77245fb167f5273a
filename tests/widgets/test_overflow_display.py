"""The overflow flag agrees with the picture: a view never shows inf while the frame says
nothing overflowed (values beyond float32's ±3.4e38 reach the views as inf)."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.frame import build_frame
from rnnviz.widgets._buffers import FLOAT32_MAX, beyond_float32
from rnnviz.widgets.graph import UnrolledGraph
from rnnviz.widgets.heatmap import StateHeatmap


@pytest.mark.parametrize(
    ("activation", "timesteps"), [("relu", 200), ("linear", 100), ("tanh", 200), ("relu", 20)]
)
def test_frame_flag_matches_the_inf_the_views_draw(activation, timesteps):
    """relu s = 3, 200 steps: states up to ~1e90 are finite in float64 (the simulator did not
    overflow) but inf in float32; the frame must say so (before: overflowed was False)."""
    frame = build_frame(activation=activation, weight_scale=3.0, timesteps=timesteps)
    shown = np.isinf(StateHeatmap(frame=frame).values).any()
    assert frame.overflowed == shown
    assert UnrolledGraph(frame=frame).overflowed == shown
    if activation == "relu" and timesteps == 200:
        assert shown
        assert np.isfinite(frame.states[0]).all()  # float64 is fine: only the display is not


def test_beyond_float32():
    assert not beyond_float32(np.array([FLOAT32_MAX, -FLOAT32_MAX]), None)
    assert beyond_float32(np.array([0.0, FLOAT32_MAX * 2]))
    assert beyond_float32(None, np.array([-np.inf]))
    assert beyond_float32(np.array([np.nan]))
