"""JavaScript probes the browser benchmark installs in the JupyterLab page."""

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
