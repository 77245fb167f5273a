"""Browser latency of rnnviz.explore() in headless JupyterLab (Debian Chromium via Playwright).

Measures, in one page of one JupyterLab server on 127.0.0.1:

* slider key press -> the views showing the new state (their ``data-*`` attributes are set
  after drawing), timed inside the page: ``performance.now()`` at the ``keydown`` and in a
  MutationObserver when each view matches. The Explorer sends the forward pass first
  (graph and heatmap: "first views") and the gradient analysis when it is ready ("all
  views");
* the floor: an ipywidgets ``IntSlider`` whose value a Python observer copies into an
  ``HTML`` widget (browser -> kernel -> browser, nothing else), keyboard-driven the same way;
* executing the ``rnnviz.explore()`` cell -> all three views drawn (first run and re-runs);
* websocket bytes per update (``page.on("websocket")`` frame payloads, both directions).

Targets (medians): default size, all views within 2x the echo floor; at (units 256,
timesteps 200) the first views within 150 ms and all views within 250 ms. Prints a table
and writes it to ``docs/benchmarks.md`` under "## Browser".

Usage: ``.venv/bin/python benchmarks/bench_ui.py [--samples 30] [--no-write]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "ui"))

import harness  # noqa: E402
import pages  # noqa: E402
from ui_probes import (  # noqa: E402
    ARM_JS,
    ECHO_CELL,
    KERNEL_TIMING,
    SPLIT_JS,
    TIME_BUILDS,
    WS_TIMES_INIT,
)

#: The weight scale's default and one keyboard step above it (the weight-scale rows).
S0 = pages.DEFAULT_STATE["weight-scale"]
S1 = pages.WEIGHT_UP

DOC = REPO / "docs" / "benchmarks.md"


def quantile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    pos = q * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def time_key(page, counter, slider: str, key: str, kind: str, want) -> dict:
    """One key press on ``slider``: ms to all views showing ``want`` (``all``), to the graph
    and the heatmap showing it (``first``), websocket bytes, and the ms from the arrival of
    the update's biggest websocket message to the state being shown (``draw``)."""
    want_js = {k: str(v) for k, v in want.items()} if kind == "views" else want
    page.evaluate(ARM_JS, [kind, want_js, pages.VIEWS_MATCH_JS])
    counter.reset()
    pages.press_on_slider(page, slider, key)
    page.wait_for_function("() => window.__bench.t1 !== null", timeout=60_000, polling=50)
    t = page.evaluate("() => window.__bench")
    first = [t["views"].get(k) for k in FIRST_VIEWS]
    draw = page.evaluate(SPLIT_JS)
    page.wait_for_timeout(150)  # trailing frames (kernel status idle, echoes) of this update
    return {
        "all": t["t1"] - t["t0"],
        "first": max(first) - t["t0"] if None not in first else None,
        "bytes": counter.sent + counter.received,
        "draw": draw,
    }


FIRST_VIEWS = ("rnnviz-graph", "rnnviz-heatmap")  # drawn from the forward pass


def take_build_times(lab) -> dict[str, list[float]]:
    """The worker's forward / analysis times (ms) recorded since the last call."""
    result = lab.kernel_execute(
        "print(json.dumps(_build_ms)); [v.clear() for v in _build_ms.values()]"
    )
    if result["status"] != "ok":
        return {}
    return json.loads(result["text"].splitlines()[0])


def series(page, counter, n, slider, kind, plan, lab=None) -> dict:
    """Run ``n`` key presses alternating through ``plan`` = [(key, want), ...]."""
    if lab is not None:
        take_build_times(lab)
    alls, firsts, sizes, draws = [], [], [], {}
    for i in range(n):
        key, want = plan[i % len(plan)]
        one = time_key(page, counter, slider, key, kind, want)
        alls.append(one["all"])
        if one["first"] is not None:
            firsts.append(one["first"])
        sizes.append(one["bytes"])
        for part, value in (one["draw"] or {}).items():
            draws.setdefault(part, []).append(value)
    builds = take_build_times(lab) if lab is not None else {}
    return {
        "median": statistics.median(alls),
        "p95": quantile(alls, 0.95),
        "first": statistics.median(firsts) if firsts else None,
        "bytes": statistics.median(sizes),
        "draw": {part: statistics.median(v) for part, v in draws.items()},
        "kernel": {k: statistics.median(v) for k, v in builds.items() if v},
        "n": n,
    }


def kernel_times(lab, n: int = 3) -> dict:
    """Kernel-side medians (ms), each part timed alone: ``forward`` (run + loss gradients),
    ``analysis`` (Jacobian curve, theory, overlays), ``show_partial`` / ``show_full`` (the
    views' traits serialised and sent), the coalescing ``delay``, and each view's binary
    ``buffers`` bytes."""
    result = lab.kernel_execute(KERNEL_TIMING.format(n=n), timeout=300_000)
    if result["status"] != "ok":
        print("kernel timing failed:", result["text"], file=sys.stderr)
        return {}
    return json.loads(result["text"])


def time_explore_cell(lab, runs: int) -> list[float]:
    """Re-run the explore() cell; ms from the command to three freshly drawn views."""
    out = []
    for _ in range(runs):
        ms = lab.page.evaluate(
            """([viewsMatchSrc]) => new Promise((resolve) => {
              document.querySelectorAll('[data-testid^="rnnviz-"]')
                .forEach((e) => e.setAttribute('data-bench-old', ''));
              const ids = ['rnnviz-graph', 'rnnviz-heatmap', 'rnnviz-gradients'];
              const fresh = () => ids.every((id) => document.querySelector(
                `[data-testid="${id}"][data-units]:not([data-bench-old])`));
              const app = window.jupyterapp;
              const nb = app.shell.currentWidget.content;
              nb.activeCellIndex = 0;
              const t0 = performance.now();
              const obs = new MutationObserver(() => {
                if (fresh()) { obs.disconnect(); resolve(performance.now() - t0); }
              });
              obs.observe(document.body, { subtree: true, attributes: true, childList: true });
              app.commands.execute('notebook:run-cell');
            })""",
            [pages.VIEWS_MATCH_JS],
        )
        out.append(ms)
        lab.wait_idle()
    return out


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def run(samples: int, big_samples: int) -> dict:
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="rnnviz-bench-ui-"))
    root = tmp / "root"
    root.mkdir()
    harness.write_notebook(root / "bench.ipynb", [*harness.EXPLORE_CELLS, ECHO_CELL])
    load_before = os.getloadavg()
    server = harness.start_lab(root, tmp / "home")
    try:
        with sync_playwright() as pw:
            browser = harness.launch_browser(pw)
            guard = harness.NetworkGuard()
            context = harness.new_context(browser, guard)
            context.add_init_script(WS_TIMES_INIT)
            page = context.new_page()
            page.set_default_timeout(120_000)
            counter = harness.WsCounter().attach(page)
            lab = pages.Lab(page, server)
            lab.open("bench.ipynb")

            # first run of the notebook: kernel imports, bundles loaded, first frame drawn
            t_first = page.evaluate(
                """() => { window.__t0 = performance.now();
                           window.jupyterapp.commands.execute('notebook:run-all-cells'); }"""
            )
            page.wait_for_selector('[data-testid="echo"]')
            pages.wait_views(page, {"units": 16}, timeout=180_000)
            t_first = page.evaluate("() => performance.now() - window.__t0")
            lab.wait_idle()
            explore_runs = time_explore_cell(lab, max(3, samples // 5))
            page.wait_for_selector('[data-testid="echo"]')
            assert lab.kernel_execute(TIME_BUILDS)["status"] == "ok"

            rows = {}
            rows[ECHO] = series(
                page, counter, samples, "echo in", "echo",
                [("ArrowRight", 1), ("ArrowLeft", 0)],
            )  # fmt: skip
            rows["units 16->17, default (16 units, 20 steps)"] = series(
                page, counter, samples, "units", "views",
                [("ArrowRight", {"units": 17}), ("ArrowLeft", {"units": 16})], lab,
            )  # fmt: skip
            rows[f"weight scale {S0:g}->{S1:g}, default"] = series(
                page, counter, samples, "weight scale", "views",
                [("ArrowRight", {"weight-scale": S1}), ("ArrowLeft", {"weight-scale": S0})], lab,
            )  # fmt: skip
            kernel = {"default": kernel_times(lab)}
            lab.wait_idle()
            result = lab.kernel_execute("ex.units = 256; ex.timesteps = 200")
            assert result["status"] == "ok", result["text"]
            pages.wait_views(page, {"units": 256, "timesteps": 200})
            kernel["256 units, 200 steps"] = kernel_times(lab)
            pages.wait_views(page, {"units": 256, "timesteps": 200})
            lab.wait_idle()
            page.wait_for_timeout(500)
            rows["units 256->255, 200 steps"] = series(
                page, counter, big_samples, "units", "views",
                [("ArrowLeft", {"units": 255}), ("ArrowRight", {"units": 256})], lab,
            )  # fmt: skip
            rows[f"weight scale {S0:g}->{S1:g}, 256 units, 200 steps"] = series(
                page, counter, big_samples, "weight scale", "views",
                [("ArrowRight", {"weight-scale": S1}), ("ArrowLeft", {"weight-scale": S0})], lab,
            )  # fmt: skip
            harness.screenshot(page, "bench-256x200")
            version = browser.version
            context.close()
            browser.close()
    finally:
        server.stop()
    return {
        "rows": rows,
        "kernel": kernel,
        "first_run": t_first,
        "explore_runs": explore_runs,
        "blocked": list(guard.blocked),
        "chromium": version,
        "load": (load_before, os.getloadavg()),
    }


def targets(row_name: str, floor: float) -> list[tuple[str, str, float]]:
    """(label, row key, limit in ms) of every target of a row."""
    if row_name.startswith("echo"):
        return []
    if "200 steps" in row_name:
        return [("first views ≤ 150 ms", "first", 150.0), ("all views ≤ 250 ms", "median", 250.0)]
    return [(f"all views ≤ 2 × floor = {2 * floor:.0f} ms", "median", 2 * floor)]


def verdicts(res: dict) -> dict[str, str]:
    rows = res["rows"]
    floor = rows[ECHO]["median"]
    out = {}
    for name, row in rows.items():
        marks = [
            f"{'PASS' if row[key] is not None and row[key] <= limit else 'MISS'} ({label})"
            for label, key, limit in targets(name, floor)
        ]
        out[name] = "; ".join(marks) or "floor"
    return out


ECHO = "echo floor (IntSlider -> Python -> HTML)"
# which timed row each kernel measurement explains
KERNEL_ROWS = {
    "default": "units 16->17, default (16 units, 20 steps)",
    "256 units, 200 steps": "units 256->255, 200 steps",
}


def draw_cell(draw: dict) -> str:
    """'93 (graph 40, heatmap 85, gradients 93)' from the per-view draw medians."""
    if "all" not in draw:
        return "—"
    views = [(k.removeprefix("rnnviz-"), v) for k, v in draw.items() if k != "all"]
    if not views:
        return f"{draw['all']:.0f}"
    return f"{draw['all']:.0f} (" + ", ".join(f"{k} {v:.0f}" for k, v in views) + ")"


def kernel_cell(kernel: dict) -> str:
    if not kernel:
        return "—"
    return " / ".join(f"{kernel[k]:.0f}" if k in kernel else "—" for k in ("forward", "analysis"))


def table(res: dict) -> str:
    import jupyterlab

    v = verdicts(res)
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    (l1, l5, _), (e1, e5, _) = res["load"]
    lines = [
        "## Browser",
        "",
        f"Measured {now} by `benchmarks/bench_ui.py` on {machine()}; headless Chromium "
        f"{res['chromium']} (Debian) driven by Playwright, JupyterLab {jupyterlab.__version__}, "
        f"server and browser on 127.0.0.1. Load average 1/5 min: {l1:.2f}/{l5:.2f} before, "
        f"{e1:.2f}/{e5:.2f} after (the machine was shared with other work).",
        "",
        "Key press on a slider handle -> the views report the new state (time taken in the "
        "page from `keydown` to a MutationObserver seeing the views' `data-*` attributes, "
        "which they set after drawing). The Explorer sends the forward pass first (graph and "
        "heatmap: **first views**) and the gradient analysis, computed in a worker thread, "
        "when it is ready (**all views**: the gradient plot too). The echo floor is an "
        "ipywidgets slider whose value a Python observer copies into an HTML widget, in the "
        "same page. Kernel: median worker time of the forward pass / the analysis during the "
        "same key presses. Draw: ms from the arrival of the update's biggest websocket message "
        "to the views showing it, all and each view (browser side). Bytes: websocket payloads "
        "in both directions for one update (median).",
        "",
        "| update | samples | first views median ms | all views median ms | all views p95 ms "
        "| kernel forward / analysis ms | draw ms | bytes/update | result |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, row in res["rows"].items():
        first = "—" if row["first"] is None or name == ECHO else f"{row['first']:.0f}"
        lines.append(
            f"| {name} | {row['n']} | {first} | {row['median']:.0f} | {row['p95']:.0f} | "
            f"{kernel_cell(row['kernel'])} | {draw_cell(row['draw'])} | {row['bytes']:,.0f} | "
            f"{v[name]} |"
        )
    runs = res["explore_runs"]
    lines += ["", "Where the time goes (medians; the parts are timed separately):", ""]
    for label, k in res["kernel"].items():
        row = res["rows"][KERNEL_ROWS[label]]
        if not k:
            lines.append(f"- {label}: kernel timing failed (see stderr).")
            continue
        draw = row["draw"].get("all", float("nan"))
        buffers = ", ".join(f"{name} {n:,} B" for name, n in k["buffers"].items())
        lines.append(
            f"- {label}: all views in {row['median']:.0f} ms. Worker thread: forward pass "
            f"{k['forward']:.0f} ms, analysis {k['analysis']:.0f} ms; on the kernel's loop: "
            f"showing the forward pass {k['show_partial']:.0f} ms, the complete frame "
            f"{k['show_full']:.0f} ms; coalescing wait in a burst (`FLUSH_DELAY`) "
            f"{k['delay']:.0f} ms (none for an isolated key press); the browser's drawing "
            f"after the last update arrives {draw:.0f} ms. Binary state per view: {buffers}."
        )
    lines += [
        "",
        f"Executing the `rnnviz.explore()` cell until the three views are drawn: first run in a "
        f"fresh kernel and page {res['first_run']:.0f} ms (imports, bundle loading, first "
        f"frame); re-runs median {statistics.median(runs):.0f} ms, max {max(runs):.0f} ms "
        f"({len(runs)} runs).",
        "",
        f"Requests that tried to leave 127.0.0.1: {len(res['blocked'])}.",
        "",
    ]
    return "\n".join(lines)


def write_section(text: str) -> None:
    """Replace (or append) the "## Browser" section of docs/benchmarks.md."""
    old = DOC.read_text() if DOC.exists() else "# Benchmarks\n\n"
    lines = old.splitlines(keepends=True)
    start = next((i for i, ln in enumerate(lines) if ln.strip() == "## Browser"), None)
    if start is None:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        new = (
            "".join(lines[:start])
            + text
            + ("\n" + "".join(lines[end:]) if end < len(lines) else "")
        )
    DOC.write_text(new.rstrip("\n") + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=30, help="key presses per row")
    parser.add_argument(
        "--big-samples", type=int, default=None, help="key presses per (256, 200) row"
    )
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    # Each row presses right, left, right, ... so the slider must end where it started:
    # an odd count would leave the next row one step off (its first expected state never comes).
    samples = args.samples + args.samples % 2
    big = args.big_samples or samples
    res = run(samples, big + big % 2)
    text = table(res)
    print(text)
    if not args.no_write:
        write_section(text)
        print(f"written to {DOC.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
