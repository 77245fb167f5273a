"""Memory and size: impossible sizes are refused with an rnnviz error, never NumPy's
MemoryError, and the Explorer's frames analyse only the sample they show.

Each guard runs in a subprocess with its address space limited (``RLIMIT_AS``), as on a
JupyterHub with a per-user memory limit: without the guard the call either dies with
``MemoryError: Unable to allocate …`` or, at the largest Explorer settings, runs out of
its memory allowance.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from rnnviz.sim import LSTM, SimpleRNN, _validate, inputs

resource = pytest.importorskip("resource")

REPO = pathlib.Path(__file__).resolve().parent.parent

_PRELUDE = """
import json, resource, sys
import numpy as np

def vm_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize")

def limit_to(extra):
    # the address space the process has now (libraries, BLAS buffers) plus `extra` bytes
    soft = vm_bytes() + extra
    resource.setrlimit(resource.RLIMIT_AS, (soft, resource.getrlimit(resource.RLIMIT_AS)[1]))
"""


def _run(body: str) -> dict:
    code = textwrap.dedent(_PRELUDE) + textwrap.dedent(body)
    env = {**os.environ, "PYTHONPATH": str(REPO), "OPENBLAS_NUM_THREADS": "1"}
    env.pop(_validate.MEMORY_BUDGET_ENV, None)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


_CASES = {
    "SimpleRNN(units=10**6)": "from rnnviz.sim import SimpleRNN; SimpleRNN(units=10**6)",
    "LSTM(units=10**5)": "from rnnviz.sim import LSTM; LSTM(units=10**5)",
    "inputs.make noise 10**9": (
        "from rnnviz.sim import inputs; inputs.make('noise', timesteps=10**9, features=3)"
    ),
    "run() with 10**6 steps": (
        "from rnnviz.sim import LSTM; LSTM(units=256, features=3).run(np.zeros((10**6, 3)))"
    ),
    "jacobian_norms of a big batch": (
        "from rnnviz.sim import LSTM; "
        "LSTM(units=256, features=3).run(np.zeros((4096, 2, 3))).jacobian_norms()"
    ),
}

_EXPECTED = {
    "SimpleRNN(units=10**6)": r"SimpleRNN\(units=1000000, features=3\) would need about [\d.]+ TiB",
    "LSTM(units=10**5)": r"LSTM\(units=100000, features=3\) would need about [\d.]+ GiB",
    "inputs.make noise 10**9": (
        r"inputs\.make\('noise', timesteps=1000000000, features=3, batch=1\) would need about "
        r"[\d.]+ GiB"
    ),
    "run() with 10**6 steps": (
        r"run\(\) on x of shape \(1, 1000000, 3\) \(batch=1, timesteps=1000000\) with "
        r"units=256 would need about [\d.]+ GiB"
    ),
    "jacobian_norms of a big batch": (
        r"jacobian_norms\(wrt='state'\) for batch=4096 sequences of units=256 .* would need "
        r"about [\d.]+ GiB"
    ),
}


@pytest.mark.parametrize("case", list(_CASES))
def test_impossible_sizes_raise_an_rnnviz_error_under_a_memory_limit(case):
    result = _run(
        f"""
        import rnnviz.sim
        limit_to(512 * 1024**2)
        try:
            {_CASES[case]}
            outcome = {{"error": None}}
        except BaseException as err:
            outcome = {{"error": type(err).__name__, "message": str(err)}}
        print(json.dumps(outcome))
        """
    )
    assert result["error"] == "ValueError", result
    assert re.search(_EXPECTED[case], result["message"]), result["message"]
    assert "more than the 2 GiB rnnviz allows one call" in result["message"]
    assert "RNNVIZ_MEMORY_BUDGET" in result["message"]


def test_the_largest_explorer_frame_fits_a_small_memory_allowance():
    """LSTM, 128 units, batch 64: the views show sample 0, so only it is analysed. Before,
    the exact Jacobian chain of all 64 sequences needed several hundred MB more."""
    result = _run(
        """
        from rnnviz.frame import build_frame
        build_frame(units=8, timesteps=3, cell="lstm")   # BLAS and caches warmed up
        limit_to(160 * 1024**2)
        try:
            f = build_frame(units=128, timesteps=40, cell="lstm", batch=64, features=64)
            outcome = {"error": None, "x": list(f.shapes["x"]), "out": list(f.shapes["output"])}
        except MemoryError as err:
            outcome = {"error": "MemoryError", "message": str(err)}
        print(json.dumps(outcome))
        """
    )
    assert result["error"] is None, result
    assert result["x"] == [64, 40, 64]  # the shapes panel still describes the whole batch
    assert result["out"] == [64, 40, 128]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("input_", ["sine", "noise", "sentence"])
def test_the_frame_of_a_batch_is_its_sample_0(cell, input_):
    from rnnviz.frame import build_frame
    from rnnviz.settings import DEFAULTS
    from rnnviz.sim import make_cell

    frame = build_frame(cell=cell, input=input_, batch=5, units=6, timesteps=7)
    features = frame.settings["features"]  # 5 for the sentence: its vocabulary size
    x = inputs.make(input_, 7, features, batch=5)
    res = make_cell(cell, units=6, features=features, weight_scale=DEFAULTS["weight_scale"]).run(x)
    np.testing.assert_array_equal(frame.x, x[0])
    np.testing.assert_allclose(frame.states[0], res.states[0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(frame.jacobian_norms, res.jacobian_norms()[0], rtol=1e-9)
    assert frame.shapes["x"] == (5, 7, features)
    assert frame.shapes["output"] == (5, 7, 6)


def test_the_budget_can_be_set_by_the_environment(monkeypatch):
    monkeypatch.setenv(_validate.MEMORY_BUDGET_ENV, "1M")
    with pytest.raises(ValueError, match=r"SimpleRNN\(units=512, features=3\) would need about"):
        SimpleRNN(units=512)
    SimpleRNN(units=64)  # 64 × 64 × 4 × 8 B = 128 KiB fits
    monkeypatch.setenv(_validate.MEMORY_BUDGET_ENV, "64G")
    assert _validate.memory_budget() == 64 * 1024**3
    monkeypatch.setenv(_validate.MEMORY_BUDGET_ENV, "lots")
    with pytest.raises(ValueError, match="RNNVIZ_MEMORY_BUDGET must be a number of bytes"):
        LSTM(units=4)


@pytest.mark.parametrize(
    ("n", "text"), [(512, "512 B"), (3 * 1024**2, "3 MiB"), (8 * 1024**4, "8 TiB")]
)
def test_sizes_are_written_in_binary_units(n, text):
    assert _validate.format_bytes(n) == text
