"""EigenView: the frame's spectrum as float32 buffers, named matrix, updates with the settings."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.frame import build_frame
from rnnviz.sim import make_cell, spectrum
from rnnviz.widgets.eigen import EigenView


def test_frame_carries_the_spectrum_of_the_theory_matrix():
    frame = build_frame(units=12, weight_scale=0.9, init="gaussian", layers=2)
    sp = frame.spectrum
    assert sp.matrix == frame.theory.matrix == "W_hh"
    assert sp.rho == pytest.approx(frame.theory.rho, rel=1e-12)
    assert sp.sigma_max == pytest.approx(frame.theory.sigma_max, rel=1e-12)
    # the top layer's W_hh (seed + layer index, as rnnviz.frame.forward._cells draws it)
    s = frame.settings
    top = make_cell(
        "rnn", units=12, features=12, weight_scale=0.9, init="gaussian", seed=s["seed"] + 1
    )
    np.testing.assert_allclose(sp.singular_values, spectrum.of_cell(top).singular_values)


def test_view_sends_eigenvalues_and_singular_values_as_float32(wire, split_state):
    view = EigenView.from_settings(units=8, weight_scale=0.9, init="gaussian")
    sp = view.frame.spectrum
    assert view.eigenvalues.dtype == np.float32
    assert view.eigenvalues.shape == (8, 2)
    np.testing.assert_array_equal(view.eigenvalues[:, 0], sp.eigenvalues.real.astype(np.float32))
    np.testing.assert_array_equal(view.eigenvalues[:, 1], sp.eigenvalues.imag.astype(np.float32))
    assert view.singular_values.dtype == np.float32
    assert view.singular_values.shape == (8,)
    assert view.rho == pytest.approx(0.9)
    assert view.rho < 1 < view.sigma_max
    assert (view.matrix, view.init, view.units) == ("W_hh", "gaussian", 8)
    state, buffers = split_state(view)
    assert state["eigenvalues"]["dtype"] == "float32"
    assert state["eigenvalues"]["shape"] == [8, 2]
    assert state["singular_values"]["shape"] == [8]
    assert sum(memoryview(b).nbytes for b in buffers) == 8 * 2 * 4 + 8 * 4
    # a new frame is one update message carrying both arrays as binary buffers
    wire.attach(view)
    view.show(build_frame(units=8, weight_scale=1.5))
    updates = wire.updates(view)
    assert len(updates) == 1
    sent = updates[0]["state"]
    assert {"eigenvalues", "singular_values", "frame_info"} <= set(sent)
    assert {"rho", "sigma_max", "matrix", "gamma"} <= set(sent["frame_info"])
    assert sent["frame_info"]["settings"]["init"] == "orthogonal"
    assert sent["frame_info"]["rho"] == pytest.approx(1.5)
    assert sent["frame_info"]["sigma_max"] == pytest.approx(1.5)
    assert wire.buffer_bytes(view) == 8 * 2 * 4 + 8 * 4


@pytest.mark.parametrize(("cell", "matrix"), [("lstm", "U_c"), ("gru", "U_h")])
def test_gated_cells_show_their_candidate_block(cell, matrix):
    view = EigenView.from_settings(cell=cell, units=6, timesteps=4, weight_scale=1.0)
    assert view.matrix == matrix
    np.testing.assert_allclose(view.singular_values, 1.0, rtol=1e-6)  # orthogonal, s = 1


def test_presenter_and_bad_input():
    assert EigenView.from_settings(presenter=True, units=4).presenter is True
    view = EigenView.from_settings(units=4)
    with pytest.raises(TypeError, match="show\\(\\) expects a Frame; got dict"):
        view.show({"units": 4})
    with pytest.raises(TypeError):
        EigenView.from_settings(unitz=4)
    assert "EigenView(matrix='W_hh', units=4" in repr(view)


def test_view_names_the_layer_whose_spectrum_it_shows():
    # the spectrum is of the layer chosen in the gradient panel: the title must say which
    from rnnviz.frame import reanalyse

    frame = build_frame(units=6, layers=2, timesteps=5)
    view = EigenView(frame=reanalyse(frame, 0))
    assert view.frame_info["layer_names"] == ["layer 1", "layer 2"]
    assert view.frame_info["shown_layer"] == 0
    view.show(frame)
    assert view.frame_info["shown_layer"] == 1
