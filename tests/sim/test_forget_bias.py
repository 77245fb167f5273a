"""The LSTM forget-gate bias b_f: initialised to ``forget_bias`` (1.0 as Keras), and what it does.

f_t = σ(W_xf x_t + W_hf h_{t−1} + b_f): with b_f = 1 the cell path ∂c_t/∂c_{t−1} = diag(f_t)
starts near σ(1) ≈ 0.73 per step instead of σ(0) = 0.5, so the LSTM keeps its gradient.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

from rnnviz.sim import LSTM, inputs, make_cell

UNITS, FEATURES, STEPS = 16, 3, 40  # the Explorer's default units and features; 40 steps back


def test_default_forget_bias_is_one_and_only_in_the_f_block():
    cell = LSTM(units=4, features=3)
    assert cell.forget_bias == 1.0
    i, f, c, o = np.split(cell.bias, 4)
    np.testing.assert_array_equal(f, np.ones(4))
    for block in (i, c, o):
        np.testing.assert_array_equal(block, np.zeros(4))


@pytest.mark.parametrize("value", [0, 0.0, 2.5, -3, np.float32(0.5), np.int64(2)])
def test_forget_bias_sets_b_f(value):
    cell = make_cell("lstm", units=3, features=2, forget_bias=value)
    assert cell.forget_bias == float(value)
    assert isinstance(cell.forget_bias, float)
    np.testing.assert_array_equal(cell.bias[3:6], np.full(3, float(value)))
    assert not cell.bias.flags.writeable


def test_forget_bias_changes_nothing_else():
    a = LSTM(units=5, features=2, seed=3, forget_bias=0.0)
    b = LSTM(units=5, features=2, seed=3, forget_bias=4.0)
    np.testing.assert_array_equal(a.kernel, b.kernel)
    np.testing.assert_array_equal(a.recurrent_kernel, b.recurrent_kernel)
    assert a.n_params == b.n_params


def test_without_bias_forget_bias_is_ignored_as_in_keras():
    cell = LSTM(units=3, features=2, use_bias=False, forget_bias=2.0)
    assert cell.bias is None


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("1", TypeError),
        (None, TypeError),
        (True, TypeError),
        ([1.0], TypeError),
        (1 + 0j, TypeError),
        (math.nan, ValueError),
        (math.inf, ValueError),
        (-np.inf, ValueError),
    ],
)
def test_bad_forget_bias_is_rejected_clearly(value, error):
    with pytest.raises(error, match=r"forget_bias .*forget-gate bias b_f.* finite"):
        LSTM(units=3, features=2, forget_bias=value)


def test_other_cells_have_no_forget_bias():
    with pytest.raises(TypeError, match="forget_bias"):
        make_cell("rnn", units=3, features=2, forget_bias=1.0)


def test_imported_weights_win_over_forget_bias():
    cell = LSTM(units=2, features=1, forget_bias=3.0)
    bias = np.arange(8.0)
    new = cell.with_weights(bias=bias)
    np.testing.assert_array_equal(new.bias, bias)
    assert new.forget_bias is None  # the weights no longer come from the initialiser
    assert cell.forget_bias == 3.0  # the original cell is untouched


@pytest.mark.parity
def test_from_torch_keeps_the_modules_forget_bias():
    torch = pytest.importorskip("torch")
    from rnnviz.sim import from_torch

    module = torch.nn.LSTM(2, 3)
    with torch.no_grad():
        module.bias_ih_l0.zero_()
        module.bias_hh_l0.copy_(torch.arange(12.0))
    cell = from_torch(module)
    np.testing.assert_array_equal(cell.bias, np.arange(12.0))  # f block 3..5, not 1.0
    assert cell.forget_bias is None


def _paths(cell_name, forget_bias=None, seed=0):
    """‖∂h_T/∂c_t‖ (LSTM) or ‖∂h_T/∂h_t‖ at t = 0, T = 40, default-size cells, sine input."""
    x = inputs.make("sine", STEPS, FEATURES, batch=1, seed=seed)
    kwargs = {} if forget_bias is None else {"forget_bias": forget_bias}
    cell = make_cell(cell_name, units=UNITS, features=FEATURES, seed=seed, **kwargs)
    res = cell.run(x)
    out = {"state": float(res.jacobian_norms(wrt="state")[0][0])}
    if cell_name == "lstm":
        out["cell"] = float(res.jacobian_norms(wrt="cell")[0][0])
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_default_lstm_keeps_far_more_gradient_than_the_elman_rnn(seed):
    # Measured (seed 0): LSTM ‖∂h_40/∂c_0‖ = 0.073, ‖∂h_40/∂h_0‖ = 0.049; RNN 0.0028 (26×, 18×).
    # With forget_bias = 0 the LSTM falls to 1.5e-6: 5·10⁴× below its default.
    rnn = _paths("rnn", seed=seed)["state"]
    lstm = _paths("lstm", seed=seed)
    assert lstm["cell"] > 4 * rnn
    assert lstm["state"] > 3 * rnn
    assert lstm["cell"] > 0.03  # a visible fraction of the gradient survives 40 steps
    forgetful = _paths("lstm", forget_bias=0.0, seed=seed)
    assert forgetful["cell"] < lstm["cell"] / 1000
    assert forgetful["state"] < lstm["state"] / 1000
    assert forgetful["cell"] < rnn  # at b_f = 0 the LSTM forgets faster than the Elman RNN


def test_from_half_to_one_the_gradient_kept_grows():
    # Not monotone beyond 1: at b_f = 2 the path even grows (11.8 at seed 0), at 5 it is 2.1.
    paths = [_paths("lstm", forget_bias=b)["cell"] for b in (0.0, 0.5, 1.0)]
    assert paths == sorted(paths)


@pytest.mark.parity
@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
def test_default_bias_matches_keras_unit_forget_bias():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    from rnnviz.sim import from_keras

    layer = keras.layers.LSTM(UNITS)  # unit_forget_bias=True by default
    layer.build((None, None, FEATURES))
    keras_bias = np.asarray(layer.get_weights()[2], dtype=np.float64)
    ours = LSTM(units=UNITS, features=FEATURES)
    np.testing.assert_array_equal(ours.bias, keras_bias)
    np.testing.assert_array_equal(from_keras(layer).bias, keras_bias)
    # unit_forget_bias=False is Keras' zeros, i.e. forget_bias=0
    off = keras.layers.LSTM(UNITS, unit_forget_bias=False)
    off.build((None, None, FEATURES))
    zero = LSTM(units=UNITS, features=FEATURES, forget_bias=0.0)
    np.testing.assert_array_equal(zero.bias, np.asarray(off.get_weights()[2], dtype=np.float64))
