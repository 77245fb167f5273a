"""Cost of the always-valid bound ∏‖∂s_s/∂s_{s−1}‖₂ next to the curve it bounds (a script).

Run::

    .venv/bin/python benchmarks/bench_bounds.py            # (16, 20), (64, 100), (256, 200)
    .venv/bin/python benchmarks/bench_bounds.py --quick    # small sizes only
    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_bounds.py --cells lstm \
        --sizes 256x200 --auto --generic                  # the Explorer's bound, before/after

For each cell (tanh, batch 1, features 8) and (units, timesteps) it prints the median time
of the exact curve ``res.jacobian_norms()``, of ``bounds.product_bound(res)`` (method
"svd", the default) and, with ``--auto``, of ``product_bound(res, method="auto")`` (what the
Explorer draws), each on fresh results of the same run, measured interleaved, and the
ratio bound / curve. ``--generic`` also times the bound with every one-step Jacobian
taken the generic way (``Cell.step_jacobian``: the identity pulled back through
``step_vjp``, what every cell used before the closed forms) — before/after side by side.
Times are CPU seconds of this process (``time.process_time``; with
``OPENBLAS_NUM_THREADS=1`` what a quiet machine would take); ``--wall`` for wall-clock.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time

import numpy as np

from rnnviz.sim import Cell, bounds, make_cell


@contextlib.contextmanager
def generic_jacobians(cell):
    """Within the block, ``cell``'s class takes its one-step Jacobians the generic way."""
    klass = type(cell)
    own = klass.__dict__.get("step_jacobian")
    klass.step_jacobian = Cell.step_jacobian
    try:
        yield
    finally:
        if own is None:
            del klass.step_jacobian
        else:
            klass.step_jacobian = own


def _medians(cell, x, repeats, jobs, clock):
    """Median seconds of every job, each on a fresh result (no cached derivatives)."""
    times = {name: [] for name in jobs}
    for r in range(repeats + 1):
        for name, job in jobs.items():
            res = cell.run(x)
            start = clock()
            job(res)
            if r:  # the first round warms up
                times[name].append(clock() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cells", default="rnn,lstm,gru", help="comma-separated (rnn,lstm,gru)")
    parser.add_argument("--sizes", default=None, help="units x T list, e.g. 256x200,64x100")
    parser.add_argument("--auto", action="store_true", help='also method="auto" (the views)')
    parser.add_argument("--generic", action="store_true", help="also the generic Jacobians")
    parser.add_argument("--wall", action="store_true", help="wall-clock instead of CPU time")
    args = parser.parse_args()
    sizes = ((16, 20), (64, 50)) if args.quick else ((16, 20), (64, 100), (256, 200))
    if args.sizes:
        sizes = tuple(tuple(int(v) for v in size.split("x")) for size in args.sizes.split(","))
    clock = time.perf_counter if args.wall else time.process_time
    methods = ("svd", "auto") if args.auto else ("svd",)

    def bound(method, generic=False):
        def job(res):
            with generic_jacobians(res.cell) if generic else contextlib.nullcontext():
                bounds.product_bound(res, method=method)

        return job

    jobs = {"curve": lambda res: res.jacobian_norms()}
    for m in methods:
        jobs[f"bound {m}"] = bound(m)
        if args.generic:
            jobs[f"generic {m}"] = bound(m, generic=True)
    print(f"{'wall' if args.wall else 'CPU'} seconds, median of {args.repeats}")
    head = f"{'cell':5} {'units':>5} {'T':>4} " + " ".join(f"{k:>13}" for k in jobs)
    head += " " + " ".join(f"{'bound ' + m + '/curve':>17}" for m in methods)
    if args.generic:
        head += " " + " ".join(f"{'generic/closed ' + m:>20}" for m in methods)
    print(head)
    for units, T in sizes:
        x = np.random.default_rng(0).standard_normal((1, T, 8))
        for name in args.cells.split(","):
            cell = make_cell(name, units=units, features=8, seed=0)
            t = _medians(cell, x, args.repeats, jobs, clock)
            line = f"{name:5} {units:5d} {T:4d} " + " ".join(f"{v:13.4f}" for v in t.values())
            line += " " + " ".join(f"{t['bound ' + m] / t['curve']:17.2f}" for m in methods)
            if args.generic:
                line += " " + " ".join(
                    f"{t['generic ' + m] / t['bound ' + m]:20.2f}" for m in methods
                )
            print(line, flush=True)


if __name__ == "__main__":
    main()
