"""Small trained models shipped with rnnviz (NumPy weights: no torch or keras needed).

==============  ===============================================================================
name            what it is
==============  ===============================================================================
``sine-lstm``   LSTM, 1 feature → 16 units, with a linear output layer y_t = h_t W_hy + b_y
                (W_hy: (16, 1)). Trained with PyTorch to predict the next value of a sine
                wave from the values so far (periods 8–20 steps, any phase; mean squared
                error at every step). ``scripts/train_pretrained.py`` made the weights.
==============  ===============================================================================

>>> from rnnviz.sim import pretrained
>>> model = pretrained.load("sine-lstm")
>>> res = model.cell.run(model.example_input())      # states (1, 41, 16), outputs (1, 40, 1)
"""

from __future__ import annotations

import dataclasses
import json
import pathlib
from typing import Any

import numpy as np

from rnnviz.sim import _validate, inputs
from rnnviz.sim.cell import Cell
from rnnviz.sim.registry import make_cell

__all__ = ["MODELS", "TrainedModel", "load"]

_DIR = pathlib.Path(__file__).with_name("models")
#: Names accepted by :func:`load`, with the file each one is stored in.
MODELS: dict[str, str] = {"sine-lstm": "sine_lstm.npz"}


@dataclasses.dataclass(frozen=True)
class TrainedModel:
    """A shipped trained cell and what it was trained on.

    Attributes
    ----------
    name : str
    cell : Cell
        The trained cell, output layer included (``cell.W_hy``, ``cell.b_y``).
    about : dict
        ``task``, ``trained_with``, ``test_mse`` (mean squared error on 256 held-out waves,
        measured by the training script) and the training settings.
    """

    name: str
    cell: Cell
    about: dict[str, Any]

    def example_input(self, timesteps: int = 40, period: float = 12.0) -> np.ndarray:
        """One input the model was trained for, shape (1, timesteps, 1): a sine wave
        sin(2π t / period), t = 1..timesteps."""
        return inputs.make("sine", timesteps=timesteps, features=1, period=period)

    def __repr__(self) -> str:
        c = self.cell
        return (
            f"TrainedModel({self.name!r}: {c.name} {c.features} → {c.units} units → "
            f"{c.output_units}; {self.about['task']}; test MSE {self.about['test_mse']:.2g})"
        )


def load(name: str) -> TrainedModel:
    """Load a shipped trained model by name (one of :data:`MODELS`)."""
    key = _validate.choice(name, tuple(MODELS), "trained model")
    with np.load(_DIR / MODELS[key], allow_pickle=False) as data:
        about = json.loads(str(data["meta"]))
        weights = {k: data[k] for k in ("kernel", "recurrent_kernel", "bias", "W_hy", "b_y")}
    blank = make_cell(
        about["cell"],
        units=about["units"],
        features=about["features"],
        activation=about["activation"],
        output_units=about["output_units"],
    )
    return TrainedModel(key, blank.with_weights(**weights), about)
