"""What the views are told about a cell comes from its class (rnnviz/frame/cells.py)."""

from __future__ import annotations

import pytest

from rnnviz.frame import build_frame
from rnnviz.frame.cells import SIGMOID_GATES, cell_choices, cell_facts
from rnnviz.settings import SPECS
from rnnviz.sim import CELL_CLASSES, CELLS, cell_class
from rnnviz.widgets import EigenView, GradientFlow, StateHeatmap, UnrolledGraph
from rnnviz.widgets.heatmap import quantities


@pytest.mark.parametrize("name", CELLS)
def test_the_views_are_sent_the_facts_of_the_cell_class(name):
    frame = build_frame(cell=name, units=3, timesteps=4, overlay="cell")
    klass = cell_class(name)
    info = UnrolledGraph(frame).frame_info["cell_info"]  # the shapes panel, the rolled graph
    assert info == cell_facts(name)
    assert info["display_name"] == klass.display_name
    assert info["gate_names"] == list(klass.gate_names)
    # the shapes the graph names: a split bias is the (2, gates·units) one
    assert (len(frame.shapes["b"]) == 2) == info["split_bias"]
    grads = GradientFlow(frame).frame_info  # the curves' labels and fixed colour slots
    assert grads["cell_label"] == klass.display_name
    assert grads["cells"] == cell_choices() == [[c.name, c.display_name] for c in CELL_CLASSES]
    # only what each view draws (each update's JSON stays small: test_wire_bytes.py)
    plain = build_frame(cell=name, units=3, timesteps=4)
    assert GradientFlow(plain).frame_info["cells"] == []
    for view in (StateHeatmap(plain), EigenView(plain)):
        assert "cell_info" not in view.frame_info
        assert "cells" not in view.frame_info


def test_the_facts_of_the_built_in_cells():
    assert cell_facts("gru")["split_bias"]
    assert not cell_facts("lstm")["split_bias"]
    assert cell_facts("lstm")["candidate_gate"] == "c"
    assert cell_facts("gru")["candidate_gate"] == "h"
    assert {"gate_i", "gate_f", "gate_o", "gate_z", "gate_r"} == SIGMOID_GATES
    # the settings take labels and the forget-gate cells from the classes
    assert SPECS["cell"].choice_labels == {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
    assert SPECS["forget_bias"].only_for == ("lstm",)
    assert SPECS["forget_bias"].off_because == "LSTM only: RNN and GRU cells have no forget gate"


@pytest.mark.parametrize("name", CELLS)
def test_the_heatmap_marks_the_candidate_of_the_class(name):
    labels = dict(quantities(build_frame(cell=name, units=2, timesteps=3)))
    candidate = cell_class(name).candidate_gate
    marked = [k for k, v in labels.items() if "candidate" in v]
    assert marked == ([f"gate_{candidate}"] if candidate else [])
