"""The graph's shapes panel gets whatever a cell's ``shapes()`` and ``n_params`` say."""

from __future__ import annotations

import dataclasses

import pytest

from rnnviz.frame import build_frame
from rnnviz.sim import from_torch
from rnnviz.widgets.graph import UnrolledGraph

torch = pytest.importorskip("torch")


@pytest.mark.parity
def test_a_torch_lstm_frame_shows_both_biases_and_torchs_count():
    module = torch.nn.LSTM(3, 8)
    cell = from_torch(module)
    frame = build_frame(cell="lstm", units=8, features=3, timesteps=20)
    frame = dataclasses.replace(frame, shapes=cell.shapes(1, 20), n_params=cell.n_params)
    graph = UnrolledGraph(frame=frame)
    assert graph.shapes["b_ih"] == graph.shapes["b_hh"] == [32]
    assert "b" not in graph.shapes
    assert graph.n_params == sum(p.numel() for p in module.parameters()) == 416
