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
def test_every_view_sends_the_facts_of_its_cell(name):
    frame = build_frame(cell=name, units=3, timesteps=4)
    klass = cell_class(name)
    for view in (UnrolledGraph(frame), StateHeatmap(frame), GradientFlow(frame), EigenView(frame)):
        info = view.frame_info
        assert info["cell_info"] == cell_facts(name)
        assert info["cell_info"]["display_name"] == klass.display_name
        assert info["cell_info"]["gate_names"] == list(klass.gate_names)
        assert info["cells"] == cell_choices() == [[c.name, c.display_name] for c in CELL_CLASSES]
    # the shapes the graph names: a split bias is the (2, gates·units) one
    bias = frame.shapes.get("b")
    assert (len(bias) == 2) == cell_facts(name)["split_bias"]


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
