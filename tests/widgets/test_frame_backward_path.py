"""The frame carries ‖∂L/∂h_t‖ of every layer and, in seq2seq, of every encoder step."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.sim.stack_gradients import stack_loss_gradients
from rnnviz.widgets import build_frame


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_every_layer_of_a_stack_has_its_gradient_norms(cell):
    frame = build_frame(cell=cell, layers=3, units=8, timesteps=12)
    assert len(frame.layer_dh_norms) == 3
    expected = stack_loss_gradients(frame.result).dh_norms
    for got, want, states in zip(frame.layer_dh_norms, expected, frame.states, strict=True):
        assert got.dtype == np.float64
        assert got.shape == (len(states) + 1,)
        np.testing.assert_array_equal(got, want[0])
        assert (got > 0).all()  # full BPTT reaches every step of every layer
    # dh_norms keeps its meaning: the top layer, as the top RunResult computes it
    top = frame.result.top.loss_gradients().dh_norms[0]
    np.testing.assert_array_equal(frame.dh_norms, top)
    np.testing.assert_array_equal(frame.layer_dh_norms[-1], frame.dh_norms)


def test_seq2seq_gradient_reaches_the_encoder_through_the_context():
    frame = build_frame(architecture="seq2seq", layers=2, units=6, timesteps=9, decoder_steps=5)
    enc1, enc2, dec1, dec2 = frame.layer_dh_norms
    assert enc1.shape == enc2.shape == (10,)
    assert dec1.shape == dec2.shape == (6,)
    assert (enc1 > 0).all()
    assert (enc2 > 0).all()


def test_truncation_window_runs_on_into_the_encoder():
    frame = build_frame(
        architecture="seq2seq", units=6, timesteps=9, decoder_steps=5, truncate=7
    )  # the 5 decoder steps and the last 2 encoder steps
    enc, dec = frame.layer_dh_norms
    assert (dec > 0).all()
    assert (enc[:7] == 0).all()
    assert (enc[7:] > 0).all()
    top = frame.result.top.loss_gradients(truncate=7).dh_norms[0]
    np.testing.assert_array_equal(frame.dh_norms, top)


def test_graph_sends_every_layers_norms_and_rejects_a_mismatched_frame():
    import dataclasses

    from rnnviz.widgets import UnrolledGraph

    frame = build_frame(layers=3, units=4, timesteps=6)
    graph = UnrolledGraph(frame=frame)
    assert [a.dtype for a in graph.layer_dh_norms] == [np.float32] * 3
    np.testing.assert_array_equal(graph.layer_dh_norms[0], frame.layer_dh_norms[0].astype("f4"))
    bad = dataclasses.replace(frame, layer_dh_norms=frame.layer_dh_norms[:2])
    with pytest.raises(ValueError, match=r"one array per layer \(3\); got 2"):
        graph.show(bad)
    assert graph.frame is frame  # a rejected frame changes nothing
