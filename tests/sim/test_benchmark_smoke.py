"""benchmarks/bench_sim.py times the same work in both libraries: check the numbers, not times."""

from __future__ import annotations

import importlib.util
import pathlib

import numpy as np
import pytest

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.parity

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_sim", ROOT / "benchmarks" / "bench_sim.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=[(6, 9), (12, 15)], ids=lambda p: f"u{p[0]}-T{p[1]}")
def case(bench, request):
    cell, module, x = bench.make_case(*request.param, seed=3)
    return cell, module, x, cell.run(x)


def test_torch_module_holds_the_cell_weights(bench, case):
    cell, module, x, res = case
    states = bench.torch_forward(module, torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(states, res.states, rtol=1e-12, atol=1e-15)
    assert np.abs(cell.b_h).max() > 0  # the bias really is part of the comparison


def test_dh_norms_agree_in_all_three_ways(bench, case):
    _, module, x, res = case
    expected = res.loss_gradients().dh_norms
    xt = torch.from_numpy(x)
    np.testing.assert_allclose(bench.torch_dh_norms_autograd(module, xt), expected, rtol=1e-10)
    np.testing.assert_allclose(bench.torch_dh_norms_loop(module, xt), expected, rtol=1e-10)
    assert expected.shape == (1, x.shape[1] + 1)


def test_jacobian_curve_agrees_with_torch_and_the_reference_chain(bench, case):
    cell, module, _, res = case
    expected = res.jacobian_norms()[0]
    states_t = torch.from_numpy(np.array(res.states[0]))
    torch_curve = bench.torch_jacobian_curve(module.weight_hh_l0.detach(), states_t).numpy()
    np.testing.assert_allclose(torch_curve, expected, rtol=1e-10)
    dact = 1.0 - res.states[0] ** 2
    np.testing.assert_allclose(bench.numpy_chain_norms(cell.W_hh, dact), expected, rtol=1e-10)
    # the bare chain ends at M_0 = ∂h_T/∂h_0, whose norm is the curve's first entry
    assert np.linalg.norm(bench.numpy_chain(cell.W_hh, dact), 2) == pytest.approx(expected[0])


def test_report_marks_each_target(bench):
    base = {"b_torch_how": "loop", "chain": 1.0}
    fast = {"units": 16, "timesteps": 30, "a_rnnviz": 1, "a_torch": 2, "b_rnnviz": 1,
            "b_torch": 4, "c_rnnviz": 1.5, "c_torch": 3, **base}  # fmt: skip
    slow_curve = {**fast, "units": 256, "timesteps": 200, "c_rnnviz": 2.5, "c_torch": 5}
    table, ok = bench.report([fast, slow_curve])
    lines = table.splitlines()
    assert lines[2].startswith("| 16 | 30 | 1000.000 / 2000.000 | 0.50 PASS |")
    assert "4000.000 (loop) | 0.25 PASS" in lines[2]
    assert lines[2].endswith("| 1000.000 | 1.50 |")  # curve/chain is judged at the largest only
    assert lines[3].endswith("| 2.50 MISS |")
    assert not ok
    table, ok = bench.report([fast])
    assert ok
    assert table.splitlines()[2].endswith("| 1.50 PASS |")
