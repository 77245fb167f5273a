"""from_torch / from_keras reject what rnnviz does not simulate, and say what is supported."""

from __future__ import annotations

import os
import subprocess
import sys

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np
import pytest

from rnnviz.sim import from_keras, from_torch
from rnnviz.sim.interop import keras_weights_from_torch


def test_importing_rnnviz_sim_imports_neither_torch_nor_keras():
    code = (
        "import sys, rnnviz, rnnviz.sim; from rnnviz.sim import from_torch, from_keras; "
        "print(sorted(m for m in ('torch', 'keras') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("obj", [None, 3, "lstm", np.zeros((3, 3)), object()])
def test_from_torch_rejects_non_modules(obj):
    with pytest.raises(
        TypeError, match=r"from_torch expects a PyTorch nn\.RNN, nn\.LSTM or nn\.GRU"
    ):
        from_torch(obj)


@pytest.mark.parametrize("obj", [None, "gru", np.zeros(2)])
def test_from_keras_rejects_non_layers(obj):
    with pytest.raises(TypeError, match="from_keras expects a Keras 3 SimpleRNN, LSTM or GRU"):
        from_keras(obj)


def test_weight_conversion_rejects_wrong_shapes():
    with pytest.raises(
        ValueError,
        match=r"weight_hh of a lstm layer must have shape \(4 \* units, units\); got \(6, 3\)",
    ):
        keras_weights_from_torch("lstm", np.ones((12, 2)), np.ones((6, 3)))
    with pytest.raises(
        ValueError, match=r"with 2 units must have shape \(6, features\); got \(4, 5\)"
    ):
        keras_weights_from_torch("gru", np.ones((4, 5)), np.ones((6, 2)))
    with pytest.raises(ValueError, match="give both bias_ih and bias_hh"):
        keras_weights_from_torch("rnn", np.ones((2, 1)), np.ones((2, 2)), np.ones(2))


# ----------------------------------------------------------------------------- torch
class TestTorch:
    torch = pytest.importorskip("torch")

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"bidirectional": True}, "got bidirectional=True"),
            ({"num_layers": 2}, "got num_layers=2"),
            ({"num_layers": 2, "dropout": 0.5}, "got num_layers=2, dropout=0.5"),
            ({"proj_size": 2}, "got proj_size=2"),
        ],
    )
    def test_unsupported_options_are_named(self, kwargs, message):
        cls = self.torch.nn.LSTM if "proj_size" in kwargs else self.torch.nn.GRU
        module = cls(3, 4, **kwargs)
        with pytest.raises(ValueError, match=message) as info:
            from_torch(module)
        assert "supports a single unidirectional" in str(info.value)
        assert "num_layers=1, bidirectional=False, proj_size=0, dropout=0" in str(info.value)

    def test_other_torch_modules_are_type_errors(self):
        with pytest.raises(TypeError, match=r"got torch\.nn\.modules\.linear\.Linear"):
            from_torch(self.torch.nn.Linear(3, 4))

    def test_torch_module_given_to_from_keras_points_to_from_torch(self):
        with pytest.raises(
            TypeError, match=r"got the PyTorch module RNN\. Use rnnviz\.sim\.from_torch"
        ):
            from_keras(self.torch.nn.RNN(3, 4))

    def test_conversion_leaves_module_untouched(self):
        module = self.torch.nn.GRU(3, 4)
        before = {k: v.clone() for k, v in module.state_dict().items()}
        from_torch(module)
        for k, v in module.state_dict().items():
            assert self.torch.equal(v, before[k])
            assert v.dtype == self.torch.float32


# ----------------------------------------------------------------------------- keras
@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
class TestKeras:
    keras = pytest.importorskip("keras")

    def test_unbuilt_layer(self):
        with pytest.raises(
            ValueError, match=r"LSTM is not built yet, so it has no weights"
        ) as info:
            from_keras(self.keras.layers.LSTM(4))
        assert "layer.build((batch, timesteps, features))" in str(info.value)

    def test_gru_reset_before(self):
        layer = self.keras.layers.GRU(4, reset_after=False)
        layer.build((None, 5, 3))
        with pytest.raises(ValueError, match=r"reset_after must be True .* got reset_after=False"):
            from_keras(layer)

    def test_recurrent_activation_must_be_sigmoid(self):
        layer = self.keras.layers.LSTM(4, recurrent_activation="hard_sigmoid")
        layer.build((None, 5, 3))
        with pytest.raises(
            ValueError, match=r"recurrent_activation must be 'sigmoid'.*got 'hard_sigmoid'"
        ):
            from_keras(layer)

    def test_bidirectional(self):
        layer = self.keras.layers.Bidirectional(self.keras.layers.SimpleRNN(4))
        layer.build((None, 5, 3))
        with pytest.raises(
            ValueError, match=r"unidirectional layers only; got Bidirectional\(SimpleRNN\)"
        ):
            from_keras(layer)

    def test_go_backwards(self):
        layer = self.keras.layers.SimpleRNN(4, go_backwards=True)
        layer.build((None, 5, 3))
        with pytest.raises(ValueError, match="go_backwards=True is not supported"):
            from_keras(layer)

    def test_stacked_cells(self):
        cells = [self.keras.layers.SimpleRNNCell(4), self.keras.layers.SimpleRNNCell(4)]
        layer = self.keras.layers.RNN(cells)
        layer.build((None, 5, 3))
        with pytest.raises(
            ValueError,
            match="must be a single SimpleRNNCell, LSTMCell or GRUCell; got StackedRNNCells",
        ):
            from_keras(layer)

    def test_other_keras_layers_are_type_errors(self):
        with pytest.raises(TypeError, match=r"got keras\.src\.layers\.core\.dense\.Dense"):
            from_keras(self.keras.layers.Dense(3))

    def test_keras_layer_given_to_from_torch_points_to_from_keras(self):
        layer = self.keras.layers.LSTM(4)
        layer.build((None, 5, 3))
        with pytest.raises(
            TypeError, match=r"got the Keras layer LSTM\. Use rnnviz\.sim\.from_keras"
        ):
            from_torch(layer)

    def test_unsupported_activation(self):
        layer = self.keras.layers.SimpleRNN(4, activation="gelu")
        layer.build((None, 5, 3))
        with pytest.raises(
            ValueError,
            match="SimpleRNN: activation must be one of tanh, sigmoid, relu, linear to be "
            "simulated; got 'gelu'",
        ):
            from_keras(layer)

    def test_lambda_activation_is_named(self):
        layer = self.keras.layers.GRU(4, activation=lambda z: z)
        layer.build((None, 5, 3))
        with pytest.raises(ValueError, match=r"GRU: activation must be one of .* got '<lambda>'"):
            from_keras(layer)
