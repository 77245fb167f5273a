"""Parameter counts as the source framework counts them.

PyTorch's nn.RNN and nn.LSTM train two biases, b_ih and b_hh; rnnviz only needs their sum,
but a cell from ``from_torch`` reports PyTorch's ``sum(p.numel())`` and lists both biases
in ``shapes()``. Keras layers (and rnnviz's own cells) count one bias (the GRU's
reset_after bias has 2 rows), which ``from_keras`` matches to ``count_params()``.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from rnnviz.sim import from_keras, from_torch, make_cell
from rnnviz.sim.architectures import run_architecture

pytestmark = pytest.mark.parity


def torch_count(module) -> int:
    return sum(p.numel() for p in module.parameters())


# ---------------------------------------------------------------------------- PyTorch
torch = pytest.importorskip("torch")
LAYERS = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
CELLS = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}


def test_the_issue_example_lstm_3_8_is_416():
    module = torch.nn.LSTM(3, 8)
    assert torch_count(module) == 416
    cell = from_torch(module)
    assert cell.n_params == 416
    assert "params=416" in repr(cell)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize(("features", "units"), [(3, 8), (1, 1), (7, 5)])
def test_from_torch_counts_as_pytorch(kind, bias, features, units):
    torch.manual_seed(0)
    module = LAYERS[kind](features, units, bias=bias)
    cell = from_torch(module)
    assert cell.n_params == torch_count(module)
    torch_cell = CELLS[kind](features, units, bias=bias)
    assert from_torch(torch_cell).n_params == torch_count(torch_cell)


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_torch_rnn_and_lstm_count_one_bias_more_than_keras(kind):
    gates = {"rnn": 1, "lstm": 4}[kind]
    module = LAYERS[kind](3, 8)
    native = make_cell(kind, units=8, features=3)
    assert from_torch(module).n_params == native.n_params + gates * 8


def test_relu_rnn_counts_the_same():
    module = torch.nn.RNN(4, 6, nonlinearity="relu")
    assert from_torch(module).n_params == torch_count(module) == 4 * 6 + 6 * 6 + 2 * 6


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("layers", [1, 2, 3])
def test_a_stack_of_imported_layers_counts_as_a_torch_stack(kind, layers):
    # from_torch takes one layer at a time: a stack of single-layer modules has exactly the
    # parameters of one num_layers module of the same sizes.
    torch.manual_seed(1)
    stacked = LAYERS[kind](3, 6, num_layers=layers)
    modules = [LAYERS[kind](3 if i == 0 else 6, 6) for i in range(layers)]
    cells = [from_torch(m) for m in modules]
    x = np.random.default_rng(0).normal(size=(2, 5, 3))
    res = run_architecture("many-to-many", cells, x)
    assert res.n_params == sum(torch_count(m) for m in modules) == torch_count(stacked)


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_shapes_list_both_torch_biases(kind):
    gates = {"rnn": 1, "lstm": 4}[kind]
    module = LAYERS[kind](3, 8)
    shapes = from_torch(module).shapes(batch=2, timesteps=5)
    assert "b" not in shapes
    assert shapes["b_ih"] == tuple(module.bias_ih_l0.shape[::-1]) == (gates * 8,)
    assert shapes["b_hh"] == tuple(module.bias_hh_l0.shape[::-1]) == (gates * 8,)
    named = ("W_xh", "W_hh", "b_ih", "b_hh")
    assert sum(int(np.prod(shapes[k])) for k in named) == torch_count(module)
    keys = list(shapes)
    assert keys.index("W_hh") < keys.index("b_ih") < keys.index("b_hh") < keys.index("h_t")


def test_gru_and_bias_free_shapes_are_unchanged():
    gru = from_torch(torch.nn.GRU(3, 8)).shapes()
    assert gru["b"] == (2, 24)
    assert "b_ih" not in gru
    for kind in ("rnn", "lstm", "gru"):
        shapes = from_torch(LAYERS[kind](3, 8, bias=False)).shapes()
        assert not {"b", "b_ih", "b_hh"} & set(shapes)


def test_with_weights_keeps_the_torch_count():
    module = torch.nn.LSTM(3, 8)
    cell = from_torch(module)
    new = cell.with_weights(kernel=np.zeros((3, 32)))
    assert new.n_params == cell.n_params == torch_count(module)
    assert {"b_ih", "b_hh"} <= set(new.shapes())


def test_native_cells_keep_the_keras_count():
    for kind, bias_rows in (("rnn", 1), ("lstm", 1), ("gru", 2)):
        gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
        cell = make_cell(kind, units=8, features=3)
        assert cell.n_params == gates * 8 * (3 + 8 + bias_rows)
        assert "b" in cell.shapes()
        assert "b_ih" not in cell.shapes()


# ---------------------------------------------------------------------------- Keras
@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "GRU"])
@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize(("features", "units"), [(3, 8), (1, 1)])
def test_from_keras_counts_as_keras(kind, use_bias, features, units):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    layer = getattr(keras.layers, kind)(units, use_bias=use_bias)
    layer.build((None, None, features))
    cell = from_keras(layer)
    assert cell.n_params == layer.count_params()
    name = {"SimpleRNN": "rnn", "LSTM": "lstm", "GRU": "gru"}[kind]
    assert (
        cell.n_params == make_cell(name, units=units, features=features, use_bias=use_bias).n_params
    )
    assert "b_ih" not in cell.shapes()


@pytest.mark.parity
@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_torch_layer_with_a_linear_head_counts_both(kind):
    torch = pytest.importorskip("torch")
    layer = getattr(torch.nn, kind)(3, 8)
    head = torch.nn.Linear(8, 2)
    cell = from_torch(layer, head=head)
    expected = sum(p.numel() for m in (layer, head) for p in m.parameters())
    assert cell.n_params == expected
