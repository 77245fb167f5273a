"""Values typed into the Explorer's slider boxes in JupyterLab are checked by Python.

ipywidgets' own slider readout parsed typed text in the browser: "1e3" became 1 and
"12.7" became 12 without a word. The boxes send the text itself to Python, which either
moves the slider or says why not and shows the old value again.
"""

from __future__ import annotations

import pytest
from pages import slider_readout, slider_typed_box, wait_views

pytestmark = pytest.mark.ui


def _python(lab, expr: str) -> str:
    result = lab.kernel_execute(f"print({expr})")
    assert result["status"] == "ok", result["text"]
    return result["text"].strip()


@pytest.mark.parametrize("text", ["1e3", "12.7", "abc"])
def test_a_refused_text_is_named_and_the_value_stays(fresh, text):
    page = fresh.page
    box = slider_typed_box(page, "units")
    box.fill(text)
    box.press("Enter")
    message = page.locator(".rnnviz-typed-message").filter(has_text=f"typed '{text}'")
    message.wait_for(timeout=30_000)
    assert "units" in message.inner_text()
    assert "an integer from 1 to 256" in message.inner_text()
    page.wait_for_function("el => el.value === '16'", arg=box.element_handle(), timeout=30_000)
    assert _python(fresh, "ex.units") == "16"
    wait_views(page, {"units": 16})


def test_an_accepted_text_moves_slider_python_and_views(fresh):
    page = fresh.page
    box = slider_typed_box(page, "units")
    box.fill("32")
    box.press("Enter")
    wait_views(page, {"units": 32})
    assert _python(fresh, "ex.units") == "32"
    assert slider_readout(page, "units") == "32"
    assert page.locator(".rnnviz-typed-message").inner_text().strip() == ""
