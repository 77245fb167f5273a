"""The gradient panel shows the layer the learner picks; only that layer's curve is computed."""

from __future__ import annotations

import numpy as np
import pytest
import traitlets

import rnnviz
from rnnviz.widgets import build_frame
from rnnviz.widgets.gradients import GradientFlow


def test_analysis_of_a_chosen_layer_is_that_layers_curve_and_theory():
    frame = build_frame(layers=3, units=6, timesteps=10, weight_scale=1.3, overlay="weight_scale")
    assert frame.gradient_layer == 2  # the top one by default
    from rnnviz.frame import analyse, build_forward, compose

    forward = build_forward(frame.settings)
    low = compose(forward, analyse(forward, layer=0))
    bottom = low.result.layers[0]
    assert low.gradient_layer == 0
    np.testing.assert_array_equal(low.jacobian_norms, bottom.jacobian_norms()[0])
    assert low.theory.sigma_max == pytest.approx(bottom.theory.sigma_max)
    assert not np.array_equal(low.jacobian_norms, frame.jacobian_norms)
    # the overlays follow the chosen layer too (s = 0.5 of layer 1, not of the top)
    other = build_frame(**{**frame.settings, "weight_scale": 0.5}).result.layers[0]
    np.testing.assert_allclose(low.overlays["s = 0.5"], other.jacobian_norms()[0], rtol=1e-12)
    # out of range: the top layer
    assert compose(forward, analyse(forward, layer=7)).gradient_layer == 2


def test_panel_alone_reanalyses_for_the_chosen_layer():
    view = GradientFlow.from_settings(architecture="seq2seq", timesteps=9, decoder_steps=4)
    assert (view.shown_layer, view.timesteps) == (1, 4)  # the decoder
    view.layer = 0  # the encoder: its own T, its ‖∂L/∂h_t‖ (through the context)
    assert (view.shown_layer, view.timesteps) == (0, 9)
    enc = view.frame.result.layers[0]
    np.testing.assert_allclose(
        10 ** view.log10_jacobian_norms.astype(np.float64),
        enc.jacobian_norms()[0],
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        10 ** view.log10_dh_norms.astype(np.float64), view.frame.layer_dh_norms[0], rtol=1e-6
    )
    with pytest.raises(traitlets.TraitError, match=r"layer must be -1 .* index 0 … 1"):
        view.layer = 5
    assert view.shown_layer == 0


def test_explorer_analyses_the_layer_the_panel_asks_for():
    ex = rnnviz.explore(layers=2, units=6, timesteps=8)
    assert ex.gradients.shown_layer == 1
    ex.gradients.set_state({"layer": 0})  # what ipywidgets does when the menu changes
    ex.wait_settled(30)
    assert ex.gradients.shown_layer == 0
    assert ex.frame.gradient_layer == 0
    np.testing.assert_array_equal(
        ex.frame.jacobian_norms, ex.frame.result.layers[0].jacobian_norms()[0]
    )
    ex.units = 7  # later frames keep the choice
    ex.wait_settled(30)
    assert ex.frame.gradient_layer == 0
    assert ex.graph.units == 7


def test_a_panel_with_a_chosen_layer_shows_every_frame_for_that_layer():
    view = GradientFlow.from_settings(layers=2, units=5, timesteps=7)
    view.layer = 0
    frame = build_frame(layers=2, units=5, timesteps=9)  # analysed for the top layer
    view.show(frame)
    assert (view.shown_layer, view.timesteps) == (0, 9)
    np.testing.assert_allclose(
        10 ** view.log10_jacobian_norms.astype(np.float64),
        frame.result.layers[0].jacobian_norms()[0],
        rtol=1e-6,
    )
    view.layer = -1  # back to the top layer
    assert view.shown_layer == 1
    assert view.frame.gradient_layer == 1


def test_export_page_answers_the_layer_menu_from_precomputed_states(tmp_path):
    from rnnviz.export import to_html

    ex = rnnviz.explore(layers=2, units=4, timesteps=5)
    path = tmp_path / "page.html"
    to_html(ex, path, sweep="weight_scale", sweep_values=[0.5, 1.0])
    html = path.read_text()
    # per sweep value: the top layer's state (gradient and eigen views, which both name the
    # layer they show) and a precomputed answer of the gradient view for the bottom layer
    assert html.count('"shown_layer":1') == 2 * 2
    assert html.count('"shown_layer":0') == 2


def test_truncation_shading_follows_the_shown_layer():
    view = GradientFlow.from_settings(
        architecture="seq2seq", timesteps=8, decoder_steps=5, truncate=7, units=4
    )
    assert (view.shown_layer, view.truncation["kept"]) == (1, [0, 5])  # all the decoder
    view.layer = 0
    assert (view.timesteps, view.truncation["kept"]) == (8, [0, 2])  # 7 − 5 encoder steps
    one = GradientFlow.from_settings(timesteps=8, truncate=3, units=4)
    assert one.truncation["kept"] == [0, 3]
    full = GradientFlow.from_settings(timesteps=8, units=4)
    assert not full.truncation["active"]


def test_a_chosen_layer_is_kept_while_it_exists_and_its_loss_is_said():
    """layers 3 -> 2 keeps "layer 1"; 2 -> 1 loses "layer 2": the top one is shown, the
    choice is forgotten (1 -> 3 shows the top again) and the panel and status say so."""
    ex = rnnviz.explore(layers=3, units=5, timesteps=6)
    for view in (ex.gradients, ex.heatmap):
        view.set_state({"layer": 0})  # what ipywidgets does when a menu changes
    ex.wait_settled(30)
    ex.layers = 2
    ex.wait_settled(30)
    assert (ex.gradients.layer, ex.gradients.shown_layer, ex.frame.gradient_layer) == (0, 0, 0)
    assert ex.heatmap.layer == 0
    np.testing.assert_array_equal(ex.heatmap.values, ex.frame.states[0].T.astype(np.float32))
    assert ex.gradients.layer_note == ex.heatmap.layer_note == ""
    assert "no longer exists" not in ex.status.value
    for view in (ex.gradients, ex.heatmap):
        view.set_state({"layer": 1})
    ex.wait_settled(30)
    ex.layers = 1
    ex.wait_settled(30)
    assert (ex.gradients.layer, ex.gradients.shown_layer) == (-1, 0)
    assert ex.heatmap.layer == 0
    gone = "the chosen layer 2 no longer exists: showing the top layer, layer 1"
    assert ex.gradients.layer_note == ex.heatmap.layer_note == gone
    assert f"gradients: {gone}" in ex.status.value
    assert f"heatmap: {gone}" in ex.status.value
    ex.layers = 3  # the choice was forgotten: the top layer, as for a learner who never chose
    ex.wait_settled(30)
    assert (ex.gradients.shown_layer, ex.heatmap.layer) == (2, 2)
    assert ex.gradients.layer_note == ex.heatmap.layer_note == ""
    assert "no longer exists" not in ex.status.value


def test_a_chosen_layer_follows_its_name_not_its_index():
    """seq2seq names its layers "encoder i" / "decoder i": "layer 1" is gone there."""
    view = GradientFlow.from_settings(layers=2, units=4, timesteps=6)
    view.layer = 0
    view.show(build_frame(layers=2, units=4, timesteps=6, architecture="seq2seq"))
    assert (view.layer, view.shown_layer) == (-1, 3)  # decoder 2, the top
    assert view.layer_note.startswith("the chosen layer 1 no longer exists")
    view.layer = 1  # encoder 2
    view.show(build_frame(layers=3, units=4, timesteps=6, architecture="seq2seq"))
    assert (view.layer, view.layer_names[view.shown_layer]) == (1, "encoder 2")
    np.testing.assert_allclose(
        10 ** view.log10_jacobian_norms.astype(np.float64),
        view.frame.result.layers[1].jacobian_norms()[0],
        rtol=1e-6,
    )


def test_a_panel_alone_reanalyses_a_users_model_with_that_model():
    # reanalyse ran the overlay curves with cells built from the settings, not the user's
    # cells: the "s = 0.5" curve of another layer was some other network's
    from rnnviz.sim import make_cell

    cells = [
        make_cell("rnn", units=5, features=2, seed=11, weight_scale=1.2),
        make_cell("rnn", units=5, features=5, seed=12, weight_scale=1.2),
    ]
    ex = rnnviz.explore(cells, overlay="weight_scale", timesteps=8)
    view = GradientFlow(frame=ex.frame)
    view.layer = 0
    assert view.frame.gradient_layer == 0
    x = view.frame.x[None]
    for scale in (0.5, 2.0):
        bottom = ex._model.cells_at(scale)[0].run(x)
        np.testing.assert_allclose(
            view.frame.overlays[f"s = {scale:g}"], bottom.jacobian_norms()[0], rtol=1e-12
        )
