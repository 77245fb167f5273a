"""The forward pass's record is a typed, frozen trace per cell kind (no string-keyed cache)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from simhelp import random_cell, random_inputs

from rnnviz.sim import CELLS, cell_class
from rnnviz.sim.trace import Trace

#: What each built-in cell's backward step reads, by field name.
FIELDS = {
    "rnn": {"a"},
    "lstm": {"z", "c0", "c", "i", "f", "g", "o", "tc", "slope"},
    "gru": {"hu", "zr", "a_h", "z", "r", "hh", "dz_slope"},
}


@pytest.mark.parametrize("name", CELLS)
def test_run_result_holds_a_frozen_typed_trace(name):
    cell = random_cell(name, units=3, features=2)
    x, h0, c0 = random_inputs(cell, batch=2, timesteps=4)
    res = cell.run(x, h0=h0, c0=c0)
    trace = res.trace
    assert isinstance(trace, Trace)
    assert dataclasses.is_dataclass(trace)
    names = {f.name for f in dataclasses.fields(trace)}
    assert names == {"act", "h0", "states", "states_ext"} | FIELDS[name]
    assert not hasattr(res, "_cache")
    with pytest.raises(dataclasses.FrozenInstanceError):
        trace.states = None
    for f in names - {"act", "states_ext"}:
        value = getattr(trace, f)
        if value is not None:
            assert isinstance(value, np.ndarray)
            assert not value.flags.writeable, f  # nothing can change what the analyses read
    # the public arrays are the trace's own (no copies), gate names as the class says
    assert res.states is trace.states
    assert list(res.gates) == list(cell_class(name).gate_names)
    assert (res.cell_states is not None) == cell.has_cell_state


@pytest.mark.parametrize("name", CELLS)
def test_derived_arrays_are_computed_once_and_read_only(name):
    cell = random_cell(name)
    res = cell.run(np.ones((5, 2)))
    res.loss_gradients()  # computes what the backward step needs
    derived = [
        k for k in vars(res.trace) if k not in {f.name for f in dataclasses.fields(res.trace)}
    ]
    assert derived  # f′ / σ′ arrays, kept on the trace
    for key in derived:
        assert getattr(res.trace, key) is getattr(res.trace, key)
        assert not getattr(res.trace, key).flags.writeable


def test_the_backward_step_needs_only_the_trace():
    cell = random_cell("lstm", units=3)
    x, h0, c0 = random_inputs(cell, batch=1, timesteps=3)
    trace = cell.run(x, h0=h0, c0=c0).trace
    rebuilt = dataclasses.replace(trace)  # a copy, detached from any RunResult
    dh = np.ones((1, 1, 3))
    a = cell.step_vjp(trace, 2, dh, None)
    b = cell.step_vjp(rebuilt, 2, dh, None)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
