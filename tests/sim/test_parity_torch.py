"""rnnviz cells built by ``from_torch`` compute what PyTorch computes (float64 modules).

States and h_T to 1e-10 relative; Jacobian norms against ``torch.autograd.functional.jacobian``
+ ``torch.linalg.matrix_norm(ord=2)``; loss gradients against autograd (full BPTT, and
truncated BPTT against a ``.detach()`` at the window boundary).
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from rnnviz.sim import from_torch  # noqa: E402
from rnnviz.sim.interop import keras_weights_from_torch  # noqa: E402

pytestmark = pytest.mark.parity

RTOL = 1e-10
ATOL = 1e-13
CLASSES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


def make_module(
    kind,
    units=5,
    features=4,
    *,
    bias=True,
    batch_first=True,
    nonlinearity="tanh",
    seed=0,
    recurrent_gain=1.6,
):
    """A float64 torch layer with random weights; W_hh enlarged so the dynamics are not tiny."""
    torch.manual_seed(seed)
    kwargs = {"nonlinearity": nonlinearity} if kind == "rnn" else {}
    module = CLASSES[kind](features, units, bias=bias, batch_first=batch_first, **kwargs).double()
    with torch.no_grad():
        module.weight_hh_l0.mul_(recurrent_gain)
        if bias:
            module.bias_ih_l0.normal_(0.0, 0.3)
            module.bias_hh_l0.normal_(0.0, 0.3)
    return module


def run_torch(module, x, h0=None):
    """(states (batch, T, units), h_T (batch, units)) of a torch layer for x (batch, T, features)."""
    xt = torch.from_numpy(x)
    if not module.batch_first:
        xt = xt.transpose(0, 1)
    with torch.no_grad():
        out, hidden = module(xt) if h0 is None else module(xt, h0)
    if not module.batch_first:
        out = out.transpose(0, 1)
    h_n = hidden[0] if isinstance(hidden, tuple) else hidden
    return out.numpy(), h_n[0].numpy()


def inputs(batch=3, timesteps=7, features=4, seed=1):
    return np.random.default_rng(seed).normal(0.0, 1.0, (batch, timesteps, features))


STATE_CASES = [
    ("rnn", "tanh", True, True),
    ("rnn", "tanh", True, False),
    ("rnn", "tanh", False, True),
    ("rnn", "relu", True, True),
    ("rnn", "relu", False, False),
    ("lstm", "tanh", True, True),
    ("lstm", "tanh", False, False),
    ("gru", "tanh", True, True),
    ("gru", "tanh", True, False),
    ("gru", "tanh", False, True),
]


@pytest.mark.parametrize(("kind", "nonlinearity", "bias", "batch_first"), STATE_CASES)
def test_states_and_last_state_match_torch(kind, nonlinearity, bias, batch_first):
    module = make_module(kind, bias=bias, batch_first=batch_first, nonlinearity=nonlinearity)
    x = inputs()
    cell = from_torch(module)
    res = cell.run(x)
    out, h_n = run_torch(module, x)
    assert cell.units == 5
    assert cell.features == 4
    assert res.states.shape == (3, 7, 5)
    np.testing.assert_allclose(res.states, out, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(res.last_state, h_n, rtol=RTOL, atol=ATOL)
    if nonlinearity == "relu":
        assert (res.states == 0).any()  # the relu case really clips


@pytest.mark.parametrize("kind", ["rnn", "gru"])
def test_initial_state_matches_torch(kind):
    module = make_module(kind)
    x = inputs()
    h0 = np.random.default_rng(5).normal(0.0, 0.5, (3, 5))
    out, h_n = run_torch(module, x, torch.from_numpy(h0)[None])
    res = from_torch(module).run(x, h0=h0)
    np.testing.assert_allclose(res.states, out, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(res.last_state, h_n, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_torch_cell_modules_convert_like_layers(kind):
    module = make_module(kind)
    cls = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}[kind]
    step = cls(4, 5).double()
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(step, name).copy_(getattr(module, name + "_l0"))
    a, b = from_torch(module), from_torch(step)
    np.testing.assert_array_equal(a.kernel, b.kernel)
    np.testing.assert_array_equal(a.recurrent_kernel, b.recurrent_kernel)
    np.testing.assert_array_equal(a.bias, b.bias)


def test_subclass_and_float32_module_convert():
    class MyGRU(torch.nn.GRU):  # user subclasses are recognised through the class hierarchy
        pass

    torch.manual_seed(3)
    module = MyGRU(4, 5, batch_first=True)  # float32, as trained models usually are
    cell = from_torch(module)
    w = module.weight_ih_l0.detach().numpy()
    np.testing.assert_array_equal(cell.kernel[:, 10:15], w[10:15].T.astype(np.float64))
    x = inputs()
    with torch.no_grad():
        expected = module(torch.from_numpy(x).float())[0].numpy()
    np.testing.assert_allclose(cell.run(x).states, expected, rtol=1e-5, atol=1e-6)


def test_gru_layout_conversion_by_hand():
    # torch rows are blocks r, z, n; Keras columns are z, r, h.
    units, features = 2, 3
    w_ih = np.arange(3 * units * features, dtype=float).reshape(3 * units, features)
    w_hh = 100 + np.arange(3 * units * units, dtype=float).reshape(3 * units, units)
    b_ih = np.array([1.0, 2, 3, 4, 5, 6])
    b_hh = np.array([10.0, 20, 30, 40, 50, 60])
    w = keras_weights_from_torch("gru", w_ih, w_hh, b_ih, b_hh)
    np.testing.assert_array_equal(w["kernel"][:, 0:2], w_ih[2:4].T)  # z
    np.testing.assert_array_equal(w["kernel"][:, 2:4], w_ih[0:2].T)  # r
    np.testing.assert_array_equal(w["kernel"][:, 4:6], w_ih[4:6].T)  # h
    np.testing.assert_array_equal(w["recurrent_kernel"][:, 0:2], w_hh[2:4].T)
    np.testing.assert_array_equal(w["bias"], [[3, 4, 1, 2, 5, 6], [30, 40, 10, 20, 50, 60]])
    # LSTM keeps torch's order (i, f, g, o = Keras i, f, c, o) and sums the two biases.
    lstm = keras_weights_from_torch(
        "lstm", w_ih[:, :2].repeat(4, 0)[:8], np.ones((8, 2)), np.arange(8.0), 10 * np.arange(8.0)
    )
    np.testing.assert_array_equal(lstm["bias"], 11 * np.arange(8.0))
    np.testing.assert_array_equal(lstm["kernel"], w_ih[:, :2].repeat(4, 0)[:8].T)
    assert keras_weights_from_torch("rnn", np.ones((2, 3)), np.ones((2, 2)))["bias"] is None


# ----------------------------------------------------------------------------- Jacobians
def torch_states(module, xb):
    """h_0 … h_T and (LSTM) c_0 … c_T of one sequence xb (T, features), from torch."""
    timesteps, units = xb.shape[0], module.hidden_size
    hs = [torch.zeros(units, dtype=torch.float64)]
    cs = [torch.zeros(units, dtype=torch.float64)]
    with torch.no_grad():
        for t in range(1, timesteps + 1):
            _, hidden = module(xb[None, :t])
            if isinstance(hidden, tuple):
                hs.append(hidden[0][0, 0])
                cs.append(hidden[1][0, 0])
            else:
                hs.append(hidden[0, 0])
                cs.append(None)
    return hs, cs


def torch_jacobian_norms(module, x, wrt):
    """‖∂h_T/∂h_t‖₂ or ‖∂h_T/∂c_t‖₂ (t = 0 … T) or ‖∂h_T/∂x_t‖₂ (t = 1 … T) by autograd.

    ∂/∂h_t holds c_t fixed. ∂/∂c_t is the total derivative: for t ≥ 1, h_t = o_t ⊙ tanh(c_t)
    is recomputed from c_t (o_t does not depend on c_t); h_0 is an input, fixed.
    """
    lstm = isinstance(module, torch.nn.LSTM)
    batch, timesteps, _ = x.shape
    xt = torch.from_numpy(x)
    norms = np.ones((batch, timesteps + (0 if wrt == "input" else 1)))
    for b in range(batch):
        if wrt == "input":
            jac = torch.autograd.functional.jacobian(
                lambda xb: module(xb[None])[1][0][0, 0] if lstm else module(xb[None])[1][0, 0],
                xt[b],
            )  # (units, T, features)
            norms[b] = torch.linalg.matrix_norm(jac.permute(1, 0, 2), ord=2).numpy()
            continue
        hs, cs = torch_states(module, xt[b])
        for t in range(timesteps):
            rest = xt[b, t:][None]

            def h_T(h, c, rest=rest):
                if lstm:
                    return module(rest, (h[None, None], c[None, None]))[1][0][0, 0]
                return module(rest, h[None, None])[1][0, 0]

            if wrt == "state":
                jac = torch.autograd.functional.jacobian(lambda h, c=cs[t]: h_T(h, c), hs[t])
            else:
                jac = torch.autograd.functional.jacobian(
                    lambda c, t=t, xb=xt[b], hs=hs: h_T(h_from_cell(module, xb, hs, t, c), c),
                    cs[t],
                )
            norms[b, t] = torch.linalg.matrix_norm(jac, ord=2).item()
        if wrt == "cell":  # ∂h_T/∂c_T = diag(o_T ⊙ tanh'(c_T)): h_T is read off c_T directly
            jac = torch.autograd.functional.jacobian(
                lambda c, xb=xt[b], hs=hs: h_from_cell(module, xb, hs, timesteps, c),
                cs[timesteps],
            )
            norms[b, timesteps] = torch.linalg.matrix_norm(jac, ord=2).item()
    return norms


def h_from_cell(module, xb, hs, t, c):
    """h_t = o_t ⊙ tanh(c) for t ≥ 1, with o_t = σ(x_t W_ioᵀ + b_io + h_{t−1} W_hoᵀ + b_ho)
    from torch's weights (rows 3u:4u, gate order i, f, g, o); h_0 is given, not made from c_0."""
    if t == 0:
        return hs[0]
    u = module.hidden_size
    pre = xb[t - 1] @ module.weight_ih_l0[3 * u :].T + hs[t - 1] @ module.weight_hh_l0[3 * u :].T
    if module.bias:
        pre = pre + module.bias_ih_l0[3 * u :] + module.bias_hh_l0[3 * u :]
    return torch.sigmoid(pre) * torch.tanh(c)


JACOBIAN_CASES = [
    ("rnn", "state"),
    ("rnn", "input"),
    ("lstm", "state"),
    ("lstm", "cell"),
    ("lstm", "input"),
    ("gru", "state"),
    ("gru", "input"),
]


@pytest.mark.parametrize(("kind", "wrt"), JACOBIAN_CASES)
def test_jacobian_norms_match_torch_autograd(kind, wrt):
    module = make_module(kind, units=4, features=3, seed=2)
    x = inputs(batch=2, timesteps=5, features=3, seed=3)
    expected = torch_jacobian_norms(module, x, wrt)
    got = from_torch(module).run(x).jacobian_norms(wrt=wrt)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-13)
    assert len(np.unique(np.round(expected, 6))) > 3  # a real curve, not constant


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_jacobian_norms_of_wide_layers_match_torch_autograd(kind):
    # 56 units: wide enough for the simulator's iterative (non-SVD) spectral norms.
    module = make_module(kind, units=56, features=3, seed=5, recurrent_gain=4.0)
    x = inputs(batch=1, timesteps=4, features=3, seed=6)
    expected = torch_jacobian_norms(module, x, "state")
    got = from_torch(module).run(x).jacobian_norms(wrt="state")
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-13)


def test_jacobian_norms_relu_match_torch_autograd():
    module = make_module("rnn", units=4, features=3, nonlinearity="relu", seed=4)
    x = inputs(batch=2, timesteps=5, features=3, seed=3)
    got = from_torch(module).run(x).jacobian_norms(wrt="state")
    np.testing.assert_allclose(got, torch_jacobian_norms(module, x, "state"), rtol=1e-9, atol=1e-13)


# ----------------------------------------------------------------------------- loss gradients
def lstm_step(module, x_t, h, c):
    """One step of an nn.LSTM written with torch ops, so that h_t = o_t ⊙ tanh(c_t) is a graph
    node fed by c_t: autograd then gives the total ∂L/∂c_t (nn.LSTM's fused kernel outputs h_t
    and c_t side by side, so its c_t.grad would miss the path through h_t)."""
    z = x_t @ module.weight_ih_l0.T + h @ module.weight_hh_l0.T
    if module.bias:
        z = z + module.bias_ih_l0 + module.bias_hh_l0
    i, f, g, o = z.chunk(4, dim=-1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def test_lstm_step_is_nn_lstm():
    module = make_module("lstm", units=4, features=3, seed=6)
    x = torch.from_numpy(inputs(batch=2, timesteps=3, features=3, seed=7))
    h = c = torch.zeros(1, 2, 4, dtype=torch.float64)
    with torch.no_grad():
        _, (h_n, c_n) = module(x)
        for t in range(3):
            h, c = lstm_step(module, x[:, t], h, c)
    torch.testing.assert_close(h[0], h_n[0], rtol=1e-14, atol=1e-15)
    torch.testing.assert_close(c[0], c_n[0], rtol=1e-14, atol=1e-15)


def torch_loss_gradients(module, x, target, truncate=None):
    """Autograd of L = Σ_batch ½‖h_T − target‖², stepping the torch layer one timestep at a
    time so every h_t (and c_t) is a node; truncate=k detaches the state at t = T − k."""
    lstm = isinstance(module, torch.nn.LSTM)
    module.zero_grad()
    batch, timesteps, _ = x.shape
    xt = torch.from_numpy(x)
    zeros = torch.zeros(1, batch, module.hidden_size, dtype=torch.float64)
    h = zeros.clone().requires_grad_(True)
    c = zeros.clone().requires_grad_(True)
    hs, cs = [h], [c]
    for t in range(1, timesteps + 1):
        if truncate is not None and t - 1 == timesteps - truncate:
            h = h.detach().requires_grad_(True)
            c = c.detach().requires_grad_(True)
            hs[-1], cs[-1] = h, c
        if lstm:
            h, c = lstm_step(module, xt[:, t - 1], h, c)
            c.retain_grad()
            cs.append(c)
        else:
            _, h = module(xt[:, t - 1 : t], h)
        h.retain_grad()
        hs.append(h)
    per_sample = 0.5 * ((h[0] - torch.from_numpy(target)) ** 2).sum(dim=1)
    per_sample.sum().backward()

    def node_grads(nodes):  # (batch, T+1, units); zeros where no gradient arrives
        zero = np.zeros((batch, module.hidden_size))
        return np.stack([zero if s.grad is None else s.grad[0].numpy() for s in nodes], axis=1)

    dh = node_grads(hs)
    grads = {n: getattr(module, n + "_l0").grad.numpy() for n in ("weight_ih", "weight_hh")}
    if module.bias:
        grads["bias_ih"] = module.bias_ih_l0.grad.numpy()
        grads["bias_hh"] = module.bias_hh_l0.grad.numpy()
    grads["dc"] = node_grads(cs) if lstm else None
    return per_sample.detach().numpy(), dh, grads


def keras_param_gradients(kind, grads):
    """Gradients of torch parameters in the Keras layout of rnnviz's parameters.

    kernel = reorder(weight_ihᵀ) is a linear re-arrangement, so its gradient is the same
    re-arrangement of the gradient. bias = b_ih + b_hh: ∂L/∂bias = ∂L/∂b_ih (= ∂L/∂b_hh).
    """
    out = keras_weights_from_torch(kind, grads["weight_ih"], grads["weight_hh"])
    if "bias_ih" in grads:
        if kind == "gru":
            out["bias"] = keras_weights_from_torch(
                kind, grads["weight_ih"], grads["weight_hh"], grads["bias_ih"], grads["bias_hh"]
            )["bias"]
        else:
            np.testing.assert_allclose(grads["bias_ih"], grads["bias_hh"], rtol=1e-12)
            out["bias"] = grads["bias_ih"]
    return out


def rnnviz_param(grads, name):
    """The gradient of a parameter by its Keras name in ``Gradients.params``."""
    aliases = {
        "kernel": ("kernel", "W_xh"),
        "recurrent_kernel": ("recurrent_kernel", "W_hh"),
        "bias": ("bias", "b_h", "b"),
    }
    for key in aliases[name]:
        if key in grads.params:
            return grads.params[key]
    raise AssertionError(f"no gradient for {name} in {sorted(grads.params)}")


@pytest.mark.parametrize(
    ("kind", "bias"), [("rnn", True), ("rnn", False), ("lstm", True), ("gru", True), ("gru", False)]
)
@pytest.mark.parametrize("truncate", [None, 1, 3])
def test_loss_gradients_match_torch_autograd(kind, bias, truncate):
    module = make_module(kind, units=4, features=3, bias=bias, seed=6)
    x = inputs(batch=2, timesteps=6, features=3, seed=7)
    target = np.random.default_rng(8).normal(0.0, 0.5, (2, 4))
    loss, dh, grads = torch_loss_gradients(module, x, target, truncate)
    got = from_torch(module).run(x).loss_gradients(target=target, truncate=truncate)
    np.testing.assert_allclose(got.loss, loss, rtol=RTOL, atol=ATOL)
    assert got.dh.shape == (2, 7, 4)
    np.testing.assert_allclose(got.dh, dh, rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(got.dh_norms, np.linalg.norm(dh, axis=-1), rtol=1e-9, atol=1e-13)
    if kind == "lstm":  # ∂L/∂c_t: total for t ≥ 1, direct at the window's first state
        np.testing.assert_allclose(got.dc, grads["dc"], rtol=1e-9, atol=1e-13)
    else:
        assert got.dc is None
    for name, expected in keras_param_gradients(kind, grads).items():
        if expected is None:
            continue
        np.testing.assert_allclose(rnnviz_param(got, name), expected, rtol=1e-9, atol=1e-13)
    if truncate is not None:
        assert (dh[:, : 6 - truncate] == 0).all()
        assert (np.abs(dh[:, 6 - truncate :]) > 0).any()
