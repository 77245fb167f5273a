"""The whole backward path: ∂L/∂h_t for every layer of a stack and every encoder step.

``bptt.loss_gradients`` differentiates one layer. In a stack the loss (on the top layer's
last output, L = ½‖y_T − target‖² as there) reaches layer ℓ's states in two ways: along
the layer's own recurrence, and down through the layer above, which reads h_t^(ℓ) as its
input x_t^(ℓ+1)::

    ∂L/∂h_t^(ℓ) = ∂L/∂h_t^(ℓ)|_direct                   (top layer, t = T: from the loss)
                + ∂L/∂h_{t+1}^(ℓ) · ∂h_{t+1}^(ℓ)/∂h_t^(ℓ)  (back along the layer, W_hh^(ℓ))
                + ∂L/∂h_t^(ℓ+1) · ∂h_t^(ℓ+1)/∂x_t^(ℓ+1)    (down from above, W_xh^(ℓ+1))

(LSTM: the pair (h_t, c_t) is carried back along the layer.) The last term is the input
gradient of the layer above: ∂L/∂x_t^(ℓ+1) = dz_x,t · W^(ℓ+1)ᵀ with dz_x,t the gradient of
the input pre-activation x_t W + b of step t (the kernel W is (features, units·gates)).

Seq2seq: decoder layer ℓ starts from encoder layer ℓ's last state (h_0^dec = h_T^enc, and
c_0^dec = c_T^enc for LSTMs), so what reaches the decoder's h_0^(ℓ) — the context — is added
to the encoder's ∂L/∂h_T^(ℓ), and the gradient goes on back through every encoder step.

Truncation window k (the convention of ``bptt``: the states at the cut are constants, only
the last k steps are differentiated, dh_t = 0 before the cut, dh at the cut = what arrives
at the window's first state). In a stack every layer is cut at the same step T − k. In
seq2seq the encoder's T steps and the decoder's S steps form one timeline of T + S steps:
k < S cuts inside the decoder (nothing reaches the encoder); k ≥ S keeps the whole decoder
and the last k − S encoder steps (k = S: only the encoder's h_T, the context, receives a
gradient). k = None, 0 or ≥ the timeline's length: full BPTT.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnviz.sim.bptt import vector_norms

__all__ = ["StackGradients", "layer_window_starts", "stack_loss_gradients"]


@dataclass(frozen=True)
class StackGradients:
    """Result of :func:`stack_loss_gradients`; per-layer tuples follow ``result.layers``.

    Attributes
    ----------
    names : tuple of str
        ``"layer 1"`` …, or ``"encoder 1"`` …, ``"decoder 1"`` … (the result's names).
    loss : ndarray, shape (batch,)
        L_b = ½‖y_T − target‖² on the top layer's last output.
    dh : tuple of ndarray, each (batch, T_ℓ + 1, units)
        ∂L_b/∂h_t^(ℓ) for t = 0 … T_ℓ (zeros before the truncation window).
    dh_norms : tuple of ndarray, each (batch, T_ℓ + 1)
        ‖dh_t^(ℓ)‖₂.
    dc : tuple of (ndarray or None)
        LSTM: ∂L_b/∂c_t^(ℓ), (batch, T_ℓ + 1, units) (total for t inside the window, direct
        at the window's first state); None for other cells.
    starts : tuple of int
        Per layer, the window's first state s (steps s + 1 … T_ℓ are differentiated;
        0 = the whole layer; T_ℓ with all-zero ``dh``: no gradient reaches the layer).
    truncate : int or None
        The window k (None: full BPTT).
    overflowed : bool
        A gradient overflowed (inf, never NaN).
    """

    names: tuple[str, ...]
    loss: np.ndarray
    dh: tuple[np.ndarray, ...]
    dh_norms: tuple[np.ndarray, ...]
    dc: tuple[np.ndarray | None, ...]
    starts: tuple[int, ...]
    truncate: int | None
    overflowed: bool


def _finite_or_inf(a: np.ndarray) -> np.ndarray:
    """Overflow (inf − inf, 0 · inf) is reported as +inf, never NaN."""
    a[np.isnan(a)] = np.inf
    return a


def _layer_backward(res, direct, start, dh_seed=None, dc_seed=None):
    """BPTT through one layer with direct terms at every step and a seed at h_T (c_T).

    Parameters
    ----------
    res : RunResult
    direct : ndarray (batch, T, units) or None
        ∂L/∂h_t|_direct for t = 1 … T (from the layer above; None: none).
    start : int
        The window's first state; steps start + 1 … T are differentiated, direct terms of
        steps ≤ start are ignored (those states are constants).
    dh_seed, dc_seed : ndarray (batch, units) or None
        Gradient arriving at h_T (c_T) from outside the layer: the loss, or the decoder.

    Returns
    -------
    DH (batch, T + 1, units), DX (batch, T, features) = ∂L/∂x_t, DC (batch, T + 1, units)
    or None.
    """
    cell = res.cell
    B, T, u = res.batch, res.timesteps, res.units
    has_c = cell.has_cell_state  # the LSTM carries c_t beside h_t
    DH = np.zeros((B, T + 1, u))
    DZX = np.zeros((B, T, cell.kernel.shape[1]))  # ∂L/∂(x_t W + b), zero outside the window
    DC = np.zeros((B, T + 1, u)) if has_c else None
    dh = np.zeros((B, 1, u)) if dh_seed is None else np.array(dh_seed, dtype=np.float64)[:, None]
    dc = None if (dc_seed is None or not has_c) else np.array(dc_seed, dtype=np.float64)[:, None]
    for t in range(T, start, -1):
        if direct is not None:
            dh = dh + direct[:, t - 1, None]  # + ∂L/∂h_t from the layer above
            if not np.isfinite(dh).all():
                _finite_or_inf(dh)  # inf − inf after an overflow: inf
        DH[:, t] = dh[:, 0]
        g = cell.step_vjp(res.trace, t, dh, dc)  # back through step t (the cell's VJP)
        DZX[:, t - 1] = g.dz_x[:, 0]
        if has_c:
            DC[:, t] = g.dc_total[:, 0]
        dh, dc = g.dh_prev, g.dc_prev  # carried to step t − 1
        if not np.isfinite(dh).all():
            _finite_or_inf(dh)
        if dc is not None and not np.isfinite(dc).all():
            _finite_or_inf(dc)
    DH[:, start] = dh[:, 0]
    if has_c and dc is not None:
        DC[:, start] = dc[:, 0]
    DX = DZX @ cell.kernel.T  # ∂L/∂x_t = dz_x,t Wᵀ (through x_t W), every step at once
    return DH, _finite_or_inf(DX), DC


def _chain_backward(layers, starts, seeds, top=None):
    """Top to bottom through one chain of stacked layers; returns per-layer (DH, DC).

    ``top``: (DH, DC) of the top layer already known (``loss_gradients`` of a one-layer
    chain: no layer below needs its input gradient).
    """
    out = [None] * len(layers)
    direct = None
    if top is not None and len(layers) == 1:
        return [top]
    for i in range(len(layers) - 1, -1, -1):
        dh_seed, dc_seed = seeds[i]
        DH, DX, DC = _layer_backward(layers[i], direct, starts[i], dh_seed, dc_seed)
        out[i] = (DH, DC)
        direct = DX  # layer i reads h^(i−1)_t as x_t: its input gradient goes down
    return out


def _windows(architecture, n_enc, T_enc, T_dec, k):
    """Per-layer window starts (encoder layers first) for the window k (None: full)."""
    if architecture != "seq2seq":
        start = 0 if k is None or k >= T_enc else T_enc - k
        return [start] * n_enc, []
    if k is None or k >= T_enc + T_dec:
        return [0] * n_enc, [0] * n_enc
    if k < T_dec:  # the cut lies in the decoder: the encoder gets no gradient
        return [T_enc] * n_enc, [T_dec - k] * n_enc
    return [T_enc - (k - T_dec)] * n_enc, [0] * n_enc


def layer_window_starts(
    architecture: str, layers: int, timesteps: int, decoder_steps: int, truncate: int | None
) -> tuple[int, ...]:
    """Per layer (seq2seq: ``layers`` encoder layers, then as many decoder layers), the
    first state s of the truncation window k (steps s + 1 … T_ℓ differentiated; 0: the
    whole layer; T_ℓ: none, or only h_T through the context), from the run's lengths alone
    (``decoder_steps`` S is ignored outside seq2seq). ``truncate`` None or 0: full BPTT (all
    0). See the module docstring."""
    k = None if not truncate else int(truncate)
    enc, dec = _windows(architecture, layers, timesteps, decoder_steps, k)
    return tuple(enc + dec)


def stack_loss_gradients(result, target: object = None, truncate: object = None) -> StackGradients:
    """∂L/∂h_t^(ℓ) for every layer ℓ of an architecture run (see the module docstring).

    Parameters
    ----------
    result : rnnviz.sim.architectures.ArchitectureResult
        A run of ``run_architecture`` (any architecture, 1 to 3 layers).
    target : array_like, shape (batch, n) or (n,), optional
        As in ``RunResult.loss_gradients`` (n = output_units of the top cell, else units).
    truncate : int, optional
        The window k; None or 0: full BPTT.

    Returns
    -------
    StackGradients
        Its top layer's ``dh`` equals ``result.top.loss_gradients(target, truncate).dh``
        (seq2seq: with k ≥ S that is the full decoder, the window going on into the encoder).
    """
    top = result.top
    # Validates target and truncate (same messages) and gives ∂L/∂h_T of the top layer.
    grads = top.loss_gradients(target=target, truncate=truncate)
    k = None if truncate is None or truncate == 0 else int(truncate)
    seq2seq = result.architecture == "seq2seq"
    n = len(result.layers) // 2 if seq2seq else len(result.layers)
    enc = list(result.layers[:n])
    dec = list(result.layers[n:])
    enc_starts, dec_starts = _windows(
        result.architecture, n, enc[0].timesteps, dec[0].timesteps if dec else 0, k
    )
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        loss_seed = np.asarray(grads.dh[:, -1])  # ∂L/∂h_T of the top layer
        if seq2seq:
            seeds = [(None, None)] * (n - 1) + [(loss_seed, None)]
            dec_out = _chain_backward(dec, dec_starts, seeds, (grads.dh, grads.dc))
            # The context: what reached decoder ℓ's h_0 (c_0) continues into encoder ℓ's h_T (c_T).
            reached = dec_starts[0] == 0
            enc_seeds = [
                (DH[:, 0], None if DC is None else DC[:, 0]) if reached else (None, None)
                for DH, DC in dec_out
            ]
            out = _chain_backward(enc, enc_starts, enc_seeds) + dec_out
            starts = enc_starts + dec_starts
        else:
            seeds = [(None, None)] * (n - 1) + [(loss_seed, None)]
            out = _chain_backward(enc, enc_starts, seeds, (grads.dh, grads.dc))
            starts = enc_starts
        dh = tuple(DH for DH, _ in out)
        norms = tuple(vector_norms(DH) for DH in dh)
    dc = tuple(DC for _, DC in out)
    for a in (*dh, *norms, *(c for c in dc if c is not None)):
        a.flags.writeable = False
    overflowed = bool(grads.overflowed or not all(np.isfinite(a).all() for a in dh))
    return StackGradients(
        names=tuple(result.names),
        loss=grads.loss,
        dh=dh,
        dh_norms=norms,
        dc=dc,
        starts=tuple(int(s) for s in starts),
        truncate=k if k is None or k < sum(r.timesteps for r in (enc[0], *dec[:1])) else None,
        overflowed=overflowed,
    )
