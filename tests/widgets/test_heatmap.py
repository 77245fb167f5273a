"""StateHeatmap: what it sends (float32 buffers, units × timesteps) and what it accepts."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.frame import build_frame
from rnnviz.widgets.heatmap import StateHeatmap, quantities


@pytest.fixture(scope="module")
def lstm_frame():
    return build_frame(cell="lstm", units=6, timesteps=9, layers=2)


def test_values_are_units_by_timesteps_float32_of_the_top_layer():
    frame = build_frame(units=5, timesteps=7)
    view = StateHeatmap(frame=frame)
    assert view.values.dtype == np.float32
    assert view.values.shape == (5, 7)
    assert view.values.flags.c_contiguous
    np.testing.assert_array_equal(view.values, frame.states[0].T.astype(np.float32))
    assert (view.units, view.timesteps, view.cell, view.quantity) == (5, 7, "rnn", "h")


def test_values_cross_as_a_binary_float32_buffer_not_a_list(split_state):
    view = StateHeatmap.from_settings(units=4, timesteps=3)
    state, buffers = split_state(view)
    assert state["values"]["shape"] == [4, 3]
    assert state["values"]["dtype"] == "float32"
    assert "data" not in state["values"]  # moved out of the JSON into a buffer
    (buf,) = [b for b in buffers if memoryview(b).nbytes == 4 * 3 * 4]
    decoded = np.frombuffer(memoryview(buf).tobytes(), dtype=np.float32).reshape(4, 3)
    np.testing.assert_array_equal(decoded, view.values)


def test_lstm_offers_cell_state_and_gates_and_shows_them(lstm_frame):
    view = StateHeatmap(frame=lstm_frame)
    assert [k for k, _ in view.quantities] == ["h", "c", "gate_i", "gate_f", "gate_c", "gate_o"]
    assert view.layer == 1  # top layer by default
    assert view.layer_names == ["layer 1", "layer 2"]
    view.quantity = "c"
    np.testing.assert_array_equal(view.values, lstm_frame.cell_states[1].T.astype(np.float32))
    view.quantity = "gate_f"
    np.testing.assert_array_equal(view.values, lstm_frame.gates[1]["f"].T.astype(np.float32))
    view.layer = 0
    np.testing.assert_array_equal(view.values, lstm_frame.gates[0]["f"].T.astype(np.float32))


def test_gru_labels_its_candidate():
    labels = dict(quantities(build_frame(cell="gru", timesteps=3)))
    assert labels["gate_z"] == "z_t (update gate)"
    assert labels["gate_h"].endswith("(candidate)")
    assert "c" not in labels


def test_unknown_quantity_is_rejected_and_nothing_changes():
    view = StateHeatmap.from_settings(timesteps=4)
    before = view.values.copy()
    with pytest.raises(ValueError, match=r"'h'.*for the rnn cell.*'c'"):
        view.quantity = "c"
    assert view.quantity == "h"
    np.testing.assert_array_equal(view.values, before)
    with pytest.raises(ValueError, match="layer must be an index from 0 to 0"):
        view.layer = 1
    assert view.layer == 0


def test_show_keeps_the_chosen_quantity_when_the_new_frame_has_it(lstm_frame):
    view = StateHeatmap(frame=lstm_frame)
    view.quantity = "gate_o"
    view.show(build_frame(cell="lstm", units=6, timesteps=4, layers=2))
    assert view.quantity == "gate_o"
    assert view.values.shape == (6, 4)
    view.show(build_frame(cell="rnn", units=3, timesteps=4))
    assert view.quantity == "h"  # an rnn has no gates: back to h_t
    assert view.layer == 0
    assert view.values.shape == (3, 4)


def test_show_sends_one_update_message(wire):
    view = StateHeatmap.from_settings(timesteps=5)
    wire.attach(view)
    view.show(build_frame(units=9, timesteps=5))
    assert len(wire.updates(view)) == 1
    assert wire.buffer_bytes(view) == 9 * 5 * 4


def test_sentence_tokens_label_every_layer_reading_the_sentence():
    view = StateHeatmap.from_settings(input="sentence", features=5, timesteps=6, layers=2)
    words = ["the", "cat", "sat", "on", "the", "mat"]
    assert view.tokens == words
    view.layer = 0
    assert view.tokens == words
    s2s = StateHeatmap.from_settings(input="sentence", timesteps=6, architecture="seq2seq")
    assert s2s.layer_names == ["encoder 1", "decoder 1"]
    assert s2s.tokens == []  # the decoder runs its own steps
    s2s.layer = 0
    assert s2s.tokens == words


def test_overflow_stays_inf_in_float32():
    view = StateHeatmap.from_settings(activation="linear", weight_scale=3.0, timesteps=120)
    assert np.isposinf(np.abs(view.values)).any()  # |h| beyond float32 range
    assert not np.isnan(view.values).any()


def test_show_rejects_what_is_not_a_frame():
    view = StateHeatmap.from_settings(timesteps=3)
    with pytest.raises(TypeError, match="Frame"):
        view.show({"states": []})


def test_repr_names_the_essentials():
    assert repr(StateHeatmap.from_settings(units=4, timesteps=3)) == (
        "StateHeatmap(units=4, timesteps=3, cell='rnn', quantity='h', layer=0)"
    )
