"""GradientFlow: log10 curves as float32 buffers, theory readout, overlays, plotly serving."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnnviz.frame import build_frame
from rnnviz.widgets._base import bundle
from rnnviz.widgets._plotly import plotly_source
from rnnviz.widgets.gradients import GradientFlow, log10_f32


def test_log10_f32_keeps_overflow_and_underflow_visible():
    out = log10_f32(np.array([1.0, 1e95, 1e-300, 0.0, np.inf]))
    assert out.dtype == np.float32
    assert out[0] == 0.0
    assert out[1] == np.float32(95.0)
    assert out[2] == np.float32(-300.0)
    assert out[3] == -np.inf
    assert out[4] == np.inf


def test_curves_are_log10_of_the_frame_indexed_by_t():
    frame = build_frame(timesteps=10, truncate=4)
    view = GradientFlow(frame=frame)
    for trait, source in [
        ("log10_jacobian_norms", frame.jacobian_norms),
        ("log10_dh_norms", frame.dh_norms),
        ("log10_bound", frame.bound),
        ("log10_product_bound", frame.product_bound),
    ]:
        got = getattr(view, trait)
        assert got.dtype == np.float32
        assert got.shape == (11,)
        with np.errstate(divide="ignore"):
            np.testing.assert_array_equal(got, np.log10(source).astype(np.float32))
    assert view.log10_jacobian_norms[-1] == 0.0  # ‖∂h_T/∂h_T‖ = 1
    assert view.truncate == 4
    assert np.all(view.log10_dh_norms[:6] == -np.inf)  # cut off by truncation


def test_theory_readout_numbers():
    view = GradientFlow.from_settings(weight_scale=0.5, activation="sigmoid")
    th = view.theory
    assert th["matrix"] == "W_hh"
    assert th["gamma"] == 0.25
    assert th["sigma_max"] == pytest.approx(0.5, abs=1e-12)  # orthogonal × 0.5
    assert th["rho"] == pytest.approx(0.5, abs=1e-12)
    assert th["gamma_sigma"] == pytest.approx(0.125, abs=1e-12)
    assert th["vanishing_sufficient"] is True
    assert GradientFlow.from_settings(weight_scale=1.5).theory["vanishing_sufficient"] is False


def test_theory_names_the_lstm_candidate_block():
    assert GradientFlow.from_settings(cell="lstm", timesteps=4).theory["matrix"] == "U_c"


def test_exploding_values_beyond_float32_survive_the_wire():
    view = GradientFlow.from_settings(activation="linear", weight_scale=3.0, timesteps=200)
    assert view.log10_jacobian_norms[0] == pytest.approx(200 * math.log10(3.0), rel=1e-6)
    assert np.all(np.isfinite(view.log10_jacobian_norms))


def test_underflow_to_zero_arrives_as_minus_inf():
    view = GradientFlow.from_settings(activation="sigmoid", weight_scale=0.05, timesteps=200)
    assert view.log10_bound[0] == -np.inf
    assert not np.isnan(view.log10_bound).any()


def test_overlays_are_ordered_pairs_of_float32_buffers(split_state):
    view = GradientFlow.from_settings(overlay="weight_scale", timesteps=5, weight_scale=0.8)
    assert list(view.log10_overlays) == ["s = 0.5", "s = 1", "s = 1.5", "s = 2"]
    state, buffers = split_state(view)
    names = [name for name, _ in state["log10_overlays"]]
    assert names == ["s = 0.5", "s = 1", "s = 1.5", "s = 2"]
    assert all(v["dtype"] == "float32" and v["shape"] == [6] for _, v in state["log10_overlays"])
    # 4 lines + 4 overlays + their 4 bounds, 6 float32 values each, all binary
    assert sorted(memoryview(b).nbytes for b in buffers) == [24] * 12
    assert [name for name, _ in state["log10_overlay_bounds"]] == names


def _custom(content: dict) -> dict:
    """A comm message as ipywidgets receives it from ``model.send(content)`` in JS."""
    return {"content": {"data": {"method": "custom", "content": content}}, "buffers": []}


def test_plotly_is_served_on_request_as_one_binary_buffer(wire):
    view = GradientFlow.from_settings(timesteps=3)
    wire.attach(view)
    view._handle_msg(_custom({"type": "plotly:request"}))  # as the comm delivers it
    ((_, data, buffers),) = wire.messages
    assert data == {"method": "custom", "content": {"type": "plotly:source"}}
    assert bytes(buffers[0]) == bundle("plotly_runtime").read_bytes() == plotly_source()
    assert len(buffers[0]) > 1_000_000
    wire.clear()
    view._handle_msg(_custom({"type": "something else"}))
    assert wire.messages == []


def test_view_bundles_do_not_contain_plotly():
    for name in ("heatmap", "gradients"):
        assert bundle(name).stat().st_size < 50_000


def test_show_sends_one_update_message(wire):
    view = GradientFlow.from_settings(timesteps=5)
    wire.attach(view)
    view.show(build_frame(timesteps=7, weight_scale=0.5))
    assert len(wire.updates(view)) == 1
    assert wire.buffer_bytes(view) == 4 * 8 * 4


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gated_cells_send_no_pascanu_line_and_no_vanishing_verdict(cell):
    view = GradientFlow.from_settings(cell=cell, timesteps=12, weight_scale=0.5)
    assert view.log10_bound is None  # the dashed (γσ_max)^(T−t) line is not drawn …
    assert view.theory["pascanu_holds"] is False
    assert view.theory["vanishing_sufficient"] is None  # … nor "sufficient: yes" stated
    assert view.log10_product_bound.shape == (13,)  # the bound that holds is sent instead


def test_the_elman_cell_keeps_its_pascanu_bound():
    view = GradientFlow.from_settings(cell="rnn", timesteps=12, weight_scale=0.5)
    assert view.theory["pascanu_holds"] is True
    assert view.theory["vanishing_sufficient"] is True
    assert view.log10_bound.shape == (13,)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_every_curve_the_view_draws_is_below_its_sent_bound(cell):
    """On the wire (float32 logs), every curve — main and sweep — has its own bound above it."""
    view = GradientFlow.from_settings(
        cell=cell, overlay="weight_scale", weight_scale=0.8, timesteps=30, activation="linear"
    )
    pairs = [(view.log10_jacobian_norms, view.log10_product_bound)]
    assert list(view.log10_overlay_bounds) == list(view.log10_overlays)
    pairs += [(view.log10_overlays[k], view.log10_overlay_bounds[k]) for k in view.log10_overlays]
    for curve, bound in pairs:
        assert np.all(curve <= bound + 1e-6)  # float32 log10: 1e-6 decades of rounding


def test_js_overlay_colour_slots_follow_the_sweeps_of_the_frame():
    """js/src/lib/axes.js keys each overlay's fixed colour by its index in the sweeps the
    frame overlays: the weight scales are one list in two languages (checked here), the
    cells travel in frame_info.cells (every registered cell, in CELL_SWEEP order) with their
    labels, so the JS keeps no list of cell names."""
    import pathlib
    import re

    from rnnviz.frame import CELL_SWEEP, SCALE_SWEEP
    from rnnviz.sim import CELL_CLASSES

    src = (pathlib.Path(__file__).parents[2] / "js/src/lib/axes.js").read_text()
    scales = re.search(r"SCALE_SWEEP = \[([^\]]*)\]", src).group(1)
    assert [float(v) for v in scales.split(",")] == list(SCALE_SWEEP)
    assert "CELL_SWEEP = [" not in src  # no JS copy of the cell names
    view = GradientFlow.from_settings(timesteps=4, units=2, overlay="cell")
    cells = view.frame_info["cells"]
    assert [name for name, _ in cells] == list(CELL_SWEEP)
    assert cells == [[c.name, c.display_name] for c in CELL_CLASSES]
