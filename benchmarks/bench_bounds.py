"""Cost of the always-valid bound ∏‖∂s_s/∂s_{s−1}‖₂ next to the curve it bounds (a script).

Run::

    .venv/bin/python benchmarks/bench_bounds.py            # (16, 20), (64, 100), (256, 200)
    .venv/bin/python benchmarks/bench_bounds.py --quick    # small sizes only

For each cell (tanh, batch 1, features 8) and (units, timesteps) it prints the median time
of the exact curve ``res.jacobian_norms()`` and of ``bounds.product_bound(res)`` on fresh
results of the same run, measured interleaved, and their ratio bound / curve.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from rnnviz.sim import bounds, make_cell


def _median_pair(cell, x, repeats):
    """Median seconds of (curve, bound), each on a fresh result (no cached derivatives)."""
    times = {"curve": [], "bound": []}
    for r in range(repeats + 1):
        for name in ("curve", "bound"):
            res = cell.run(x)
            start = time.perf_counter()
            if name == "curve":
                res.jacobian_norms()
            else:
                bounds.product_bound(res)
            if r:  # the first round warms up
                times[name].append(time.perf_counter() - start)
    return statistics.median(times["curve"]), statistics.median(times["bound"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sizes = ((16, 20), (64, 50)) if args.quick else ((16, 20), (64, 100), (256, 200))
    print(f"{'cell':5} {'units':>5} {'T':>4} {'curve s':>9} {'bound s':>9} {'bound/curve':>11}")
    for units, T in sizes:
        x = np.random.default_rng(0).standard_normal((1, T, 8))
        for name in ("rnn", "lstm", "gru"):
            cell = make_cell(name, units=units, features=8, seed=0)
            curve, bound = _median_pair(cell, x, args.repeats)
            print(f"{name:5} {units:5d} {T:4d} {curve:9.4f} {bound:9.4f} {bound / curve:11.2f}")


if __name__ == "__main__":
    main()
