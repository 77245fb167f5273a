"""rnnviz cells built by ``from_keras`` compute what Keras 3 computes (torch backend, float32).

Keras layers compute in float32, so states agree to about 1e-5 (rnnviz works in float64).
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from rnnviz.sim import from_keras  # noqa: E402

pytestmark = [
    pytest.mark.parity,
    # Keras' own variables warn under NumPy 2 (its __array__ lacks copy=); not rnnviz's concern.
    pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning"),
]

TOL = {"rtol": 1e-5, "atol": 2e-6}
LAYERS = {"rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


def make_layer(kind, units=5, features=4, *, return_sequences=True, seed=0, **kwargs):
    """A built Keras layer whose weights (biases included) are random, not the default init."""
    layer = getattr(keras.layers, LAYERS[kind])(units, return_sequences=return_sequences, **kwargs)
    layer.build((None, None, features))
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0.0, 0.5, w.shape).astype("float32") for w in layer.get_weights()]
    layer.set_weights(weights)
    return layer


def run_keras(layer, x):
    return keras.ops.convert_to_numpy(layer(x.astype("float32"))).astype(np.float64)


def inputs(batch=3, timesteps=7, features=4, seed=1):
    return np.random.default_rng(seed).normal(0.0, 1.0, (batch, timesteps, features))


CASES = [
    ("rnn", {}),
    ("rnn", {"activation": "relu"}),
    ("rnn", {"use_bias": False}),
    ("rnn", {"activation": "linear"}),
    ("lstm", {}),
    ("lstm", {"use_bias": False}),
    ("gru", {}),
    ("gru", {"use_bias": False}),
]


@pytest.mark.parametrize(("kind", "kwargs"), CASES)
def test_states_match_keras_return_sequences(kind, kwargs):
    layer = make_layer(kind, **kwargs)
    x = inputs()
    cell = from_keras(layer)
    assert (cell.units, cell.features) == (5, 4)
    expected = run_keras(layer, x)
    assert expected.shape == (3, 7, 5)
    res = cell.run(x)
    np.testing.assert_allclose(res.states, expected, **TOL)
    assert np.abs(expected).max() > 0.1  # the states are not trivially small


@pytest.mark.parametrize(("kind", "kwargs"), CASES)
def test_last_state_matches_keras_without_return_sequences(kind, kwargs):
    layer = make_layer(kind, return_sequences=False, seed=3, **kwargs)
    x = inputs(seed=4)
    expected = run_keras(layer, x)
    assert expected.shape == (3, 5)
    np.testing.assert_allclose(from_keras(layer).run(x).last_state, expected, **TOL)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_weights_are_copied_exactly(kind):
    layer = make_layer(kind, seed=9)
    cell = from_keras(layer)
    kernel, recurrent, bias = layer.get_weights()
    np.testing.assert_array_equal(cell.kernel, kernel)
    np.testing.assert_array_equal(cell.recurrent_kernel, recurrent)
    np.testing.assert_array_equal(cell.bias, bias)
    if kind == "gru":
        assert cell.bias.shape == (2, 15)


def test_layer_called_on_data_converts():
    # Built by a call, as most users build layers, not by .build().
    layer = keras.layers.GRU(3, return_sequences=True)
    x = inputs(batch=2, timesteps=4, features=2, seed=5)
    expected = run_keras(layer, x)
    np.testing.assert_allclose(from_keras(layer).run(x).states, expected, **TOL)


def test_cell_inside_keras_rnn_wrapper_converts():
    layer = keras.layers.RNN(keras.layers.LSTMCell(3), return_sequences=True)
    x = inputs(batch=2, timesteps=4, features=2, seed=6)
    expected = run_keras(layer, x)
    np.testing.assert_allclose(from_keras(layer).run(x).states, expected, **TOL)
