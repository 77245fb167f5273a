"""Shared helpers for the simulator tests: random cells and central finite differences.

Finite differences only ever call ``cell.run`` (and the output layer's definition), so
they check the analytic backward passes against the forward pass they differentiate.
"""

from __future__ import annotations

import numpy as np

from rnnviz.sim import activations, make_cell

EPS = 1e-6


def random_cell(name, activation="tanh", units=3, features=2, seed=0, output_units=None,
                weight_scale=0.9, init="orthogonal"):  # fmt: skip
    """A cell with random (non-zero) biases, so every term of the gradient is exercised."""
    cell = make_cell(name, units=units, features=features, activation=activation, seed=seed,
                     weight_scale=weight_scale, init=init, output_units=output_units)  # fmt: skip
    rng = np.random.default_rng(seed + 100)
    extra = {"bias": 0.3 * rng.standard_normal(cell.bias.shape)}
    if output_units:
        extra["b_y"] = 0.3 * rng.standard_normal(output_units)
    return cell.with_weights(**extra)


def random_inputs(cell, batch=2, timesteps=5, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, timesteps, cell.features))
    h0 = 0.5 * rng.standard_normal((batch, cell.units))
    c0 = 0.5 * rng.standard_normal((batch, cell.units)) if cell.has_cell_state else None
    return x, h0, c0


def head_loss(cell, h_T, target):
    """½‖y_T − target‖² per sequence from h_T (the definition, written independently)."""
    y = h_T
    if cell.W_hy is not None:
        y = activations.get(cell.output_activation).f(h_T @ cell.W_hy + cell.b_y)
    return 0.5 * np.sum((y - target) ** 2, axis=-1)


def loss_from(cell, x, t, h_t, c_t, target):
    """Loss per sequence when the run restarts at step t from state (h_t, c_t) (constants)."""
    if t == x.shape[1]:
        return head_loss(cell, h_t, target)
    res = cell.run(x[:, t:], h0=h_t, c0=c_t)
    return head_loss(cell, res.last_state, target)


def state_at(res, t):
    """(h_t, c_t) of a run, t = 0..T."""
    h = res.h0 if t == 0 else res.states[:, t - 1]
    c = None
    if res.cell.has_cell_state:
        c = res.c0 if t == 0 else res.cell_states[:, t - 1]
    return h, c


def fd_param_grads(cell, x, h0, c0, target, truncate=None):
    """Central differences of Σ_b L_b w.r.t. every parameter; with truncation the states
    before the window are computed once with the unperturbed cell (stop_gradient)."""
    T = x.shape[1]
    start = 0 if truncate is None or truncate >= T else T - truncate
    base = cell.run(x, h0=h0, c0=c0)
    h_s, c_s = state_at(base, start)
    names = ["kernel", "recurrent_kernel", "bias"]
    if cell.W_hy is not None:
        names += ["W_hy", "b_y"]
    return {
        name: fd_weight(cell, name, lambda c: loss_from(c, x, start, h_s, c_s, target).sum())
        for name in names
    }


def fd_weight(cell, key, loss):
    """Central differences ∂loss/∂θ ≈ (loss(θ + ε) − loss(θ − ε)) / 2ε for every entry θ of
    the weight ``key`` (shape of that weight); ``loss(cell)`` is a number, each perturbed
    cell is ``cell.with_weights(key=...)``."""
    w = np.array(getattr(cell, key))
    g = np.zeros_like(w)
    for idx in np.ndindex(w.shape):
        vals = []
        for sign in (1, -1):
            w2 = w.copy()
            w2[idx] += sign * EPS
            vals.append(loss(cell.with_weights(**{key: w2})))
        g[idx] = (vals[0] - vals[1]) / (2 * EPS)
    return g


def fd_dh(cell, res, target):
    """∂L_b/∂h_t for t = 0..T by perturbing h_t (c_t held), shape (batch, T+1, units)."""
    B, T, u = res.batch, res.timesteps, res.units
    out = np.zeros((B, T + 1, u))
    for t in range(T + 1):
        h, c = state_at(res, t)
        for j in range(u):
            e = np.zeros(u)
            e[j] = EPS
            lp = loss_from(cell, res.x, t, h + e, c, target)
            lm = loss_from(cell, res.x, t, h - e, c, target)
            out[:, t, j] = (lp - lm) / (2 * EPS)
    return out


def _perturbed_cell_state(res, t, delta):
    """(h_t, c_t) after adding delta to c_t *before* h_t = o_t ⊙ f(c_t) is computed."""
    h, c = state_at(res, t)
    c2 = c + delta
    if t == 0:
        return h, c2
    o = res.gates["o"][:, t - 1]
    return o * activations.get(res.cell.activation).f(c2), c2


def fd_dc(cell, res, target):
    """Total ∂L_b/∂c_t (LSTM), t = 0..T, shape (batch, T+1, units)."""
    B, T, u = res.batch, res.timesteps, res.units
    out = np.zeros((B, T + 1, u))
    for t in range(T + 1):
        for j in range(u):
            e = np.zeros(u)
            e[j] = EPS
            lp = loss_from(cell, res.x, t, *_perturbed_cell_state(res, t, e), target)
            lm = loss_from(cell, res.x, t, *_perturbed_cell_state(res, t, -e), target)
            out[:, t, j] = (lp - lm) / (2 * EPS)
    return out


def _h_T(cell, x, t, h, c):
    return h if t == x.shape[1] else cell.run(x[:, t:], h0=h, c0=c).last_state


def fd_jacobian_norms(cell, res, wrt):
    """‖∂h_T/∂·‖₂ from finite-difference Jacobians (np.linalg.norm(J, 2)) for every t."""
    B, T, u = res.batch, res.timesteps, res.units
    x = np.array(res.x)
    if wrt == "input":
        out = np.zeros((B, T))
        for t in range(1, T + 1):
            J = np.zeros((B, u, cell.features))
            h, c = state_at(res, t - 1)
            for j in range(cell.features):
                xp, xm = x.copy(), x.copy()
                xp[:, t - 1, j] += EPS
                xm[:, t - 1, j] -= EPS
                J[:, :, j] = (_h_T(cell, xp, t - 1, h, c) - _h_T(cell, xm, t - 1, h, c)) / (2 * EPS)
            out[:, t - 1] = [np.linalg.norm(J[b], 2) for b in range(B)]
        return out
    out = np.zeros((B, T + 1))
    for t in range(T + 1):
        J = np.zeros((B, u, u))
        for j in range(u):
            e = np.zeros(u)
            e[j] = EPS
            if wrt == "state":
                h, c = state_at(res, t)
                plus, minus = (h + e, c), (h - e, c)
            else:
                plus = _perturbed_cell_state(res, t, e)
                minus = _perturbed_cell_state(res, t, -e)
            J[:, :, j] = (_h_T(cell, x, t, *plus) - _h_T(cell, x, t, *minus)) / (2 * EPS)
        out[:, t] = [np.linalg.norm(J[b], 2) for b in range(B)]
    return out
