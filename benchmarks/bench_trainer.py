"""The Trainer while it trains: training steps/s, states sent and redraws per second (a script).

Two parts, each measured side by side in one run:

``--kernel`` (no browser): the Trainer in this process trains the demo (RNN and LSTM, the
adding problem over T = 100, 32 units) for ``--seconds`` per round, alternately with the
views of the current weights (heatmap + gradient flow, ``_trainer_views``) on and off;
prints training steps/s of both and their ratio, and what one published state costs
(building the snapshot, serialising the traits).

``--browser``: JupyterLab on 127.0.0.1 in headless Chromium, the same Trainer; Play, then
over ``--seconds`` counts the redraws of the curves — draws that show a newer kernel state
(``data-revision``, read when the draw starts) than every draw before, in all three curve
plots —, the states received, the redraws of the views of the current weights and the draw
times (median, 90th percentile, max) — once at the machine's load and once while another
process burns a core. ``--baseline DIR`` measures another checkout (e.g. main, its JS
built) in the same run, one after the other, each kernel importing rnnviz from its tree.
Target: ≥ 5 redraws of the curves a second.

Usage::

    .venv/bin/python benchmarks/bench_trainer.py --kernel
    .venv/bin/python benchmarks/bench_trainer.py --browser [--seconds 10] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import os
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
    revision: Number(r.dataset.revision ?? 0),
    step: Number(r.dataset.step ?? 0),
    views: views.reduce((s, v) => s + Number(v.dataset.drawn ?? 0), 0),
    t: performance.now(),
  };
}"""
# Every finished draw: its time, its plots' times and the state (revision) it shows.
WATCH_JS = """(root) => {
  const r = [...document.querySelectorAll(root)].pop();
  window.__draws = [];
  window.__watch?.disconnect();
  window.__watch = new MutationObserver(() => {
    window.__draws.push([Number(r.dataset.drawMs), Number(r.dataset.revision),
                         r.dataset.drawParts ?? "", r.dataset.drawModes ?? ""]);
  });
  window.__watch.observe(r, { attributes: true, attributeFilter: ["data-draw-ms"] });
}"""
# The kernel state a draw shows is the revision it read; a draw counts as a redraw when it
# shows a newer state than every draw before it in every curve plot (loss, metric,
# ‖∂L/∂θ‖: one draw draws all three). Draws of an older or the same state do not count, nor
# draws that left a curve plot out (off screen: "name:hidden" in data-draw-modes).
CURVES = ("loss", "metric", "grad-norm")


def window(page, root: str, seconds: float) -> dict:
    page.evaluate(WATCH_JS, root)
    a = page.evaluate(COUNT_JS, root)
    time.sleep(seconds)
    b = page.evaluate(COUNT_JS, root)
    draws = page.evaluate("() => window.__draws")
    newest, redraws, times = a["revision"], 0, []
    parts: dict[str, list[float]] = {}
    for ms, revision, text, modes in draws:
        times.append(ms)
        if any(f"{name}:hidden" in modes.split(",") for name in CURVES):
            continue
        if revision > newest:
            newest, redraws = revision, redraws + 1
        for item in filter(None, text.split(",")):
            name, value = item.split(":")
            parts.setdefault(name, []).append(float(value))
    dt = (b["t"] - a["t"]) / 1e3
    q = statistics.quantiles(times, n=10) if len(times) > 1 else [float("nan")] * 9
    return {
        "redraws/s": redraws / dt,
        "states/s": (b["revision"] - a["revision"]) / dt,
        "steps/s": (b["step"] - a["step"]) / dt,
        "view redraws/s": (b["views"] - a["views"]) / dt,
        "draw ms": (
            statistics.median(times) if times else float("nan"),
            q[8],
            max(times, default=float("nan")),
        ),
        "parts": {k: statistics.median(v) for k, v in parts.items()},
    }


def _measure(p, server, tmp: Path, tree: Path, seconds: float, shot: Path | None) -> dict:
    """Open a notebook whose kernel imports rnnviz from ``tree`` (its Python and its built
    front end), press Play, measure at the machine's load and with a core burnt."""
    import harness
    import pages

    root_sel = '[data-testid="rnnviz-trainer"]'
    name = f"t_{abs(hash(str(tree)))}.ipynb"
    code = (f"import sys\nsys.path.insert(0, {str(tree)!r})\nimport rnnviz\n"
            f"assert rnnviz.__file__.startswith({str(tree)!r}), rnnviz.__file__\n"
            f"tr = {TRAINER}\ntr")  # fmt: skip
    harness.write_notebook(tmp / "root" / name, [code])
    browser_ = harness.launch_browser(p)
    guard = harness.NetworkGuard()
    context = harness.new_context(browser_, guard)
    page = context.new_page()
    page.set_default_timeout(120_000)
    lab = pages.Lab(page, server)
    lab.open(name)
    lab.run_all()
    page.wait_for_selector(f"{root_sel}[data-drawn]", timeout=180_000)
    lab.wait_idle(180_000)
    page.locator(root_sel).last.locator('[data-testid="rnnviz-trainer-play"]').click()
    time.sleep(3.0)  # warm-up: plotly loaded, first steps drawn
    rows = {"machine's load": window(page, root_sel, seconds)}
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(1.0)
        rows["a core burnt"] = window(page, root_sel, seconds)
    finally:
        burner.kill()
        burner.wait()
    if shot is not None:  # mid-run, to look at
        page.locator(root_sel).last.screenshot(path=str(shot))
    page.locator(root_sel).last.locator('[data-testid="rnnviz-trainer-pause"]').click()
    lab.kernel_execute("tr.close()")
    context.close()
    browser_.close()
    assert guard.outside() == [], guard.outside()
    return rows


def browser(seconds: float, baseline: Path | None, shots: Path | None = None) -> None:
    sys.path.insert(0, str(REPO / "tests" / "ui"))
    import harness
    from playwright.sync_api import sync_playwright

    trees = {"this tree": REPO} if baseline is None else {"baseline": baseline, "this tree": REPO}
    results = {}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="rnnviz-bench-trainer-") as tmp:
        tmp = Path(tmp)
        (tmp / "root").mkdir()
        server = harness.start_lab(tmp / "root", tmp / "home")
        try:
            with sync_playwright() as p:
                for name, tree in trees.items():  # one after the other: they share the CPU
                    shot = shots / f"trainer-{name.replace(' ', '-')}.png" if shots else None
                    results[name] = _measure(p, server, tmp, tree, seconds, shot)
        finally:
            server.stop()
    print(f"browser: {TRAINER} in JupyterLab, headless Chromium, {seconds:g} s windows; "
          f"load (1 min) before {load_before:.1f}, after {os.getloadavg()[0]:.1f}")  # fmt: skip
    for name, tree in trees.items():
        print(f"  {name}: {tree}")
    print("| build | load | curve redraws/s | states received/s | training steps/s "
          "| view redraws/s | draw ms median / p90 / max |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---|")
    for name, rows in results.items():
        for load, r in rows.items():
            med, p90, top = r["draw ms"]
            print(f"| {name} | {load} | {r['redraws/s']:.1f} | {r['states/s']:.1f} "
                  f"| {r['steps/s']:.1f} | {r['view redraws/s']:.1f} "
                  f"| {med:.0f} / {p90:.0f} / {top:.0f} |")  # fmt: skip
    for name, rows in results.items():
        for load, r in rows.items():
            print(f"{name}, {load}: median ms per plot: "
                  + ", ".join(f"{k} {v:.0f}" for k, v in r["parts"].items()))  # fmt: skip
    mine = results["this tree"]
    ok = all(r["redraws/s"] >= 5 for r in mine.values())
    print(f"target ≥ 5 curve redraws/s at both loads (this tree): {'met' if ok else 'MISSED'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kernel", action="store_true")
    parser.add_argument("--browser", action="store_true")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another checkout (JS built), measured in the same run")  # fmt: skip
    parser.add_argument("--screenshots", type=Path, default=None,
                        help="a folder for each build's Trainer mid-run")  # fmt: skip
    args = parser.parse_args(argv)
    if not (args.kernel or args.browser):
        args.kernel = args.browser = True
    if args.kernel:
        kernel(args.seconds, args.rounds)
    if args.browser:
        browser(args.seconds, args.baseline, args.screenshots)
    return 0


if __name__ == "__main__":
    sys.exit(main())
