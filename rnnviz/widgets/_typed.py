"""Typed values for the sliders, parsed in Python so that nothing is silently changed.

ipywidgets' own slider readout parses what is typed in the browser with ``parseInt`` /
``parseFloat``: "1e3" becomes 1 and "12.7" becomes 12 without a word, and Python never
sees the text. The Explorer's sliders therefore show their value in a text box whose
*text* is sent to Python and checked here with the setting's own rule
(``rnnviz.settings.check_setting``): a value the setting accepts moves the slider; any
other text is refused with a visible message naming the setting, what it accepts and
what was typed, and the box shows the slider's value again.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from rnnviz.settings import SPECS, check_setting

__all__ = ["parse_typed", "typed_box"]


def parse_typed(name: str, text: str, low: float | None = None, high: float | None = None):
    """The value of setting ``name`` that ``text`` means, or ``ValueError`` saying why not.

    ``low`` / ``high`` narrow the setting's range to the slider's current one (``truncate``
    goes up to ``timesteps`` only).
    """
    spec = SPECS[name]
    low = spec.low if low is None else low
    high = spec.high if high is None else high
    stripped = text.strip()
    try:
        number: Any = int(stripped)
    except ValueError:
        try:
            number = float(stripped)
        except ValueError:
            number = None
    try:
        if number is None:
            raise TypeError(stripped)
        value = check_setting(name, number)
        if not low <= value <= high:
            raise ValueError(value)
    except (TypeError, ValueError):
        kind = "an integer" if spec.kind == "int" else "a number"
        raise ValueError(
            f"{name} ({spec.meaning}) must be {kind} from {low:g} to {high:g}; "
            f"typed {stripped!r}, so it stays at the value shown."
        ) from None
    return value


def _text(value: Any, fmt: str) -> str:
    return format(value, fmt)


def typed_box(name: str, slider: widgets.Widget, message: widgets.HTML, fmt: str = "d"):
    """A text box showing ``slider``'s value; text typed into it is parsed by Python.

    Returns the ``widgets.Text``; ``message`` shows why a typed text was refused (and is
    cleared by the next accepted value).
    """
    box = widgets.Text(
        value=_text(slider.value, fmt),
        continuous_update=False,  # sent on Enter or when the box loses focus
        layout=widgets.Layout(width="64px"),
    )
    box.add_class("rnnviz-typed")

    def from_slider(change: dict) -> None:
        box.value = _text(change["new"], fmt)

    def from_box(change: dict) -> None:
        text = change["new"]
        if text == _text(slider.value, fmt):
            return
        try:
            slider.value = parse_typed(name, text, slider.min, slider.max)
        except (TypeError, ValueError) as error:
            message.value = f"⚠ {html.escape(str(error))}"
            box.value = _text(slider.value, fmt)
            return
        message.value = ""
        box.value = _text(slider.value, fmt)  # "1" typed for weight scale shows "1.00"

    slider.observe(from_slider, "value")
    box.observe(from_box, "value")
    return box
