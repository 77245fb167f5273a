"""An independent oracle for the claims the views show: torch (float64) and numpy.linalg.

Nothing here calls rnnviz's maths. From a frame it reads only its settings, its input x
(what the presets produce is an input, not a claim) and the weights of each cell; the
equations, the wiring of the architectures, the truncation window, the loss, the
Jacobian chain and every norm are written again here, from the docstrings' equations:

* rnn:  h_t = f(x_t W + h_{t−1} U + b)
* lstm: z = x_t W + h_{t−1} U + b, blocks i, f, c, o; c_t = σ(f) c_{t−1} + σ(i) f(c̃);
  h_t = σ(o) f(c_t)
* gru (reset_after): x̃ = x_t W + b[0], h̃ = h_{t−1} U + b[1], blocks z, r, h;
  ĥ = f(x̃_h + σ(r) h̃_h); h_t = σ(z) h_{t−1} + (1 − σ(z)) ĥ
* y_t = h_t W_hy + b_y; L = ½‖y_T‖² (y_T = h_T without an output layer) on the top layer.
"""

from __future__ import annotations

import math

import numpy as np
import torch

ACT = {"tanh": torch.tanh, "relu": torch.relu, "linear": lambda a: a, "sigmoid": torch.sigmoid}
GAMMA = {"tanh": 1.0, "relu": 1.0, "linear": 1.0, "sigmoid": 0.25}  # max f′
GATES = {"rnn": ("h",), "lstm": ("i", "f", "c", "o"), "gru": ("z", "r", "h")}
CANDIDATE = {"rnn": 0, "lstm": 2, "gru": 2}  # index of the block feeding the candidate
torch.set_num_threads(1)  # small matrices: threads only add overhead on a shared machine


def _t(a) -> torch.Tensor:
    # a copy: the frame's arrays are read-only, and torch warns about sharing those
    return torch.as_tensor(np.array(a, dtype=np.float64))


class Layer:
    """One cell's weights as float64 tensors (read from the frame's cell, nothing else)."""

    def __init__(self, cell_type: str, cell) -> None:
        self.type = cell_type
        self.W, self.U = _t(cell.kernel), _t(cell.recurrent_kernel)
        self.b = None if cell.bias is None else _t(cell.bias)
        self.W_hy = None if cell.W_hy is None else _t(cell.W_hy)
        self.b_y = None if cell.b_y is None else _t(cell.b_y)
        self.f = ACT[cell.activation]
        self.u = self.U.shape[0]

    def step(self, x, h, c):
        """(h_t, c_t or None, gates) from x_t (features,), h_{t−1}, c_{t−1}."""
        u, f, sig = self.u, self.f, torch.sigmoid
        if self.type == "rnn":
            h = f(x @ self.W + h @ self.U + self.b)
            return h, None, {}
        if self.type == "lstm":
            z = x @ self.W + h @ self.U + self.b
            i, fg, g, o = (z[k * u : (k + 1) * u] for k in range(4))
            i, fg, g, o = sig(i), sig(fg), f(g), sig(o)
            c = fg * c + i * g
            return o * f(c), c, {"i": i, "f": fg, "c": g, "o": o}
        xz, hz = x @ self.W + self.b[0], h @ self.U + self.b[1]
        z = sig(xz[:u] + hz[:u])
        r = sig(xz[u : 2 * u] + hz[u : 2 * u])
        hh = f(xz[2 * u :] + r * hz[2 * u :])
        return z * h + (1 - z) * hh, None, {"z": z, "r": r, "h": hh}

    def block(self) -> np.ndarray:
        k, u = CANDIDATE[self.type], self.u
        return self.U[:, k * u : (k + 1) * u].numpy()


class Chain:
    """A run of one layer: h_0 … h_T (tensors), c, gates, inputs (kept for the Jacobian)."""

    def __init__(self) -> None:
        self.h, self.c, self.gates, self.x = [], [], [], []


def _run_layer(layer: Layer, xs, h0, c0, start: int) -> Chain:
    """Steps 1 … T; steps ≤ start run without a graph and h_start (c_start) become leaves:
    the states at the cut are constants (truncated BPTT). start < 0: nothing in a graph."""
    ch = Chain()
    h, c = h0, c0
    grad = start >= 0
    if grad and start == 0:
        h = h if h.requires_grad else h.detach().requires_grad_()
        c = None if c is None else (c if c.requires_grad else c.detach().requires_grad_())
    ch.h.append(h)
    ch.c.append(c)
    for t, x in enumerate(xs, start=1):
        with torch.set_grad_enabled(grad and t > start):
            h, c, g = layer.step(x, h, c)
        if grad and t == start:
            h = h.detach().requires_grad_()
            c = None if c is None else c.detach().requires_grad_()
        if h.requires_grad and not h.is_leaf:
            h.retain_grad()
        ch.h.append(h)
        ch.c.append(c)
        ch.gates.append(g)
        ch.x.append(x)
    return ch


def window(arch: str, T: int, S: int, k: int) -> tuple[int, int]:
    """(encoder start, decoder start) of the truncation window k on the timeline; the
    decoder start is 0 outside seq2seq. k = 0: full BPTT. Written from the docstrings:
    the last k steps of the timeline (T, or T + S in seq2seq) are differentiated."""
    n = T + S if arch == "seq2seq" else T
    if not k or k >= n:
        return 0, 0
    first = n - k  # states 0 … first − 1 of the timeline are before the cut
    if arch != "seq2seq":
        return first, 0
    if first > T:  # the cut lies in the decoder: the encoder is outside the window
        return -1, first - T
    return first, 0


def run(frame, with_grad: bool = True) -> dict:
    """Forward pass, loss gradients ‖∂L/∂h_t‖ of every layer, per the frame's settings."""
    s = frame.settings
    arch, n_layers = s["architecture"], s["layers"]
    cells = [r.cell for r in frame.result.layers]
    layers = [Layer(s["cell"], c) for c in cells]
    x = _t(frame.x)
    T = s["timesteps"]
    S = (s["decoder_steps"] or T) if arch == "seq2seq" else 0
    if arch == "one-to-many":
        x = torch.cat([x[:1], torch.zeros(T - 1, x.shape[1], dtype=x.dtype)])
    enc_start, dec_start = window(arch, T, S, s["truncate"]) if with_grad else (-1, -1)
    chains = []
    inputs = list(x)
    u = s["units"]
    for layer in layers[:n_layers]:
        zero = torch.zeros(u, dtype=torch.float64)
        c0 = zero.clone() if s["cell"] == "lstm" else None
        ch = _run_layer(layer, inputs, zero.clone(), c0, enc_start)
        chains.append(ch)
        inputs = ch.h[1:]
    if arch == "seq2seq":
        inputs = list(torch.zeros(S, x.shape[1], dtype=x.dtype))
        for i, layer in enumerate(layers[n_layers:]):
            enc = chains[i]
            h0 = enc.h[-1] * 1.0  # a node of its own: its gradient is what reaches the decoder
            c0 = None if enc.c[-1] is None else enc.c[-1] * 1.0
            if h0.requires_grad:
                h0.retain_grad()
                if c0 is not None:
                    c0.retain_grad()
            ch = _run_layer(layer, inputs, h0, c0, dec_start)
            chains.append(ch)
            inputs = ch.h[1:]
    top = layers[-1]
    y = None
    if top.W_hy is not None:
        y = torch.stack([h @ top.W_hy + top.b_y for h in chains[-1].h[1:]])
    out = {"chains": chains, "layers": layers, "y": y, "enc_start": enc_start, "S": S}
    if with_grad:
        y_T = chains[-1].h[-1] if y is None else y[-1]
        loss = 0.5 * (y_T * y_T).sum()
        loss.backward()
        out["dh_norms"] = [np.array([_grad_norm(h) for h in ch.h]) for ch in chains]
        out["starts"] = [enc_start] * n_layers + ([dec_start] * n_layers if S else [])
    return out


def _grad_norm(h) -> float:
    g = h.grad if h.requires_grad else None
    return 0.0 if g is None else float(torch.linalg.vector_norm(g))


def log2_jacobian_norms(layer: Layer, ch: Chain) -> np.ndarray:
    """log₂ ‖∂h_T/∂h_t‖₂ for t = 0 … T of one layer's run (inputs fixed), by the chain
    rule with torch's per-step Jacobians (all steps at once: vmap of jacrev); the chain is
    rescaled by powers of two, so the log stays exact where the value overflows float64.
    −inf: exactly 0."""
    T, u = len(ch.x), layer.u
    lstm = layer.type == "lstm"
    xs = torch.stack([x.detach() for x in ch.x])
    hs = torch.stack([h.detach() for h in ch.h[:-1]])
    if lstm:
        cs = torch.stack([c.detach() for c in ch.c[:-1]])

        def f(s, x):
            h, c, _ = layer.step(x, s[:u], s[u:])
            return torch.cat([h, c])

        A = torch.func.vmap(torch.func.jacrev(f))(torch.cat([hs, cs], dim=1), xs)
    else:
        A = torch.func.vmap(torch.func.jacrev(lambda h, x: layer.step(x, h, None)[0]))(hs, xs)
    n = A.shape[-1]
    J = torch.zeros(u, n, dtype=torch.float64)
    J[:, :u] = torch.eye(u, dtype=torch.float64)
    E = np.zeros(T + 1)
    Js = torch.zeros(T + 1, u, u, dtype=torch.float64)
    Js[T] = J[:, :u]
    dead = T + 1  # first t (from the top) where the chain is exactly 0
    for t in range(T, 0, -1):
        J = J @ A[t - 1]
        m = float(J.abs().max())
        if not math.isfinite(m):
            raise AssertionError("oracle chain overflowed; rescale more often")
        if m == 0:
            dead = t - 1
            break
        e = math.floor(math.log2(m))
        J = J * 2.0**-e
        E[t - 1] = E[t] + e
        Js[t - 1] = J[:, :u]
    sv = torch.linalg.matrix_norm(Js, ord=2).numpy()
    with np.errstate(divide="ignore"):
        out = np.log2(sv) + E
    if dead <= T:
        out[: dead + 1] = -np.inf
    return out


def n_params_keras(s: dict) -> int:
    """Parameters as Keras counts them (one bias; GRU reset_after: (2, 3u)), every layer of
    the model as built, and one output layer y = h W_hy + b_y on the top cell (seq2seq: the
    decoder's; the encoder's outputs are never read)."""
    u, F, o = s["units"], s["features"], s["output_units"]
    g = len(GATES[s["cell"]])
    bias = 2 * g * u if s["cell"] == "gru" else g * u
    stacks = 2 if s["architecture"] == "seq2seq" else 1
    n = 0
    for _ in range(stacks):
        for layer in range(s["layers"]):
            fin = F if layer == 0 else u
            n += g * (fin * u + u * u) + bias
    n += u * o + o if o else 0
    return n
