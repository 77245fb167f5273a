"""Browser draw time of one view for one new frame, without a kernel: two JS trees side by side.

Each view is mounted alone in headless Chromium (``tests/widgets/viewpage.py``: the real
bundle, the real Python state as ipywidgets delivers it, no server) on frame A; then the
page is handed frame B, A, B, … (every trait the view draws, as one kernel update sets
them) and each switch is timed from the first ``model.set`` to

* **drawn**: the view's own "drawn" mark (the graph's ``data-draws``, a plotly view's
  ``data-drawn``), set at the end of its draw;
* **shown**: the next animation frame after that, i.e. once the browser has styled,
  laid out and painted what the draw changed.

Cases: the unrolled graph and the eigenvalue view at 256 units × 200 timesteps for a
weight-scale step (0.5 ↔ 0.55: same geometry, new values) and a units step (256 ↔ 255:
new geometry). The trees' bundles (``rnnviz/static`` of each ``--tree``) are measured in
alternating rounds on one page context, so that the machine's load falls on both alike.

Usage: ``python benchmarks/bench_draw.py --tree /path/to/base --tree . [--rounds 6]
[--switches 6] [--only eigen]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests" / "ui"), str(REPO / "tests" / "widgets")]

import harness  # noqa: E402
import viewpage  # noqa: E402
import viewswitch  # noqa: E402

from rnnviz.widgets.eigen import EigenView  # noqa: E402
from rnnviz.widgets.graph import UnrolledGraph  # noqa: E402

SIZE = {"units": 256, "timesteps": 200}
SCALE = ({"weight_scale": 0.5}, {"weight_scale": 0.55})
UNITS = ({}, {"units": 255})
CASES = {
    "graph, weight scale 0.5 ↔ 0.55": ("graph", UnrolledGraph, *SCALE),
    "graph, units 256 ↔ 255": ("graph", UnrolledGraph, *UNITS),
    "eigen, weight scale 0.5 ↔ 0.55": ("eigen", EigenView, *SCALE),
    "eigen, units 256 ↔ 255": ("eigen", EigenView, *UNITS),
}


class TreePages(viewpage.ViewPages):
    """ViewPages whose bundles come from one tree's rnnviz/static."""

    def __init__(self, browser, static: Path, width: int = 1280, height: int = 900) -> None:
        super().__init__(browser, width, height)
        self._static = static

    def _source(self, name: str) -> str:
        if name not in self._sources:
            self._sources[name] = (self._static / f"{name}.js").read_text()
        return self._sources[name]


def measure(pages: TreePages, case: tuple, switches: int) -> list[tuple[float, float]]:
    name, cls, a, b = case
    views = [cls.from_settings(**{**SIZE, **a}), cls.from_settings(**{**SIZE, **b})]
    page = pages.mount({name: views[0]}, 1256)
    viewswitch.load(page, views)
    viewswitch.switch(page, name, 1)  # warm-up: both frames drawn once
    viewswitch.switch(page, name, 0)
    return [viewswitch.switch(page, name, (k + 1) % 2) for k in range(switches)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", type=Path, help="a checkout with a built bundle")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--switches", type=int, default=6, help="frame switches per round")
    parser.add_argument("--only", default="", help="only the cases whose name contains this")
    args = parser.parse_args()
    cases = {label: case for label, case in CASES.items() if args.only in label}
    trees = args.tree or [REPO]
    from playwright.sync_api import sync_playwright

    times: dict[tuple[str, Path], list] = {}
    load = os.getloadavg()
    with sync_playwright() as pw:
        browser = harness.launch_browser(pw)
        for _ in range(args.rounds):
            for tree in trees:
                pages = TreePages(browser, tree.resolve() / "rnnviz" / "static")
                try:
                    for label, case in cases.items():
                        times.setdefault((label, tree), []).extend(
                            measure(pages, case, args.switches)
                        )
                    assert pages.errors == [], pages.errors
                finally:
                    pages.context.close()
        version = browser.version
        browser.close()
    print(
        f"Chromium {version}; load average before {load[0]:.2f}, after {os.getloadavg()[0]:.2f}; "
        f"{args.rounds} rounds × {args.switches} switches per tree and case; medians in ms "
        "(drawn / shown)."
    )
    print()
    print("| case | " + " | ".join(str(t) for t in trees) + " |")
    print("|---|" + "---:|" * len(trees))
    for label in cases:
        cells = []
        for tree in trees:
            drawn, shown = zip(*times[(label, tree)], strict=True)
            cells.append(f"{statistics.median(drawn):.1f} / {statistics.median(shown):.1f}")
        print(f"| {label} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
