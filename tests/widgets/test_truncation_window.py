"""The truncated-BPTT band is true: the steps the live gradient view and the exported figure
shade are exactly those where the simulator's ∂L/∂h_t is not zero, for every architecture,
every layer / chain the panel can show, and k at its edges (1, S − 1, S, S + 1, T)."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.frame import build_frame, reanalyse
from rnnviz.frame.timeline import decoder_steps
from rnnviz.frame.truncation import truncation
from rnnviz.widgets.gradients import GradientFlow
from rnnviz.widgets.graph import UnrolledGraph


def _cases():
    for arch in ("many-to-many", "many-to-one", "one-to-many"):
        for layers in (1, 2):
            for k in (0, 1, 3, 5, 6):
                yield {"architecture": arch, "layers": layers, "timesteps": 6, "truncate": k}
    for T, S in ((6, 4), (4, 6), (5, 0)):  # S > T; decoder_steps 0: S = T
        for layers in (1, 2):
            for k in sorted({0, 1, 2, 3, 4, 5, 6} & set(range(T + 1))):
                yield {"architecture": "seq2seq", "layers": layers, "timesteps": T,
                       "decoder_steps": S, "truncate": k}  # fmt: skip


CASES = list(_cases())
BASE = {"units": 3, "features": 2, "cell": "rnn", "weight_scale": 0.9, "seed": 3}


def _kept_by_the_maths(norms: np.ndarray) -> list[int]:
    """Steps back T − t where the simulator's ‖∂L/∂h_t‖ is not zero."""
    return [int(j) for j in np.flatnonzero(np.asarray(norms)[::-1] != 0)]


def _shaded(window: dict) -> list[int] | None:
    """Steps back a band shows as kept (None: no band at all)."""
    if not window["active"]:
        return None
    kept = window["kept"]
    return [] if kept is None else list(range(kept[0], kept[1] + 1))


def _figure_band(frame) -> tuple[list[int] | None, str]:
    """Steps back the exported figure shades, and its label text."""
    from rnnviz.export import to_figures

    fig = to_figures(frame)["gradients"]
    texts = [a.text for a in fig.layout.annotations if "BPTT" in (a.text or "")]
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    if not rects:
        return (([] if texts else None), texts[0] if texts else "")
    (rect,) = rects
    steps = range(len(frame.jacobian_norms))
    return [j for j in steps if rect.x0 < j < rect.x1], texts[0]


@pytest.mark.parametrize("settings", CASES, ids=lambda s: "-".join(map(str, s.values())))
def test_band_keeps_exactly_the_steps_where_the_gradient_is_not_zero(settings):
    frame = build_frame(**BASE, **settings)
    view = GradientFlow(frame=frame)
    k, arch = settings["truncate"], settings["architecture"]
    T = settings["timesteps"]
    S = decoder_steps(settings | {"decoder_steps": settings.get("decoder_steps", 0)})
    run = T + S if arch == "seq2seq" else T
    for i, name in enumerate(frame.layer_names):
        view.layer = i
        window = view.frame_info["truncation"]  # what the live view draws
        steps = view.frame_info["timesteps"]
        truth = _kept_by_the_maths(frame.layer_dh_norms[i])
        assert window["steps"] == steps
        if not 0 < k < run:  # full BPTT: no band, and the gradient reaches every step
            assert _shaded(window) is None
            assert window["label"] == []
            assert truth == list(range(steps + 1)), name
        else:
            assert _shaded(window) == truth, (
                f"{name}: band {window['kept']}, ∂L/∂h_t ≠ 0 at {truth}"
            )
            assert window["label"][0] == f"truncated BPTT, k = {k}:"
        # the figure of the same layer draws the same band with the same words
        pytest.importorskip("plotly")
        shaded, text = _figure_band(reanalyse(frame, i))
        assert shaded == _shaded(window), name
        assert text == "<br>".join(window["label"]), name
    # the graph's summary calls the same window truncated
    assert ("truncated BPTT" in repr(UnrolledGraph(frame=frame))) == (0 < k < run)


def test_the_rule_by_hand_seq2seq_T6_S4():
    """The module docstring's cases, written out: decoder [S − k, S] or all, encoder none,
    h_T only, or k − S steps back."""
    s = {"architecture": "seq2seq", "layers": 1, "timesteps": 6, "decoder_steps": 4}
    kept = {k: [truncation(s | {"truncate": k}, i)["kept"] for i in (0, 1)] for k in (1, 3, 4, 6)}
    assert kept == {
        1: [None, [0, 1]],
        3: [None, [0, 3]],
        4: [[0, 0], [0, 4]],
        6: [[0, 2], [0, 4]],
    }
    assert truncation(s | {"truncate": 6}, 1)["label"] == [
        "truncated BPTT, k = 6:",
        "whole decoder kept,",
        "and 2 steps of the encoder",
    ]
    assert truncation(s | {"truncate": 4}, 1)["label"][2] == "and the context"
    assert truncation(s | {"truncate": 4}, 0)["label"][1] == "kept: h_T only (the context)"
    assert truncation(s | {"truncate": 3}, 0)["label"][1:] == [
        "cut in the decoder:",
        "no gradient reaches here",
    ]
    one = {"architecture": "many-to-one", "layers": 2, "timesteps": 6, "decoder_steps": 0}
    assert truncation(one | {"truncate": 1}, 0)["label"][1] == "gradient kept 1 step back"
    assert not truncation(one | {"truncate": 6}, 0)["active"]  # k = T: full BPTT


def test_decoder_steps_zero_means_timesteps_in_one_place():
    frame = build_frame(architecture="seq2seq", timesteps=5, decoder_steps=0, units=2)
    assert decoder_steps(frame.settings) == 5
    assert len(frame.states[-1]) == 5  # the run (forward.py) read the same rule
    assert UnrolledGraph(frame=frame).frame_info["decoder_steps"] == 5


def test_the_rules_are_written_once_in_the_source():
    """ "decoder_steps 0 means timesteps" lives in rnnviz.frame.timeline.decoder_steps and "is
    truncation active" in rnnviz.frame.truncation: no other module (outside the settings'
    own validation) reads the decoder_steps setting or compares truncate with a length."""
    import pathlib
    import re

    import rnnviz

    root = pathlib.Path(rnnviz.__file__).parent
    reads = re.compile(r"""\[["']decoder_steps["']\]""")
    compares = re.compile(r"""\[["']truncate["']\]\s*[<>]|<\s*\w+\[["']truncate["']\]""")
    found = {"decoder_steps": [], "truncate": []}
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("settings/"):
            continue
        text = path.read_text()
        if reads.search(text) and rel != "frame/timeline.py":
            found["decoder_steps"].append(rel)
        if compares.search(text):
            found["truncate"].append(rel)
    assert found == {"decoder_steps": [], "truncate": []}


def test_the_graph_js_does_not_work_the_window_out_again():
    """The unrolled graph reads the window Python sends (frame_info.window, from
    ``rnnviz.frame.truncation``): no JS source computes it again from k and the chains'
    lengths (the old ``windowStarts`` walk, ``T − k``, "starts[0] === 0 means full")."""
    import pathlib
    import re

    import rnnviz

    src = pathlib.Path(rnnviz.__file__).parents[1] / "js" / "src"
    copies = re.compile(
        r"windowStarts|starts\[0\]\s*===\s*0|\.T\s*-\s*(left|k|truncate)\b"
        r"|truncate\s*[<>]=?\s*[\w.]*\.T\b|\.T\s*[<>]=?\s*[\w.]*truncate\b"
    )
    found = [
        f"{p.relative_to(src).as_posix()}: {m.group(0)}"
        for p in sorted(src.rglob("*.js"))
        for m in copies.finditer(p.read_text())
    ]
    assert found == []
    layout = (src / "lib" / "graph_layout.js").read_text()
    assert "chainStarts(chains, gc, o.window)" in layout
    assert "o.window?.active" in layout
