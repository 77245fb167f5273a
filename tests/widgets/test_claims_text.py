"""Claims in words and numbers that reach a view's payload or the Explorer's text, at the
settings where they used to be false (each checked against the mathematics, not rnnviz)."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.frame import build_frame
from rnnviz.widgets._explorer_text import describe
from rnnviz.widgets.gradients import GradientFlow
from rnnviz.widgets.graph import UnrolledGraph


def test_orthogonal_s1_is_not_called_sufficient_for_vanishing():
    # W_hh = 1 · Q with Q orthogonal: σ_max = 1 exactly, so σ_max < 1/γ = 1 is false (the
    # linear RNN keeps ‖∂h_T/∂h_t‖ = 1 for ever); float64's SVD of this seed reads
    # 0.9999999999999999 and the readout said "sufficient for vanishing: yes".
    for activation in ("tanh", "linear"):
        frame = build_frame(cell="rnn", units=2, seed=32, weight_scale=1.0, timesteps=5,
                            activation=activation)  # fmt: skip
        q = frame.result.top.cell.recurrent_kernel
        np.testing.assert_allclose(q @ q.T, np.eye(2), atol=1e-12)  # orthogonal
        view = GradientFlow(frame=frame)
        assert view.frame_info["theory"]["vanishing_sufficient"] is False
        assert "sufficient for vanishing: no" in describe({}, None, frame)
    linear = build_frame(cell="rnn", units=2, seed=32, weight_scale=1.0, timesteps=50,
                         activation="linear", input="zeros")  # fmt: skip
    np.testing.assert_allclose(linear.jacobian_norms, 1.0, rtol=1e-12)  # nothing vanishes


def test_seq2seq_shapes_panel_gives_y_the_decoder_steps():
    # The panel labels y (batch, decoder timesteps, output_units); it showed the encoder's
    # 20 steps for a 5-step decoder whose y_t are 5 rows.
    frame = build_frame(architecture="seq2seq", timesteps=20, decoder_steps=5, output_units=4)
    assert frame.outputs.shape == (5, 4)
    shapes = UnrolledGraph(frame=frame).frame_info["shapes"]
    assert shapes["y"] == [1, 5, 4]
    assert shapes["output"] == [1, 5, 16]
    many_to_one = build_frame(architecture="many-to-one", output_units=4, batch=3)
    assert many_to_one.shapes["y"] == (3, 4)  # y_T only, as output is h_T only


def test_quiz_close_enough_states_the_tolerance_it_used():
    # tolerance=0.125 judged 12.4% off as close and said "within 12%"; 0.004 said "within 0%".
    from rnnviz.widgets.quiz import predict

    q = predict("How large?", answer=1.0, why="measured", tolerance=0.125)
    msg = q.check(1.124)
    assert msg.startswith("Close enough (within 12.5%)"), msg
    q = predict("How large?", answer=2.0, why="measured", tolerance=0.004)
    msg = q.check(2.006)
    assert msg.startswith("Close enough (within 0.4%)"), msg
    assert abs(2.006 - 2.0) / 2.0 <= 0.004  # the claim holds for the value judged


def test_graph_repr_calls_truncate_T_full_bptt():
    # truncate = T differentiates every step (the same gradients as truncate = 0), and the
    # repr said "truncated BPTT 20"; seq2seq's timeline is T + S, so there T truncates.
    full = build_frame(timesteps=20, truncate=20)
    np.testing.assert_array_equal(full.dh_norms, build_frame(timesteps=20).dh_norms)
    assert "full BPTT" in repr(UnrolledGraph(frame=full))
    assert "truncated BPTT 19" in repr(UnrolledGraph(frame=build_frame(timesteps=20, truncate=19)))
    s2s = build_frame(architecture="seq2seq", timesteps=6, decoder_steps=3, truncate=6)
    assert "truncated BPTT 6" in repr(UnrolledGraph(frame=s2s))


def test_vanished_gradients_reach_the_graph_as_zero_without_a_window():
    # Full BPTT at s = 0.05 over 200 steps: ‖∂L/∂h_t‖ ≈ 1e-270 is 0 in the float32 the
    # graph draws, so its legend may not explain a 0 as "outside the BPTT window"
    # (js/src/lib/graph_color.js zeroMeaning; js/test/claims_text.test.js).
    frame = build_frame(weight_scale=0.05, timesteps=200)
    assert frame.settings["truncate"] == 0
    assert (frame.dh_norms > 0).all()
    graph = UnrolledGraph(frame=frame)
    assert (np.asarray(graph.dh_norms) == 0).sum() > 100


def test_seq2seq_encoder_reach_says_nothing_reaches_when_k_is_below_S():
    # T = 6, S = 4: k = 3 cuts inside the decoder (the encoder gets no gradient at all), k = 4
    # reaches the encoder's h_T only, k = 5 one step further; the panel once said "cut after
    # 0 steps" for both k = 3 and k = 4.
    kept = {}
    for k in (3, 4, 5):
        f = build_frame(architecture="seq2seq", timesteps=6, decoder_steps=4, truncate=k)
        view = GradientFlow(frame=f)
        view.layer = 0
        kept[k] = view.frame_info["truncation"]["kept"]
        assert (f.layer_dh_norms[0] == 0).all() == (k == 3)
    assert kept == {3: None, 4: [0, 0], 5: [0, 1]}


def test_exported_gradient_figure_labels_the_window_as_the_views_do():
    # rnnviz.to_figures: truncate = T shaded every step as "truncated BPTT: 20 steps" (it is
    # full BPTT), truncate = 1 read "1 steps"; then it shaded the KEPT steps [0, k] while the
    # live view shaded the CUT ones, and in seq2seq with k ≥ S it drew "truncated BPTT: 6
    # steps" over a 4-step decoder the live view left bare. Now both draw the one rule
    # (rnnviz.frame.truncation): the kept steps back, in the same words.
    pytest.importorskip("plotly")
    from rnnviz.export import to_figures

    def band(**settings):
        frame = build_frame(**settings)
        fig = to_figures(frame)["gradients"]
        texts = [a.text for a in fig.layout.annotations if "BPTT" in (a.text or "")]
        rects = [(r.x0, r.x1) for r in fig.layout.shapes if r.type == "rect"]
        live = GradientFlow(frame=frame).frame_info["truncation"]
        assert texts == (["<br>".join(live["label"])] if live["active"] else [])
        return rects, texts

    assert band(timesteps=20, truncate=20) == ([], [])
    assert band(timesteps=20, truncate=1) == (
        [(-0.5, 1.5)],
        ["truncated BPTT, k = 1:<br>gradient kept 1 step back"],
    )
    assert band(timesteps=20, truncate=5) == (
        [(-0.5, 5.5)],
        ["truncated BPTT, k = 5:<br>gradient kept 5 steps back"],
    )
    # the decoder panel (the top layer): all of its 4 steps are kept, the cut is 2 encoder
    # steps back from the context
    assert band(architecture="seq2seq", timesteps=6, decoder_steps=4, truncate=6) == (
        [(-0.5, 4.5)],
        ["truncated BPTT, k = 6:<br>whole decoder kept,<br>and 2 steps of the encoder"],
    )
