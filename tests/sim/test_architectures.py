"""Architectures wire cells as the diagrams say: checked against hand-written loops and torch."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.sim import GRU, LSTM, SimpleRNN
from rnnviz.sim.architectures import ARCHITECTURES, run_architecture


def elman(cell, x, h0=None):
    """Reference Elman loop h_t = tanh(x_t W_xh + h_{t−1} W_hh + b_h): (batch, T, units)."""
    batch, timesteps, _ = x.shape
    h = np.zeros((batch, cell.units)) if h0 is None else h0
    out = []
    for t in range(timesteps):
        h = np.tanh(x[:, t] @ cell.W_xh + h @ cell.W_hh + cell.b_h)
        out.append(h)
    return np.stack(out, axis=1)


def rnn(units, features, seed, bias_seed=None):
    """A SimpleRNN with a non-zero bias (so a wrong wiring cannot hide behind zeros)."""
    cell = SimpleRNN(units=units, features=features, seed=seed, weight_scale=1.2)
    b = np.random.default_rng(100 + seed).normal(0.0, 0.3, units)
    return cell.with_weights(bias=b)


X = np.random.default_rng(0).normal(0.0, 1.0, (2, 6, 3))


def test_architecture_names():
    assert ARCHITECTURES == ("many-to-many", "many-to-one", "one-to-many", "seq2seq")


@pytest.mark.parametrize("n_layers", [1, 2, 3])
def test_stack_many_to_many_matches_reference_loop(n_layers):
    cells = [rnn(4, 3, 0), rnn(4, 4, 1), rnn(5, 4, 2)][:n_layers]
    res = run_architecture("many-to-many", cells, X)
    expected = X
    for i, cell in enumerate(cells):
        expected = elman(cell, expected)
        np.testing.assert_allclose(res.layers[i].states, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(res.output, res.layers[-1].states)
    assert res.output_shape == (2, 6, cells[-1].units)
    assert res.names == tuple(f"layer {i + 1}" for i in range(n_layers))
    assert res.return_sequences == (True,) * n_layers
    assert res.sequence_shapes == tuple((2, 6, c.units) for c in cells)
    assert res.last_shapes == tuple((2, c.units) for c in cells)
    # 3·4+4·4+4 = 32; 4·4+4·4+4 = 36; 4·5+5·5+5 = 50
    assert res.n_params == [32, 68, 118][n_layers - 1]


def test_many_to_one_returns_only_last_state():
    cells = [rnn(4, 3, 0), rnn(5, 4, 1)]
    res = run_architecture("many-to-one", cells, X)
    expected = elman(cells[1], elman(cells[0], X))[:, -1]
    np.testing.assert_allclose(res.output, expected, rtol=1e-12, atol=1e-15)
    assert res.output_shape == (2, 5)
    assert res.return_sequences == (True, False)
    assert res.sequence_shapes[-1] == (2, 6, 5)
    assert res.last_shapes[-1] == (2, 5)
    assert res.top is res.layers[-1]


def test_return_sequences_given_per_layer_like_keras():
    cells = [rnn(4, 3, 0), rnn(4, 4, 1)]
    res = run_architecture("many-to-one", cells, X, return_sequences=[True, False])
    assert res.output.shape == (2, 4)
    res = run_architecture("many-to-many", cells, X, return_sequences=True)
    assert res.output.shape == (2, 6, 4)


def test_one_to_many_feeds_one_input_then_zeros():
    cell = rnn(4, 3, 0)
    x1 = X[:, 0]  # (batch, features)
    res = run_architecture("one-to-many", cell, x1, steps=5)
    padded = np.zeros((2, 5, 3))
    padded[:, 0] = x1
    np.testing.assert_allclose(res.output, elman(cell, padded), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(res.layers[0].x, padded)
    assert res.output_shape == (2, 5, 4)
    # (features,) and (batch, 1, features) are accepted as one input too
    a = run_architecture("one-to-many", cell, x1[0], steps=5).output
    b = run_architecture("one-to-many", cell, x1[:1, None], steps=5).output
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a, res.output[:1], rtol=1e-12, atol=1e-15)


def test_seq2seq_decoder_starts_from_encoder_last_state():
    enc = [rnn(4, 3, 0), rnn(4, 4, 1)]
    dec = [rnn(4, 2, 2), rnn(4, 4, 3)]
    res = run_architecture("seq2seq", enc, X, decoder=dec, steps=9)
    e1 = elman(enc[0], X)
    e2 = elman(enc[1], e1)
    d1 = elman(dec[0], np.zeros((2, 9, 2)), h0=e1[:, -1])
    d2 = elman(dec[1], d1, h0=e2[:, -1])
    np.testing.assert_allclose(res.output, d2, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(res.layers[2].states, d1, rtol=1e-12, atol=1e-15)
    assert res.names == ("encoder 1", "encoder 2", "decoder 1", "decoder 2")
    assert res.output_shape == (2, 9, 4)
    assert res.sequence_shapes == ((2, 6, 4), (2, 6, 4), (2, 9, 4), (2, 9, 4))
    assert res.n_params == sum(c.n_params for c in enc + dec) == 32 + 36 + 28 + 36


def test_seq2seq_decoder_inputs_and_default_steps():
    enc, dec = rnn(4, 3, 0), rnn(4, 2, 1)
    y = np.random.default_rng(3).normal(0.0, 1.0, (2, 4, 2))
    res = run_architecture("seq2seq", enc, X, decoder=dec, decoder_inputs=y)
    expected = elman(dec, y, h0=elman(enc, X)[:, -1])
    np.testing.assert_allclose(res.output, expected, rtol=1e-12, atol=1e-15)
    # without steps or inputs the decoder runs as long as the encoder, on zeros
    assert run_architecture("seq2seq", enc, X, decoder=dec).output_shape == (2, 6, 4)


def test_seq2seq_lstm_passes_cell_state_like_torch():
    torch = pytest.importorskip("torch")
    from rnnviz.sim import from_torch

    torch.manual_seed(0)
    encoder = torch.nn.LSTM(3, 4, batch_first=True).double()
    decoder = torch.nn.LSTM(2, 4, batch_first=True).double()
    with torch.no_grad():
        _, state = encoder(torch.from_numpy(X))
        expected, _ = decoder(torch.zeros(2, 5, 2, dtype=torch.float64), state)
    res = run_architecture("seq2seq", from_torch(encoder), X, decoder=from_torch(decoder), steps=5)
    np.testing.assert_allclose(res.output, expected.numpy(), rtol=1e-10, atol=1e-13)


@pytest.mark.parity
@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_stack_matches_torch_num_layers(kind):
    torch = pytest.importorskip("torch")
    from rnnviz.sim import make_cell
    from rnnviz.sim.interop import keras_weights_from_torch

    torch.manual_seed(1)
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
    module = cls(3, 4, num_layers=3, batch_first=True).double()
    cells = []
    for layer in range(3):
        w = keras_weights_from_torch(
            kind, *(getattr(module, f"{n}_l{layer}").detach().numpy()
                    for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")),
        )  # fmt: skip
        cells.append(make_cell(kind, units=4, features=3 if layer == 0 else 4).with_weights(**w))
    with torch.no_grad():
        expected, _ = module(torch.from_numpy(X))
    res = run_architecture("many-to-many", cells, X)
    np.testing.assert_allclose(res.output, expected.numpy(), rtol=1e-10, atol=1e-13)


def test_mixed_cells_stack():
    cells = [LSTM(units=4, features=3, seed=0), GRU(units=5, features=4, seed=1)]
    res = run_architecture("many-to-one", cells, X)
    np.testing.assert_array_equal(res.output, cells[1].run(res.layers[0].states).last_state)
    assert res.layers[0].cell_states.shape == (2, 6, 4)
    assert res.n_params == cells[0].n_params + cells[1].n_params == 128 + 165


# ----------------------------------------------------------------------------- errors
def test_lower_layer_without_return_sequences_is_explained():
    cells = [rnn(4, 3, 0), rnn(4, 4, 1), rnn(4, 4, 2)]
    with pytest.raises(
        ValueError,
        match=r"layer 2 has return_sequences=False but layer 3 is "
        r"stacked on it",
    ) as info:
        run_architecture("many-to-one", cells, X, return_sequences=[True, False, False])
    assert "the whole sequence h_1 … h_T, not only h_T" in str(info.value)


@pytest.mark.parametrize(
    ("architecture", "flag", "message"),
    [
        (
            "many-to-many",
            False,
            r"many-to-many: the top layer returns every h_t .* got "
            r"return_sequences=False\. Use architecture='many-to-one'",
        ),
        (
            "many-to-one",
            True,
            r"many-to-one: the top layer returns only h_T .* got "
            r"return_sequences=True\. Use architecture='many-to-many'",
        ),
    ],
)
def test_top_return_sequences_must_match_architecture(architecture, flag, message):
    with pytest.raises(ValueError, match=message):
        run_architecture(architecture, rnn(4, 3, 0), X, return_sequences=flag)


def test_stack_feature_mismatch_names_both_layers():
    with pytest.raises(
        ValueError,
        match=r"layer 2 reads the 4 units of layer 1 as its features "
        r"at every timestep, so it needs features=4; got "
        r"features=3",
    ):
        run_architecture("many-to-many", [rnn(4, 3, 0), rnn(4, 3, 1)], X)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"architecture": "tree"}, ValueError, r"architecture must be one of \('many-to-many'"),
        ({"cells": []}, ValueError, "cells must be 1 to 3 stacked layers; got 0"),
        ({"cells": [rnn(3, 3, i) for i in range(4)]}, ValueError, "1 to 3 stacked layers; got 4"),
        ({"cells": "rnn"}, TypeError, "layer 1 must be an rnnviz cell .* got str"),
        ({"steps": 4}, ValueError, "many-to-many runs for as many timesteps as x has"),
        ({"return_sequences": [True, True]}, ValueError, r"one value per layer \(1\); got 2"),
        ({"return_sequences": 1}, TypeError, "True, False or one bool per layer; got 1"),
        (
            {"architecture": "one-to-many", "steps": 2, "x": X[:, 0], "return_sequences": False},
            ValueError,
            r"one-to-many: the top layer returns every h_t \(return_sequences=True\); "
            r"got return_sequences=False\.$",
        ),
        ({"decoder": rnn(4, 3, 1)}, ValueError, "decoder and decoder_inputs are for seq2seq"),
        ({"architecture": "one-to-many"}, ValueError, "one-to-many needs steps"),
        (
            {"architecture": "one-to-many", "steps": 3},
            ValueError,
            r"one input vector per sequence: x of shape \(batch, features\) = \(batch, 3\) or "
            r"\(3,\); got shape \(2, 6, 3\)",
        ),
        ({"architecture": "seq2seq"}, ValueError, "seq2seq needs a decoder"),
        (
            {"architecture": "seq2seq", "decoder": rnn(5, 3, 1)},
            ValueError,
            "decoder layer 1 starts from the h_T of encoder layer 1, so it needs units=4; got "
            "units=5",
        ),
        (
            {"architecture": "seq2seq", "decoder": [rnn(4, 3, 1), rnn(4, 4, 2)]},
            ValueError,
            "got 1 encoder and 2 decoder layers",
        ),
        (
            {
                "architecture": "seq2seq",
                "decoder": rnn(4, 2, 1),
                "decoder_inputs": np.ones((2, 3, 5)),
            },
            ValueError,
            r"decoder_inputs must have shape .* features=2; got shape \(2, 3, 5\)",
        ),
        (
            {
                "architecture": "seq2seq",
                "decoder": rnn(4, 2, 1),
                "decoder_inputs": np.ones((3, 3, 2)),
            },
            ValueError,
            r"decoder_inputs must have the encoder's batch \(2\); got batch 3",
        ),
        (
            {"architecture": "seq2seq", "decoder": rnn(4, 2, 1), "steps": 0},
            ValueError,
            "steps .* must be an int ≥ 1; got 0",
        ),
    ],
)
def test_bad_arguments(kwargs, error, message):
    call = {"architecture": "many-to-many", "cells": rnn(4, 3, 0), "x": X, **kwargs}
    with pytest.raises(error, match=message):
        run_architecture(call.pop("architecture"), call.pop("cells"), call.pop("x"), **call)
