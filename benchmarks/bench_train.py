"""Training steps per second: rnnviz's ``training.fit`` against PyTorch (a script, not a test).

Run::

    .venv/bin/python benchmarks/bench_train.py            # the table (a few minutes)
    .venv/bin/python benchmarks/bench_train.py --quick    # smoke run on a small size
    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_train.py --threads 1
    .venv/bin/python benchmarks/bench_train.py --profile  # + cProfile of the largest case
    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_train.py --threads 1 \
        --cells lstm --sizes 128x100x32                     # one row of the table
    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_train.py --demo  # the demo table

``--demo`` trains ``training.DEMOS["long-memory"]`` (RNN vs LSTM on the adding problem) on
every seed and prints, per run, the steps until the 50-step mean loss falls below 0.05,
the final loss (mean of the last 100 steps) and the time: CPU seconds of this process
(``time.process_time``, what a quiet machine would take) and wall seconds.

One training step on both sides, float64, the same model, task, batch and weights:

* model: a single-layer tanh RNN or LSTM with ``units`` units and a linear output layer
  (1 output); the PyTorch model is ``nn.RNN`` / ``nn.LSTM`` + ``nn.Linear`` (``.double()``),
  rnnviz's is ``from_torch(rnn, head=linear)``. rnnviz's RNN and LSTM have one bias
  (b = b_ih + b_hh, as Keras), so PyTorch's ``bias_hh`` is frozen (see the parity test);
* task: the adding problem with T timesteps, batch 32; each step draws its batch with
  ``task.batch(i)`` on both sides;
* step: forward, mean-squared-error loss on the last output, full BPTT, clip the total
  gradient norm to 1.0, Adam (lr 1e-3). PyTorch: ``zero_grad``, ``loss.backward()``,
  ``clip_grad_norm_``, ``opt.step()``; rnnviz: ``Run.train`` (what ``fit`` runs).

Each round times ``STEPS_PER_ROUND`` steps of rnnviz, then of PyTorch (interleaved, so a
burst of load from other processes hits both); the table gives the median time per step
over the rounds, wall-clock and CPU time of this process (with one BLAS and one torch
thread the CPU time is what a quiet machine would give; on a busy one the wall-clock
ratio drifts). Target: rnnviz-time / torch-time ≤ 1.0.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time

from bench_sim import machine, verdict

SIZES = ((32, 50, 32), (128, 100, 32))  # (units, timesteps, batch)
QUICK_SIZES = ((8, 10, 4),)
CELLS = ("rnn", "lstm")
STEPS_PER_ROUND = 5


def make_case(cell_name: str, units: int, timesteps: int, batch: int, seed: int = 0):
    """(rnnviz_steps(n), torch_steps(n), run, (rnn, head)): n training steps on each side,
    from the same weights on the same batches."""
    import torch

    from rnnviz.sim import from_torch, tasks, training

    task = tasks.make("adding", timesteps=timesteps, batch=batch, seed=seed)
    torch.manual_seed(seed)
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM}[cell_name]
    rnn = module(task.features, units, batch_first=True).double()
    head = torch.nn.Linear(units, task.outputs).double()
    rnn.bias_hh_l0.requires_grad_(False)  # rnnviz's single bias b = b_ih + b_hh
    run = training.Run(from_torch(rnn, head=head), task, optimizer="adam", lr=1e-3, clip_norm=1.0)
    params = [p for p in (*rnn.parameters(), *head.parameters()) if p.requires_grad]
    opt = torch.optim.Adam(params, lr=1e-3)
    mse = torch.nn.functional.mse_loss
    counter = [0]

    def torch_steps(n: int) -> None:
        for _ in range(n):
            x, y = task.batch(counter[0])
            counter[0] += 1
            out, _ = rnn(torch.from_numpy(x))
            loss = mse(head(out[:, -1]), torch.from_numpy(y))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()

    def rnnviz_steps(n: int) -> None:
        run.train(n)

    return rnnviz_steps, torch_steps, run, (rnn, head)


def measure(cell_name: str, units: int, timesteps: int, batch: int, rounds: int) -> dict:
    rnnviz_steps, torch_steps, _, _ = make_case(cell_name, units, timesteps, batch)
    fns = {"rnnviz": rnnviz_steps, "torch": torch_steps}
    for fn in fns.values():
        fn(2)  # warm-up
    times: dict[str, list[float]] = {name: [] for name in fns}
    cpu: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            fn(STEPS_PER_ROUND)
            times[name].append((time.perf_counter() - start) / STEPS_PER_ROUND)
            cpu[name].append((time.process_time() - start_cpu) / STEPS_PER_ROUND)
    row = {"cell": cell_name, "units": units, "timesteps": timesteps, "batch": batch}
    row.update({name: statistics.median(t) for name, t in times.items()})
    row.update({f"{name} cpu": statistics.median(t) for name, t in cpu.items()})
    return row


def report(rows: list[dict]) -> tuple[str, bool]:
    lines = [
        "| cell | units | T | batch | rnnviz ms/step | torch ms/step | rnnviz steps/s "
        "| torch steps/s | ratio rnnviz/torch | CPU-time ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    all_ok = True
    for r in rows:
        ratio = r["rnnviz"] / r["torch"]
        all_ok &= ratio <= 1.0
        lines.append(
            f"| {r['cell']} | {r['units']} | {r['timesteps']} | {r['batch']} "
            f"| {r['rnnviz'] * 1e3:.2f} | {r['torch'] * 1e3:.2f} "
            f"| {1 / r['rnnviz']:.0f} | {1 / r['torch']:.0f} "
            f"| {ratio:.2f} {verdict(ratio <= 1.0)} | {r['rnnviz cpu'] / r['torch cpu']:.2f} |"
        )
    return "\n".join(lines), all_ok


def profile_rnnviz(cell_name: str, units: int, timesteps: int, batch: int) -> str:
    rnnviz_steps, *_ = make_case(cell_name, units, timesteps, batch)
    prof = cProfile.Profile()
    prof.enable()
    rnnviz_steps(10)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(15)
    return out.getvalue()


def run_demo(
    name: str = "long-memory", seeds: tuple[int, ...] | None = None, threshold: float = 0.05
) -> list[dict]:
    """Train the demo on every seed; one row per (seed, cell)."""
    import numpy as np

    from rnnviz.sim import training

    spec = training.DEMOS[name]
    rows = []
    for seed in seeds or spec["seeds"]:
        for cell_name in spec["cells"]:
            cell, task, kwargs = training.demo(name, cell_name, seed)
            wall, cpu = time.perf_counter(), time.process_time()
            cpu_at: list[float] = []

            def record(step, run, cpu_at=cpu_at, cpu=cpu):
                cpu_at.append(time.process_time() - cpu)

            run = training.fit(cell, task, spec["steps"], callback=record, **kwargs)
            wall = time.perf_counter() - wall
            mean50 = np.convolve(run.losses, np.ones(50) / 50, mode="valid")
            below = np.flatnonzero(mean50 < threshold)
            learned = int(below[0]) + 50 if below.size else None
            rows.append({
                "seed": seed, "cell": cell_name, "steps": run.steps,
                "final": float(run.losses[-100:].mean()), "learned": learned,
                "cpu_learned": cpu_at[learned - 1] if learned else None,
                "cpu": cpu_at[-1], "wall": wall,
            })  # fmt: skip
            print(f"  {rows[-1]}", file=sys.stderr)
    return rows


def report_demo(rows: list[dict]) -> str:
    lines = [
        "| seed | cell | steps | final MSE (last 100) | learned at step (50-step mean < 0.05) "
        "| CPU s to learn | CPU s total | wall s total |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        learned = "never" if r["learned"] is None else str(r["learned"])
        cpu_learned = "—" if r["cpu_learned"] is None else f"{r['cpu_learned']:.1f}"
        lines.append(
            f"| {r['seed']} | {r['cell']} | {r['steps']} | {r['final']:.4f} | {learned} "
            f"| {cpu_learned} | {r['cpu']:.1f} | {r['wall']:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one small size, few rounds")
    parser.add_argument("--profile", action="store_true", help="cProfile rnnviz's largest case")
    parser.add_argument("--demo", action="store_true", help="the long-memory demo table")
    parser.add_argument("--rounds", type=int, default=9, help="timed rounds per case (9)")
    parser.add_argument("--cells", default=",".join(CELLS), help="comma-separated (rnn,lstm)")
    parser.add_argument(
        "--sizes", default=None, help="units x T x batch list, e.g. 128x100x32 (the table's)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=2,
        help="torch.set_num_threads (default 2); NumPy's BLAS threads come from the "
        "OPENBLAS_NUM_THREADS environment variable, read when NumPy is imported",
    )
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    print("\n".join(machine()))
    if args.demo:
        print(f"training.DEMOS['long-memory'] (float64, {torch.get_num_threads()} torch threads)")
        print(report_demo(run_demo()))
        return 0
    sizes = QUICK_SIZES if args.quick else SIZES
    if args.sizes:
        sizes = tuple(tuple(int(v) for v in size.split("x")) for size in args.sizes.split(","))
    rounds = 2 if args.quick else args.rounds
    print(
        "float64 in both libraries; adding problem, MSE on the last output, full BPTT, "
        "clip 1.0, Adam lr 1e-3; median of "
        f"{rounds} interleaved rounds of {STEPS_PER_ROUND} steps"
    )
    rows = []
    for units, timesteps, batch in sizes:
        for cell_name in args.cells.split(","):
            r = measure(cell_name, units, timesteps, batch, rounds)
            rows.append(r)
            print(
                f"  measured {cell_name} units={units} T={timesteps}: rnnviz "
                f"{r['rnnviz'] * 1e3:.2f} ms, torch {r['torch'] * 1e3:.2f} ms per step",
                file=sys.stderr,
                flush=True,
            )
    table, ok = report(rows)
    print(table)
    print(f"target: rnnviz/torch ≤ 1.0 everywhere: {verdict(ok)}")
    if args.profile:
        print(profile_rnnviz("lstm", *sizes[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
