"""The unrolled graph's truncated-BPTT window comes from the one rule, in Python.

``UnrolledGraph`` sends ``frame_info["window"]`` (``bptt_window``: per layer the window's
first state s, or None), built on ``rnnviz.frame.truncation.truncation``; the graph's JS
(graph_chains.js ``chainStarts``) only reads it. Checked here: for every architecture, 1–3
layers and k in {0, 1, S − 1, S, S + 1, T} (k ≤ T; S: the loss chain's steps) the sent start is exactly where the simulator's
‖∂L/∂h_t‖ becomes non-zero, and agrees with ``truncation``. ``js/test/graph_window.json``
holds the windows of a wider sweep for the JS test that proves the layout from them is the
layout the JS used to compute (js/test/graph_window.test.js); it must match the rule now.
Regenerate it with ``python tests/widgets/test_graph_window.py``.
"""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

from rnnviz.frame import build_frame
from rnnviz.frame.timeline import decoder_steps
from rnnviz.frame.truncation import truncation
from rnnviz.widgets.graph import UnrolledGraph, bptt_window

FIXTURE = pathlib.Path(__file__).parents[2] / "js" / "test" / "graph_window.json"
BASE = {"units": 3, "features": 2, "cell": "rnn", "weight_scale": 0.9, "seed": 5}
ARCHS = ("many-to-many", "many-to-one", "one-to-many", "seq2seq")


def _cases():
    for arch in ARCHS:
        for layers in (1, 2, 3):
            lengths = ((5, 3), (3, 5), (4, 0)) if arch == "seq2seq" else ((5, 0),)
            for T, S0 in lengths:
                s = {"architecture": arch, "timesteps": T, "decoder_steps": S0}
                S = decoder_steps(s) if arch == "seq2seq" else T  # S: the loss chain's steps
                for k in sorted(k for k in {0, 1, S - 1, S, S + 1, T} if 0 <= k <= T):
                    yield {"architecture": arch, "layers": layers, "timesteps": T,
                           "decoder_steps": S0, "truncate": k}  # fmt: skip


CASES = list(_cases())


@pytest.mark.parametrize("settings", CASES, ids=lambda s: "-".join(map(str, s.values())))
def test_the_sent_window_is_where_the_gradient_is_not_zero(settings):
    frame = build_frame(**BASE, **settings)
    info = UnrolledGraph(frame=frame).frame_info
    window = info["window"]
    n = len(frame.states)
    assert window == bptt_window(frame.settings, n)
    assert window["active"] == truncation(frame.settings)["active"]
    assert len(window["starts"]) == n
    for i, (start, norms) in enumerate(zip(window["starts"], frame.layer_dh_norms, strict=True)):
        nonzero = np.flatnonzero(np.asarray(norms) != 0).tolist()
        steps = len(norms) - 1
        kept = truncation(frame.settings, i)["kept"]
        if start is None:  # no gradient reaches the layer
            assert nonzero == [], frame.layer_names[i]
            assert kept is None
        else:  # ∂L/∂h_t ≠ 0 for t = s … T_ℓ, 0 before
            assert nonzero == list(range(start, steps + 1)), frame.layer_names[i]
            assert kept == [0, steps - start]
        if not window["active"]:
            assert start == 0


def _sweep():
    """The wider sweep of the JS equivalence test (settings only: no frame is built)."""
    out = []
    for arch in ARCHS:
        for layers in (1, 2, 3):
            lengths = ((1, 0), (2, 1), (6, 4), (4, 6), (7, 7), (5, 0))
            for T, S0 in lengths if arch == "seq2seq" else ((1, 0), (2, 0), (6, 0), (9, 0)):
                s = {"architecture": arch, "layers": layers, "timesteps": T, "decoder_steps": S0}
                for k in range(T + 1):  # truncate is 0 … timesteps (the settings' rule)
                    s_k = s | {"truncate": k}
                    n = layers * (2 if arch == "seq2seq" else 1)
                    out.append(s_k | {"window": bptt_window(s_k, n)})
    return out


def test_the_js_fixture_is_the_rule_now():
    assert json.loads(FIXTURE.read_text()) == _sweep(), "regenerate: see the module docstring"


if __name__ == "__main__":
    FIXTURE.write_text(json.dumps(_sweep(), separators=(",", ":")) + "\n")
