"""Every number a view shows, checked against an independent computation (torch / numpy).

A sampled grid of adversarial settings (cells × activations × weight scales around 1 ×
inits × units {1, 2, 256} × timesteps {1, 2, 200} × layers × architectures incl. seq2seq
with decoder_steps ≠ timesteps × truncation {0, 1, T} × inputs). For each frame: the
states, gates and outputs the graph and heatmap draw; ‖∂h_T/∂h_t‖₂ and its two bounds
(gradient view); ‖∂L/∂h_t‖₂ of every layer (the graph's BPTT lane) and the truncation
window the gradient view shades; ρ, σ_max, γ and the "sufficient for vanishing" verdict;
the eigen view's eigenvalues and singular values; the shapes panel and parameter count;
the colour ranges; the overflow flag (never NaN). The oracle is ``claims_oracle``: torch
autograd and numpy.linalg, no rnnviz maths.
"""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from claims_oracle import GAMMA, GATES, log2_jacobian_norms, n_params_keras, run  # noqa: E402

from rnnviz.frame import FLOAT32_MAX, build_frame  # noqa: E402
from rnnviz.widgets._explorer_text import describe, status_html  # noqa: E402
from rnnviz.widgets.gradients import GradientFlow  # noqa: E402

CELLS = ("rnn", "lstm", "gru")
ACTS = ("tanh", "relu", "linear")
SCALES = (0.05, 0.5, 0.99, 1.0, 1.01, 3.0)
INITS = ("orthogonal", "gaussian")
UNITS = (1, 2, 256)
STEPS = (1, 2, 200)
LAYERS = (1, 3)
ARCHS = ("many-to-many", "many-to-one", "one-to-many", "seq2seq")
INPUTS = ("sine", "noise", "impulse", "zeros", "sentence")


def _grid(n: int, seed: int = 7) -> list[dict]:
    """``n`` settings sampled from the full grid (every value of every axis appears);
    256 units (seconds each on a busy machine) only twice, with a few steps and one
    layer of a cell with at most three gate blocks."""
    rng = random.Random(seed)
    full = list(itertools.product(CELLS, ACTS, SCALES, INITS, UNITS, STEPS, LAYERS, ARCHS, INPUTS))
    rng.shuffle(full)
    out, n_big = [], 0
    for cell, act, s, init, units, T, layers, arch, inp in full:
        truncate = rng.choice((0, 1, T))
        settings = dict(cell=cell, activation=act, weight_scale=s, init=init, units=units,
                        timesteps=T, layers=layers, architecture=arch, input=inp,
                        truncate=truncate, seed=rng.randrange(1000),
                        output_units=rng.choice((0, 0, 2)))  # fmt: skip
        if arch == "seq2seq":
            settings["decoder_steps"] = rng.choice((0, 1, 3, 7))
        if inp == "sentence":
            settings["features"] = 5
        big = units == 256
        if big and (T > 2 or layers > 1 or arch == "seq2seq" or cell == "lstm" or n_big >= 2):
            continue
        n_big += big
        out.append(settings)
        if len(out) == n:
            break
    return out


EDGES = [
    # overflow: relu at s = 3 over 200 steps, values beyond float32 (shown as inf)
    dict(cell="rnn", activation="relu", weight_scale=3.0, timesteps=200, units=16),
    dict(cell="gru", activation="relu", weight_scale=3.0, timesteps=200, units=4, layers=3),
    dict(cell="lstm", activation="linear", weight_scale=3.0, timesteps=200, units=2),
    # s = 1 orthogonal: σ_max = 1 exactly in exact arithmetic (float64 reads 1 − 1e-16)
    dict(cell="rnn", units=2, seed=32, weight_scale=1.0, timesteps=3),
    dict(cell="rnn", units=3, seed=17, weight_scale=1.0, timesteps=3, activation="linear"),
    # seq2seq with a decoder shorter / longer than the encoder, truncation into both parts
    dict(architecture="seq2seq", timesteps=20, decoder_steps=5, output_units=4, truncate=8),
    dict(architecture="seq2seq", timesteps=6, decoder_steps=9, cell="lstm", truncate=3, layers=3),
    dict(architecture="seq2seq", timesteps=4, decoder_steps=2, cell="gru", truncate=2),
    dict(architecture="one-to-many", input="impulse", timesteps=5, truncate=1, cell="lstm"),
]


def _close_log10(a: np.ndarray, b: np.ndarray, what: str, tol: float = 1e-6) -> None:
    """Norms ``a`` agree with log10 values ``b`` (both inf, both 0 (log10 −inf), or within
    ``tol`` decades)."""
    a = np.asarray(a, dtype=np.float64)
    lb = np.asarray(b, dtype=np.float64)
    assert not np.isnan(a).any(), f"{what}: NaN shown"
    assert (a >= 0).all(), f"{what}: a negative norm shown"
    # a norm that underflowed to 0 is log10 −inf (as the view draws it), not log10(0)
    la = np.full(a.shape, -np.inf)
    np.log10(a, out=la, where=a > 0)
    # ±inf on both sides agree exactly; only two finite values are compared in decades
    finite = np.isfinite(la) & np.isfinite(lb)
    near = np.zeros(a.shape, dtype=bool)
    near[finite] = np.abs(la[finite] - lb[finite]) <= tol * np.maximum(1, np.abs(lb[finite]))
    same = (la == lb) | near
    # a norm below 1e-280 is denormal territory in the chain: either 0 or tiny is fine
    tiny = (lb < -280) & ((la < -280) | np.isneginf(la))
    assert (same | tiny).all(), (
        f"{what}: shown {la[~(same | tiny)][:4]} vs {lb[~(same | tiny)][:4]}"
    )


def _finite_float32(a: np.ndarray) -> np.ndarray:
    """The finite values of ``a`` as the views draw them (float32). A value beyond float32's
    range is drawn as ±inf, legitimately (the overflow flag says so: step 6 checks it), so
    the cast may overflow there; those are not in any colour range and are left out."""
    with np.errstate(over="ignore"):
        v = np.asarray(a, dtype=np.float32)
    return v[np.isfinite(v)]


def _check_frame(settings: dict) -> None:
    f = build_frame(**settings)
    s = f.settings
    o = run(f)
    chains, layers = o["chains"], o["layers"]
    n = len(chains)
    drawn = []

    # 0. the input is what its label says ("impulse at t = 1", "zeros", one-hot words)
    x = np.asarray(f.x)
    if s["input"] == "impulse":
        assert np.abs(x[0]).max() > 0
        assert not x[1:].any()
    if s["input"] == "zeros":
        assert not x.any()
    if s["input"] == "sentence":
        assert len(f.tokens) == len(x)
        for tok, row in zip(f.tokens, x, strict=True):
            assert sorted(row) == (
                [0.0] * len(row) if tok == "<pad>" else [0.0] * (len(row) - 1) + [1.0]
            )
        for a, b in itertools.combinations(range(len(x)), 2):
            assert (f.tokens[a] == f.tokens[b]) == bool((x[a] == x[b]).all())

    # 1. what the graph and heatmap draw: h_t, c_t, gates, y_t
    for i, ch in enumerate(chains):
        want = torch.stack([h.detach() for h in ch.h[1:]]).numpy()
        got = f.states[i]
        drawn.append(got)
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, err_msg=f"h of {i}")
        if s["cell"] == "lstm":
            c = torch.stack([c.detach() for c in ch.c[1:]]).numpy()
            np.testing.assert_allclose(f.cell_states[i], c, rtol=1e-9, atol=1e-12)
            drawn.append(f.cell_states[i])
        else:
            assert f.cell_states[i] is None
        names = [g for g in GATES[s["cell"]] if s["cell"] != "rnn"]
        assert sorted(f.gates[i]) == sorted(names)
        for g in names:
            want_g = torch.stack([gt[g].detach() for gt in ch.gates]).numpy()
            np.testing.assert_allclose(f.gates[i][g], want_g, rtol=1e-9, atol=1e-12)
    if o["y"] is not None:
        np.testing.assert_allclose(f.outputs, o["y"].detach().numpy(), rtol=1e-9, atol=1e-12)
        drawn.append(f.outputs)
    else:
        assert f.outputs is None

    # 2. ‖∂L/∂h_t‖₂ of every layer (the BPTT lane), truncation window applied
    assert len(f.layer_dh_norms) == n
    for i in range(n):
        got, want = f.layer_dh_norms[i], o["dh_norms"][i]
        assert not np.isnan(got).any()
        fin = np.isfinite(want) & (np.abs(want) < 1e300)
        np.testing.assert_allclose(got[fin], want[fin], rtol=1e-7, atol=1e-300)
        assert ((got == 0) == (want == 0))[fin].all(), f"zero pattern of layer {i}"
    np.testing.assert_array_equal(f.dh_norms, f.layer_dh_norms[-1])

    # 3. ‖∂h_T/∂h_t‖₂ of the top layer and its bounds
    top = chains[-1]
    log2_jac = log2_jacobian_norms(layers[-1], top)
    _close_log10(f.jacobian_norms, log2_jac * math.log10(2), "‖∂h_T/∂h_t‖₂")
    jac = f.jacobian_norms
    with np.errstate(invalid="ignore"):
        assert (f.product_bound >= jac * (1 - 1e-9)).all(), "∏ bound below the curve"
    B = layers[-1].block()
    sv = np.linalg.svd(B, compute_uv=False)
    eig = np.linalg.eigvals(B)
    gamma = GAMMA[s["activation"]]
    th = f.theory
    assert th.gamma == gamma
    assert math.isclose(th.sigma_max, sv[0], rel_tol=1e-10)
    assert math.isclose(th.rho, np.abs(eig).max(), rel_tol=1e-7, abs_tol=1e-12)
    if s["cell"] == "rnn":
        k = np.arange(s_T := len(jac) - 1, -1, -1)
        with np.errstate(over="ignore", under="ignore"):
            pascanu = (gamma * sv[0] * (1 + 1e-12)) ** k
        assert (pascanu >= jac * (1 - 1e-9)).all(), "Pascanu bound below the curve"
        np.testing.assert_allclose(f.bound, (gamma * sv[0]) ** k, rtol=1e-9 * max(s_T, 1))
        # The verdict "sufficient for vanishing": σ_max γ < 1 — and orthogonal × s has
        # σ_max = s exactly, so its truth is that of s γ < 1 whatever float64's SVD reads.
        exact = s["weight_scale"] if s["init"] == "orthogonal" else sv[0]
        if abs(exact * gamma - 1) > 1e-12:
            assert th.vanishing_sufficient == (exact * gamma < 1)
        else:
            assert th.vanishing_sufficient is False, "σ_max γ = 1 read as < 1"
    else:
        assert th.bound is None
        assert th.vanishing_sufficient is None
    # eigen view: the same matrix's spectrum; every block has spectral radius s (the
    # meaning of weight_scale)
    sp = f.spectrum
    np.testing.assert_allclose(sp.singular_values, sv, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(np.sort(np.abs(sp.eigenvalues)), np.sort(np.abs(eig)), atol=1e-7)
    assert (np.diff(np.abs(sp.eigenvalues)) <= 1e-12).all(), "eigenvalues not largest first"
    for layer in layers[:1]:  # every layer's blocks are drawn alike
        u = layer.u
        for b in range(layer.U.shape[1] // u):
            rho = np.abs(np.linalg.eigvals(layer.U[:, b * u : (b + 1) * u].numpy())).max()
            assert math.isclose(rho, s["weight_scale"], rel_tol=1e-9), "ρ of a block ≠ s"

    # 4. shapes panel and parameter count
    B_, T, u, F = s["batch"], s["timesteps"], s["units"], s["features"]
    g = len(GATES[s["cell"]])
    sh = f.shapes
    # one-to-many takes one vector per sequence (x_1; every later step reads zeros)
    assert sh["x"] == ((B_, F) if s["architecture"] == "one-to-many" else (B_, T, F))
    assert sh["W_xh"] == (F, g * u)
    assert sh["W_hh"] == (u, g * u)
    assert sh["h_t"] == (B_, u)
    assert sh["b"] == ((2, g * u) if s["cell"] == "gru" else (g * u,))
    assert ("c_t" in sh) == (s["cell"] == "lstm")
    top_T = top.h.__len__() - 1
    many_to_one = s["architecture"] == "many-to-one"
    assert sh["output"] == ((B_, u) if many_to_one else (B_, top_T, u))
    if "y" in sh:
        assert o["y"] is not None
        assert sh["y"] == (
            (B_, s["output_units"]) if many_to_one else (B_, top_T, s["output_units"])
        )
    assert f.n_params == n_params_keras(s)
    # the Explorer's status line and repr say the same
    status = status_html(f)
    assert f"<b>{n_params_keras(s):,}</b> parameters" in status
    x_text = "(" + ", ".join(map(str, sh["x"])) + ")"  # the shape checked above
    assert f"x {x_text}" in status
    assert f"W_hh ({u}, {g * u})" in status
    text = describe({}, None, f)
    assert f"{n_params_keras(s)} parameters" in text
    h0 = 2.0 ** log2_jac[0] if log2_jac[0] < 1024 else math.inf
    assert f"‖∂h_T/∂h_0‖₂ = {h0:.3g};" in text

    # 5. colour ranges hold every drawn value; relu h_t never negative
    for q in ["h", "c"] if s["cell"] == "lstm" else ["h"]:
        lo, hi = f.colour_range(q)
        arrays = f.states if q == "h" else f.cell_states
        for a in arrays:
            v = _finite_float32(a)
            assert ((v >= lo) & (v <= hi)).all(), f"{q} outside its colour range {lo, hi}"
    for i in range(n):
        for name, a in f.gates[i].items():
            lo, hi = f.colour_range(f"gate_{name}", i)
            v = _finite_float32(a)
            assert ((v >= lo) & (v <= hi)).all(), f"gate {name} outside {lo, hi}"

    # 6. overflow: flagged exactly when a drawn value is beyond float32; never NaN
    # (the gradient view draws log10 of ‖∂h_T/∂h_t‖: only a float64 inf is shown as inf)
    values = [*drawn, *f.layer_dh_norms]
    for a in [*values, jac, f.product_bound]:
        assert not np.isnan(np.asarray(a, dtype=np.float64)).any(), "NaN in a drawn value"
    beyond = any((np.abs(np.asarray(a, dtype=np.float64)) > FLOAT32_MAX).any() for a in values)
    assert f.overflowed == (beyond or bool(np.isinf(jac).any()))

    # 7. the gradient view's title and truncation band for the top layer
    info = GradientFlow(frame=f).frame_info
    assert info["timesteps"] == top_T
    start = o["starts"][-1]
    window = info["truncation"]
    assert window["kept"] == [0, top_T - start]
    assert window["active"] == (
        start > 0 or (s["architecture"] == "seq2seq" and bool(s["truncate"]))
    )


CASES = _grid(32) + EDGES


@pytest.mark.parametrize("settings", CASES, ids=[str(i) for i in range(len(CASES))])
def test_every_claim_of_a_frame(settings):
    _check_frame(settings)


def test_the_comparisons_handle_zero_and_inf_strictly_and_quietly():
    """0 and inf are values a norm legitimately takes (underflow, overflow): compared
    without a RuntimeWarning, and inf only equals inf (log10 was inf − inf = NaN, and a
    finite value compared with ±inf passed, inf ≤ tol·inf)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _close_log10(
            np.array([0.0, np.inf, 1.0, 100.0]), np.array([-np.inf, np.inf, 0.0, 2.0]), "ok"
        )
        np.testing.assert_array_equal(_finite_float32(np.array([1e300, -1e300, 0.5])), [0.5])
    for shown, oracle in ((1.0, np.inf), (1.0, -np.inf), (np.inf, -np.inf), (0.0, np.inf)):
        with pytest.raises(AssertionError):
            _close_log10(np.array([shown]), np.array([oracle]), "mismatch")
