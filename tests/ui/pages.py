"""Helpers that read and drive rnnviz pages: view state, ipywidgets sliders, JupyterLab and
Notebook 7 notebooks."""

from __future__ import annotations

import json
import re
from typing import Any

from harness import VIEW_TESTIDS, Server

from rnnviz.settings import DEFAULTS, SPECS

#: The Explorer's default settings as its views report them (data-* attributes).
DEFAULT_STATE = {
    "units": DEFAULTS["units"],
    "timesteps": DEFAULTS["timesteps"],
    "weight-scale": DEFAULTS["weight_scale"],
    "cell": DEFAULTS["cell"],
}
#: The weight scale one keyboard step above / below the default.
WEIGHT_UP = round(DEFAULTS["weight_scale"] + SPECS["weight_scale"].step, 2)
WEIGHT_DOWN = round(DEFAULTS["weight_scale"] - SPECS["weight_scale"].step, 2)

# True when each rnnviz root exists (one per testid) and its data-* attributes match `want`.
# `want` maps attribute names (without "data-") to expected strings. Numbers are compared
# as numbers so that "1" and "1.0" agree.
VIEWS_MATCH_JS = """
(want) => {
  const roots = %s.map((id) => [...document.querySelectorAll(`[data-testid="${id}"]`)].pop());
  if (roots.some((r) => !r)) return false;
  return roots.every((r) => Object.entries(want).every(([k, v]) => {
    const got = r.getAttribute(`data-${k}`);
    if (got === null) return false;
    const a = Number(got), b = Number(v);
    return Number.isFinite(a) && Number.isFinite(b) ? Math.abs(a - b) < 1e-9 : got === String(v);
  }));
}
""" % json.dumps(list(VIEW_TESTIDS))  # noqa: UP031 - braces of the JS body


ONE_VIEW_MATCH_JS = """
([id, want]) => {
  const r = [...document.querySelectorAll(`[data-testid="${id}"]`)].pop();
  return !!r && Object.entries(want).every(([k, v]) => r.getAttribute(`data-${k}`) === String(v));
}
"""


def wait_view(page: Any, testid: str, want: dict[str, Any], timeout: float = 30_000) -> None:
    """Wait until the (last) root with ``data-testid=testid`` has exactly the attributes ``want``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            ONE_VIEW_MATCH_JS, arg=[testid, {k: str(v) for k, v in want.items()}], timeout=timeout
        )
    except PlaywrightTimeout:
        shown = (view_attrs(page).get(testid) or {}) if testid in VIEW_TESTIDS else {}
        raise AssertionError(
            f"{testid} did not reach {want} within {timeout / 1000:.0f} s; "
            f"it shows { ({k: shown.get(k) for k in want}) }"
        ) from None


def view_attrs(page: Any, scope: str = "body") -> dict[str, dict[str, str | None]]:
    """The data-* attributes of the (last) root of each rnnviz view under ``scope``."""
    return page.evaluate(
        """([ids, scope]) => Object.fromEntries(ids.map((id) => {
          const r = [...document.querySelector(scope).querySelectorAll(`[data-testid="${id}"]`)].pop();
          if (!r) return [id, null];
          return [id, Object.fromEntries([...r.attributes]
            .filter((a) => a.name.startsWith('data-') && a.name !== 'data-testid')
            .map((a) => [a.name.slice(5), a.value]))];
        }))""",
        [list(VIEW_TESTIDS), scope],
    )


def wait_views(page: Any, want: dict[str, Any], timeout: float = 30_000) -> None:
    """Wait until all three views report the state ``want`` (e.g. ``{"units": 17}``).

    On timeout, fail with what the views show instead (and the Python-side readouts).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            VIEWS_MATCH_JS,
            arg={k: str(v) for k, v in want.items()},
            timeout=timeout,
            polling="raf",
        )
    except PlaywrightTimeout:
        shown = {
            testid: None if attrs is None else {k: attrs.get(k) for k in want}
            for testid, attrs in view_attrs(page).items()
        }
        raise AssertionError(
            f"the views did not reach {want} within {timeout / 1000:.0f} s; they show {shown}"
        ) from None


def hot_h_nodes(page: Any) -> list[int]:
    """``data-t`` of the hidden-state nodes the graph highlights (the time cursor)."""
    return page.evaluate(
        """() => {
          const g = [...document.querySelectorAll('[data-testid="rnnviz-graph"]')].pop();
          return g ? [...g.querySelectorAll('[data-testid="h-node"].hot')]
            .map((n) => Number(n.getAttribute('data-t'))) : [];
        }"""
    )


def h_node_steps(page: Any) -> list[int]:
    """Sorted distinct ``data-t`` of the hidden-state nodes drawn by the (last) graph view."""
    return page.evaluate(
        """() => {
          const g = [...document.querySelectorAll('[data-testid="rnnviz-graph"]')].pop();
          if (!g) return [];
          const ts = [...g.querySelectorAll('[data-testid="h-node"]')]
            .map((n) => Number(n.getAttribute('data-t')));
          return [...new Set(ts)].sort((a, b) => a - b);
        }"""
    )


def slider_handle(page: Any, description: str):
    """The keyboard-focusable noUiSlider handle of the ipywidgets slider labelled ``description``."""
    label = page.locator(
        "label.widget-label", has_text=re.compile(rf"^\s*{re.escape(description)}\s*$")
    )
    slider = page.locator(".widget-slider", has=label).last
    return slider.locator(".noUi-handle").first


def slider_typed_box(page: Any, description: str):
    """The text box beside the slider labelled ``description`` (its value, typed in Python)."""
    label = page.locator(
        "label.widget-label", has_text=re.compile(rf"^\s*{re.escape(description)}\s*$")
    )
    return page.locator(".widget-hbox", has=label).last.locator(".rnnviz-typed input")


def slider_readout(page: Any, description: str) -> str:
    return slider_typed_box(page, description).input_value()


def press_on_slider(page: Any, description: str, key: str) -> None:
    handle = slider_handle(page, description)
    handle.focus()
    handle.press(key)


class Lab:
    """A JupyterLab page (``window.jupyterapp`` exposed) with notebook helpers."""

    def __init__(self, page: Any, server: Server) -> None:
        self.page = page
        self.server = server

    def open(self, path: str, timeout: float = 90_000) -> None:
        """Open the notebook at ``path`` (relative to the server root) and wait for an idle kernel."""
        self.page.goto(f"{self.server.url}/lab/tree/{path}?token={self.server.token}",
                       timeout=timeout)  # fmt: skip
        self.page.wait_for_function(
            """(path) => {
              const app = window.jupyterapp;
              const w = app && app.shell.currentWidget;
              const k = w && w.context && w.context.path === path && w.sessionContext.session
                && w.sessionContext.session.kernel;
              return !!(k && k.connectionStatus === 'connected' && k.status === 'idle'
                && w.content.widgets.length > 0);
            }""",
            arg=path,
            timeout=timeout,
        )

    def command(self, name: str, args: dict | None = None) -> Any:
        return self.page.evaluate(
            "([n, a]) => window.jupyterapp.commands.execute(n, a).then(() => true)",
            [name, args or {}],
        )

    def wait_idle(self, timeout: float = 60_000) -> None:
        """Wait until every cell has run (no ``[*]`` prompt) and the kernel is idle."""
        self.page.wait_for_function(
            """() => {
              const w = window.jupyterapp.shell.currentWidget;
              const busy = w.content.widgets.some((c) => c.model.type === 'code'
                && (c.promptNode && c.promptNode.textContent.includes('*')));
              return !busy && w.sessionContext.session.kernel.status === 'idle';
            }""",
            timeout=timeout,
            polling=100,
        )

    def run_all(self) -> None:
        self.command("notebook:run-all-cells")

    def run_new_cell(self, code: str, timeout: float = 60_000) -> None:
        """Append a code cell holding ``code`` at the end of the notebook and run it."""
        self.page.evaluate(
            """(code) => {
              const w = window.jupyterapp.shell.currentWidget;
              w.content.activeCellIndex = w.content.widgets.length - 1;
              return window.jupyterapp.commands.execute('notebook:insert-cell-below').then(() => {
                w.content.activeCell.model.sharedModel.setSource(code);
                return window.jupyterapp.commands.execute('notebook:run-cell');
              }).then(() => true);
            }""",
            code,
        )
        self.wait_idle(timeout)

    def kernel_execute(self, code: str, timeout: float = 60_000) -> dict:
        """Run ``code`` in the notebook's kernel (no new cell); return status and printed text."""
        handle = self.page.evaluate_handle(
            """(code) => {
              const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
              const future = k.requestExecute({ code, stop_on_error: true });
              const out = { text: '', status: null };
              future.onIOPub = (msg) => {
                const c = msg.content;
                if (msg.header.msg_type === 'stream') out.text += c.text;
                if (msg.header.msg_type === 'error') out.text += `${c.ename}: ${c.evalue}`;
              };
              future.done.then((reply) => { out.status = reply.content.status; });
              return out;
            }""",
            code,
        )
        self.page.wait_for_function("(out) => out.status !== null", arg=handle, timeout=timeout)
        result = handle.json_value()
        handle.dispose()
        return result

    def set_theme(self, theme: str) -> None:
        self.command("apputils:change-theme", {"theme": theme})
        light = "true" if "Light" in theme else "false"
        self.page.wait_for_function(
            "(light) => document.body.dataset.jpThemeLight === light", arg=light, timeout=30_000
        )


class Notebook7(Lab):
    """Jupyter Notebook 7 exposes the same application object; only the notebook URL differs."""

    def open(self, path: str, timeout: float = 90_000) -> None:
        url = f"{self.server.url}/notebooks/{path}?token={self.server.token}"
        self.page.goto(url, timeout=timeout)
        self.page.wait_for_function(
            """(path) => {
              const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
              const k = w && w.context && w.context.path === path && w.sessionContext.session
                && w.sessionContext.session.kernel;
              return !!(k && k.connectionStatus === 'connected' && k.status === 'idle');
            }""",
            arg=path,
            timeout=timeout,
        )


def dropdown_select(page: Any, description: str, value: str) -> None:
    """Choose ``value`` in the ipywidgets Dropdown (or ToggleButtons) labelled ``description``."""
    label = page.locator(
        "label.widget-label", has_text=re.compile(rf"^\s*{re.escape(description)}\s*$")
    )
    dropdown = page.locator(".widget-dropdown", has=label)
    if dropdown.count():
        select = dropdown.last.locator("select")
        select.focus()
        select.select_option(label=value)
        return
    toggles = page.locator(".widget-toggle-buttons", has=label).last
    name = re.compile(rf"^\s*{re.escape(value)}\s*$", re.IGNORECASE)
    button = toggles.get_by_role("button", name=name)
    button.focus()
    button.press("Enter")


# For each view root: the worst contrast ratio (WCAG) between a visible text element's colour
# and the first opaque background behind the root, and which text it is ({ratio, text}).
# None when the root has no visible text.
CONTRAST_JS = """
() => {
  const rgb = (s) => {
    const m = s && s.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(',').map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const out = {};
  for (const id of %s) {
    const root = [...document.querySelectorAll(`[data-testid="${id}"]`)].pop();
    if (!root) { out[id] = null; continue; }
    const bg = lum(background(root));
    let worst = null;
    let what = null;
    for (const t of root.querySelectorAll('text, span, div, p, td, th, label')) {
      const own = [...t.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      const r = t.getBoundingClientRect();
      if (!own || r.width === 0 || r.height === 0) continue;
      const cs = getComputedStyle(t);
      if (cs.visibility === 'hidden' || Number(cs.opacity) === 0) continue;
      const c = rgb(t instanceof SVGElement ? cs.fill : cs.color);
      if (!c || c.a === 0) continue;
      const l = lum(c);
      const ratio = (Math.max(l, bg) + 0.05) / (Math.min(l, bg) + 0.05);
      if (worst === null || ratio < worst) {
        worst = ratio;
        what = `"${t.textContent.trim().slice(0, 40)}" ${t instanceof SVGElement ? cs.fill : cs.color}`;
      }
    }
    out[id] = worst === null ? null : { ratio: worst, text: what };
  }
  return out;
}
""" % json.dumps(list(VIEW_TESTIDS))  # noqa: UP031 - braces of the JS body


def shapes_panel(page: Any) -> dict[str, str]:
    """The graph's shapes panel as ``{name: shape text}`` plus ``"parameters"`` (its sentence)."""
    return page.evaluate(
        """() => {
          const g = [...document.querySelectorAll('[data-testid="rnnviz-graph"]')].pop();
          if (!g) return {};
          const out = {};
          for (const row of g.querySelectorAll('[data-name]')) {
            const value = row.querySelector('.value');
            if (value && !(row.dataset.name in out)) out[row.dataset.name] = value.textContent.trim();
          }
          const p = g.querySelector('[data-testid="n-params"]');
          if (p) out.parameters = p.textContent.trim();
          return out;
        }"""
    )
