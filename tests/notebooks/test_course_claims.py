"""The sentences of the course that state a measured fact, checked against the simulator.

nbval compares the printed numbers with the stored ones, but a rebuild refreshes those
outputs silently; the prose around them does not change. Each test below restates one
sentence of ``notebooks/src/*.md`` (or ``docs/presenting.md``) with the same settings, so a
simulator change that makes a sentence false fails here, naming the notebook.
"""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.sim import GRU, LSTM, SimpleRNN, inputs
from rnnviz.widgets import build_frame


def _h0_norm(**settings) -> float:
    """‖∂h_T/∂h_0‖ drawn by the Explorer for these settings."""
    return float(build_frame(**settings).jacobian_norms[0])


def test_start_here_tanh_grows_only_from_about_1_4_linear_from_1():
    # start_here step 3, docs/presenting.md: "with tanh it only starts growing at about 1.4"
    # and "still below 1 at s = 1.2"
    assert _h0_norm(weight_scale=1.2) < _h0_norm(weight_scale=1.3) < 1
    assert 1 < _h0_norm(weight_scale=1.4) < _h0_norm(weight_scale=1.5)
    assert _h0_norm(weight_scale=1.1, activation="linear") == pytest.approx(1.1**20)


def test_04_sweep_tanh_crossing_is_not_at_1():
    # 04, the sweep: "0.04 at s = 1.1 and 2.9 at s = 1.2" (T = 60, three sine waves)
    assert _h0_norm(weight_scale=1.1, timesteps=60, features=3) < 0.1
    assert _h0_norm(weight_scale=1.2, timesteps=60, features=3) > 1


@pytest.mark.parametrize("s", [1.5, 3.0])
def test_04_tanh_grows_but_far_below_the_bound(s):
    x = inputs.make("noise", timesteps=30, features=3, seed=0)
    res = SimpleRNN(units=16, features=3, weight_scale=s, seed=0).run(x)
    norm = res.jacobian_norms()[0, 0]
    assert 1 < norm < 1e-3 * res.theory.bound[0]


def test_04_product_of_step_norms_lies_between_the_curve_and_the_elman_bound():
    x = inputs.make("noise", timesteps=30, features=3, seed=0)
    for s in (0.9, 1.5, 3.0):
        cell = SimpleRNN(units=16, features=3, weight_scale=s, seed=0)
        res = cell.run(x)
        h = res.states[0]
        steps = [np.linalg.norm(np.diag(1 - h[k] ** 2) @ cell.W_hh.T, 2) for k in range(30)]
        assert res.jacobian_norms()[0, 0] <= np.prod(steps) <= res.theory.bound[0] * (1 + 1e-12)


def test_04_non_normal_transient_lasts_about_20_steps_and_then_vanishes():
    x = inputs.make("noise", timesteps=60, features=3, seed=0)
    cell = SimpleRNN(
        units=32, features=3, activation="linear", weight_scale=0.95, init="gaussian", seed=0
    )
    back = cell.run(x).jacobian_norms()[0][::-1]  # index = steps back
    above = np.flatnonzero(back > 1)
    assert 15 <= above.max() <= 25  # "stays above 1 for about 20 steps back"
    assert back[60] < 0.2  # ... "before ρ < 1 wins"


def test_03_chunked_truncation_differs_when_k_does_not_divide_T():
    x = inputs.make("sine", timesteps=20, features=3, seed=0)
    res = SimpleRNN(units=16, features=3, seed=0).run(x)
    target = np.ones(16)

    def grad(k):
        return res.loss_gradients(target=target, truncate=k).params["recurrent_kernel"]

    T = 20
    assert T - (T - 1) // 5 * 5 == 5  # k divides T: the last chunk is the rnnviz window
    assert T - (T - 1) // 6 * 6 == 2  # chunks 1-6, 7-12, 13-18, 19-20
    assert not np.allclose(grad(6), grad(2))


def test_03_a_loss_at_every_step_feeds_the_early_states():
    x = inputs.make("sine", timesteps=20, features=3, seed=0)
    cell = SimpleRNN(units=16, features=3, seed=0)
    target = np.ones(16)
    last_only = cell.run(x).loss_gradients(target=target).dh_norms[0]
    dh = np.zeros((21, 16))
    for t in range(1, 21):
        dh[: t + 1] += cell.run(x[:, :t]).loss_gradients(target=target).dh[0]
    every = np.linalg.norm(dh, axis=1)
    assert every[20] == pytest.approx(last_only[20])
    assert np.all(every[:15] > 5 * last_only[:15])


def test_01_pad_steps_move_the_state_unless_masked_front_pads_only_with_zero_bias():
    x, _ = inputs.sentence("the cat sat on the mat")
    cell = SimpleRNN(units=8, features=x.shape[-1], seed=0)
    pads = np.zeros((1, 4, x.shape[-1]))
    states = cell.run(np.concatenate([x, pads], axis=1)).states[0]
    assert all(np.linalg.norm(states[t] - states[5]) > 0.1 for t in range(6, 10))
    front = np.concatenate([pads, x], axis=1)
    assert np.array_equal(cell.run(front).last_state, cell.run(x).last_state)
    biased = cell.with_weights(bias=np.full(8, 0.5))
    assert not np.allclose(biased.run(front).last_state, biased.run(x).last_state)


def test_06_forward_h1_ignores_the_future_backward_h1_does_not():
    x = inputs.make("noise", timesteps=20, features=50, batch=4, seed=0)
    changed = x.copy()
    changed[:, -1] += 1.0
    fwd = SimpleRNN(units=10, features=50, seed=0)
    bwd = SimpleRNN(units=10, features=50, seed=2)
    assert np.array_equal(fwd.run(x).states[:, 0], fwd.run(changed).states[:, 0])
    b1 = bwd.run(x[:, ::-1]).states[:, -1]
    b2 = bwd.run(changed[:, ::-1]).states[:, -1]
    assert not np.allclose(b1, b2)


X40 = inputs.make("noise", timesteps=40, features=3, seed=0)


def _rnn_40() -> float:
    return float(SimpleRNN(units=16, features=3, seed=0).run(X40).jacobian_norms()[0, 0])


def _lstm_cell_40(**kwargs) -> float:
    res = LSTM(units=16, features=3, seed=0, **kwargs).run(X40)
    return float(res.jacobian_norms(wrt="cell")[0, 0])


def test_05_default_lstm_keeps_about_a_thousand_times_the_rnn_gradient_at_40_steps():
    ratio = _lstm_cell_40() / _rnn_40()  # default forget_bias, as Keras
    assert 300 < ratio < 3000


def test_05_forget_bias_0_keeps_about_25_times_less_than_the_rnn():
    ratio = _rnn_40() / _lstm_cell_40(forget_bias=0.0)
    assert 15 < ratio < 40


def test_05_gru_at_zero_biases_falls_faster_than_the_rnn():
    gru = GRU(units=16, features=3, seed=0).run(X40).jacobian_norms()[0, 0]
    assert gru < _rnn_40()


def _direct_route(forget_bias: float) -> tuple[float, float]:
    res = LSTM(units=16, features=3, seed=0, forget_bias=forget_bias).run(X40)
    f, o, c_T = res.gates["f"][0], res.gates["o"][0], res.cell_states[0, -1]
    direct = np.max(np.abs(o[-1] * (1 - np.tanh(c_T) ** 2) * np.prod(f, axis=0)))
    return float(direct), float(res.jacobian_norms(wrt="cell")[0, 0])


def test_05_at_forget_bias_1_almost_all_gradient_goes_through_the_gates():
    direct, total = _direct_route(1.0)
    assert direct < 1e-5 < 1e-3 * total
    direct5, _ = _direct_route(5.0)
    assert direct5 > 0.2  # "it still carries 0.25 after 40 steps"


def test_05_forget_bias_3_grows():
    back = LSTM(units=16, features=3, seed=0, forget_bias=3.0).run(X40)
    norms = back.jacobian_norms(wrt="cell")[0][::-1]
    assert norms[40] > norms[1]


def test_05_constant_error_carousel_keeps_everything_and_accumulates():
    res = LSTM(units=16, features=3, seed=0, forget_bias=20.0).run(X40)
    assert np.prod(res.gates["f"][0], axis=0).min() > 0.9999
    c = np.abs(res.cell_states[0]).max(axis=1)
    assert c[9] < c[19] < c[39]  # the carousel only adds up
    assert c[39] > 3 * c[9]


#: The settings of notebook 05's Explorer: weight scale 1, three phase-shifted sine waves.
EXPLORER_05 = {"timesteps": 40, "weight_scale": 1.0, "features": 3}


def test_05_explorer_view_lstm_above_rnn_and_far_above_gru_until_forget_bias_0():
    rnn, gru = _h0_norm(**EXPLORER_05), _h0_norm(**EXPLORER_05, cell="gru")
    lstm1 = _h0_norm(**EXPLORER_05, cell="lstm", forget_bias=1.0)
    lstm0 = _h0_norm(**EXPLORER_05, cell="lstm", forget_bias=0.0)
    assert 10 < lstm1 / rnn < 30  # "about 18 times above the Elman RNN's"
    assert lstm1 / gru > 1000  # "thousands of times above the GRU's"
    assert lstm0 < min(rnn, gru)  # "fall below both"


def test_05_gated_curve_rises_above_the_elman_bound_at_forget_bias_3():
    frame = build_frame(**EXPLORER_05, cell="lstm", forget_bias=3.0)
    assert 5 < frame.jacobian_norms[0] < 15  # "ends near 9"
    sigma, gamma = frame.theory.sigma_max, frame.theory.gamma
    assert (gamma * sigma) ** 40 == pytest.approx(1.0)  # "(γ σ_max(U_c))^40 = 1"
    assert frame.theory.matrix == "U_c"
