"""The Explorer's ipywidgets controls: one per setting, with its full name always visible.

Ranges, choices, labels, steps and the cells a setting applies to all come from its
``rnnviz.settings.Spec``, so a slider can never offer a value that Python would reject.
The time scrubber (``Play`` + ``time`` slider) steps through the forward pass
(t = 1 … T) and then the backward pass (t = T … 0).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np
import traitlets

from rnnviz.settings import CONTROLS, SPECS, check_setting
from rnnviz.widgets._typed import typed_box

__all__ = [
    "CSS",
    "FORGET_BIAS_LABEL",
    "Controls",
    "TimeTrait",
    "build_controls",
    "only_for_label",
    "set_presenter",
]

_FULL = {"description_width": "initial"}  # descriptions are never truncated
#: Width of a control column and of the cell buttons, normal and presenter.
COLUMN = {
    False: "repeat(auto-fill, minmax(300px, 1fr))",
    True: "repeat(auto-fill, minmax(440px, 1fr))",
}
BUTTON_WIDTH = {False: "72px", True: "120px"}

#: Presenter mode enlarges every control through the ipywidgets CSS variables.
CSS = """<style>
.rnnviz-explorer .rnnviz-controls { grid-gap: 4px 24px; align-items: center; }
.rnnviz-explorer .rnnviz-status { font-size: var(--jp-widgets-font-size, 13px);
  color: var(--jp-ui-font-color2, #57606a); }
.rnnviz-explorer.rnnviz-presenter {
  --jp-widgets-font-size: 20px; --jp-widgets-inline-height: 40px;
  --jp-widgets-inline-width: 420px; --jp-widgets-inline-width-short: 200px;
  --jp-widgets-slider-handle-size: 22px; --jp-widgets-slider-track-thickness: 8px;
}
.rnnviz-explorer.rnnviz-presenter .widget-label,
.rnnviz-explorer .rnnviz-typed-message { color: var(--jp-error-color1, #d32f2f); }
.rnnviz-explorer.rnnviz-presenter .widget-readout,
.rnnviz-explorer.rnnviz-presenter .rnnviz-typed input,
.rnnviz-explorer.rnnviz-presenter select,
.rnnviz-explorer.rnnviz-presenter button { font-size: 20px; }
</style>"""


def _options(name: str) -> list[tuple[str, str]]:
    spec = SPECS[name]
    return [(spec.choice_label(c), c) for c in spec.choices]


class TimeTrait(traitlets.TraitType):
    """The scrubber position: a whole number (its range is checked by the Explorer).

    Rejects anything else with a ``TypeError`` in rnnviz's words, not traitlets'.
    """

    default_value = 0
    info_text = (
        "a whole number: 0 (off), 1 … N (forward pass), N + 1 … 2N + 1 (backward pass), "
        "N the steps of the run (T; seq2seq: T + decoder steps)"
    )

    def validate(self, obj: Any, value: Any) -> int:
        whole = isinstance(value, numbers.Integral) or (
            isinstance(value, (float, np.floating)) and float(value).is_integer()
        )
        if isinstance(value, (bool, np.bool_)) or not whole:
            raise TypeError(
                f"time (the scrubber) must be {self.info_text}; "
                f"got {type(value).__name__} {value!r}."
            )
        return int(value)


class _Checked:
    """A slider whose value is checked as its setting: NaN, inf or a wrong type raise the
    setting's ValueError / TypeError and the slider keeps its value; a number outside the
    slider's range is clamped to it, as ipywidgets does."""

    def __init__(self, setting: str, **kwargs: Any) -> None:
        self._setting = setting
        super().__init__(**kwargs)

    @traitlets.validate("value")
    def _validate_value(self, proposal: Any) -> Any:  # replaces ipywidgets' clamping check
        value = proposal["value"]
        if isinstance(value, (int, float)) and math.isfinite(value):
            value = min(max(value, self.min), self.max)
        return check_setting(self._setting, value)  # NaN, inf: the setting's ValueError


class CheckedIntSlider(_Checked, widgets.IntSlider):
    """IntSlider of a setting (see ``_Checked``)."""


class CheckedFloatSlider(_Checked, widgets.FloatSlider):
    """FloatSlider of a setting (see ``_Checked``)."""


@dataclass
class Controls:
    """The control widgets by setting name, plus the scrubber and the layout box."""

    by_setting: dict[str, widgets.Widget]
    grid: widgets.GridBox
    play: widgets.Play
    time: widgets.IntSlider
    time_label: widgets.Label
    box: widgets.Box
    message: widgets.HTML  # why a typed value was refused ("" otherwise)


def _slider(name: str) -> widgets.Widget:
    """The slider of an int or float setting: range, step and decimals from its Spec."""
    spec = SPECS[name]
    kwargs: dict[str, Any] = {}
    if spec.kind == "float":
        kwargs = {"step": spec.step, "readout_format": f".{spec.decimals}f"}
    if spec.only_for:
        kwargs["disabled"] = not spec.applies_to(SPECS["cell"].default)
        kwargs["description"] = only_for_label(name, not kwargs["disabled"])
    klass = CheckedFloatSlider if spec.kind == "float" else CheckedIntSlider
    return klass(
        name,
        value=spec.default,
        min=spec.low,
        max=spec.high,
        description=kwargs.pop("description", spec.label),
        tooltip=f"{spec.meaning} ({spec.describe()})",
        style=_FULL,
        continuous_update=True,
        layout=widgets.Layout(width="auto", min_width="260px"),
        **kwargs,
    )


def only_for_label(name: str, on: bool) -> str:
    """The label of a setting's control, with the cells it is for when it is disabled
    ("forget bias b_f (LSTM only)")."""
    spec = SPECS[name]
    if on or not spec.only_for:
        return spec.label
    cells = " / ".join(SPECS["cell"].choice_label(c) for c in spec.only_for)
    return f"{spec.label} ({cells} only)"


#: The forget-bias slider's label; it is greyed out (disabled) unless the cell is an LSTM.
FORGET_BIAS_LABEL = {on: only_for_label("forget_bias", on) for on in (True, False)}


def _follow_cell(cell: widgets.Widget, by_setting: dict[str, widgets.Widget]) -> None:
    """Enable the controls of cell-specific settings (forget_bias: LSTM) for their cells."""
    only = [name for name in by_setting if SPECS[name].only_for]

    def update(change: dict) -> None:
        for name in only:
            on = SPECS[name].applies_to(change["new"])
            by_setting[name].disabled = not on
            by_setting[name].description = only_for_label(name, on)

    cell.observe(update, names="value")


def _control(name: str) -> widgets.Widget:
    """The control of one setting, by its kind."""
    spec = SPECS[name]
    if spec.kind in ("int", "float"):
        return _slider(name)
    if spec.kind == "bool":
        return widgets.Checkbox(
            value=spec.default, description=spec.label, indent=False, style=_FULL
        )
    if name == "cell":  # three short choices: buttons
        return widgets.ToggleButtons(
            options=_options(name),
            description=spec.label,
            style={**_FULL, "button_width": BUTTON_WIDTH[False]},
        )
    return widgets.Dropdown(
        options=_options(name),
        value=spec.default,
        description=spec.label,
        style=_FULL,
        layout=widgets.Layout(width="auto"),
    )


def build_controls() -> Controls:
    """Create the controls at the default settings (the Explorer links and sets them)."""
    by_setting: dict[str, widgets.Widget] = {name: _control(name) for name in CONTROLS}
    by_setting["truncate"].max = SPECS["timesteps"].default
    _follow_cell(by_setting["cell"], by_setting)
    timesteps = SPECS["timesteps"].default
    play = widgets.Play(value=0, min=0, max=2 * timesteps + 1, interval=250, description="play")
    time = widgets.IntSlider(
        value=0,
        min=0,
        max=2 * timesteps + 1,
        description="time",
        readout=False,
        style=_FULL,
        continuous_update=True,
        layout=widgets.Layout(width="auto", min_width="260px", flex="1 1 auto"),
    )
    widgets.jslink((play, "value"), (time, "value"))
    time_label = widgets.Label(value="off")
    # the sliders' values are typed into boxes parsed by Python (see _typed.py)
    message = widgets.HTML()
    message.add_class("rnnviz-typed-message")
    cells = []
    for name, control in by_setting.items():
        if isinstance(control, _Checked):
            control.readout = False
            spec = SPECS[name]
            fmt = f".{spec.decimals}f" if spec.kind == "float" else "d"
            typed = typed_box(name, control, message, fmt)
            control.layout.flex = "1 1 auto"
            control = widgets.HBox([control, typed], layout=widgets.Layout(align_items="center"))
        cells.append(control)
    grid = widgets.GridBox(cells, layout=widgets.Layout(grid_template_columns=COLUMN[False]))
    grid.add_class("rnnviz-controls")
    scrubber = widgets.HBox([play, time, time_label], layout=widgets.Layout(align_items="center"))
    box = widgets.VBox([grid, message, scrubber])
    return Controls(by_setting, grid, play, time, time_label, box, message)


def set_presenter(controls: Controls, presenter: bool) -> None:
    """Wider columns and buttons for the large presenter fonts (the CSS does the rest)."""
    controls.grid.layout.grid_template_columns = COLUMN[presenter]
    controls.by_setting["cell"].style.button_width = BUTTON_WIDTH[presenter]
