"""A cell type defined here, outside rnnviz, works with every analysis of the simulator.

Adding a cell type is one class: its forward pass (returning its own typed trace), its
backward step ``step_vjp`` and its capabilities as class attributes. Nothing in rnnviz is
edited for the leaky RNN below, and forward pass, loss gradients, Jacobian norms, the
product bound, the theory summary and a training step all check out against finite
differences of its forward pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pytest
from simhelp import fd_dh, fd_jacobian_norms, fd_param_grads, fd_weight, head_loss, random_inputs

from rnnviz.sim import GRU, LSTM, SimpleRNN, bounds, bptt, spectrum, tasks, training
from rnnviz.sim.architectures import run_architecture
from rnnviz.sim.cell import Cell
from rnnviz.sim.trace import StepGrads, Trace, derived

LEAK = 0.3  # λ


@dataclass(frozen=True, kw_only=True, eq=False)
class LeakyTrace(Trace):
    """``a`` (batch, timesteps, units): a_t = x_t W + h_{t−1} U + b."""

    a: np.ndarray

    @derived
    def df(self) -> np.ndarray:
        return self.act.df(self.a)


class LeakyRNN(Cell):
    """h_t = (1 − λ) h_{t−1} + λ f(a_t), a_t = x_t W + h_{t−1} U + b (a leaky integrator).

    ∂h_t/∂h_{t−1} = (1 − λ) I + λ diag(f′(a_t)) Uᵀ: the identity path bypasses U, so the
    Pascanu bound does not apply (the default capabilities say so).
    """

    name: ClassVar[str] = "leaky"
    display_name: ClassVar[str] = "Leaky RNN"

    def _forward(self, x, h0, c0, careful):
        A = x @ self.kernel + (0.0 if self.bias is None else self.bias)
        H = np.empty((*x.shape[:2], self.units))
        h = h0
        for t in range(x.shape[1]):
            A[:, t] += h @ self.recurrent_kernel
            h = H[:, t] = (1 - LEAK) * h + LEAK * self._act.f(A[:, t])
        return LeakyTrace(act=self._act, h0=h0, states=H, a=A)

    def step_vjp(self, trace, t, dh, dc=None):
        da = LEAK * dh * trace.df[:, t - 1, None, :]  # through λ f(a_t)
        dh_prev = (1 - LEAK) * dh + da @ self.recurrent_kernel.T  # direct + through h U
        return StepGrads(dz_x=da, dz_h=da, dh_prev=dh_prev)


def _cell(output_units=None, activation="tanh", features=2, seed=0):
    cell = LeakyRNN(units=3, features=features, activation=activation, seed=seed,
                    weight_scale=1.2, output_units=output_units)  # fmt: skip
    rng = np.random.default_rng(seed + 7)
    extra = {"bias": 0.3 * rng.standard_normal(3)}
    if output_units:
        extra["b_y"] = 0.3 * rng.standard_normal(output_units)
    return cell.with_weights(**extra)


def test_forward_is_the_leaky_recurrence():
    cell = _cell()
    x, h0, _ = random_inputs(cell, batch=2, timesteps=6)
    res = cell.run(x, h0=h0)
    h = h0
    for t in range(6):
        a = x[:, t] @ cell.kernel + h @ cell.recurrent_kernel + cell.bias
        h = (1 - LEAK) * h + LEAK * np.tanh(a)
        np.testing.assert_allclose(res.states[:, t], h, rtol=1e-14)
    assert res.gates == {}
    assert res.cell_states is None
    assert isinstance(res.trace, LeakyTrace)
    with pytest.raises(ValueError, match="c0"):
        cell.run(x, c0=h0)  # no cell state: has_cell_state is False


@pytest.mark.parametrize("truncate", [None, 3])
@pytest.mark.parametrize("output_units", [None, 2])
def test_loss_gradients_match_finite_differences(output_units, truncate):
    cell = _cell(output_units, activation="relu")
    x, h0, _ = random_inputs(cell, batch=2, timesteps=6, seed=2)
    target = np.random.default_rng(3).standard_normal((2, output_units or 3))
    res = cell.run(x, h0=h0)
    grads = res.loss_gradients(target, truncate=truncate)
    np.testing.assert_allclose(grads.loss, head_loss(cell, res.last_state, target), rtol=1e-14)
    fd = fd_param_grads(cell, x, h0, None, target, truncate)
    assert set(grads.params) == set(fd)
    for key, value in grads.params.items():
        np.testing.assert_allclose(value, fd[key], rtol=1e-6, atol=1e-8, err_msg=key)
    if truncate is None:
        np.testing.assert_allclose(grads.dh, fd_dh(cell, res, target), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("wrt", ["state", "input"])
def test_jacobian_norms_match_finite_differences_and_the_product_bounds_them(wrt):
    cell = _cell()
    x, h0, _ = random_inputs(cell, batch=2, timesteps=7, seed=4)
    res = cell.run(x, h0=h0)
    norms = res.jacobian_norms(wrt)
    np.testing.assert_allclose(norms, fd_jacobian_norms(cell, res, wrt), rtol=1e-6, atol=1e-9)
    assert np.all(bounds.product_bound(res, wrt) >= norms * (1 - 1e-12))
    with pytest.raises(ValueError, match="only LSTM has a cell state"):
        res.jacobian_norms("cell")


def test_theory_reads_the_capabilities():
    summary = _cell().run(np.zeros((4, 2))).theory
    assert summary.matrix == "W_hh"  # the default candidate_matrix
    assert summary.pascanu_holds is False
    assert summary.bound is None
    assert summary.sigma_max == pytest.approx(np.linalg.norm(_cell().recurrent_kernel, 2))


def test_a_training_step_follows_the_task_loss_gradient():
    task = tasks.make("sine", timesteps=5, batch=2)
    cell = _cell(output_units=task.outputs, features=task.features, seed=1)
    run = training.fit(cell, task, 1, optimizer="sgd", lr=1.0)
    assert type(run.cell) is LeakyRNN
    x, y = task.batch(0)

    def loss(c):
        return task.loss(c.run(x).outputs, y)[0]

    assert run.losses[0] == pytest.approx(loss(cell), rel=1e-14)
    for key in ("kernel", "recurrent_kernel", "bias", "W_hy", "b_y"):
        step = np.asarray(getattr(cell, key)) - getattr(run.cell, key)  # = ∂L/∂θ (lr = 1)
        fd = fd_weight(cell, key, loss)
        np.testing.assert_allclose(step, fd, rtol=1e-5, atol=1e-8, err_msg=key)


def test_a_cell_without_an_output_layer_gets_one_of_its_own_type():
    task = tasks.make("adding", timesteps=6, batch=3)
    run = training.fit(LeakyRNN(units=4, features=task.features), task, 3)
    assert type(run.cell) is LeakyRNN
    assert run.cell.output_units == task.outputs
    assert np.all(np.isfinite(run.losses))
    back = bptt.backward(run.cell.run(task.batch(0)[0]), np.ones((3, 4)))
    assert set(back.params) == {"kernel", "recurrent_kernel", "bias"}


def _renamed(parent):
    """A subclass that differs from ``parent`` only in its name."""
    return type(f"Renamed{parent.__name__}", (parent,), {"name": "renamed", "display_name": "R"})


def _same(a, b):
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            _same(a[key], b[key])
    elif a is None or isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
    else:
        assert a == b


@pytest.mark.parametrize("parent", [SimpleRNN, LSTM, GRU])
def test_a_renamed_cell_computes_exactly_what_its_parent_does(parent):
    """Every analysis reads capabilities, not the name: renaming a cell changes nothing."""
    a = parent(units=3, features=2, seed=1, output_units=2)
    b = _renamed(parent)(units=3, features=2, seed=1, output_units=2)
    x, h0, c0 = random_inputs(a, batch=2, timesteps=6)
    ra, rb = a.run(x, h0=h0, c0=c0), b.run(x, h0=h0, c0=c0)
    for attr in ("states", "cell_states", "gates", "outputs"):
        _same(getattr(ra, attr), getattr(rb, attr))
    for wrt in ("state", "input", *(("cell",) if parent is LSTM else ())):
        _same(ra.jacobian_norms(wrt), rb.jacobian_norms(wrt))
        _same(bounds.product_bound(ra, wrt), bounds.product_bound(rb, wrt))
    ga, gb = ra.loss_gradients(np.ones(2), truncate=4), rb.loss_gradients(np.ones(2), truncate=4)
    for attr in ("loss", "dh", "dc", "params"):
        _same(getattr(ga, attr), getattr(gb, attr))
    ta, tb = ra.theory, rb.theory
    for attr in ("matrix", "rho", "sigma_max", "bound", "pascanu_holds"):
        _same(getattr(ta, attr), getattr(tb, attr))
    _same(spectrum.of_cell(a).eigenvalues, spectrum.of_cell(b).eigenvalues)
    _same(a.shapes(2, 6), b.shapes(2, 6))
    sa = run_architecture("seq2seq", a, x, decoder=a, steps=3)
    sb = run_architecture("seq2seq", b, x, decoder=b, steps=3)
    _same(sa.output, sb.output)  # the decoder starts from the encoder's (h_T, c_T)
    task = tasks.make("sine", timesteps=5, batch=2)
    fa = training.fit(parent(units=3, features=1, seed=2), task, 2)
    fb = training.fit(_renamed(parent)(units=3, features=1, seed=2), task, 2)
    _same(fa.losses, fb.losses)
    assert type(fb.cell).__name__ == f"Renamed{parent.__name__}"
