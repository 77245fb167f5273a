"""The lecture stage: the Explorer's presenter layout, built for a projector.

With ``presenter=True`` the Explorer shows, from top to bottom:

* a **control strip**: units, timesteps, weight scale, cell, the time scrubber, a
  "more settings" button (the other settings, the shapes line and any typed-value
  message open in a row under the strip) and the stage switcher;
* the **stage**: ONE large view (the lecturer picks which) with the other views small
  beside it, still updating with every change.

``StageSwitch`` is a small anywidget: four buttons, and keyboard shortcuts (ipywidgets
cannot catch keys) — 1 / g graph, 2 / h heatmap, 3 / d gradients (∂), 4 / e eigenvalues.
Its page code also fits the stage to the browser window: each view is zoomed so that the
strip, the large view and the small ones fit one screen (1280×720 up to 1920×1080), with
no scrolling. The normal layout (``presenter=False``) is not touched here.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import traitlets

from rnnviz.widgets._base import BundledWidget, bundle

__all__ = ["STAGE_VIEWS", "Stage", "StageSwitch"]

#: The views the stage can show large, in switcher order (key 1 … 4), with their names.
STAGE_VIEWS: dict[str, str] = {
    "graph": "graph",
    "heatmap": "heatmap",
    "gradients": "gradients",
    "eigen": "eigenvalues",
}
#: The controls in the strip; every other control is under "more settings".
STRIP = ("units", "timesteps", "weight_scale", "cell")

#: Layout of the strip and the stage (the page code sets each view's zoom).
STAGE_CSS = """<style>
.rnnviz-explorer.rnnviz-presenter { row-gap: 2px; }
.rnnviz-explorer .rnnviz-strip { display: flex; flex-wrap: wrap; align-items: center;
  gap: 0 18px; }
.rnnviz-explorer .rnnviz-strip > .widget-hbox { flex: 1 1 270px; min-width: 0; }
.rnnviz-explorer .rnnviz-strip > .widget-hbox .widget-slider { min-width: 190px !important; }
.rnnviz-explorer .rnnviz-strip > .widget-toggle-buttons { display: flex; align-items: center;
  flex: 0 0 auto; width: auto; gap: 8px; }
.rnnviz-explorer .rnnviz-strip > .widget-toggle-buttons > .widget-label { width: auto;
  margin: 0; }
.rnnviz-explorer .rnnviz-strip > .widget-toggle-buttons .widget-toggle-button {
  width: 76px !important; }
.rnnviz-explorer .rnnviz-strip .rnnviz-scrub { flex: 1 1 380px; min-width: 380px; }
.rnnviz-explorer .rnnviz-strip .rnnviz-scrub > .widget-label { flex: 0 0 auto; width: auto;
  overflow: visible; }
.rnnviz-explorer .rnnviz-strip .rnnviz-scrub .widget-play { width: auto; }
.rnnviz-explorer .rnnviz-strip .rnnviz-scrub .widget-play button { width: 56px; }
.rnnviz-explorer .rnnviz-more { border-top: 1px solid var(--jp-border-color2, #d0d7de);
  padding-top: 4px; }
.rnnviz-explorer .rnnviz-stage { display: grid; width: 100%; align-items: start;
  grid-template-columns: minmax(0, 7fr) minmax(0, 3fr); gap: 4px 16px;
  grid-template-rows: auto auto 1fr; }
.rnnviz-explorer .rnnviz-stage > * { grid-column: 2; min-width: 0; width: auto;
  margin: 0; overflow: hidden; }
.rnnviz-explorer .rnnviz-stage > .rnnviz-main { grid-column: 1; grid-row: 1 / span 3; }
.rnnviz-explorer .rnnviz-stage > .rnnviz-thumb { cursor: zoom-in;
  border: 1px solid var(--jp-border-color2, #d0d7de); border-radius: 4px; }
</style>"""


class StageSwitch(BundledWidget):
    """Which view the stage shows large; buttons and keys 1–4 / g h d e change it.

    Traits
    ------
    view : str
        "graph", "heatmap", "gradients" or "eigen".
    views : dict
        name -> button text, in key order.
    """

    _esm = bundle("stage")

    view = traitlets.Unicode("graph", help="The view shown large on the stage.").tag(sync=True)
    views = traitlets.Dict(dict(STAGE_VIEWS)).tag(sync=True)

    @traitlets.validate("view")
    def _check_view(self, proposal: Any) -> str:
        value = proposal["value"]
        if value not in STAGE_VIEWS:
            choices = ", ".join(repr(v) for v in STAGE_VIEWS)
            raise ValueError(f"the stage shows one of the views {choices} large; got {value!r}.")
        return value


class Stage:
    """The presenter layout of one Explorer: its strip, its "more" row and its stage.

    ``children(on)`` gives the Explorer's children for presenter mode (``on``) and keeps
    the normal layout's ``normal`` children otherwise. The views and controls are the
    Explorer's own widgets, only placed differently: nothing is duplicated or redrawn.
    """

    def __init__(self, controls: Any, status: widgets.Widget, views: dict[str, Any]) -> None:
        cells = dict(zip(controls.by_setting, controls.grid.children, strict=True))
        self.views = {name: views[name] for name in STAGE_VIEWS if views.get(name) is not None}
        self.switch = StageSwitch()
        self._css = widgets.HTML(STAGE_CSS)
        self.more_button = widgets.ToggleButton(
            value=False,
            description="more settings",
            icon="sliders",
            tooltip="the other settings and the shapes of x, W and h_t",
            layout=widgets.Layout(width="auto"),
        )
        scrubber = controls.box.children[-1]
        scrub = widgets.HBox(list(scrubber.children), layout=widgets.Layout(align_items="center"))
        scrub.add_class("rnnviz-scrub")
        self.strip = widgets.Box(
            [cells[n] for n in STRIP] + [scrub, self.more_button, self.switch],
            layout=widgets.Layout(width="100%"),
        )
        self.strip.add_class("rnnviz-strip")
        rest = widgets.GridBox(
            [cell for name, cell in cells.items() if name not in STRIP],
            layout=widgets.Layout(grid_template_columns="repeat(auto-fill, minmax(400px, 1fr))"),
        )
        rest.add_class("rnnviz-controls")
        self.message = controls.message  # why a typed value was refused: never hidden
        self.more = widgets.VBox([rest, status], layout=widgets.Layout(display="none"))
        self.more.add_class("rnnviz-more")
        self.stage = widgets.Box(list(self.views.values()), layout=widgets.Layout(width="100%"))
        self.stage.add_class("rnnviz-stage")
        for name, view in self.views.items():
            view.add_class(f"rnnviz-slot-{name}")  # the page code marks one rnnviz-main
        self.more_button.observe(self._toggle_more, names="value")

    def children(self, css: widgets.Widget) -> list[widgets.Widget]:
        """The Explorer's children in presenter mode (``css``: its style element)."""
        return [css, self._css, self.strip, self.message, self.more, self.stage]

    @property
    def main(self) -> str:
        """The view shown large."""
        return self.switch.view

    def show(self, name: str) -> None:
        """Show view ``name`` ("graph", "heatmap", "gradients" or "eigen") large."""
        self.switch.view = name

    def _toggle_more(self, change: dict) -> None:
        self.more.layout.display = "flex" if change["new"] else "none"
