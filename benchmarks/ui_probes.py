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


# Wraps the Explorer's two build steps (in its worker thread) so that each is timed: the
# forward pass (graph, heatmap) and the gradient analysis (abandoned ones are not counted).
TIME_BUILDS = """
import json
import time as _time
_build_ms = {"forward": [], "analysis": []}
_sch = ex._scheduler
_plain_forward, _plain_analyse = _sch._build_forward, _sch._analyse


def _timed_forward(settings):
    _t0 = _time.perf_counter()
    out = _plain_forward(settings)
    _build_ms["forward"].append((_time.perf_counter() - _t0) * 1000)
    return out


def _timed_analyse(forward, check):
    _t0 = _time.perf_counter()
    out = _plain_analyse(forward, check)
    _build_ms["analysis"].append((_time.perf_counter() - _t0) * 1000)
    return out


_sch._build_forward, _sch._analyse = _timed_forward, _timed_analyse
"""


KERNEL_TIMING = """
import json, statistics as _st, time as _time
from ipywidgets.widgets.widget import _remove_buffers
from rnnviz.widgets import explorer as _explorer
from rnnviz.frame import analyse as _analyse, build_forward as _build_forward
from rnnviz.frame import compose as _compose
_s = dict(ex.settings)
_t = {{"forward": [], "analysis": [], "show_partial": [], "show_full": []}}
for _ in range({n}):
    _t0 = _time.perf_counter()
    _f = _build_forward(_s)
    _t1 = _time.perf_counter()
    _frame = _compose(_f, _analyse(_f))
    _t2 = _time.perf_counter()
    ex._show_partial(_compose(_f, None))
    _t3 = _time.perf_counter()
    ex._show_full(_frame)
    _t4 = _time.perf_counter()
    for _k, _v in zip(_t, (_t1 - _t0, _t2 - _t1, _t3 - _t2, _t4 - _t3)):
        _t[_k].append(_v)
_views = {{
    type(v).__name__: sum(memoryview(b).nbytes for b in _remove_buffers(v.get_state())[2])
    for v in ex.views
}}
_out = {{k: _st.median(v) * 1000 for k, v in _t.items()}}
_out.update(delay=_explorer.FLUSH_DELAY * 1000, buffers=_views)
print(json.dumps(_out))
"""
