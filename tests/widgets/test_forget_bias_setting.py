"""The Explorer's forget_bias setting reaches every LSTM cell it builds, and only those."""

from __future__ import annotations

import numpy as np
import pytest

import rnnviz
from rnnviz.frame import build_frame
from rnnviz.settings import SPECS
from rnnviz.sim import LSTM, inputs, make_cell
from rnnviz.sim.lstm import DEFAULT_FORGET_BIAS
from rnnviz.widgets._controls import FORGET_BIAS_LABEL


def _spy_cells(monkeypatch) -> list:
    """Record every cell the frame builder makes."""
    made = []
    original = rnnviz.sim.make_cell

    def spy(name, **kwargs):
        cell = original(name, **kwargs)
        made.append(cell)
        return cell

    monkeypatch.setattr(rnnviz.sim, "make_cell", spy)
    return made


def test_the_setting_has_one_default_shared_with_the_simulator():
    spec = SPECS["forget_bias"]
    assert spec.default == DEFAULT_FORGET_BIAS == LSTM(units=2, features=1).forget_bias == 1.0
    assert (spec.kind, spec.low, spec.high) == ("float", 0.0, 5.0)


def test_lstm_frame_uses_forget_bias():
    f = build_frame(cell="lstm", forget_bias=0.0, timesteps=12)
    x = inputs.make("sine", 12, 1, batch=1, seed=0)  # the Explorer's defaults: 1 feature, s = 0.5
    res = make_cell("lstm", units=16, features=1, weight_scale=0.5, seed=0, forget_bias=0.0).run(x)
    np.testing.assert_array_equal(f.states[0], res.states[0])
    np.testing.assert_array_equal(f.jacobian_norms, res.jacobian_norms()[0])
    default = build_frame(cell="lstm", timesteps=12)
    assert default.jacobian_norms[0] > 10 * f.jacobian_norms[0]  # 0.17 vs 0.0088


@pytest.mark.parametrize(
    "settings",
    [
        {"layers": 3},
        {"architecture": "seq2seq", "layers": 2, "decoder_steps": 5},
        {"architecture": "one-to-many"},
        {"architecture": "many-to-one", "layers": 2},
    ],
)
def test_every_lstm_layer_of_every_architecture_gets_it(monkeypatch, settings):
    made = _spy_cells(monkeypatch)
    build_frame(cell="lstm", forget_bias=2.5, timesteps=6, **settings)
    assert made
    for cell in made:
        assert cell.forget_bias == 2.5
        np.testing.assert_array_equal(cell.bias[cell.units : 2 * cell.units], 2.5)


def test_the_cell_overlay_lstm_curve_uses_it():
    kw = {"cell": "rnn", "overlay": "cell", "timesteps": 30}
    kept, lost = build_frame(forget_bias=1.0, **kw), build_frame(forget_bias=0.0, **kw)
    assert kept.overlays["lstm"][0] > 100 * lost.overlays["lstm"][0]
    np.testing.assert_array_equal(kept.overlays["gru"], lost.overlays["gru"])
    np.testing.assert_array_equal(kept.jacobian_norms, lost.jacobian_norms)  # the rnn curve


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_other_cells_ignore_it(cell):
    a, b = build_frame(cell=cell, forget_bias=0.0), build_frame(cell=cell, forget_bias=4.0)
    np.testing.assert_array_equal(a.states[0], b.states[0])
    np.testing.assert_array_equal(a.jacobian_norms, b.jacobian_norms)


def test_the_slider_is_for_the_lstm_only():
    ex = rnnviz.explore(timesteps=6)
    slider = ex.controls.by_setting["forget_bias"]
    spec = SPECS["forget_bias"]
    assert (slider.min, slider.max, slider.step, slider.value) == (
        spec.low,
        spec.high,
        0.1,
        spec.default,
    )
    assert slider.disabled
    assert slider.description == FORGET_BIAS_LABEL[False]
    assert "LSTM only" in slider.description
    ex.cell = "lstm"
    assert not slider.disabled
    assert slider.description == FORGET_BIAS_LABEL[True]
    ex.controls.by_setting["cell"].value = "gru"
    assert slider.disabled


def test_the_slider_and_the_attribute_are_linked_and_redraw():
    ex = rnnviz.explore(cell="lstm", timesteps=30)
    assert not ex.controls.by_setting["forget_bias"].disabled
    before = ex.frame.jacobian_norms[0]
    ex.controls.by_setting["forget_bias"].value = 0.0
    assert ex.forget_bias == 0.0
    assert ex.frame.jacobian_norms[0] < before / 100
    ex.forget_bias = 3.0
    assert ex.controls.by_setting["forget_bias"].value == 3.0
    assert ex.config == {"cell": "lstm", "timesteps": 30, "forget_bias": 3.0}
    with pytest.raises(ValueError, match="forget_bias"):
        ex.forget_bias = 6.0
    assert ex.forget_bias == 3.0


def test_export_sweep_frames_keep_it(monkeypatch, tmp_path):
    from rnnviz.frame import build as build_module

    seen = []
    original = build_module.build_forward

    def spy(settings, model=None):  # what frame_of builds the Explorer's sweep frames with
        seen.append(settings["forget_bias"])
        return original(settings, model)

    ex = rnnviz.explore(cell="lstm", forget_bias=0.3, units=4, timesteps=5)
    ex.wait_settled(30)
    monkeypatch.setattr(build_module, "build_forward", spy)
    ex.to_html(tmp_path / "page.html", sweep_values=[0.5, 1.0])
    assert seen
    assert set(seen) == {0.3}
