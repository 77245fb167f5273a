"""∂L/∂h_t for every layer of a stack and every encoder step of seq2seq.

Against PyTorch autograd (stepping single-layer torch modules one timestep at a time, so
every h_t^(ℓ) is a node) for full and truncated BPTT, and against central finite
differences of the loss when h_t^(ℓ) is bumped in the middle of the run.
"""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.sim import make_cell
from rnnviz.sim.architectures import run_architecture
from rnnviz.sim.stack_gradients import stack_loss_gradients

B, T, S, U, F = 2, 6, 4, 4, 3


def _cells(kind, layers, seed, output_units=None, scale=1.3):
    return [
        make_cell(
            kind,
            units=U,
            features=F if i == 0 else U,
            weight_scale=scale,
            seed=seed + i,
            output_units=output_units if i == layers - 1 else None,
        )
        for i in range(layers)
    ]


def _run(kind, layers, arch, output_units=None):
    x = np.random.default_rng(5).normal(0.0, 1.0, (B, T, F))
    enc = _cells(kind, layers, 0, None if arch == "seq2seq" else output_units)
    if arch == "seq2seq":
        dec = _cells(kind, layers, 10, output_units)
        dec[0] = make_cell(kind, units=U, features=U, weight_scale=1.3, seed=10)
        dec_x = np.random.default_rng(6).normal(0.0, 1.0, (B, S, U))
        if layers == 1 and output_units:
            dec[0] = make_cell(kind, units=U, features=U, seed=10, output_units=output_units)
        res = run_architecture(arch, enc, x, decoder=dec, decoder_inputs=dec_x)
        return res, enc, dec, x, dec_x
    return run_architecture(arch, enc, x), enc, None, x, None


def test_one_layer_equals_loss_gradients():
    res, *_ = _run("lstm", 1, "many-to-many")
    for k in (None, 2):
        got = stack_loss_gradients(res, truncate=k)
        ref = res.top.loss_gradients(truncate=k)
        np.testing.assert_allclose(got.dh[0], ref.dh, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(got.dc[0], ref.dc, rtol=1e-13, atol=1e-15)
        np.testing.assert_array_equal(got.loss, ref.loss)


@pytest.mark.parametrize("arch", ["many-to-many", "seq2seq"])
def test_every_layer_and_the_encoder_receive_a_gradient(arch):
    res, *_ = _run("gru", 3, arch)
    got = stack_loss_gradients(res)
    assert len(got.dh_norms) == len(res.layers)
    for name, norms in zip(got.names, got.dh_norms, strict=True):
        assert (norms > 0).all(), name  # full BPTT reaches every state of every layer
    top = res.top.loss_gradients()
    np.testing.assert_allclose(got.dh[-1], top.dh, rtol=1e-13, atol=1e-15)


def test_seq2seq_windows_follow_one_timeline():
    res, *_ = _run("rnn", 2, "seq2seq")
    cut_in_decoder = stack_loss_gradients(res, truncate=S - 1)
    assert cut_in_decoder.starts == (T, T, 1, 1)
    for norms in cut_in_decoder.dh_norms[:2]:
        assert (norms == 0).all()  # the encoder is before the cut
    context_only = stack_loss_gradients(res, truncate=S)
    for norms in context_only.dh_norms[:2]:
        assert (norms[:, :T] == 0).all()
        assert (norms[:, T] > 0).all()
    into_encoder = stack_loss_gradients(res, truncate=S + 2)
    assert into_encoder.starts == (T - 2, T - 2, 0, 0)
    for norms in into_encoder.dh_norms[:2]:
        assert (norms[:, : T - 2] == 0).all()
        assert (norms[:, T - 2 :] > 0).all()


def _bumped_loss(enc, dec, x, dec_x, layer, t, v, target):
    """Loss when h_t of ``layer`` (index into enc + dec) is moved by v mid-run."""
    n = len(enc)

    def run_chain(cells, inputs, starts, offset):
        results = []
        for i, cell in enumerate(cells):
            h0 = c0 = None
            if starts is not None:
                h0 = starts[i].last_state
                c0 = None if starts[i].cell_states is None else starts[i].cell_states[:, -1]
            if offset + i != layer:
                r = cell.run(inputs, h0=h0, c0=c0)
                states = r.states
            else:
                head = cell.run(inputs[:, :t], h0=h0, c0=c0) if t > 0 else None
                hb = (head.states[:, -1] if head else (0 if h0 is None else h0)) + v
                cb = c0
                if head is not None and head.cell_states is not None:
                    cb = head.cell_states[:, -1]
                r = cell.run(inputs[:, t:], h0=hb, c0=cb)
                # h_t moved is also what the layer above reads at step t
                below = [] if head is None else [head.states[:, :-1], hb[:, None]]
                states = np.concatenate([*below, r.states], axis=1)
            results.append(r)
            inputs = states
        return results

    top = run_chain(enc, x, None, 0)
    if dec is not None:
        top = run_chain(dec, dec_x, top, n)
    return top[-1].loss_gradients(target).loss.sum()


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("arch", ["many-to-one", "seq2seq"])
def test_dh_matches_finite_differences(kind, arch):
    res, enc, dec, x, dec_x = _run(kind, 2, arch, output_units=2)
    target = np.random.default_rng(9).normal(0.0, 1.0, (B, 2))
    got = stack_loss_gradients(res, target=target)
    rng = np.random.default_rng(11)
    lengths = [r.timesteps for r in res.layers]
    for layer, steps in enumerate(lengths):
        for t in (0, steps // 2, steps - 1):
            if dec is not None and layer >= len(enc) and t == 0:
                continue  # decoder h_0 is the encoder's h_T: bumped there
            v = rng.normal(0.0, 1.0, (B, U))
            eps = 1e-6
            up = _bumped_loss(enc, dec, x, dec_x, layer, t, eps * v, target)
            down = _bumped_loss(enc, dec, x, dec_x, layer, t, -eps * v, target)
            fd = (up - down) / (2 * eps)
            exact = float(np.sum(got.dh[layer][:, t] * v))
            assert fd == pytest.approx(exact, rel=1e-6, abs=1e-8), (layer, t)


@pytest.mark.parametrize(("kind", "scale", "steps"), [("rnn", 3.0, 400), ("lstm", 3.0, 400),
                                                     ("gru", 2.0, 700)])  # fmt: skip
def test_overflow_is_inf_never_nan(kind, scale, steps):
    # linear cells: the states stay finite, the gradient (≈ scale^(2T)) overflows
    cells = [
        make_cell(
            kind,
            units=4,
            features=3 if i == 0 else 4,
            activation="linear",
            weight_scale=scale,
            seed=i,
        )
        for i in range(3)
    ]
    x = np.random.default_rng(0).normal(0.0, 1.0, (1, steps, 3))
    res = run_architecture("many-to-many", cells, x)
    got = stack_loss_gradients(res)
    for norms in got.dh_norms:
        assert not np.isnan(norms).any()
    assert got.overflowed
    assert np.isinf(got.dh_norms[0]).any()
