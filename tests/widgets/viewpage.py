"""Views in headless Chromium with no kernel, server or network: the real bundles, the real state.

Shared by the browser tests of the views (``test_*_browser.py`` here). Each page gets a
widget's state exactly as ipywidgets would deliver it (JSON plus binary buffers put back as
DataViews at their paths) and a minimal model with get / set / save_changes / on / off /
send; plotly.js is put on the page beforehand (as an exported page does) when a plotly view
is mounted. Every request the page makes is aborted, and its uncaught errors fail the test.
"""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Iterator
from typing import Any

from ipywidgets.widgets.widget import _remove_buffers

from rnnviz.widgets._base import bundle

PAGE = """<!doctype html><html><head><meta charset="utf-8"></head>
<body style="margin:0;background:#fff"></body></html>"""

#: Bundle name -> (data-testid of the view's root, the attribute it sets once drawn).
DRAWN = {
    "graph": ("rnnviz-graph", "data-draws"),
    "heatmap": ("rnnviz-heatmap", "data-drawn"),
    "gradients": ("rnnviz-gradients", "data-drawn"),
    "eigen": ("rnnviz-eigen", "data-drawn"),
}

# Renders each view into a div of its own (id "host-<name>", one under the other) with its
# own model. window.viewModel / viewState / viewCalls (what the view set and saved) /
# viewCleanup (what render returned) are those of the first view.
MOUNT_JS = """async ({ plotly, views, width, dark }) => {
  if (dark) {
    document.body.dataset.jpThemeLight = "false";
    document.body.style.cssText += ";background:#111;--jp-layout-color0:#111;" +
      "--jp-ui-font-color1:#e6e6e6;--jp-ui-font-color2:#a8b0b8;--jp-layout-color1:#1e1f22";
  }
  if (plotly && !window.Plotly) {
    const p = URL.createObjectURL(new Blob([plotly], { type: "text/javascript" }));
    window.Plotly = (await import(p)).default;
  }
  const mounted = [];
  for (const { source, payload, name } of views) {
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    const widget = (await import(url)).default;
    const state = payload.state;
    payload.paths.forEach((path, i) => {
      const bytes = Uint8Array.from(atob(payload.buffers[i]), (c) => c.charCodeAt(0));
      let obj = state;
      for (const key of path.slice(0, -1)) obj = obj[key];
      obj[path[path.length - 1]] = new DataView(bytes.buffer);
    });
    const handlers = {};
    const calls = [];
    const model = {
      get: (k) => state[k],
      set: (k, v) => { calls.push(["set", k, v]); state[k] = v; (handlers["change:" + k] || []).forEach((h) => h()); },
      save_changes: () => calls.push(["save_changes"]),
      on: (e, h) => { (handlers[e] ||= []).push(h); },
      off: (e, h) => { handlers[e] = (handlers[e] || []).filter((x) => x !== h); },
      send: () => {},
    };
    const el = document.createElement("div");
    el.id = "host-" + name;
    el.style.width = width + "px";
    if (views.length > 1) el.style.marginBottom = "24px";
    document.body.appendChild(el);
    mounted.push({ model, state, calls, cleanup: widget.render({ model, el }) });
  }
  const first = mounted[0];
  window.viewModel = first.model;
  window.viewState = first.state;
  window.viewCalls = first.calls;
  window.viewCleanup = first.cleanup;
}"""

# Settled: every plotly view's last draw used its plot's current width (a scroll bar narrows it).
SETTLED_JS = """() => [...document.querySelectorAll('.rnnviz-plot')]
  .every((p) => p._fullLayout && p._fullLayout.width === p.clientWidth)"""


def payload(widget: Any) -> dict:
    """A widget's state as ipywidgets sends it: JSON, buffer paths, buffers (base64)."""
    state, paths, buffers = _remove_buffers(widget.get_state())
    return {
        "state": json.loads(json.dumps(state)),
        "paths": paths,
        "buffers": [base64.b64encode(bytes(b)).decode() for b in buffers],
    }


class ViewPages:
    """Pages of one browser context that nothing can leave (every request is aborted), one
    at a time; the uncaught errors of all of them in ``errors``."""

    def __init__(self, browser: Any, width: int = 1280, height: int = 900) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.context.route("**/*", lambda route: route.abort())  # nothing may leave the page
        self.errors: list[str] = []
        self._page: Any = None
        self._sources: dict[str, str] = {}

    def _source(self, name: str) -> str:
        if name not in self._sources:
            self._sources[name] = bundle(name).read_text()
        return self._sources[name]

    def mount(self, views: dict[str, Any], width: int, dark: bool = False) -> Any:
        """A fresh page (plotly.js styles the document it was loaded into) showing ``views``
        (``{bundle name: widget}``, one under the other, ``width`` px wide, in the dark theme
        with ``dark``), returned once every view has drawn and every plot has settled."""
        if self._page is not None:
            self._page.close()
        page = self._page = self.context.new_page()
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.set_content(PAGE)
        plotly = any(name != "graph" for name in views)
        args = {
            "plotly": self._source("plotly_runtime") if plotly else None,
            "views": [
                {"name": name, "source": self._source(name), "payload": payload(widget)}
                for name, widget in views.items()
            ],
            "width": width,
            "dark": dark,
        }
        page.evaluate(MOUNT_JS, args)
        for name in views:
            testid, drawn = DRAWN[name]
            page.wait_for_selector(f'[data-testid="{testid}"][{drawn}]', timeout=60_000)
        page.wait_for_function(SETTLED_JS, timeout=60_000)
        return page


@contextlib.contextmanager
def view_pages(browser: Any, width: int = 1280, height: int = 900) -> Iterator[ViewPages]:
    """:class:`ViewPages` in a ``width`` x ``height`` window; on exit, no page may have
    thrown (``errors == []``), and the context is closed."""
    pages = ViewPages(browser, width, height)
    try:
        yield pages
        assert pages.errors == []
    finally:
        pages.context.close()
