"""The Explorer's lecture stage (presenter mode) and its eigenvalue view, without a browser.

The browser side (everything on one screen at 1280×720 and 1920×1080, the keys) is
tests/ui/test_stage.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import rnnviz
from rnnviz.export._axes import count
from rnnviz.widgets._stage import STAGE_VIEWS, STRIP


@pytest.fixture
def ex():
    return rnnviz.explore(timesteps=8, presenter=True)


def _boxes_under(widget) -> list:
    out, stack = [], [widget]
    while stack:
        w = stack.pop()
        out.append(w)
        stack.extend(getattr(w, "children", ()) or ())
    return out


def test_presenter_shows_the_strip_and_the_stage(ex):
    st = ex.stage
    assert ex.children[2:] == (st.strip, st.message, st.more, st.stage)
    strip = _boxes_under(st.strip)
    for name in STRIP:  # the strip's controls are the Explorer's own, linked ones
        assert ex.controls.by_setting[name] in strip
    assert ex.controls.play in strip
    assert ex.controls.time in strip
    assert st.switch in strip
    more = _boxes_under(st.more)
    for name in set(ex.controls.by_setting) - set(STRIP):
        assert ex.controls.by_setting[name] in more, name
    assert ex.status in more
    assert st.stage.children == ex.views  # every view on the stage, none left out


def test_each_view_has_its_stage_slot(ex):
    # the page code (js/src/lib/stage_fit.js) marks the large one by these classes
    for name, view in zip(STAGE_VIEWS, ex.views, strict=True):
        assert f"rnnviz-slot-{name}" in view._dom_classes
    assert ex.stage.main == "graph"
    ex.stage.switch.view = "eigen"
    assert ex.stage.main == "eigen"


def test_a_wrong_stage_view_is_refused_and_changes_nothing(ex):
    ex.stage.switch.view = "heatmap"
    with pytest.raises(ValueError, match=r"'graph', 'heatmap', 'gradients', 'eigen'.*got 'curves'"):
        ex.stage.switch.view = "curves"
    assert ex.stage.main == "heatmap"


def test_more_settings_open_and_close(ex):
    assert ex.stage.more.layout.display == "none"
    ex.stage.more_button.value = True
    assert ex.stage.more.layout.display == "flex"
    ex.stage.more_button.value = False
    assert ex.stage.more.layout.display == "none"


def test_presenter_off_and_on_again_restores_each_layout(ex):
    stage_children = ex.children
    ex.presenter = False
    assert ex.controls.box in ex.children
    assert ex.stage.stage not in ex.children
    assert ex.heatmap.layout.flex == ex.eigen.layout.flex == "1 1 440px"
    ex.presenter = True
    assert ex.children == stage_children


def test_the_stage_controls_still_drive_the_explorer(ex):
    ex.controls.by_setting["units"].value = 5
    ex.wait_settled(60)
    assert ex.units == 5
    assert {v.frame.settings["units"] for v in ex.views} == {5}


def test_eigen_view_follows_weight_scale_init_and_units():
    ex = rnnviz.explore(units=8, timesteps=6)
    assert ex.eigen.eigenvalues.shape == (8, 2)
    assert ex.eigen.frame.spectrum.matrix == "W_hh"
    ex.weight_scale = 0.5
    ex.wait_settled(60)
    np.testing.assert_allclose(ex.eigen.singular_values, 0.5, rtol=1e-5)  # orthogonal × s
    np.testing.assert_allclose(np.hypot(*ex.eigen.eigenvalues.T), 0.5, rtol=1e-5)
    ex.init = "gaussian"
    ex.wait_settled(60)
    sp = ex.eigen.frame.spectrum
    assert ex.eigen.frame.settings["init"] == "gaussian"
    assert np.hypot(*ex.eigen.eigenvalues.T).max() == pytest.approx(0.5, rel=1e-5)  # ρ = s
    assert ex.eigen.singular_values[0] == pytest.approx(sp.sigma_max, rel=1e-5)
    assert sp.sigma_max > sp.rho  # non-normal: σ_max above ρ
    ex.units = 12
    ex.wait_settled(60)
    assert ex.eigen.eigenvalues.shape == (12, 2)
    assert ex.eigen.frame is ex.frame
    assert not ex.eigen.updating


def test_eigen_view_waits_for_the_analysis():
    """The forward pass alone (a partial frame) has no spectrum: the view keeps its picture
    and says it is updating, as the gradient plot does."""
    ex = rnnviz.explore(units=8, timesteps=6)
    shown = ex.eigen.frame
    from rnnviz.frame import build_forward, compose

    partial = compose(build_forward({**ex.settings, "units": 9}))
    ex._show_partial(partial)
    assert ex.eigen.frame is shown
    assert ex.eigen.updating
    assert ex.gradients.updating
    assert ex.graph.frame is partial


def test_counts_are_singular_at_one():
    assert count(1, "unit") == "1 unit"
    assert count(16, "unit") == "16 units"
    assert count(1, "step") == "1 step"
    assert count(0, "timestep") == "0 timesteps"
    text = repr(rnnviz.explore(units=1, timesteps=1))
    assert "1 unit × 1 timestep," in text
    assert "units" not in text.split("\n")[1]
    assert "16 units × 20 timesteps" in repr(rnnviz.explore())
