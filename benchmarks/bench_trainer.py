"""The Trainer while it trains: training steps/s, states sent and redraws per second (a script).

Two parts, each measured side by side in one run:

``--kernel`` (no browser): the Trainer in this process trains the demo (RNN and LSTM, the
adding problem over T = 100, 32 units) for ``--seconds`` per round, alternately with the
views of the current weights (heatmap + gradient flow, ``_trainer_views``) on and off;
prints training steps/s of both and their ratio, and what one published state costs
(building the snapshot, serialising the traits).

``--browser``: JupyterLab on 127.0.0.1 in headless Chromium, the same Trainer; Play, then
over ``--seconds`` counts the redraws of the curves (the view's ``data-drawn``), the states
received (``data-revision`` changes), the redraws of the views of the current weights and
the mean draw time — once on the machine as it is ("light load") and once while another
process burns a core ("loaded"). Target: ≥ 5 redraws of the curves a second.

Usage::

    .venv/bin/python benchmarks/bench_trainer.py --kernel
    .venv/bin/python benchmarks/bench_trainer.py --browser [--seconds 10]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TRAINER = "rnnviz.train(demo='long-memory', max_steps=10**6)"


# ----------------------------------------------------------------------------- kernel
def kernel(seconds: float, rounds: int) -> None:
    import rnnviz

    def one(views_on: bool) -> tuple[float, dict]:
        tr = eval(TRAINER, {"rnnviz": rnnviz})  # a fixed expression
        if not views_on:
            tr._views.poke = lambda: None  # the views never run
            tr._views.maybe_refresh = lambda: False
        costs = {"snapshot": [], "deliver": []}
        snap, deliver = tr._snapshot, tr._deliver

        def timed_snapshot():
            t = time.perf_counter()
            out = snap()
            costs["snapshot"].append(time.perf_counter() - t)
            return out

        def timed_deliver(*a):
            t = time.perf_counter()
            out = deliver(*a)
            costs["deliver"].append(time.perf_counter() - t)
            return out

        tr._snapshot, tr._deliver = timed_snapshot, timed_deliver
        tr.play()
        time.sleep(1.0)  # warm-up
        start, steps0 = time.perf_counter(), sum(r.steps for r in tr.runs.values())
        cpu0 = time.process_time()
        analyses0 = tr._views.analyses
        time.sleep(seconds)
        steps = sum(r.steps for r in tr.runs.values()) - steps0
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu0
        analyses = tr._views.analyses - analyses0
        tr.close()
        extra = {
            "steps/cpu s": steps / cpu,
            "analyses/s": analyses / elapsed,
            "analysis ms": 1e3 * tr._views.seconds / max(tr._views.analyses, 1),
            "snapshot ms": 1e3 * statistics.median(costs["snapshot"] or [0]),
            "deliver ms": 1e3 * statistics.median(costs["deliver"] or [0]),
        }
        return steps / elapsed, extra

    with_views, without = [], []
    for _ in range(rounds):
        without.append(one(False))
        with_views.append(one(True))

    def med(rows, key=None):
        return statistics.median(s if key is None else e[key] for s, e in rows)

    a, b = med(with_views), med(without)
    ac, bc = med(with_views, "steps/cpu s"), med(without, "steps/cpu s")
    print(f"kernel: {TRAINER}, {rounds} interleaved rounds of {seconds:g} s (median); "
          "steps per CPU second of this process are what a quiet machine would give")  # fmt: skip
    print("| views of the current weights | steps/s (both runs) | steps per CPU s "
          "| analyses/s | analysis ms | snapshot ms | deliver ms |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, rows, rate, per_cpu in (("off", without, b, bc), ("on", with_views, a, ac)):
        print(f"| {name} | {rate:.1f} | {per_cpu:.1f} | {med(rows, 'analyses/s'):.2f} "
              f"| {med(rows, 'analysis ms'):.0f} | {med(rows, 'snapshot ms'):.2f} "
              f"| {med(rows, 'deliver ms'):.2f} |")  # fmt: skip
    print(f"with views / without: steps/s {a / b:.2f}, steps per CPU s {ac / bc:.2f}")


# ----------------------------------------------------------------------------- browser
COUNT_JS = """(root) => {
  const r = [...document.querySelectorAll(root)].pop();
  const views = [...r.querySelectorAll(
    '[data-testid="rnnviz-heatmap"],[data-testid="rnnviz-gradients"]')];
  return {
    drawn: Number(r.dataset.drawn ?? 0),
    revision: Number(r.dataset.revision ?? 0),
    step: Number(r.dataset.step ?? 0),
    views: views.reduce((s, v) => s + Number(v.dataset.drawn ?? 0), 0),
    ms: Number(r.dataset.drawMs ?? 0),
    t: performance.now(),
  };
}"""
WATCH_JS = """(root) => {
  const r = [...document.querySelectorAll(root)].pop();
  window.__drawMs = [];
  window.__parts = [];
  new MutationObserver(() => {
    window.__drawMs.push(Number(r.dataset.drawMs));
    window.__parts.push(r.dataset.drawParts ?? "");
  })
    .observe(r, { attributes: true, attributeFilter: ["data-draw-ms"] });
}"""


def window(page, root: str, seconds: float) -> dict:
    page.evaluate("() => { window.__drawMs = []; }")
    page.evaluate(WATCH_JS, root)
    a = page.evaluate(COUNT_JS, root)
    time.sleep(seconds)
    b = page.evaluate(COUNT_JS, root)
    draw_ms = page.evaluate("() => window.__drawMs")
    parts: dict[str, list[float]] = {}
    for text in page.evaluate("() => window.__parts"):
        for item in filter(None, text.split(",")):
            name, ms = item.split(":")
            parts.setdefault(name, []).append(float(ms))
    dt = (b["t"] - a["t"]) / 1e3
    return {
        "redraws/s": (b["drawn"] - a["drawn"]) / dt,
        "revisions": b["revision"] - a["revision"],
        "steps/s": (b["step"] - a["step"]) / dt,
        "view redraws/s": (b["views"] - a["views"]) / dt,
        "draw ms": statistics.median(draw_ms) if draw_ms else float("nan"),
        "parts": {k: statistics.median(v) for k, v in parts.items()},
        "dt": dt,
    }


def browser(seconds: float) -> None:
    sys.path.insert(0, str(REPO / "tests" / "ui"))
    import harness
    import pages
    from playwright.sync_api import sync_playwright

    root_sel = '[data-testid="rnnviz-trainer"]'
    with tempfile.TemporaryDirectory(prefix="rnnviz-bench-trainer-") as tmp:
        tmp = Path(tmp)
        (tmp / "root").mkdir()
        harness.write_notebook(tmp / "root" / "t.ipynb", [f"import rnnviz\ntr = {TRAINER}\ntr"])
        server = harness.start_lab(tmp / "root", tmp / "home")
        try:
            with sync_playwright() as p:
                browser_ = harness.launch_browser(p)
                guard = harness.NetworkGuard()
                context = harness.new_context(browser_, guard)
                page = context.new_page()
                page.set_default_timeout(120_000)
                lab = pages.Lab(page, server)
                lab.open("t.ipynb")
                lab.run_all()
                page.wait_for_selector(f"{root_sel}[data-drawn]", timeout=180_000)
                lab.wait_idle(180_000)
                page.locator(root_sel).last.locator('[data-testid="rnnviz-trainer-play"]').click()
                time.sleep(3.0)  # warm-up: plotly loaded, first steps drawn
                rows = {"light load": window(page, root_sel, seconds)}
                burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
                try:
                    time.sleep(1.0)
                    rows["loaded (a core burnt)"] = window(page, root_sel, seconds)
                finally:
                    burner.kill()
                    burner.wait()
                page.locator(root_sel).last.locator('[data-testid="rnnviz-trainer-pause"]').click()
                lab.kernel_execute("tr.close()")
                context.close()
                browser_.close()
                assert guard.outside() == [], guard.outside()
        finally:
            server.stop()
    print(f"browser: {TRAINER} in JupyterLab, headless Chromium, {seconds:g} s windows")
    print("| load | curve redraws/s | states received/s | training steps/s "
          "| view redraws/s (heatmap+gradients, all runs) | median draw ms |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in rows.items():
        states = r["revisions"] / r["dt"]
        print(f"| {name} | {r['redraws/s']:.1f} | {states:.1f} | {r['steps/s']:.1f} "
              f"| {r['view redraws/s']:.1f} | {r['draw ms']:.0f} |")  # fmt: skip
    for name, r in rows.items():
        print(
            f"{name}: median ms per plot: "
            + ", ".join(f"{k} {v:.0f}" for k, v in r["parts"].items())
        )
    ok = all(r["redraws/s"] >= 5 for r in rows.values())
    print(f"target ≥ 5 curve redraws/s at both loads: {'met' if ok else 'MISSED'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kernel", action="store_true")
    parser.add_argument("--browser", action="store_true")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if not (args.kernel or args.browser):
        args.kernel = args.browser = True
    if args.kernel:
        kernel(args.seconds, args.rounds)
    if args.browser:
        browser(args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
