"""explore(model, x): a user's trained model in the Explorer, exactly as the model computes."""

from __future__ import annotations

import numpy as np
import pytest

import rnnviz
from rnnviz.sim import make_cell, pretrained
from rnnviz.widgets.control_panel import bind_panel


@pytest.fixture(scope="module")
def sine():
    return pretrained.load("sine-lstm")


def test_the_shipped_model_is_shown_as_trained(sine):
    x = sine.example_input(30)
    ex = rnnviz.explore(sine, x)
    run = sine.cell.run(x)
    np.testing.assert_array_equal(ex.frame.states[0], run.states[0])
    np.testing.assert_array_equal(ex.result.top.outputs, run.outputs)
    assert (ex.units, ex.cell, ex.timesteps, ex.features, ex.output_units) == (16, "lstm", 30, 1, 1)
    assert ex.frame.n_params == sine.cell.n_params
    np.testing.assert_allclose(ex.frame.jacobian_norms, run.jacobian_norms()[0], rtol=1e-12)
    assert "your model: 1 features → LSTM 16 → output 1" in repr(ex)


def test_without_x_the_input_preset_feeds_the_model(sine):
    ex = rnnviz.explore(sine, timesteps=25)
    assert ex.frame.x.shape == (25, 1)
    ex.timesteps = 12  # not fixed without x
    assert ex.frame.states[0].shape == (12, 16)


def test_fixed_settings_are_refused_and_their_controls_disabled(sine):
    ex = rnnviz.explore(sine)
    before = ex.settings
    for name, value in (("units", 32), ("cell", "gru"), ("layers", 2), ("features", 3)):
        with pytest.raises(ValueError, match=rf"{name} is fixed by your model"):
            setattr(ex, name, value)
        assert ex.controls.by_setting.get(name) is None or ex.controls.by_setting[name].disabled
    assert ex.settings == before
    panel = bind_panel(ex)
    assert "fixed by your model" in panel.disabled["units"]
    with pytest.raises(ValueError, match="units is fixed by your model"):
        rnnviz.explore(sine, units=32)


def test_weight_scale_multiplies_the_trained_recurrent_matrices(sine):
    ex = rnnviz.explore(sine)
    ex.weight_scale = 2.0
    cell = ex.result.top.cell
    np.testing.assert_allclose(cell.recurrent_kernel, 2.0 * sine.cell.recurrent_kernel)
    np.testing.assert_array_equal(cell.kernel, sine.cell.kernel)
    ex.overlay = "weight_scale"
    assert "s = 1" in ex.frame.overlays  # the trained model itself, for comparison
    np.testing.assert_allclose(
        ex.frame.overlays["s = 1"],
        sine.cell.run(ex.frame.x[None]).jacobian_norms()[0],
        rtol=1e-12,
    )


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        ({"architecture": "seq2seq"}, ValueError, "no decoder"),
        ({"overlay": "cell"}, ValueError, "overlay='weight_scale'"),
    ],
)
def test_what_a_model_cannot_show_is_refused_clearly(sine, settings, error, message):
    with pytest.raises(error, match=message):
        rnnviz.explore(sine, **settings)


def test_bad_model_or_input_is_refused_clearly(sine):
    with pytest.raises(TypeError, match="rnnviz cell"):
        rnnviz.explore("my_model.pt")
    with pytest.raises(TypeError, match="needs a model"):
        rnnviz.explore(x=np.zeros((1, 5, 3)))
    with pytest.raises(ValueError, match="features"):
        rnnviz.explore(sine, np.zeros((1, 5, 3)))


def test_a_stack_of_rnnviz_cells():
    cells = [make_cell("gru", units=6, features=2), make_cell("rnn", units=6, features=6)]
    x = np.random.default_rng(0).standard_normal((2, 9, 2))
    ex = rnnviz.explore(cells, x)
    assert (ex.layers, ex.units, ex.cell, ex.batch) == (2, 6, "rnn", 2)
    h1 = cells[0].run(x).states
    np.testing.assert_allclose(ex.frame.states[1], cells[1].run(h1).states[0])
    uneven = [make_cell("gru", units=6, features=2), make_cell("rnn", units=4, features=6)]
    with pytest.raises(ValueError, match="same units; your layers have 6, 4"):
        rnnviz.explore(uneven)


@pytest.mark.parity
def test_a_torch_stack_with_a_head_matches_torch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 8, num_layers=2, batch_first=True).double()
    head = torch.nn.Linear(8, 2).double()
    x = np.random.default_rng(1).standard_normal((1, 11, 3))
    ex = rnnviz.explore((lstm, head), x)
    with torch.no_grad():
        out, _ = lstm(torch.from_numpy(x))
        y = head(out).numpy()
    np.testing.assert_allclose(ex.frame.states[-1], out.numpy()[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ex.result.top.outputs, y, rtol=1e-10, atol=1e-12)
    assert ex.frame.n_params == sum(p.numel() for m in (lstm, head) for p in m.parameters())


def test_an_export_sweeps_the_users_model_not_random_cells(sine, tmp_path):
    from rnnviz.export import page_html

    x = sine.example_input(20)
    ex = rnnviz.explore(sine, x)
    frame = ex.frame_for(**{**ex.settings, "weight_scale": 0.5})
    scaled = sine.cell.with_weights(recurrent_kernel=0.5 * sine.cell.recurrent_kernel)
    np.testing.assert_allclose(frame.states[0], scaled.run(x).states[0], rtol=1e-12)
    page = page_html(ex, sweep_values=(0.5, 1.0))
    assert "rnnviz-payload" in page
    with pytest.raises(ValueError, match="units is fixed by your model"):
        page_html(ex, sweep="units", sweep_values=(8, 16))


def test_the_sentence_is_refused_when_the_model_fixes_other_features(sine):
    """input='sentence' needs features = 5 (one-hot words); the model reads 1 feature."""
    ex = rnnviz.explore(sine)
    before = ex.settings
    with pytest.raises(
        ValueError, match=r"input='sentence' needs features=5, but features is fixed"
    ):
        ex.input = "sentence"
    assert ex.settings == before
    with pytest.raises(ValueError, match="features must be 5; got features=1"):
        rnnviz.explore(sine, input="sentence")


def test_a_model_starts_as_trained_and_a_given_scale_wins(sine):
    """The Explorer's own default weight scale (0.5) is for rnnviz's random cells: a trained
    model starts at 1, its W_hh as trained, unless the call asks for another scale."""
    x = sine.example_input(12)
    assert rnnviz.explore(sine, x).weight_scale == 1.0
    half = rnnviz.explore(sine, x, weight_scale=0.5)
    assert half.weight_scale == 0.5
    assert not np.allclose(half.frame.states[0], sine.cell.run(x).states[0])
