"""ControlPanel: the Explorer's controls as one anywidget, for hosts without ipywidgets.

ipywidgets' containers and sliders render only where a Jupyter widget manager runs
(JupyterLab, Notebook 7, Voila, VS Code, Colab). marimo renders anywidgets but not
ipywidgets, so there the Explorer shows this panel instead (see ``Explorer._display_``).
Every control carries ``data-testid="rnnviz-control-<setting>"`` and is a native HTML
input (range, select, checkbox), so it works from the keyboard.

The panel holds no setting of its own: ``bind_panel(explorer)`` mirrors the Explorer's
settings into ``values`` and sends every change made in the page back through the
Explorer's validated attributes, so a rejected value shows its error and is put back.
Ranges, choices, labels and steps come from each setting's ``Spec`` (one copy of each fact).
"""

from __future__ import annotations

import html
import re
from typing import Any

import traitlets

from rnnviz.frame.timeline import scrubber_max
from rnnviz.settings import CONTROLS, SPECS
from rnnviz.widgets._base import BundledWidget, bundle

__all__ = ["ControlPanel", "bind_panel", "control_specs"]


def control_specs() -> list[dict[str, Any]]:
    """What the page needs to draw each control: name, label, kind, range or options, help."""
    out = []
    for name in CONTROLS:
        spec = SPECS[name]
        item: dict[str, Any] = {"name": name, "label": spec.label, "kind": spec.kind}
        item["help"] = f"{name}: {spec.meaning} ({spec.describe()})"
        if spec.kind in ("int", "float"):
            item.update(min=spec.low, max=spec.high, step=spec.step, decimals=spec.decimals)
        elif spec.kind == "choice":
            item["options"] = [[c, spec.choice_label(c)] for c in spec.choices]
        out.append(item)
    return out


class ControlPanel(BundledWidget):
    """The settings' controls and the time scrubber, drawn by anywidget (see module doc)."""

    _esm = bundle("control_panel")

    controls = traitlets.List(help="One dict per control (see control_specs).").tag(sync=True)
    values = traitlets.Dict(help="setting -> the value the controls show.").tag(sync=True)
    limits = traitlets.Dict(help="setting -> a maximum set by other settings.").tag(sync=True)
    disabled = traitlets.Dict(help="setting -> why its control is disabled.").tag(sync=True)
    time = traitlets.Int(
        0, help="Scrubber: 0 off, 1…N forward, N+1…2N+1 backward (N: steps of the run)."
    ).tag(sync=True)
    time_max = traitlets.Int(0).tag(sync=True)
    time_label = traitlets.Unicode("off").tag(sync=True)
    status = traitlets.Unicode("", help="Shapes and parameter count (plain text).").tag(sync=True)
    error = traitlets.Unicode("", help="Why the last change was refused.").tag(sync=True)
    presenter = traitlets.Bool(False).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(controls=control_specs(), **kwargs)


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def bind_panel(explorer: Any) -> ControlPanel:
    """A ControlPanel that shows ``explorer``'s settings and changes them (both ways)."""
    panel = ControlPanel()
    names = list(CONTROLS)
    quiet = False  # True while the panel is being set from the Explorer, or the reverse

    def mirror(_change: Any = None) -> None:
        nonlocal quiet
        quiet = True
        try:
            _copy_state()
        finally:
            quiet = False

    def _copy_state() -> None:
        with panel.hold_sync():
            panel.values = {n: getattr(explorer, n) for n in names}
            panel.limits = {"truncate": explorer.timesteps}
            panel.disabled = {
                **{
                    n: SPECS[n].off_because for n in names if not SPECS[n].applies_to(explorer.cell)
                },
                **{n: why for n, why in explorer.fixed.items() if n in names},
            }
            panel.time_max = scrubber_max(explorer.settings)
            panel.time = explorer.time
            panel.time_label = explorer.controls.time_label.value
            panel.presenter = explorer.presenter
            panel.status = _plain(explorer.status.value)

    def from_page(change: dict) -> None:
        if quiet:
            return
        wanted = {n: v for n, v in change["new"].items() if n in names}
        changed = {n: v for n, v in wanted.items() if v != getattr(explorer, n)}
        panel.error = ""
        try:
            for name, value in changed.items():
                setattr(explorer, name, value)
        except (TypeError, ValueError) as error:
            panel.error = str(error)
        finally:
            mirror()  # show what the Explorer holds now (a refused value is put back)

    def time_from_page(change: dict) -> None:
        if not quiet and change["new"] != explorer.time:
            try:
                explorer.time = change["new"]
            except (TypeError, ValueError) as error:
                panel.error = str(error)
                mirror()

    mirror()
    explorer.observe(mirror, names=[*names, "time", "presenter"])
    explorer.status.observe(mirror, names="value")
    explorer.controls.time_label.observe(mirror, names="value")
    panel.observe(from_page, names="values")
    panel.observe(time_from_page, names="time")
    return panel
