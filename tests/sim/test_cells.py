"""Cells: forward equations, shapes, weights, determinism, immutability."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from simhelp import random_cell, random_inputs

from rnnviz.sim import CELLS, GRU, LSTM, RunResult, SimpleRNN, make_cell


def _sig(a):
    return 1.0 / (1.0 + np.exp(-a))


def _reference(cell, x, h0, c0):
    """The textbook equations, one sequence at a time, written independently of the cells."""
    u = cell.units
    W, U, b = cell.kernel, cell.recurrent_kernel, cell.bias
    H = []
    for seq, h, c in zip(x, h0, c0 if c0 is not None else h0, strict=True):
        states = []
        for x_t in seq:
            if cell.name == "rnn":
                h = np.tanh(x_t @ W + h @ U + b)
            elif cell.name == "lstm":
                z = x_t @ W + h @ U + b
                i, f = _sig(z[:u]), _sig(z[u : 2 * u])
                g, o = np.tanh(z[2 * u : 3 * u]), _sig(z[3 * u :])
                c = f * c + i * g
                h = o * np.tanh(c)
            else:
                xz, hz = x_t @ W + b[0], h @ U + b[1]
                z = _sig(xz[:u] + hz[:u])
                r = _sig(xz[u : 2 * u] + hz[u : 2 * u])
                hh = np.tanh(xz[2 * u :] + r * hz[2 * u :])
                h = z * h + (1 - z) * hh
            states.append(h)
        H.append(states)
    return np.array(H)


@pytest.mark.parametrize("name", CELLS)
def test_forward_matches_textbook_equations(name):
    cell = random_cell(name, "tanh", units=4, features=3, seed=3, weight_scale=1.3)
    x, h0, c0 = random_inputs(cell, batch=3, timesteps=6, seed=2)
    res = cell.run(x, h0=h0, c0=c0)
    np.testing.assert_allclose(res.states, _reference(cell, x, h0, c0), rtol=0, atol=1e-14)
    np.testing.assert_array_equal(res.last_state, res.states[:, -1])


def test_lstm_gates_in_keras_order():
    cell = random_cell("lstm", "tanh", units=2, features=1, seed=1)
    res = cell.run(np.array([[0.7]]))
    z = np.array([0.7]) @ cell.kernel + cell.bias  # h_0 = 0
    assert list(res.gates) == ["i", "f", "c", "o"]
    np.testing.assert_allclose(res.gates["i"][0, 0], _sig(z[0:2]), rtol=1e-15)
    np.testing.assert_allclose(res.gates["f"][0, 0], _sig(z[2:4]), rtol=1e-15)
    np.testing.assert_allclose(res.gates["c"][0, 0], np.tanh(z[4:6]), rtol=1e-15)
    np.testing.assert_allclose(res.gates["o"][0, 0], _sig(z[6:8]), rtol=1e-15)
    np.testing.assert_allclose(res.cell_states[0, 0], res.gates["i"][0, 0] * res.gates["c"][0, 0])


def test_output_layer():
    cell = SimpleRNN(units=3, features=2, output_units=2, output_activation="sigmoid", seed=5)
    res = cell.run(np.ones((4, 2)))
    want = _sig(res.states @ cell.W_hy + cell.b_y)
    np.testing.assert_allclose(res.outputs, want, rtol=1e-14)
    assert res.outputs.shape == (1, 4, 2)
    assert SimpleRNN(units=3, features=2).run(np.ones((4, 2))).outputs is None


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(CELLS),
    batch=st.integers(1, 3),
    timesteps=st.integers(1, 6),
    features=st.integers(1, 4),
    units=st.integers(1, 5),
    two_d=st.booleans(),
)
def test_shapes_property(name, batch, timesteps, features, units, two_d):
    cell = make_cell(name, units=units, features=features, seed=1)
    x = np.random.default_rng(0).standard_normal((batch, timesteps, features))
    res = cell.run(x[0] if two_d else x)
    b = 1 if two_d else batch
    assert isinstance(res, RunResult)
    assert res.x.shape == (b, timesteps, features)
    assert res.h0.shape == (b, units)
    assert res.states.shape == (b, timesteps, units)
    assert res.last_state.shape == (b, units)
    assert set(res.gates) == set(cell.gate_names)
    for g in res.gates.values():
        assert g.shape == (b, timesteps, units)
    if name == "lstm":
        assert res.cell_states.shape == (b, timesteps, units)
    else:
        assert res.cell_states is None
    assert res.jacobian_norms().shape == (b, timesteps + 1)
    assert res.jacobian_norms("input").shape == (b, timesteps)
    grads = res.loss_gradients()
    assert grads.dh.shape == (b, timesteps + 1, units)
    assert grads.dh_norms.shape == (b, timesteps + 1)
    assert grads.loss.shape == (b,)
    if name == "rnn":  # the Pascanu bound is the Elman cell's only
        assert res.theory.bound.shape == (timesteps + 1,)
    else:
        assert res.theory.bound is None
    shapes = cell.shapes(b, timesteps, return_sequences=True)
    assert shapes["x"] == res.x.shape
    assert shapes["output"] == res.states.shape
    assert cell.shapes(b, timesteps, return_sequences=False)["output"] == res.last_state.shape


@pytest.mark.parametrize(
    ("name", "gates", "bias_shape"),
    [("rnn", 1, (4,)), ("lstm", 4, (16,)), ("gru", 3, (2, 12))],
)
def test_weight_layouts_and_parameter_count(name, gates, bias_shape):
    cell = make_cell(name, units=4, features=3)
    assert cell.kernel.shape == (3, 4 * gates)
    assert cell.recurrent_kernel.shape == (4, 4 * gates)
    assert cell.bias.shape == bias_shape
    expected_bias = np.zeros(bias_shape)
    if name == "lstm":
        expected_bias[4:8] = 1.0  # b_f starts at forget_bias = 1 (Keras unit_forget_bias)
    np.testing.assert_array_equal(cell.bias, expected_bias)
    assert cell.n_params == 3 * 4 * gates + 4 * 4 * gates + int(np.prod(bias_shape))
    no_bias = make_cell(name, units=4, features=3, use_bias=False, output_units=2)
    assert no_bias.bias is None
    assert no_bias.n_params == 3 * 4 * gates + 4 * 4 * gates + 4 * 2 + 2
    assert "bias" not in no_bias.run(np.ones((2, 3))).loss_gradients().params


def test_simple_rnn_aliases_and_shapes_dict():
    cell = SimpleRNN(units=5, features=3, output_units=2)
    assert cell.W_xh is cell.kernel
    assert cell.W_hh is cell.recurrent_kernel
    assert cell.b_h is cell.bias
    assert cell.gate_names == ()
    assert cell.shapes(batch=100, timesteps=20, return_sequences=False) == {
        "x": (100, 20, 3),
        "h_0": (100, 5),
        "W_xh": (3, 5),
        "W_hh": (5, 5),
        "b": (5,),
        "h_t": (100, 5),
        "output": (100, 5),
        "W_hy": (5, 2),
        "b_y": (2,),
        "y": (100, 2),
    }
    assert LSTM(units=2, features=1).shapes(1, 4)["c_t"] == (1, 2)


@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize("init", ["orthogonal", "gaussian"])
def test_determinism_bit_identical(name, init):
    kw = {"units": 6, "features": 3, "seed": 42, "init": init, "weight_scale": 0.8}
    a, b = make_cell(name, **kw), make_cell(name, **kw)
    for attr in ("kernel", "recurrent_kernel", "bias"):
        assert getattr(a, attr).tobytes() == getattr(b, attr).tobytes()
    x = np.random.default_rng(0).standard_normal((2, 7, 3))
    ra, rb = a.run(x), b.run(x)
    assert ra.states.tobytes() == rb.states.tobytes()
    assert ra.jacobian_norms().tobytes() == rb.jacobian_norms().tobytes()
    other = make_cell(name, **{**kw, "seed": 43})
    assert not np.array_equal(other.recurrent_kernel, a.recurrent_kernel)


@pytest.mark.parametrize("name", CELLS)
def test_weight_scale_only_rescales_the_recurrent_kernel(name):
    a = make_cell(name, units=5, features=2, weight_scale=1.0, seed=3)
    b = make_cell(name, units=5, features=2, weight_scale=0.25, seed=3)
    np.testing.assert_array_equal(b.recurrent_kernel, 0.25 * a.recurrent_kernel)
    np.testing.assert_array_equal(b.kernel, a.kernel)


def test_repr():
    assert repr(SimpleRNN(units=16, features=3)) == (
        "SimpleRNN(units=16, features=3, activation='tanh', weight_scale=1.0, params=320)"
    )
    assert repr(GRU(units=2, features=1, init="gaussian", weight_scale=0.5)) == (
        "GRU(units=2, features=1, activation='tanh', weight_scale=0.5, init='gaussian', params=30)"
    )
    res = LSTM(units=2, features=1).run(np.zeros((3, 1)))
    assert repr(res) == "RunResult(cell=LSTM, batch=1, timesteps=3, units=2, states=(1, 3, 2))"


def test_cells_are_immutable():
    cell = SimpleRNN(units=3, features=2)
    with pytest.raises(ValueError, match="read-only"):
        cell.recurrent_kernel[0, 0] = 5.0
    with pytest.raises(AttributeError):
        cell.units = 4
    res = cell.run(np.ones((2, 2)))
    with pytest.raises(ValueError, match="read-only"):
        res.states[0, 0, 0] = 1.0


def test_with_weights_returns_a_new_cell():
    cell = SimpleRNN(units=2, features=1, weight_scale=0.5)
    before = cell.recurrent_kernel.copy()
    W = np.array([[0.0, 2.0], [0.0, 0.0]])
    new = cell.with_weights(recurrent_kernel=W, bias=[1.0, -1.0])
    assert new is not cell
    np.testing.assert_array_equal(cell.recurrent_kernel, before)
    np.testing.assert_array_equal(new.recurrent_kernel, W)
    np.testing.assert_array_equal(new.bias, [1.0, -1.0])
    np.testing.assert_array_equal(new.kernel, cell.kernel)
    assert new.init == "custom"
    assert new.weight_scale == 0.0  # spectral radius of a nilpotent matrix
    assert new.run(np.zeros((1, 1))).states[0, 0].tolist() == [np.tanh(1.0), np.tanh(-1.0)]


def test_make_cell_accepts_class_names():
    assert type(make_cell("SimpleRNN", units=2, features=1)) is SimpleRNN
    assert type(make_cell("LSTM", units=2, features=1)) is LSTM
    assert type(make_cell("gru", units=2, features=1)) is GRU


def test_lstm_initial_cell_state():
    cell = LSTM(units=2, features=1, seed=2)
    res = cell.run(np.zeros((1, 1)), c0=[1.0, -2.0])
    f, i, g = res.gates["f"][0, 0], res.gates["i"][0, 0], res.gates["c"][0, 0]
    np.testing.assert_allclose(res.cell_states[0, 0], f * [1.0, -2.0] + i * g, rtol=1e-15)
    np.testing.assert_array_equal(res.c0, [[1.0, -2.0]])


def test_importing_the_simulator_pulls_in_no_widget_or_ml_library():
    import subprocess
    import sys

    code = (
        "import sys, rnnviz.sim\n"
        "heavy = ('ipywidgets', 'anywidget', 'traitlets', 'plotly', 'torch', 'keras')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
