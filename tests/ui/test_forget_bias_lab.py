"""The forget-bias slider in a real JupyterLab: greyed out for RNN/GRU, live for the LSTM."""

from __future__ import annotations

import re

import pytest
from pages import dropdown_select, press_on_slider, slider_readout, view_attrs, wait_views

pytestmark = pytest.mark.ui

OFF, ON = "forget bias b_f (LSTM only)", "forget bias b_f"


def _slider(page, description):
    label = page.locator(
        "label.widget-label", has_text=re.compile(rf"^\s*{re.escape(description)}\s*$")
    )
    return page.locator(".widget-slider", has=label).last


def _python(lab, expr: str) -> str:
    result = lab.kernel_execute(f"print({expr})")
    assert result["status"] == "ok", result["text"]
    return result["text"].strip()


def test_forget_bias_slider_is_for_the_lstm_only(fresh):
    page = fresh.page
    try:
        off = _slider(page, OFF)
        off.wait_for()
        assert off.locator(".noUi-target[disabled]").count() == 1  # greyed out for the RNN
        assert slider_readout(page, OFF) == "1.0"

        dropdown_select(page, "cell", "lstm")
        wait_views(page, {"cell": "lstm", "units": 16, "timesteps": 20})
        on = _slider(page, ON)
        on.wait_for()
        assert on.locator(".noUi-target[disabled]").count() == 0
        before = view_attrs(page)["rnnviz-gradients"]["yrange"]
        press_on_slider(page, ON, "Home")  # b_f = 0: the LSTM forgets fast
        page.wait_for_function(
            """(old) => {
              const g = [...document.querySelectorAll('[data-testid="rnnviz-gradients"]')].pop();
              return g && g.dataset.yrange !== old;
            }""",
            arg=before,
        )
        assert float(_python(fresh, "ex.forget_bias")) == 0.0
        assert slider_readout(page, ON) == "0.0"
        assert float(_python(fresh, "ex.frame.jacobian_norms[0]")) < 0.05

        dropdown_select(page, "cell", "gru")
        wait_views(page, {"cell": "gru"})
        _slider(page, OFF).wait_for()
    finally:  # leave the shared Explorer as the next tests expect it
        fresh.kernel_execute("ex.forget_bias = 1.0; ex.cell = 'rnn'")
        wait_views(page, {"cell": "rnn"})
