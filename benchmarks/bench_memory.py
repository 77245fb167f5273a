"""Kernel memory of the Explorer: what a JupyterHub admin needs to size a class.

Starts a real IPython kernel (ipykernel, as JupyterLab does), then reads the kernel
process's resident memory (VmRSS) and its peak (VmHWM) from /proc after each step:

1. the bare kernel;
2. ``import rnnviz; ex = rnnviz.explore()`` — one Explorer at the default settings;
3. the issue's case: ``units=256, timesteps=200, cell="lstm", batch=64``;
4. the largest settings the controls and ``explore`` accept at once: 3 stacked LSTM
   layers as seq2seq (6 layers run), 256 units, 200 timesteps, batch 64, 64 features,
   with the "cell" overlay (two more full frames for the RNN and GRU curves).

Each setting change is applied the way the views see it (``ex.frame`` forces the
frame). Run: ``python benchmarks/bench_memory.py`` (Linux: needs /proc).
"""

from __future__ import annotations

import os
import pathlib
import sys
import time

from jupyter_client.manager import start_new_kernel

STEPS = [
    ("bare kernel", "pass"),
    ("one Explorer (defaults)", "import rnnviz\nex = rnnviz.explore()\n_ = ex.frame"),
    (
        "units 256, timesteps 200, lstm, batch 64",
        "ex2 = rnnviz.explore(units=256, timesteps=200, cell='lstm', batch=64)\n_ = ex2.frame",
    ),
    (
        "largest: seq2seq, 3 layers, lstm, 256 × 200, batch 64, features 64, cell overlay",
        "ex3 = rnnviz.explore(units=256, timesteps=200, cell='lstm', batch=64, features=64,\n"
        "    layers=3, architecture='seq2seq', decoder_steps=200, overlay='cell')\n_ = ex3.frame",
    ),
]


def _status(pid: int) -> dict[str, float]:
    out = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(rest.split()[0]) / 1024  # MB (MiB)
    return out


def main() -> None:
    repo = str(pathlib.Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": repo}
    km, kc = start_new_kernel(kernel_name="python3", env=env)
    try:
        pid = km.provisioner.process.pid
        kc.execute_interactive(f"import sys; sys.path.insert(0, {repo!r})", timeout=60)
        print(f"{'step':<86} {'RSS MB':>8} {'peak MB':>8} {'seconds':>8}")
        for name, code in STEPS:
            t0 = time.perf_counter()
            reply = kc.execute_interactive(code, timeout=3600)
            if reply["content"]["status"] != "ok":
                sys.exit(f"{name}: {reply['content'].get('evalue')}")
            took = time.perf_counter() - t0
            s = _status(pid)
            print(f"{name:<86} {s['VmRSS']:8.1f} {s['VmHWM']:8.1f} {took:8.1f}")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
