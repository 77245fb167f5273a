"""The trained model shipped in the package: loads with NumPy alone and is exactly the
network the training script measured."""

from __future__ import annotations

import importlib.util
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from rnnviz.sim import pretrained

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_loads_without_torch_or_keras():
    code = (
        "import sys\n"
        "sys.modules['torch'] = None; sys.modules['keras'] = None\n"
        "from rnnviz.sim import pretrained\n"
        "m = pretrained.load('sine-lstm')\n"
        "res = m.cell.run(m.example_input())\n"
        "assert res.outputs.shape == (1, 40, 1), res.outputs.shape\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_the_trained_lstm_predicts_the_next_value_of_a_sine():
    model = pretrained.load("sine-lstm")
    assert model.cell.name == "lstm"
    assert (model.cell.features, model.cell.units, model.cell.output_units) == (1, 16, 1)
    for period in (8.0, 12.0, 20.0):
        x = model.example_input(timesteps=60, period=period)
        y = model.cell.run(x).outputs[0, :-1, 0]
        err = np.mean((y[4:] - x[0, 5:, 0]) ** 2)  # after a few steps to see the period
        assert err < 2e-3, (period, err)
    # An untrained cell of the same shape does not: the weights carry the skill.
    blank = type(model.cell)(units=16, features=1, output_units=1)
    x = model.example_input(timesteps=60)
    y = blank.run(x).outputs[0, :-1, 0]
    assert np.mean((y[4:] - x[0, 5:, 0]) ** 2) > 0.05


def test_unknown_name_lists_the_shipped_ones():
    with pytest.raises(ValueError, match="sine-lstm"):
        pretrained.load("sine-gru")


@pytest.mark.parity
def test_rnnviz_reproduces_the_test_error_the_training_script_measured():
    pytest.importorskip("torch")
    spec = importlib.util.spec_from_file_location(
        "train_pretrained", ROOT / "scripts" / "train_pretrained.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    model = pretrained.load("sine-lstm")
    about = model.about
    x, y = script.batch(np.random.default_rng(about["test_seed"]), 256, script.T)
    mse = np.mean((model.cell.run(x).outputs - y) ** 2)
    np.testing.assert_allclose(mse, about["test_mse"], rtol=1e-10)
