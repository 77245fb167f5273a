"""rnnviz's NumPy simulator against PyTorch on the same work (a script, not a test).

Run::

    .venv/bin/python benchmarks/bench_sim.py           # full table (about a minute)
    .venv/bin/python benchmarks/bench_sim.py --quick   # smoke run on small sizes
    .venv/bin/python benchmarks/bench_sim.py --profile # + cProfile of rnnviz's slowest case

Work measured for a tanh SimpleRNN, batch 1, features 8, float64 in both libraries (the
simulator computes in float64; the torch module is ``.double()``), at (units, timesteps):

(a) forward   all states h_1 … h_T.
              rnnviz ``cell.run(x).states``; torch ``nn.RNN`` under ``no_grad``.
(b) dh norms  ‖∂L/∂h_t‖₂ for t = 0 … T with L = ½‖h_T‖², forward included.
              rnnviz ``cell.run(x).loss_gradients().dh_norms``; torch: the faster of
              autograd (``retain_grad`` on every h_t of an ``nn.RNNCell`` loop) and an
              explicit backward loop dh_{t-1} = (dh_t ⊙ (1 − h_t²)) W_hh after ``nn.RNN``.
(c) J curve   the exact ‖∂h_T/∂h_t‖₂ for t = 0 … T, from already computed states.
              rnnviz ``res.jacobian_norms()`` on a fresh result; torch: the same chain
              M_{t-1} = M_t diag(1 − h_t²) W_hh and one batched
              ``torch.linalg.matrix_norm(M, ord=2)`` over all M_t.
chain         the bare chain in NumPy (the products M_t only, no norms): the floor for (c).

Each time is the median of repeats after one warm-up (``time.perf_counter``); the
functions compared in one column run interleaved, round after round. Targets:
rnnviz/torch < 1.0 for (a), (b), (c) at every size; curve/chain < 2.0 at the largest size.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

SIZES = ((16, 30), (64, 100), (256, 200))
QUICK_SIZES = ((8, 10), (16, 30))
FEATURES = 8


def median_seconds(fns: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median wall time of each ``fns[name]()`` over ``repeats`` rounds, after one warm-up
    call each. The functions run interleaved (a, b, c, a, b, c, …) so that a burst of load
    from other processes on a shared machine hits all of them alike."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def repeats_for(units: int, timesteps: int, quick: bool) -> int:
    """Fewer repeats for the big case so the whole table takes about a minute."""
    if quick:
        return 3
    return 7 if units * units * timesteps > 5_000_000 else 25


# ----------------------------------------------------------------------------- set-up
def make_case(units: int, timesteps: int, seed: int = 0):
    """A tanh SimpleRNN (orthogonal W_hh, weight scale 1), the same torch nn.RNN, and x."""
    from rnnviz.sim import SimpleRNN

    cell = SimpleRNN(units=units, features=FEATURES, activation="tanh", seed=seed)
    rng = np.random.default_rng(seed)
    bias = rng.normal(0.0, 0.1, units)
    cell = cell.with_weights(kernel=cell.kernel, recurrent_kernel=cell.recurrent_kernel, bias=bias)
    x = rng.normal(0.0, 1.0, (1, timesteps, FEATURES))
    return cell, torch_rnn_from_cell(cell), x


def torch_rnn_from_cell(cell):
    """A float64 ``nn.RNN`` (batch_first) with the weights of an rnnviz SimpleRNN.

    Keras layout → torch: weight_ih = W_xhᵀ (units, features), weight_hh = W_hhᵀ, and the
    bias b_h goes to bias_ih with bias_hh = 0 (torch only ever uses their sum).
    """
    import torch

    module = torch.nn.RNN(
        cell.features, cell.units, nonlinearity=cell.activation, batch_first=True
    ).double()
    with torch.no_grad():
        module.weight_ih_l0.copy_(torch.from_numpy(np.array(cell.W_xh.T)))
        module.weight_hh_l0.copy_(torch.from_numpy(np.array(cell.W_hh.T)))
        module.bias_ih_l0.copy_(torch.from_numpy(np.array(cell.b_h, dtype=np.float64)))
        module.bias_hh_l0.zero_()
    return module


# ----------------------------------------------------------------------------- torch side
def torch_forward(module, x_t):
    """(a) h_1 … h_T, shape (batch, timesteps, units)."""
    import torch

    with torch.no_grad():
        return module(x_t)[0]


def torch_dh_norms_autograd(module, x_t):
    """(b) ‖∂L/∂h_t‖₂, t = 0 … T, by autograd with ``retain_grad`` on every h_t."""
    import torch

    cell = torch.nn.RNNCell(module.input_size, module.hidden_size, nonlinearity="tanh").double()
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(getattr(module, name + "_l0"))
    h = torch.zeros(x_t.shape[0], module.hidden_size, dtype=torch.float64, requires_grad=True)
    hs = [h]
    for t in range(x_t.shape[1]):
        h = cell(x_t[:, t], h)
        h.retain_grad()
        hs.append(h)
    loss = 0.5 * (h * h).sum()
    loss.backward()
    return torch.stack([s.grad.norm(dim=-1) for s in hs], dim=1)


def torch_dh_norms_loop(module, x_t):
    """(b) the same norms by an explicit backward loop after the fused forward.

    dh_T = h_T (L = ½‖h_T‖²); dh_{t-1} = (dh_t ⊙ (1 − h_t²)) W_hh  (torch layout).
    """
    import torch

    with torch.no_grad():
        states = module(x_t)[0]
        w_hh = module.weight_hh_l0
        dh = states[:, -1]
        norms = [dh.norm(dim=-1)]
        for t in range(x_t.shape[1] - 1, -1, -1):
            dh = (dh * (1 - states[:, t] ** 2)) @ w_hh
            norms.append(dh.norm(dim=-1))
        return torch.stack(norms[::-1], dim=1)


def torch_jacobian_curve(w_hh, states_t):
    """(c) ‖∂h_T/∂h_t‖₂ for t = 0 … T of one sequence: states_t (T, units) = h_1 … h_T.

    M_T = I; M_{t-1} = M_t diag(1 − h_t²) W_hh; norms by one batched matrix_norm(ord=2).
    """
    import torch

    with torch.no_grad():
        timesteps, units = states_t.shape
        chain = torch.empty(timesteps + 1, units, units, dtype=torch.float64)
        m = torch.eye(units, dtype=torch.float64)
        chain[timesteps] = m
        for t in range(timesteps - 1, -1, -1):
            m = (m * (1 - states_t[t] ** 2)) @ w_hh
            chain[t] = m
        return torch.linalg.matrix_norm(chain, ord=2)


# ----------------------------------------------------------------------------- NumPy chain
def numpy_chain(W_hh: np.ndarray, dact: np.ndarray) -> np.ndarray:
    """The bare Jacobian chain, no norms: returns M_0 = ∂h_T/∂h_0 (units, units).

    Keras layout h_t = f(x_t W_xh + h_{t-1} W_hh + b), so ∂h_t/∂h_{t-1} = diag(f'_t) W_hhᵀ
    and M_{t-1} = M_t diag(f'_t) W_hhᵀ, from M_T = I. ``dact`` (T, units) holds f'_t.
    """
    W_hh_T = np.ascontiguousarray(W_hh.T)
    m = np.eye(W_hh.shape[0])
    for t in range(dact.shape[0] - 1, -1, -1):
        m = (m * dact[t]) @ W_hh_T
    return m


def numpy_chain_norms(W_hh: np.ndarray, dact: np.ndarray) -> np.ndarray:
    """The chain with every ‖M_t‖₂ (full SVD): a slow, obviously right reference curve."""
    W_hh_T = np.ascontiguousarray(W_hh.T)
    m = np.eye(W_hh.shape[0])
    norms = np.empty(dact.shape[0] + 1)
    norms[-1] = 1.0
    for t in range(dact.shape[0] - 1, -1, -1):
        m = (m * dact[t]) @ W_hh_T
        norms[t] = np.linalg.norm(m, 2)
    return norms


# ----------------------------------------------------------------------------- measuring
def measure(units: int, timesteps: int, quick: bool) -> dict[str, float | str]:
    """All timings of one size, in seconds."""
    import torch

    cell, module, x = make_case(units, timesteps)
    x_t = torch.from_numpy(x)
    reps = repeats_for(units, timesteps, quick)
    row: dict[str, float | str] = {"units": units, "timesteps": timesteps}

    row.update(
        median_seconds(
            {
                "a_rnnviz": lambda: cell.run(x).states,
                "a_torch": lambda: torch_forward(module, x_t),
            },
            reps,
        )
    )

    b = median_seconds(
        {
            "b_rnnviz": lambda: cell.run(x).loss_gradients().dh_norms,
            "autograd": lambda: torch_dh_norms_autograd(module, x_t),
            "loop": lambda: torch_dh_norms_loop(module, x_t),
        },
        reps,
    )
    row["b_rnnviz"] = b["b_rnnviz"]
    row["b_torch_how"] = "autograd" if b["autograd"] <= b["loop"] else "loop"
    row["b_torch"] = b[row["b_torch_how"]]

    # (c) on fresh results (analyses are cached on a result), states computed beforehand.
    fresh = iter([cell.run(x) for _ in range(reps + 1)])
    first = cell.run(x)
    states_t = torch_forward(module, x_t)[0]
    w_hh = module.weight_hh_l0.detach()
    dact = 1.0 - first.states[0] ** 2
    row.update(
        median_seconds(
            {
                "c_rnnviz": lambda: next(fresh).jacobian_norms(),
                "c_torch": lambda: torch_jacobian_curve(w_hh, states_t),
                "chain": lambda: numpy_chain(cell.W_hh, dact),
            },
            reps,
        )
    )
    return row


def machine() -> list[str]:
    """Lines describing where the numbers were measured."""
    import torch

    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        blas_info = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{blas_info.get('name')} {blas_info.get('version')}"
    except Exception:  # numpy < 1.25 has no mode="dicts"
        blas = "unknown"
    try:
        from threadpoolctl import threadpool_info

        blas += " — " + ", ".join(
            f"{i['internal_api']} {i['num_threads']} threads" for i in threadpool_info()
        )
    except ImportError:
        pass
    blas_threads = os.environ.get("OPENBLAS_NUM_THREADS", "default (all CPUs)")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        commit = subprocess.run(
            ["git", "-C", root, "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", root, "status", "--porcelain", "--", "rnnviz/sim"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        commit += " + uncommitted rnnviz/sim changes" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return [
        f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; "
        f"rnnviz at {commit}",
        f"machine: {os.cpu_count()} CPUs (nproc), {cpu}; load average {load}",
        f"python {platform.python_version()}, numpy {np.__version__} ({blas}; "
        f"OPENBLAS_NUM_THREADS={blas_threads}), torch {torch.__version__} "
        f"({torch.get_num_threads()} threads)",
    ]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(rows: list[dict]) -> tuple[str, bool]:
    """The markdown table and whether every target was met."""
    ms = 1e3
    lines = [
        "| units | T | (a) forward rnnviz / torch ms | ratio | (b) ‖∂L/∂h_t‖ rnnviz / torch ms "
        "| ratio | (c) J curve rnnviz / torch ms | ratio | chain ms | curve/chain |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    all_ok = True
    for i, r in enumerate(rows):
        ratios = {k: r[f"{k}_rnnviz"] / r[f"{k}_torch"] for k in "abc"}
        curve_chain = r["c_rnnviz"] / r["chain"]
        last = i == len(rows) - 1
        ok = all(v < 1.0 for v in ratios.values()) and (not last or curve_chain < 2.0)
        all_ok &= ok
        cells = [str(r["units"]), str(r["timesteps"])]
        for k in "abc":
            how = f" ({r['b_torch_how']})" if k == "b" else ""
            cells.append(f"{r[f'{k}_rnnviz'] * ms:.3f} / {r[f'{k}_torch'] * ms:.3f}{how}")
            cells.append(f"{ratios[k]:.2f} {verdict(ratios[k] < 1.0)}")
        cells.append(f"{r['chain'] * ms:.3f}")
        cells.append(f"{curve_chain:.2f}" + (f" {verdict(curve_chain < 2.0)}" if last else ""))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines), all_ok


def profile_rnnviz(units: int, timesteps: int) -> str:
    """cProfile of rnnviz's three measured calls at one size (top 15 by cumulative time)."""
    cell, _, x = make_case(units, timesteps)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(3):
        _ = cell.run(x).states
        _ = cell.run(x).loss_gradients().dh_norms
        _ = cell.run(x).jacobian_norms()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(15)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    parser.add_argument("--profile", action="store_true", help="cProfile rnnviz's largest case")
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
    sizes = QUICK_SIZES if args.quick else SIZES
    print("\n".join(machine()))
    print("float64 in both libraries; tanh SimpleRNN, batch 1, features", FEATURES)
    rows = []
    for units, timesteps in sizes:
        rows.append(measure(units, timesteps, args.quick))
        print(f"  measured units={units} timesteps={timesteps}", file=sys.stderr)
    table, ok = report(rows)
    print(table)
    print(
        f"targets: rnnviz/torch < 1.0 everywhere, curve/chain < 2.0 at the largest: {verdict(ok)}"
    )
    if hasattr(os, "getloadavg"):  # a shared machine: how busy it was by the end
        print("load average at the end: " + ", ".join(f"{v:.1f}" for v in os.getloadavg()))
    if args.profile:
        print(profile_rnnviz(*sizes[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
