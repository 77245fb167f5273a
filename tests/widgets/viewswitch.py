"""Hand a mounted view (``viewpage``) new frames, as a kernel update would: every trait the
view draws, set one after the other on its model. Shared by the redraw browser tests and
``benchmarks/bench_draw.py``."""

from __future__ import annotations

from typing import Any

import viewpage

# Frames as the page's model holds them (buffers back as DataViews at their paths), kept
# in window.__frames.
LOAD_JS = """(frames) => {
  const decode = (payload) => {
    const state = payload.state;
    payload.paths.forEach((path, i) => {
      const bytes = Uint8Array.from(atob(payload.buffers[i]), (c) => c.charCodeAt(0));
      let obj = state;
      for (const key of path.slice(0, -1)) obj = obj[key];
      obj[path[path.length - 1]] = new DataView(bytes.buffer);
    });
    return state;
  };
  window.__frames = frames.map(decode);
}"""

# Hand the first mounted view frame i (every trait it draws); resolves [drawn ms, shown ms]:
# from the first set to the view's "drawn" mark changing, and to the next animation frame
# after that (the browser has styled, laid out and painted the change).
SWITCH_JS = """([i, testid, mark]) => new Promise((resolve) => {
  const root = document.querySelector(`[data-testid="${testid}"]`);
  const before = root.getAttribute(mark);
  const state = window.__frames[i];
  const traits = window.viewState._drawn_traits;
  const t0 = performance.now();
  const obs = new MutationObserver(() => {
    if (root.getAttribute(mark) === before) return;
    obs.disconnect();
    const drawn = performance.now() - t0;
    requestAnimationFrame(() => resolve([drawn, performance.now() - t0]));
  });
  obs.observe(root, { attributes: true, attributeFilter: [mark] });
  for (const k of traits) if (k in state) window.viewModel.set(k, state[k]);
})"""


def load(page: Any, widgets: list) -> None:
    """Put the frames of ``widgets`` (views of one class) in the page, in order."""
    page.evaluate(LOAD_JS, [viewpage.payload(w) for w in widgets])


def switch(page: Any, name: str, i: int) -> tuple[float, float]:
    """Show frame ``i`` in the mounted view ``name`` (a viewpage bundle name); returns the
    ms to drawn and to shown."""
    testid, mark = viewpage.DRAWN[name]
    drawn, shown = page.evaluate(SWITCH_JS, [i, testid, mark])
    return drawn, shown
