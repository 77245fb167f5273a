"""as_stack: a user's model from any library as the rnnviz cells that compute its states."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.sim import make_cell, pretrained
from rnnviz.sim.architectures import run_architecture
from rnnviz.sim.user_model import as_stack

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 7, 3))


def test_rnnviz_cells_and_shipped_models():
    cell = make_cell("gru", units=5, features=3)
    assert as_stack(cell) == (cell,)
    model = pretrained.load("sine-lstm")
    assert as_stack(model) == (model.cell,)
    top = make_cell("rnn", units=4, features=5)
    assert as_stack([cell, top]) == (cell, top)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("lstm", "rnnviz cell"),
        ([make_cell("rnn", units=4, features=3)] * 4, "1 to 3"),
        ([make_cell("rnn", units=4, features=3), make_cell("rnn", units=4, features=3)], "chain"),
    ],
)
def test_bad_models_are_refused_clearly(given, message):
    with pytest.raises((TypeError, ValueError), match=message):
        as_stack(given)


@pytest.mark.parity
@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("layers", [1, 2, 3])
def test_torch_stacks_with_a_head_give_the_same_states_and_outputs(kind, layers):
    torch = pytest.importorskip("torch")
    torch.manual_seed(layers)
    module = getattr(torch.nn, kind)(3, 6, num_layers=layers, batch_first=True).double()
    head = torch.nn.Linear(6, 2).double()
    cells = as_stack((module, head))
    assert len(cells) == layers
    with torch.no_grad():
        out, _ = module(torch.from_numpy(X))
        y = head(out).numpy()
    res = run_architecture("many-to-many", cells, X)
    np.testing.assert_allclose(res.output, out.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(res.top.outputs, y, rtol=1e-10, atol=1e-12)
    torch_count = sum(p.numel() for m in (module, head) for p in m.parameters())
    assert sum(c.n_params for c in cells) == torch_count


@pytest.mark.parity
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Keras 3's own numpy-2 warnings
def test_keras_sequential_with_a_dense_head():
    keras = pytest.importorskip("keras")
    model = keras.Sequential(
        [
            keras.Input((7, 3)),
            keras.layers.LSTM(5, return_sequences=True),
            keras.layers.GRU(4, return_sequences=True),
            keras.layers.Dense(2),
        ]
    )
    cells = as_stack(model)
    assert [c.name for c in cells] == ["lstm", "gru"]
    y = keras.ops.convert_to_numpy(model.predict(X.astype("float32"), verbose=0))
    res = run_architecture("many-to-many", cells, X)
    np.testing.assert_allclose(res.top.outputs, y, rtol=1e-4, atol=1e-5)  # Keras is float32
    assert sum(c.n_params for c in cells) == model.count_params()
