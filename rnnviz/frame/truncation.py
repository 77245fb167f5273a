"""Truncated BPTT as every view draws it: which steps of a layer the window k keeps.

The one rule of the gradient panel's band (``js/src/gradients.js``), the exported gradient
figure (``rnnviz.export``) and the graph's summary (``UnrolledGraph.__repr__``). The maths
is the simulator's (``rnnviz.sim.stack_gradients``): the states at the cut are constants,
only the last k steps of the run's timeline are differentiated, and ∂L/∂h_t is 0 before
the window's first state s and reaches every state s … T_ℓ of it. The timeline is T steps,
or in seq2seq the encoder's T then the decoder's S (the decoder's h_0 is the encoder's h_T,
the context); every layer of a stack is cut at the same step. So, for k < the timeline:

* many-to-many, many-to-one, one-to-many (every layer): the last k steps, h_{T−k} … h_T;
* seq2seq, decoder layers: h_{S−k} … h_S when k < S, all of h_0 … h_S when k ≥ S;
* seq2seq, encoder layers: nothing when k < S (the cut lies in the decoder); h_T only when
  k = S (through the context); h_{T−(k−S)} … h_T when k > S.

The gradient panel plots against steps back T_ℓ − t, so the window keeps steps back
0 … r with r = T_ℓ − s, and cuts r + 1 … T_ℓ (none when r = T_ℓ). The views shade the KEPT
steps, as the unrolled graph's band does: the band is where ∂L/∂h_t is not 0, where
truncated BPTT still trains the weights.
"""

from __future__ import annotations

from typing import Any

from rnnviz.frame.timeline import decoder_steps, run_steps, timeline
from rnnviz.sim.stack_gradients import layer_window_starts

__all__ = ["truncation"]


def _steps(n: int) -> str:
    return f"{n} step{'' if n == 1 else 's'}"


def truncation(settings: dict[str, Any], layer: int = -1) -> dict[str, Any]:
    """The truncation window as seen from layer ``layer``'s h_T (its gradient panel).

    Parameters
    ----------
    settings : dict
        Validated settings (``architecture``, ``layers``, ``timesteps``, ``decoder_steps``,
        ``truncate``).
    layer : int
        Index into the frame's layers (seq2seq: encoder layers, then decoder); -1: the top.

    Returns
    -------
    dict, JSON-ready:
        ``k`` : int — the setting (0: full BPTT).
        ``active`` : bool — the window cuts the run (0 < k < the timeline's steps); else
        every step is differentiated (full BPTT; k = T outside seq2seq) and no band is drawn.
        ``steps`` : int — T_ℓ, the layer's steps (the panel's x axis runs 0 … T_ℓ).
        ``kept`` : [0, r] or None — the steps back T_ℓ − t whose ∂L/∂h_t the window keeps
        (all of 0 … T_ℓ when not active); None when no gradient reaches the layer.
        ``label`` : list of str — the band's words, one line each ([] when not active).
    """
    segments = timeline(settings)
    n = int(settings["layers"])
    n_all = n * len(segments)
    index = layer % n_all if -n_all <= layer < n_all else n_all - 1
    seq2seq = settings["architecture"] == "seq2seq"
    steps = segments[index // n]["steps"]
    k = int(settings["truncate"] or 0)
    active = 0 < k < run_steps(settings)
    out = {"k": k, "active": active, "steps": steps, "kept": [0, steps], "label": []}
    if not active:
        return out
    S = decoder_steps(settings) if seq2seq else 0
    start = layer_window_starts(settings["architecture"], n, settings["timesteps"], S, k)[index]
    encoder = seq2seq and index < n
    head = f"truncated BPTT, k = {k}:"
    if encoder and k < S:  # the cut lies in the decoder: not even the context is reached
        out["kept"] = None
        out["label"] = [head, "cut in the decoder:", "no gradient reaches here"]
        return out
    reach = steps - start
    out["kept"] = [0, reach]
    if encoder and reach == 0:  # k = S: through the context only
        out["label"] = [head, "kept: h_T only (the context)"]
    elif seq2seq and not encoder and reach == steps:  # k ≥ S keeps the whole decoder
        into = "the context" if k == S else f"{_steps(k - S)} of the encoder"
        out["label"] = [head, "whole decoder kept,", f"and {into}"]
    else:
        out["label"] = [head, f"gradient kept {_steps(reach)} back"]
    return out
