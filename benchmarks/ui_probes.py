"""What the browser benchmark installs: JavaScript in the page, Python in the kernel."""

# Timestamps every websocket message the page receives (arrival time and size), so that a
# key press -> drawn interval can be split at the arrival of the update's biggest message.
WS_TIMES_INIT = """
(() => {
  const Orig = window.WebSocket;
  window.__wsTimes = [];
  window.WebSocket = class extends Orig {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const d = e.data;
        const n = typeof d === 'string' ? d.length : (d.byteLength ?? d.size ?? 0);
        window.__wsTimes.push([performance.now(), n]);
      });
    }
  };
})();
"""

# Installs a one-shot timer: t0 at the next keydown, t1 when `match()` first holds after it.
ARM_JS = """
([kind, want, viewsMatchSrc]) => {
  const viewsMatch = new Function(`return (${viewsMatchSrc})`)();
  const match = kind === 'echo'
    ? () => { const e = document.querySelector('[data-testid="echo"]');
              return !!e && e.dataset.value === String(want); }
    : () => viewsMatch(want);
  const st = (window.__bench = { t0: null, t1: null, views: {} });
  window.__wsTimes = [];
  const ids = ['rnnviz-graph', 'rnnviz-heatmap', 'rnnviz-gradients'];
  const one = (id) => {
    const r = [...document.querySelectorAll(`[data-testid="${id}"]`)].pop();
    return !!r && Object.entries(want).every(([k, v]) => {
      const got = r.getAttribute(`data-${k}`);
      return got !== null && Math.abs(Number(got) - Number(v)) < 1e-9 || got === String(v);
    });
  };
  window.addEventListener('keydown', () => { st.t0 = performance.now(); },
                          { capture: true, once: true });
  const obs = new MutationObserver(() => {
    if (st.t0 === null || st.t1 !== null) return;
    if (kind !== 'echo') {
      for (const id of ids) if (!(id in st.views) && one(id)) st.views[id] = performance.now();
    }
    if (!match()) return;
    st.t1 = performance.now();
    obs.disconnect();
  });
  obs.observe(document.body, { subtree: true, attributes: true, childList: true,
                               characterData: true });
}
"""


# After a timed update: ms from the arrival of its biggest websocket message to the state
# being shown, overall and per view (null when no message arrived in between).
SPLIT_JS = """
() => {
  const { t0, t1, views } = window.__bench;
  const inside = window.__wsTimes.filter(([t]) => t >= t0 && t <= t1);
  if (!inside.length) return null;
  const [arrived] = inside.reduce((a, b) => (b[1] > a[1] ? b : a));
  const per = Object.fromEntries(Object.entries(views).map(([id, t]) => [id, t - arrived]));
  return { all: t1 - arrived, ...per };
}
"""


# The floor: a slider whose value a Python observer copies into an HTML widget.
ECHO_CELL = """\
import ipywidgets as W

echo_in = W.IntSlider(0, min=0, max=1000, description="echo in")
echo_out = W.HTML(description="echo out")


def _echo(change):
    echo_out.value = f'<span data-testid="echo" data-value="{change.new}">{change.new}</span>'


echo_in.observe(_echo, "value")
_echo(type("C", (), {"new": 0}))
W.VBox([echo_in, echo_out])
"""


# Wraps the Explorer's flush so that every frame build + show in the kernel is timed.
TIME_FLUSHES = """
import json
import time as _time
_flush_ms = []
_class_flush = type(ex)._flush


def _timed_flush():
    _t0 = _time.perf_counter()
    _class_flush(ex)
    _flush_ms.append((_time.perf_counter() - _t0) * 1000)


ex._flush = _timed_flush
"""


KERNEL_TIMING = """
import json, statistics as _st, time as _time
from ipywidgets.widgets.widget import _remove_buffers
from rnnviz.widgets import explorer as _explorer
from rnnviz.widgets._frame import build_frame as _build_frame
_s = dict(ex.settings)
_b = []
for _ in range({n}):
    _t0 = _time.perf_counter()
    _build_frame(**_s)
    _b.append(_time.perf_counter() - _t0)
_f = []
for _ in range({n}):
    _t0 = _time.perf_counter()
    ex._dirty = True
    type(ex)._flush(ex)
    _f.append(_time.perf_counter() - _t0)
_views = {{
    type(v).__name__: sum(memoryview(b).nbytes for b in _remove_buffers(v.get_state())[2])
    for v in ex.views
}}
print(json.dumps({{"build": _st.median(_b) * 1000, "flush": _st.median(_f) * 1000,
                   "delay": _explorer.FLUSH_DELAY * 1000, "buffers": _views}}))
"""
