"""build_frame: one simulator run turned into the plain arrays every view draws."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rnnviz.frame import CELL_SWEEP, SCALE_SWEEP, Frame, build_frame
from rnnviz.sim import CELLS, inputs, make_cell
from rnnviz.sim.architectures import run_architecture


@pytest.fixture(scope="module")
def default_frame() -> Frame:
    return build_frame()


def test_default_frame_matches_a_direct_simulator_run(default_frame):
    f = default_frame
    x = inputs.make("sine", 20, 1, batch=1, seed=0)
    res = make_cell("rnn", units=16, features=1, weight_scale=0.5, seed=0).run(x)
    np.testing.assert_array_equal(f.x, x[0])
    assert len(f.states) == 1
    np.testing.assert_array_equal(f.states[0], res.states[0])
    np.testing.assert_array_equal(f.jacobian_norms, res.jacobian_norms()[0])
    np.testing.assert_array_equal(f.dh_norms, res.loss_gradients().dh_norms[0])
    np.testing.assert_array_equal(f.bound, res.theory.bound)
    assert f.theory.sigma_max == res.theory.sigma_max
    assert f.states[0].shape == (20, 16)
    assert f.jacobian_norms.shape == f.dh_norms.shape == f.bound.shape == (21,)
    assert f.jacobian_norms[-1] == 1.0
    assert f.timesteps == 20


def test_default_frame_metadata(default_frame):
    f = default_frame
    assert f.n_params == 1 * 16 + 16 * 16 + 16 == 288
    assert f.shapes["x"] == (1, 20, 1)
    assert f.shapes["W_xh"] == (1, 16)
    assert f.shapes["W_hh"] == (16, 16)
    assert f.shapes["output"] == (1, 20, 16)
    assert f.layer_names == ["layer 1"]
    assert f.tokens is None
    assert f.cell_states == [None]
    assert f.gates == [{}]
    assert f.outputs is None
    assert f.overlays == {}
    assert f.overflowed is False
    assert f.settings["units"] == 16
    assert f.settings["input"] == "sine"


def test_frame_is_frozen(default_frame):
    with pytest.raises(dataclasses.FrozenInstanceError):
        default_frame.settings = {}


def test_lstm_stack_exposes_every_layer_with_cell_states_and_gates():
    f = build_frame(cell="lstm", layers=3, units=8, timesteps=7)
    assert [s.shape for s in f.states] == [(7, 8)] * 3
    assert all(c.shape == (7, 8) for c in f.cell_states)
    assert list(f.gates[2]) == ["i", "f", "c", "o"]
    assert f.layer_names == ["layer 1", "layer 2", "layer 3"]
    x = inputs.make("sine", 7, 1)
    cells = [
        make_cell("lstm", units=8, features=1 if i == 0 else 8, weight_scale=0.5, seed=i)
        for i in range(3)
    ]
    ref = run_architecture("many-to-many", cells, x)
    np.testing.assert_array_equal(f.states[2], ref.layers[2].states[0])
    np.testing.assert_array_equal(f.jacobian_norms, ref.top.jacobian_norms()[0])
    assert f.n_params == ref.n_params


def test_many_to_one_outputs_only_the_last_state():
    f = build_frame(architecture="many-to-one", timesteps=5)
    assert f.settings["return_sequences"] is False
    assert f.shapes["output"] == (1, 16)


def test_seq2seq_has_encoder_and_decoder_of_their_own_lengths():
    f = build_frame(architecture="seq2seq", timesteps=9, decoder_steps=4, cell="gru")
    assert f.layer_names == ["encoder 1", "decoder 1"]
    assert [s.shape for s in f.states] == [(9, 16), (4, 16)]
    assert f.jacobian_norms.shape == (5,)  # the top layer is the decoder
    assert f.timesteps == 4


def test_sentence_input_labels_every_timestep():
    f = build_frame(input="sentence", timesteps=8)
    assert f.tokens == ["the", "cat", "sat", "on", "the", "mat", "<pad>", "<pad>"]
    # one-hot: features == vocabulary size (5 distinct words); padding is zero vectors
    assert f.x.shape == (8, 5)
    np.testing.assert_array_equal(f.x.sum(axis=1), [1, 1, 1, 1, 1, 1, 0, 0])
    np.testing.assert_array_equal(f.x[0], f.x[4])  # "the" twice


def test_one_to_many_shows_the_input_its_run_read():
    """One-to-many reads x_1 and then zero vectors: the frame (and the graph's and heatmap's
    word labels) showed the preset's x_2 … x_T and the words 'cat', 'sat', … instead."""
    from rnnviz.widgets import StateHeatmap, UnrolledGraph

    f = build_frame(input="sentence", timesteps=4, architecture="one-to-many")
    assert f.tokens == ["the", inputs.PAD, inputs.PAD, inputs.PAD]
    np.testing.assert_array_equal(f.x.sum(axis=1), [1, 0, 0, 0])
    cell = make_cell("rnn", units=16, features=5, weight_scale=0.5, seed=0)
    run = run_architecture("one-to-many", [cell], f.x[None, 0], steps=4)
    np.testing.assert_array_equal(f.states[0], run.layers[0].states[0])
    assert StateHeatmap(frame=f).frame_info["tokens"] == f.tokens
    assert UnrolledGraph(frame=f).frame_info["tokens"] == f.tokens
    sine = build_frame(architecture="one-to-many", timesteps=5)
    assert np.abs(sine.x[0]).sum() > 0
    np.testing.assert_array_equal(sine.x[1:], 0.0)


def test_sentence_input_is_one_column_per_word_by_default():
    f = build_frame(input="sentence")
    assert f.tokens == ["the", "cat", "sat", "on", "the", "mat"]
    assert f.shapes["x"] == (1, 6, 5)
    with pytest.raises(ValueError, match="features must be 5; got features=3"):
        build_frame(input="sentence", features=3)


def test_output_layer_for_every_cell():
    f = build_frame(output_units=2, timesteps=6)
    assert f.outputs.shape == (6, 2)
    assert f.shapes["W_hy"] == (16, 2)
    for cell in ("lstm", "gru"):
        other = build_frame(output_units=2, cell=cell, timesteps=6)
        assert other.outputs.shape == (6, 2)
        assert other.shapes["W_hy"] == (16, 2)
        assert other.n_params == build_frame(cell=cell, timesteps=6).n_params + 16 * 2 + 2


def test_truncation_zeroes_the_loss_gradient_beyond_the_window():
    f = build_frame(truncate=5)
    # truncate=5: the backward pass reaches t = T-5 … T, nothing earlier
    assert np.all(f.dh_norms[: 20 - 5] == 0.0)
    assert np.all(f.dh_norms[20 - 5 :] > 0.0)
    full = build_frame()
    np.testing.assert_array_equal(f.jacobian_norms, full.jacobian_norms)


def test_weight_scale_overlay_is_the_jacobian_curve_at_each_other_scale():
    f = build_frame(overlay="weight_scale", timesteps=12)
    assert list(f.overlays) == ["s = 1", "s = 1.5", "s = 2"]  # s = 0.5 is the main curve
    f = build_frame(overlay="weight_scale", timesteps=12, weight_scale=0.8)
    assert list(f.overlays) == [f"s = {s:g}" for s in SCALE_SWEEP]
    for s in SCALE_SWEEP:
        np.testing.assert_array_equal(
            f.overlays[f"s = {s:g}"], build_frame(weight_scale=s, timesteps=12).jacobian_norms
        )


def test_cell_overlay_leaves_out_the_current_cell():
    f = build_frame(overlay="cell", cell="gru", timesteps=6)
    assert list(f.overlays) == [c for c in CELL_SWEEP if c != "gru"]
    assert CELL_SWEEP == CELLS  # every registered cell type, in order
    np.testing.assert_array_equal(
        f.overlays["lstm"], build_frame(cell="lstm", timesteps=6).jacobian_norms
    )


def test_exploding_linear_rnn_stays_finite_in_float64():
    f = build_frame(activation="linear", weight_scale=3.0, timesteps=200)
    # orthogonal W_hh scaled by 3 and a linear cell: ‖∂h_T/∂h_t‖ = 3^(T-t) exactly
    np.testing.assert_allclose(f.jacobian_norms, 3.0 ** np.arange(200, -1, -1), rtol=1e-9)
    assert np.all(np.isfinite(f.jacobian_norms))


def test_underflow_is_zero_never_nan():
    f = build_frame(activation="sigmoid", weight_scale=0.05, timesteps=200)
    # (γ σ_max)^200 = (0.25 · 0.05)^200 ≈ 1e-381 is below float64: exactly 0
    assert f.bound[0] == 0.0
    assert not np.isnan(f.bound).any()
    assert not np.isnan(f.jacobian_norms).any()


@pytest.mark.parametrize(
    ("settings", "error"),
    [({"units": 0}, ValueError), ({"colour": "red"}, TypeError), ({"cell": None}, TypeError)],
)
def test_bad_settings_raise_before_running(settings, error, monkeypatch):
    import rnnviz.frame.forward as frame_module

    def boom(*args, **kwargs):
        raise AssertionError("the simulator must not run for rejected settings")

    monkeypatch.setattr(frame_module, "_run", boom)
    with pytest.raises(error):
        build_frame(**settings)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
def test_every_sweep_curve_has_its_own_bound_above_it(cell, activation):
    f = build_frame(cell=cell, activation=activation, overlay="weight_scale", timesteps=40)
    expected = [f"s = {v:g}" for v in SCALE_SWEEP if v != f.settings["weight_scale"]]
    assert list(f.overlay_bounds) == list(f.overlays) == expected
    pairs = [(f.jacobian_norms, f.product_bound)]
    pairs += [(f.overlays[k], f.overlay_bounds[k]) for k in f.overlays]
    for curve, bound in pairs:
        assert bound.shape == curve.shape
        assert not np.isnan(bound).any()
        assert np.all(curve <= bound * (1 + 1e-9))
    # the old single dashed line was the main curve's: the s = 2 curve rose above it
    if cell == "rnn" and activation == "linear":
        assert np.any(f.overlays["s = 2"] > f.bound * 10)


def test_cell_sweep_curves_have_their_own_bounds():
    f = build_frame(overlay="cell", cell="rnn", timesteps=15)
    assert list(f.overlay_bounds) == [c for c in CELLS if c != "rnn"]
    for k in f.overlays:
        assert np.all(f.overlays[k] <= f.overlay_bounds[k] * (1 + 1e-9))


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gated_frames_carry_no_pascanu_bound(cell):
    f = build_frame(cell=cell, timesteps=10)
    assert f.bound is None
    assert f.theory.vanishing_sufficient is None
    assert np.all(f.jacobian_norms <= f.product_bound * (1 + 1e-9))


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"architecture": "seq2seq", "decoder_steps": 5},
        {"layers": 2},
        {"architecture": "many-to-one", "layers": 3},
    ],
)
def test_one_output_layer_is_counted_and_shown(settings):
    """The seq2seq encoder carried a second, unread W_hy (its u·o + o parameters were
    counted), and with 2-3 layers the shapes panel had no W_hy, b_y or y rows."""
    with_y = build_frame(output_units=4, units=6, timesteps=7, **settings)
    without = build_frame(output_units=0, units=6, timesteps=7, **settings)
    assert with_y.n_params - without.n_params == 6 * 4 + 4
    assert (with_y.shapes["W_hy"], with_y.shapes["b_y"]) == ((6, 4), (4,))
    assert with_y.shapes["y"] == (*with_y.shapes["output"][:-1], 4)


def test_one_to_many_shapes_give_x_as_the_architecture_takes_it():
    # run_architecture("one-to-many") reads one vector per sequence; x_2 … x_T are zeros
    f = build_frame(architecture="one-to-many", timesteps=5, batch=3, features=2)
    assert f.shapes["x"] == (3, 2)
    assert f.shapes["output"] == (3, 5, f.settings["units"])
    assert build_frame(timesteps=5, batch=3, features=2).shapes["x"] == (3, 5, 2)
