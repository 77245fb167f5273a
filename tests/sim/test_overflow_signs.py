"""After an overflow, every value keeps its sign, and every finite Jacobian stays exact.

The reference runs the same cells in Python's ``decimal`` arithmetic with an exponent range
of ±10⁷ (nothing overflows there), written independently from the cells' equations. The
Jacobian reference builds the chain ∂h_T/∂h_t from the reference's relu masks and rescales
it by a power of two at every step, so it never overflows either.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import numpy as np
import pytest

from rnnviz.sim import GRU, LSTM, SimpleRNN
from rnnviz.sim.bptt import backward

CTX = decimal.Context(prec=40, Emax=10**7, Emin=-(10**7))


def _d(a):
    return np.vectorize(lambda v: Decimal(float(v)), otypes=[object])(np.asarray(a))


def _exp_neg(z):
    """e^(−z) for z ≥ 0."""
    return Decimal(0) if z > 10**6 else CTX.exp(-z)


def _sigmoid(z):
    if z >= 0:
        return CTX.divide(1, 1 + _exp_neg(z))
    e = _exp_neg(-z)
    return CTX.divide(e, 1 + e)


def _act(name, z):
    if name == "relu":
        return z if z > 0 else Decimal(0)
    if name == "linear":
        return z
    if name == "sigmoid":
        return _sigmoid(z)
    e = _exp_neg(2 * abs(z))  # tanh
    t = CTX.divide(1 - e, 1 + e)
    return t if z >= 0 else -t


def _matvec(h, W):
    """h (u,) @ W (u, k), all Decimal."""
    return [CTX.add(Decimal(0), sum((h[j] * W[j, k] for j in range(len(h))), Decimal(0)))
            for k in range(W.shape[1])]  # fmt: skip


def _decimal_inputs(cell, x):
    """In Decimal: W_hh (u, u·gates), the GRU's recurrent-side bias b_h (None for the other
    cells) and, per step of ``x`` (T, k), the input term x_t W_xh + b_x (u·gates,)."""
    W, U = _d(cell.kernel), _d(cell.recurrent_kernel)
    with decimal.localcontext(CTX):
        if cell.name == "gru":
            b_x, b_h = _d(cell.bias[0]), _d(cell.bias[1])
        else:
            b_x, b_h = _d(cell.bias), None
        XW = [[a + b for a, b in zip(_matvec(x_t, W), b_x, strict=True)] for x_t in _d(x)]
    return U, b_h, XW


def reference(cell, x):
    """States h_1..h_T (T, u) and the first pre-activation block (T, u·gates) in Decimal."""
    u, act = cell.units, cell.activation
    U, b_h, XW = _decimal_inputs(cell, x)
    with decimal.localcontext(CTX):
        h = [Decimal(0)] * u
        c = [Decimal(0)] * u
        H, PRE = [], []
        for xw in XW:
            if cell.name == "rnn":
                a = [p + q for p, q in zip(xw, _matvec(h, U), strict=True)]
                h = [_act(act, v) for v in a]
                PRE.append(a)
            elif cell.name == "lstm":
                z = [p + q for p, q in zip(xw, _matvec(h, U), strict=True)]
                i = [_sigmoid(v) for v in z[:u]]
                f = [_sigmoid(v) for v in z[u : 2 * u]]
                g = [_act(act, v) for v in z[2 * u : 3 * u]]
                o = [_sigmoid(v) for v in z[3 * u :]]
                c = [f[k] * c[k] + i[k] * g[k] for k in range(u)]
                h = [o[k] * _act(act, c[k]) for k in range(u)]
                PRE.append(z)
            else:
                hu = [p + q for p, q in zip(_matvec(h, U), b_h, strict=True)]
                z = [_sigmoid(xw[k] + hu[k]) for k in range(u)]
                r = [_sigmoid(xw[u + k] + hu[u + k]) for k in range(u)]
                a = [xw[2 * u + k] + r[k] * hu[2 * u + k] for k in range(u)]
                hh = [_act(act, v) for v in a]
                h = [z[k] * h[k] + (1 - z[k]) * hh[k] for k in range(u)]
                PRE.append(hu)
            H.append(h)
    return np.array(H, dtype=object), np.array(PRE, dtype=object)


def _float(a):
    """Decimal → float64 (±inf beyond the range, with the sign)."""
    return np.vectorize(float, otypes=[float])(a)


def _sign(a):
    """Signs of Decimal values; 0 for values too small for float64 (they underflow to 0)."""
    return np.vectorize(lambda v: 0 if abs(v) < Decimal("1e-300") else (v > 0) - (v < 0),
                        otypes=[int])(a)  # fmt: skip


def _nonzero_sign(actual, ref):
    """Signs equal wherever the reference is representable (underflow may give 0 or not)."""
    s = _sign(ref)
    np.testing.assert_array_equal(np.sign(actual)[s != 0], s[s != 0])


def _exploding(C, activation, scale, timesteps, seed=0, units=4):
    cell = C(units=units, features=2, activation=activation, weight_scale=scale, seed=seed)
    rng = np.random.default_rng(seed + 1)
    cell = cell.with_weights(bias=0.3 * rng.standard_normal(cell.bias.shape))
    x = rng.standard_normal((timesteps, 2))
    return cell, x


@pytest.mark.parametrize("activation", ["linear", "relu"])
def test_rnn_pre_activations_and_states_keep_their_sign(activation):
    """Linear/relu s = 3: the states overflow; no infinite value gets the wrong sign
    (before the fix, inf − inf = NaN became +inf: about half of them were wrong)."""
    cell, x = _exploding(SimpleRNN, activation, 3.0, 900, units=6)
    res = cell.run(x)
    H, A = reference(cell, x)
    assert res.overflowed
    a = res.trace.a[0]
    assert np.isinf(a).sum() > 500
    np.testing.assert_array_equal(np.sign(a), _sign(A))
    np.testing.assert_array_equal(np.sign(res.states[0]), _sign(H))
    finite = np.isfinite(_float(H))
    np.testing.assert_allclose(res.states[0][finite], _float(H)[finite], rtol=1e-9)
    assert np.all(np.isinf(res.states[0][~finite]))


def _exploding_gated(C, activation, seed=0, u=4):
    """An LSTM whose gates open as h grows (mostly positive gate weights, a quarter
    negative), or a GRU with a closed update gate and s = 40: both overflow."""
    rng = np.random.default_rng(seed + 1)
    if C is LSTM:
        cell = C(units=u, features=2, activation=activation, seed=seed)
        R = np.abs(rng.standard_normal((u, 4 * u)))
        R[rng.random(R.shape) < 0.25] *= -1
        R[:, 2 * u : 3 * u] *= 2
        cell = cell.with_weights(recurrent_kernel=R,
                                 bias=1 + 0.3 * rng.standard_normal(cell.bias.shape))  # fmt: skip
        return cell, rng.standard_normal((700, 2))
    cell = C(units=u, features=2, activation=activation, weight_scale=40.0, seed=seed)
    b = 0.3 * rng.standard_normal(cell.bias.shape)
    b[..., :u] -= 4.0
    return cell.with_weights(bias=b), rng.standard_normal((300, 2))


@pytest.mark.parametrize(("C", "activation"), [(LSTM, "linear"), (LSTM, "relu"), (GRU, "linear")])
def test_gated_cells_keep_signs_and_gates_after_overflow(C, activation):
    """States, gates and pre-activations of an overflowing LSTM/GRU equal the reference: a
    gate σ(z) with z = ±inf is 0 or 1 as the true sign of z says."""
    cell, x = _exploding_gated(C, activation)
    res = cell.run(x)
    H, PRE = reference(cell, x)
    assert res.overflowed
    assert np.isinf(res.states).any()
    assert not np.isnan(res.states).any()
    pre = (res.trace.z if C is LSTM else res.trace.hu)[0]
    assert (pre == -np.inf).any()
    assert (pre == np.inf).any()
    _nonzero_sign(pre, PRE)
    _nonzero_sign(res.states[0], H)
    finite = np.isfinite(_float(H))
    np.testing.assert_allclose(res.states[0][finite], _float(H)[finite], rtol=1e-8, atol=1e-300)


def _reference_chain_norms(cell, A):
    """‖∂h_T/∂h_t‖₂, t = 0..T, from the reference pre-activations (relu/linear masks),
    with the chain rescaled by 2^E at every step; returns (norms, log2 of norms)."""
    T, u = A.shape
    mask = _sign(A) > 0 if cell.activation == "relu" else np.ones(A.shape, bool)
    W_T = np.array(cell.W_hh).T
    J = np.eye(u)
    E = 0
    log2 = np.zeros(T + 1)
    for t in range(T, 0, -1):
        J = (J * mask[t - 1]) @ W_T
        big = np.abs(J).max()
        if big == 0:
            log2[:t] = -np.inf
            break
        _, e = np.frexp(big)
        J = np.ldexp(J, -int(e))
        E += int(e)
        log2[t - 1] = np.log2(np.linalg.norm(J, 2)) + E
    return np.exp2(log2), log2


#: h_1 grows by 3 and h_2 by 2.9 per step; a_3 = −h_1 + 1.5 h_2 + … meets inf − inf once
#: both overflow, and its true sign (negative: h_1 wins) switches relu′(a_3) off.
W_MIXED = np.array(
    [
        [3.0, 0.0, -1.0, 0.5],
        [0.0, 2.9, 1.5, -1.0],
        [0.2, 0.1, 0.5, 0.3],
        [0.1, 0.3, 0.2, 0.4],
    ]
)


@pytest.mark.parametrize("activation", ["linear", "relu"])
def test_rnn_jacobian_norms_exact_wherever_finite(activation):
    """Every finite ‖∂h_T/∂h_t‖₂ matches the rescaled reference chain (before the fix the
    relu masks of the overflowed steps were wrong: a_3 = NaN → +inf switched unit 3 on)."""
    cell = SimpleRNN(units=4, features=2, activation=activation, seed=0)
    cell = cell.with_weights(recurrent_kernel=W_MIXED)
    x = 0.1 + np.abs(np.random.default_rng(3).standard_normal((800, 2)))
    res = cell.run(x)
    _, A = reference(cell, x)
    assert np.isinf(res.trace.a).sum() > 100
    norms = res.jacobian_norms("state")[0]
    ref, log2 = _reference_chain_norms(cell, A)
    finite = log2 < 1023.9
    assert finite.sum() > 50
    assert (~finite).any()
    np.testing.assert_allclose(norms[finite], ref[finite], rtol=1e-9)
    assert np.all(np.isinf(norms[~finite]))


def test_output_layer_keeps_the_sign():
    """y_t = h_t W_hy + b_y of overflowing states: ±inf as the true sign says, never NaN."""
    cell = SimpleRNN(units=4, features=2, activation="linear", weight_scale=3.0, seed=0,
                     output_units=3)  # fmt: skip
    x = np.random.default_rng(1).standard_normal((900, 2))
    res = cell.run(x)
    H, _ = reference(cell, x)
    with decimal.localcontext(CTX):
        Y = np.array([_matvec(list(h), _d(cell.W_hy)) for h in H], dtype=object)
    assert np.isinf(res.outputs).any()
    np.testing.assert_array_equal(np.sign(res.outputs[0]), _sign(Y))


def _dsigmoid(z):
    """σ′(z) = e^(−|z|) / (1 + e^(−|z|))², without cancellation for any z."""
    e = _exp_neg(abs(z))
    return CTX.divide(e, (1 + e) * (1 + e))


def _dact(name, z):
    if name == "relu":
        return Decimal(1) if z > 0 else Decimal(0)
    return Decimal(1)  # linear


def _gated_step_jacobians(cell, x):
    """Per step t, ∂(h_t, c_t)/∂(h_{t−1}, c_{t−1}) (LSTM, 2u × 2u) or ∂h_t/∂h_{t−1} (GRU), each
    entry computed in Decimal and only then rounded to float64 (σ′ ⊙ overflowed value is an
    ordinary number)."""
    u, act = cell.units, cell.activation
    U, b_h, XW = _decimal_inputs(cell, x)
    out = []
    with decimal.localcontext(CTX):
        h = [Decimal(0)] * u
        c = [Decimal(0)] * u
        for xw in XW:
            if cell.name == "lstm":
                z = [p + q for p, q in zip(xw, _matvec(h, U), strict=True)]
                i = [_sigmoid(v) for v in z[:u]]
                f = [_sigmoid(v) for v in z[u : 2 * u]]
                g = [_act(act, v) for v in z[2 * u : 3 * u]]
                o = [_sigmoid(v) for v in z[3 * u :]]
                c_new = [f[k] * c[k] + i[k] * g[k] for k in range(u)]
                J = np.empty(
                    (2 * u, 2 * u), dtype=object
                )  # rows (h_t, c_t), cols (h_{t−1}, c_{t−1})
                for k in range(u):
                    dhc = o[k] * _dact(act, c_new[k])
                    for j in range(u):
                        dc_dh = (_dsigmoid(z[u + k]) * U[j, u + k] * c[k]
                                 + _dsigmoid(z[k]) * U[j, k] * g[k]
                                 + i[k] * _dact(act, z[2 * u + k]) * U[j, 2 * u + k])  # fmt: skip
                        J[u + k, j] = dc_dh
                        J[k, j] = (
                            _dsigmoid(z[3 * u + k]) * U[j, 3 * u + k] * _act(act, c_new[k])
                            + dhc * dc_dh
                        )
                        J[u + k, u + j] = f[k] if j == k else Decimal(0)
                        J[k, u + j] = dhc * f[k] if j == k else Decimal(0)
                c = c_new
                h = [o[k] * _act(act, c[k]) for k in range(u)]
            else:
                hu = [p + q for p, q in zip(_matvec(h, U), b_h, strict=True)]
                zp = [xw[k] + hu[k] for k in range(u)]
                rp = [xw[u + k] + hu[u + k] for k in range(u)]
                z = [_sigmoid(v) for v in zp]
                r = [_sigmoid(v) for v in rp]
                a = [xw[2 * u + k] + r[k] * hu[2 * u + k] for k in range(u)]
                hh = [_act(act, v) for v in a]
                J = np.empty((u, u), dtype=object)
                for k in range(u):
                    for j in range(u):
                        da = _dsigmoid(rp[k]) * U[j, u + k] * hu[2 * u + k] + r[k] * U[j, 2 * u + k]
                        J[k, j] = (_dsigmoid(zp[k]) * U[j, k] * (h[k] - hh[k])
                                   + (z[k] if j == k else 0)
                                   + (1 - z[k]) * _dact(act, a[k]) * da)  # fmt: skip
                h = [z[k] * h[k] + (1 - z[k]) * hh[k] for k in range(u)]
            out.append(_float(J))
    return out


@pytest.mark.parametrize(("C", "activation"), [(LSTM, "linear"), (LSTM, "relu"), (GRU, "linear")])
def test_gated_jacobian_norms_exact_wherever_finite(C, activation):
    """After the states overflow, ‖∂h_T/∂h_t‖₂ of an LSTM/GRU is still an ordinary number for
    many steps back (σ′(z) ⊙ c_{t−1} is e^(−|z|) · |c|, tiny): before the fix 0 · inf = NaN
    made every entry before T inf. Reference: Decimal step Jacobians, chained with rescaling."""
    cell, x = _exploding_gated(C, activation)
    res = cell.run(x)
    steps = _gated_step_jacobians(cell, x)
    u = cell.units
    J = np.eye(steps[0].shape[0])
    E = 0
    log2 = np.zeros(len(steps) + 1)
    for t in range(len(steps), 0, -1):
        J = J @ steps[t - 1]
        if not np.isfinite(J).all():
            log2[:t] = np.inf
            break
        _, e = np.frexp(np.abs(J).max())
        J = np.ldexp(J, -int(e))
        E += int(e)
        log2[t - 1] = np.log2(np.linalg.norm(J[:u, :u], 2)) + E
    norms = res.jacobian_norms("state")[0]
    finite = log2 < 1023.9
    assert np.isinf(res.states).any()
    assert finite.sum() > 20
    np.testing.assert_allclose(norms[finite], np.exp2(log2[finite]), rtol=1e-8)


def _exploding_gru(activation, seed=0, u=4, timesteps=800):
    """A GRU whose gates see only x (the z and r blocks of U are 0) and whose candidate
    grows h ~ 2^0.9 per step: h_{t−1} and ĥ_t both overflow while σ′(z_t) stays an ordinary
    number, so ∂h_t/∂z_t = h_{t−1} − ĥ_t meets inf − inf in float64."""
    rng = np.random.default_rng(seed)
    cell = GRU(units=u, features=2, activation=activation, seed=seed)
    U = np.zeros((u, 3 * u))
    U_h = 6.0 * rng.standard_normal((u, u))
    if activation == "relu":  # mostly positive, so that relu keeps the growth
        U_h = np.abs(U_h)
        U_h[rng.random(U_h.shape) < 0.25] *= -1
    U[:, 2 * u :] = U_h
    cell = cell.with_weights(recurrent_kernel=U, bias=0.3 * rng.standard_normal((2, 3 * u)))
    return cell, rng.standard_normal((timesteps, 2))


def _gru_update_gate_terms(cell, x):
    """Per step, (h_{t−1} − ĥ_t) ⊙ σ′(z_t pre-activation) in Decimal: ∂h_t/∂(z_t pre-act.)."""
    u, act = cell.units, cell.activation
    W, U = _d(cell.kernel), _d(cell.recurrent_kernel)
    b_x, b_h = _d(cell.bias[0]), _d(cell.bias[1])
    out = []
    with decimal.localcontext(CTX):
        h = [Decimal(0)] * u
        for x_t in _d(x):
            xw = [a + b for a, b in zip(_matvec(x_t, W), b_x, strict=True)]
            hu = [p + q for p, q in zip(_matvec(h, U), b_h, strict=True)]
            zp = [xw[k] + hu[k] for k in range(u)]
            z = [_sigmoid(v) for v in zp]
            r = [_sigmoid(xw[u + k] + hu[u + k]) for k in range(u)]
            hh = [_act(act, xw[2 * u + k] + r[k] * hu[2 * u + k]) for k in range(u)]
            out.append([(h[k] - hh[k]) * _dsigmoid(zp[k]) for k in range(u)])
            h = [z[k] * h[k] + (1 - z[k]) * hh[k] for k in range(u)]
    return np.array(out, dtype=object)


@pytest.mark.parametrize("activation", ["linear", "relu"])
def test_gru_update_gate_gradient_keeps_its_sign(activation):
    """A linear/relu GRU candidate overflows together with h: the gradient reaching the
    update gate, (h_{t−1} − ĥ_t) ⊙ σ′(z_t), is ±inf with the true sign (or exact where
    finite); before the fix h_{t−1} − ĥ_t was inf − inf = NaN, reported as +inf."""
    cell, x = _exploding_gru(activation)
    res = cell.run(x)
    H, PRE = reference(cell, x)
    assert res.overflowed
    _nonzero_sign(res.states[0], H)
    _nonzero_sign(res.trace.hu[0], PRE)
    REF = _gru_update_gate_terms(cell, x)
    ref = _float(REF)
    u, T = cell.units, len(x)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        dz = np.array([cell.step_vjp(res.trace, t, np.ones((1, 1, u))).dz_x[0, 0, :u]
                       for t in range(1, T + 1)])  # fmt: skip
    assert not np.isnan(dz).any()
    assert (dz == np.inf).any()
    assert (dz == -np.inf).any()
    _nonzero_sign(dz, REF)
    finite = np.isfinite(ref)
    np.testing.assert_allclose(dz[finite], ref[finite], rtol=1e-8, atol=1e-300)
    # the same through the public backward pass: the last step's b_z gradient
    dh_out = np.zeros((1, u))
    dh_out[0] = 1.0
    grads = backward(res, dh_out, start=T - 1)
    np.testing.assert_array_equal(np.sign(grads.params["bias"][0, :u]), np.sign(ref[-1]))


@pytest.mark.parametrize("case", ["gated", "linear", "relu"])
def test_gru_update_gate_gradient_never_nan_for_infinite_cotangents(case):
    """A cotangent with ±inf entries (∂L/∂h_T = h_T − target of overflowed states) meets an
    update gate whose σ′(z) underflowed to 0 (gated case) or ±inf values of h_{t−1} − ĥ_t:
    the gradient to z_t is 0 where σ′ = 0, ±inf elsewhere, never NaN."""
    cell, x = _exploding_gated(GRU, "linear") if case == "gated" else _exploding_gru(case)
    res = cell.run(x)
    u = cell.units
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for t in range(1, res.timesteps + 1):
            dh = res.states[:, t - 1, None, :]  # ±inf entries once the states overflowed
            dz = cell.step_vjp(res.trace, t, dh).dz_x[0, 0, :u]
            assert not np.isnan(dz).any(), t
