"""UnrolledGraph: what it draws after show(), binary float32 transport, validation."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
from ipywidgets.widgets.widget import _remove_buffers

from rnnviz.frame import build_frame
from rnnviz.widgets.graph import UnrolledGraph


@pytest.fixture(scope="module")
def frame():
    return build_frame(units=16, features=4, timesteps=20, truncate=5)


@pytest.fixture
def graph(frame):
    return UnrolledGraph(frame=frame)


def _snapshot(g: UnrolledGraph) -> dict:
    return {
        "units": g.units,
        "timesteps": g.timesteps,
        "shapes": dict(g.shapes),
        "n_params": g.n_params,
        "states": [s.copy() for s in g.states],
        "dh_norms": g.dh_norms.copy(),
        "phase": g.phase,
        "t_cursor": g.t_cursor,
        "frame": g.frame,
    }


def _assert_unchanged(g: UnrolledGraph, before: dict) -> None:
    after = _snapshot(g)
    for key in ("units", "timesteps", "shapes", "n_params", "phase", "t_cursor"):
        assert after[key] == before[key], key
    assert after["frame"] is before["frame"]
    assert len(after["states"]) == len(before["states"])
    for a, b in zip(after["states"], before["states"], strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(after["dh_norms"], before["dh_norms"])


def test_traits_match_the_frame(graph, frame):
    assert (graph.units, graph.timesteps, graph.cell, graph.activation) == (16, 20, "rnn", "tanh")
    assert (graph.architecture, graph.layers, graph.return_sequences) == ("many-to-many", 1, True)
    assert (graph.truncate, graph.output_units, graph.decoder_steps) == (5, 0, 20)
    assert graph.shapes == {
        "x": [1, 20, 4],
        "h_0": [1, 16],
        "W_xh": [4, 16],
        "W_hh": [16, 16],
        "b": [16],
        "h_t": [1, 16],
        "output": [1, 20, 16],
    }
    # W_xh + W_hh + b = 4·16 + 16·16 + 16
    assert graph.n_params == 336
    assert len(graph.states) == 1
    np.testing.assert_array_equal(graph.states[0], frame.states[0].astype(np.float32))
    np.testing.assert_array_equal(graph.dh_norms, frame.dh_norms.astype(np.float32))
    assert graph.frame is frame


def test_parameter_count_does_not_depend_on_timesteps():
    counts = {T: UnrolledGraph.from_settings(features=4, timesteps=T).n_params for T in (1, 200)}
    assert counts == {1: 336, 200: 336}


def test_arrays_cross_as_binary_float32_buffers(graph, frame):
    state = graph.get_state()
    _, paths, buffers = _remove_buffers(state)
    assert ["states", 0, "data"] in paths
    assert ["dh_norms", "data"] in paths
    by_path = {tuple(p): b for p, b in zip(paths, buffers, strict=True)}
    states_buf = by_path[("states", 0, "data")]
    assert isinstance(states_buf, memoryview)
    assert state["states"][0]["shape"] == [20, 16]
    assert state["states"][0]["dtype"] == "float32"
    decoded = np.frombuffer(states_buf, dtype=np.float32).reshape(20, 16)
    np.testing.assert_array_equal(decoded, frame.states[0].astype(np.float32))
    dh = np.frombuffer(by_path[("dh_norms", "data")], dtype=np.float32)
    np.testing.assert_array_equal(dh, frame.dh_norms.astype(np.float32))
    # Truncated BPTT (k = 5): ∂L/∂h_t is zero for t < T − k = 15, nonzero from there on.
    assert np.count_nonzero(dh[:15]) == 0
    assert np.all(dh[15:] > 0)
    # Small settings travel as JSON (the frame's info), not as buffers.
    assert state["frame_info"]["shapes"]["W_hh"] == [16, 16]
    assert state["frame_info"]["settings"]["truncate"] == 5


def test_stacked_layers_and_seq2seq_send_one_array_per_layer():
    stacked = UnrolledGraph.from_settings(layers=3, units=8, timesteps=7)
    assert [s.shape for s in stacked.states] == [(7, 8)] * 3
    assert stacked.dh_norms.shape == (8,)
    s2s = UnrolledGraph.from_settings(architecture="seq2seq", units=8, timesteps=6, decoder_steps=4)
    assert [s.shape for s in s2s.states] == [(6, 8), (4, 8)]
    assert s2s.decoder_steps == 4
    assert s2s.dh_norms.shape == (5,)  # h_0 … h_4 of the decoder (the top layer)
    assert s2s.shapes["output"] == [1, 4, 8]


def test_many_to_one_output_shape_and_tokens():
    g = UnrolledGraph.from_settings(architecture="many-to-one", input="sentence", timesteps=6)
    assert g.return_sequences is False
    assert g.shapes["output"] == [1, 16]
    assert g.tokens == ["the", "cat", "sat", "on", "the", "mat"]


def test_show_sends_everything_in_one_message(graph):
    sent = []
    original = graph.send_state

    def spy(key=None):
        sent.append(sorted(key) if isinstance(key, (set, list, tuple)) else [key])
        return original(key)

    graph.send_state = spy
    graph.show(build_frame(units=32, features=4, timesteps=9))
    assert len(sent) == 1
    assert {"frame_info", "states", "dh_norms"} <= set(sent[0])


def test_a_setting_assigned_on_the_view_raises_and_changes_nothing(graph):
    before = _snapshot(graph)
    with pytest.raises(AttributeError) as info:
        graph.units = 64
    message = str(info.value)
    assert "UnrolledGraph.units" in message
    assert "ex.units = 64" in message
    assert "UnrolledGraph.from_settings(units=...)" in message
    _assert_unchanged(graph, before)
    for name, value in [("architecture", "many-to-one"), ("timesteps", 12), ("cell", "lstm")]:
        with pytest.raises(AttributeError, match=f"ex.{name} = "):
            setattr(graph, name, value)
    _assert_unchanged(graph, before)


@pytest.mark.parametrize(
    ("name", "value", "error", "message"),
    [
        (
            "units",
            0,
            ValueError,
            "units (hidden units p, the size of every h_t) must be an integer from 1 to 256; got 0.",
        ),
        ("units", 257, ValueError, "must be an integer from 1 to 256; got 257"),
        (
            "timesteps",
            201,
            ValueError,
            "timesteps T, how many steps are unrolled) must be an integer from 1 to 200; got 201",
        ),
        ("weight_scale", float("nan"), ValueError, "weight_scale"),
        ("cell", "transformer", ValueError, "one of 'rnn', 'lstm', 'gru'; got 'transformer'"),
        ("layers", 4, ValueError, "an integer from 1 to 3; got 4"),
        (
            "truncate",
            50,
            ValueError,
            "truncate (steps of truncated BPTT) must be from 0 to timesteps=20",
        ),
        ("phase", "sideways", ValueError, "phase must be 'forward' or 'backward'; got 'sideways'."),
        ("t_cursor", -2, ValueError, "t_cursor must be a step g ≥ 0 of the run"),
        ("units", 2.5, TypeError, "got float 2.5"),
    ],
)
def test_bad_values_are_rejected_and_change_nothing(graph, name, value, error, message):
    """Settings are the Explorer's (a view refuses them, any value); the view's own state
    refuses bad values with the setting's message."""
    before = _snapshot(graph)
    if name not in ("phase", "t_cursor"):
        with pytest.raises(AttributeError, match=f"UnrolledGraph.{name} is a setting"):
            setattr(graph, name, value)
        _assert_unchanged(graph, before)
        with pytest.raises(error) as info:
            UnrolledGraph.from_settings(**{name: value})
    else:
        with pytest.raises(error) as info:
            setattr(graph, name, value)
    assert message in str(info.value)
    _assert_unchanged(graph, before)


def test_bad_frames_are_rejected_and_change_nothing(graph, frame):
    before = _snapshot(graph)
    with pytest.raises(TypeError, match=r"show\(\) expects a Frame; got dict"):
        graph.show({"units": 3})
    wrong_units = dataclasses.replace(frame, states=[np.zeros((20, 5))])
    with pytest.raises(
        ValueError,
        match=r"states\[0\] must have shape \(timesteps, units=16\); got shape \(20, 5\)",
    ):
        graph.show(wrong_units)
    two_layers = dataclasses.replace(frame, states=[frame.states[0], frame.states[0]])
    with pytest.raises(
        ValueError, match=r"one \(timesteps, units\) array per layer \(1 for many-to-many"
    ):
        graph.show(two_layers)
    short_dh = dataclasses.replace(frame, dh_norms=frame.dh_norms[:-1])
    with pytest.raises(ValueError, match=r"dh_norms must have shape \(timesteps \+ 1,\) = \(21,\)"):
        graph.show(short_dh)
    _assert_unchanged(graph, before)


def test_from_settings_rejects_unknown_settings_and_bad_options():
    with pytest.raises(TypeError, match="unknown setting 'unit'"):
        UnrolledGraph.from_settings(unit=3)
    with pytest.raises(TypeError, match="presenter must be True or False; got 'yes'"):
        UnrolledGraph.from_settings(presenter="yes")
    g = UnrolledGraph.from_settings(presenter=True, rolled=True, units=3)
    assert (g.presenter, g.rolled, g.units) == (True, True, 3)


def test_overflow_is_sent_as_inf_never_nan_and_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = UnrolledGraph.from_settings(
            units=32, timesteps=200, weight_scale=3.0, activation="linear"
        )
        state = g.get_state()
    dh = g.dh_norms
    assert dh.dtype == np.float32
    assert not np.isnan(dh).any()
    assert np.isposinf(dh).any()  # beyond float32's range (or overflowed): inf
    assert state["dh_norms"]["dtype"] == "float32"
    assert not np.isnan(g.states[0]).any()


def test_repr_says_what_is_drawn(graph):
    text = repr(graph)
    assert text.startswith(
        "UnrolledGraph('rnn', units=16, timesteps=20, many-to-many, parameters=336, "
        "truncated BPTT 5, ‖∂L/∂h_0‖=0, ‖∂L/∂h_T‖="
    )
    graph.rolled = True
    assert ", rolled," in repr(graph)


def test_one_update_message_with_binary_arrays_on_the_wire(graph, wire):
    wire.attach(graph)
    graph.show(build_frame(units=32, features=4, timesteps=50, layers=2))
    updates = wire.updates(graph)
    assert len(updates) == 1
    state = updates[0]["state"]
    assert sorted(updates[0]["buffer_paths"]) == [
        ["dh_norms", "data"],
        ["layer_dh_norms", 0, "data"],
        ["layer_dh_norms", 1, "data"],
        ["states", 0, "data"],
        ["states", 1, "data"],
    ]
    # Two layers of (50, 32) float32 states and 51 gradient norms each (the top layer's
    # also as dh_norms), as raw bytes.
    assert wire.buffer_bytes(graph) == (2 * 50 * 32 + 3 * 51) * 4
    assert state["states"][1]["shape"] == [50, 32]
    assert "data" not in state["dh_norms"]  # moved to a buffer, not a JSON list
    assert wire.json_bytes(graph) < 2000


def test_settings_as_keywords_are_refused_with_the_way_to_give_them(frame):
    with pytest.raises(AttributeError, match=r"UnrolledGraph.from_settings\(units=\.\.\.\)"):
        UnrolledGraph(units=32, timesteps=7, presenter=True)
    g = UnrolledGraph.from_settings(units=32, timesteps=7, presenter=True)
    assert (g.units, g.timesteps, g.presenter) == (32, 7, True)
    assert g.states[0].shape == (7, 32)
    assert g.frame.settings["units"] == 32
    with pytest.raises(ValueError, match=r"units .* must be an integer from 1 to 256; got 0"):
        UnrolledGraph.from_settings(units=0)
