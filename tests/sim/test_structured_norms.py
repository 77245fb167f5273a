"""Exact ‖∂h_T/∂·‖₂ for structured recurrent matrices at 96–256 units (the iterative path).

Identity / IRNN init, diagonal RNNs, permutations, block-diagonal, low-rank and nearly
reducible matrices give Jacobian chains with (nearly) invariant coordinate blocks. Before
the fix a start block of the 8 longest rows never left such a block: permutation W_hh with
tanh was 97 % off, 0.9·I with tanh 63 %, LSTM with diagonal gate blocks 83 % (wrt="cell").
References: numpy's SVD of the explicitly formed chain (state, cell), the exact Gram
eigenvalue path (input), and torch autograd + ``matrix_norm(ord=2)`` (parity).
"""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.sim import jacobians, make_cell, spectral

RTOL = 1e-10


def structured(name, u, rng):
    """A (u, u) recurrent matrix with the structure ``name``."""
    if name == "permutation":
        return np.eye(u)[rng.permutation(u)]
    if name == "identity_0.9":
        return 0.9 * np.eye(u)
    if name == "diagonal":
        return np.diag(rng.uniform(0.5, 1.2, u))
    if name in ("block_diagonal", "near_reducible"):
        W = np.zeros((u, u))
        sizes, scales = (u // 4, u // 4, u - u // 2), (0.7, 1.3, 1.0)
        start = 0
        for size, scale in zip(sizes, scales, strict=True):
            Q, _ = np.linalg.qr(rng.standard_normal((size, size)))
            W[start : start + size, start : start + size] = scale * Q
            start += size
        if name == "near_reducible":
            W += 1e-9 * rng.standard_normal((u, u))
        return W
    if name == "low_rank":
        return 2.0 * rng.standard_normal((u, 3)) @ rng.standard_normal((3, u)) / u
    raise ValueError(name)


STRUCTURES = ("permutation", "identity_0.9", "diagonal", "block_diagonal", "low_rank",
              "near_reducible")  # fmt: skip


def structured_cell(kind, structure, units, activation="tanh", seed=0):
    """A cell whose every recurrent gate block is the structured matrix; features = units
    so that ‖∂h_T/∂x_t‖₂ also takes the iterative path; a diagonal input kernel for the
    diagonal structures (then ∂h_T/∂x_t is reducible too)."""
    rng = np.random.default_rng(seed)
    cell = make_cell(kind, units=units, features=units, activation=activation, seed=seed)
    W = structured(structure, units, rng)
    rec = np.tile(W, (1, cell.n_gates))
    extra = {}
    if structure in ("identity_0.9", "diagonal", "permutation"):
        extra["kernel"] = np.tile(np.eye(units), (1, cell.n_gates))
    bias = 0.2 * rng.standard_normal(cell.bias.shape)
    return cell.with_weights(recurrent_kernel=rec, bias=bias, **extra), rng


def _wrts(kind):
    return ("state", "cell", "input") if kind == "lstm" else ("state", "input")


def svd_reference(res, wrt):
    """‖·‖₂ by np.linalg.svd of the explicitly formed chain (state, cell), batch sample 0."""
    T = res.timesteps
    out = np.ones(T + 1)
    act = res.cell._act
    if wrt == "cell":  # ∂h_T/∂c_T = diag(o_T ⊙ f′(c_T))
        out[T] = np.abs(res.gates["o"][0, -1] * act.df(res.cell_states[0, -1])).max()
    for t, J_h, J_c in jacobians.chain(res):
        if wrt == "state":
            out[t] = np.linalg.svd(J_h[0], compute_uv=False)[0]
        elif t == 0:  # c_0 reaches h_T only through later steps
            out[t] = np.linalg.svd(J_c[0], compute_uv=False)[0]
        else:  # total: J_c + J_h ∂h_t/∂c_t, h_t = o_t ⊙ f(c_t)
            d = res.gates["o"][0, t - 1] * act.df(res.cell_states[0, t - 1])
            out[t] = np.linalg.svd(J_c[0] + J_h[0] * d, compute_uv=False)[0]
    return out


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("structure", STRUCTURES)
def test_structured_chains_match_svd(kind, structure):
    cell, rng = structured_cell(kind, structure, units=96)
    res = cell.run(0.5 * rng.standard_normal((1, 12, cell.features)))
    for wrt in _wrts(kind):
        got = res.jacobian_norms(wrt)[0]
        exact = jacobians.jacobian_norms(res, wrt, method="svd")[0]
        np.testing.assert_allclose(got, exact, rtol=RTOL, err_msg=wrt)
        if wrt != "input":
            np.testing.assert_allclose(got, svd_reference(res, wrt), rtol=1e-9, err_msg=wrt)


@pytest.mark.parametrize(
    ("kind", "structure", "activation"),
    [("rnn", "permutation", "tanh"), ("rnn", "block_diagonal", "linear"),
     ("lstm", "diagonal", "tanh"), ("gru", "identity_0.9", "tanh"),
     ("rnn", "near_reducible", "relu"), ("lstm", "low_rank", "linear")],
)  # fmt: skip
def test_structured_chains_at_256_units(kind, structure, activation):
    cell, rng = structured_cell(kind, structure, units=256, activation=activation, seed=1)
    res = cell.run(0.5 * rng.standard_normal((1, 8, cell.features)))
    for wrt in _wrts(kind):
        got = res.jacobian_norms(wrt)[0]
        exact = jacobians.jacobian_norms(res, wrt, method="svd")[0]
        np.testing.assert_allclose(got, exact, rtol=RTOL, err_msg=wrt)


def test_block_diagonal_linear_is_not_stuck_in_the_slow_block():
    """Invariant blocks: 15 slow ones with long rows at first (0.5·I + 1.4·shift on 8 units,
    ρ = 0.5) and a fast one (1.1·I) that takes over. The warm start begins in the slow
    blocks; before the fix it stayed there (the issue measured 1 where the truth was 4096)."""
    u = 128
    W = np.zeros((u, u))
    W[:8, :8] = 1.1 * np.eye(8)
    W[8:, 8:] = np.kron(np.eye(15), 0.5 * np.eye(8) + 1.4 * np.eye(8, k=1))
    cell = make_cell("rnn", units=u, features=2, activation="linear").with_weights(
        recurrent_kernel=W
    )
    res = cell.run(np.zeros((1, 60, 2)))
    exact = jacobians.jacobian_norms(res, "state", method="svd")[0]
    assert exact[0] == pytest.approx(1.1**60, rel=1e-9)  # the fast block wins
    np.testing.assert_allclose(res.jacobian_norms()[0], exact, rtol=1e-12)


def test_components_split_rows_and_columns():
    M = np.zeros((5, 4))
    M[0, 1] = M[3, 1] = 1.0  # rows 0, 3 with column 1
    M[1, 0] = M[1, 2] = M[4, 2] = 2.0  # rows 1, 4 with columns 0, 2
    row, col = spectral.components(M)
    assert row[0] == row[3] != row[1] == row[4]
    assert row[2] == -1
    assert col[3] == -1
    assert col[1] == row[0]
    assert col[0] == col[2] == row[1]


def test_reducible_and_dense_matrices_give_the_exact_norm():
    rng = np.random.default_rng(3)
    blocks = [rng.standard_normal((40, 30)), rng.standard_normal((100, 110)) * 0.3,
              np.diag(rng.uniform(0, 2, 20))]  # fmt: skip
    M = np.zeros((160, 160))
    r = c = 0
    for b in blocks:
        M[r : r + b.shape[0], c : c + b.shape[1]] = b
        r, c = r + b.shape[0], c + b.shape[1]
    perm_r, perm_c = rng.permutation(160), rng.permutation(160)
    M = M[perm_r][:, perm_c]
    exact = np.linalg.norm(M, 2)
    sigma, V = spectral.spectral_norms(M[None], method="krylov")
    assert sigma[0] == pytest.approx(exact, rel=1e-12)
    M[0] += 1e-12  # no longer reducible: the Davidson path
    sigma, _ = spectral.spectral_norms(M[None], V0=V, method="krylov")
    assert sigma[0] == pytest.approx(np.linalg.norm(M, 2), rel=1e-12)


def test_public_names_stay_importable_from_jacobians():
    assert jacobians.spectral_norms is spectral.spectral_norms


# ----------------------------------------------------------------------------- torch
@pytest.mark.parity
@pytest.mark.parametrize(
    ("kind", "structure"),
    [("rnn", "permutation"), ("rnn", "identity_0.9"), ("lstm", "diagonal"),
     ("gru", "block_diagonal"), ("gru", "near_reducible")],
)  # fmt: skip
def test_structured_chains_match_torch(kind, structure):
    """The issue's measurements, against torch autograd + matrix_norm(ord=2)."""
    torch = pytest.importorskip("torch")
    from test_parity_torch import torch_jacobian_norms

    from rnnviz.sim import from_torch

    u, T = 96, 6
    rng = np.random.default_rng(4)
    W = structured(structure, u, rng)
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](
        u, u, batch_first=True
    ).double()
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    with torch.no_grad():
        module.weight_hh_l0.copy_(torch.from_numpy(np.tile(W.T, (gates, 1))))
    x = 0.5 * rng.standard_normal((1, T, u))
    res = from_torch(module).run(x)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # autograd on 96 units: threads only fight on a shared machine
    try:
        for wrt in _wrts(kind):
            expected = torch_jacobian_norms(module, x, wrt)
            got = res.jacobian_norms(wrt)
            np.testing.assert_allclose(got, expected, rtol=1e-9, err_msg=wrt)
    finally:
        torch.set_num_threads(threads)
