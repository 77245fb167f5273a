"""rnnviz.sim — a pure-NumPy recurrent network simulator that computes the truth the views draw.

Never imports a widget library. Public names::

    SimpleRNN, LSTM, GRU          cells (Keras vocabulary and weight layouts)
    make_cell(name, **kwargs)     a cell by name, name in CELLS = ("rnn", "lstm", "gru")
    cell_class(name)              its class, whose attributes say what the cell has
                                  (has_cell_state, gate_names, candidate_gate, forget_gate, …)
    ACTIVATIONS                   ("tanh", "sigmoid", "relu", "linear")
    RunResult, Gradients          what cell.run(x) and res.loss_gradients() return
    inputs, theory                input presets; ρ, σ_max, γ and the Pascanu bound
    architectures                 stacking, many-to-one, one-to-many, seq2seq
    from_torch, from_keras        cells from trained PyTorch / Keras layers (lazy imports)
    pretrained                    small trained models shipped as NumPy weights
    tasks, training, optim        sequence tasks; exact training by BPTT (training.fit)
"""

from __future__ import annotations

from rnnviz.sim import architectures, inputs, optim, pretrained, tasks, theory, training
from rnnviz.sim.activations import ACTIVATIONS
from rnnviz.sim.bptt import Gradients
from rnnviz.sim.cell import Cell
from rnnviz.sim.gru import GRU
from rnnviz.sim.init import INITS
from rnnviz.sim.interop import from_keras, from_torch
from rnnviz.sim.lstm import LSTM
from rnnviz.sim.registry import CELL_CLASSES, CELLS, cell_class, make_cell
from rnnviz.sim.result import RunResult
from rnnviz.sim.simple_rnn import SimpleRNN

__all__ = [
    "ACTIVATIONS",
    "CELLS",
    "CELL_CLASSES",
    "GRU",
    "INITS",
    "LSTM",
    "Cell",
    "Gradients",
    "RunResult",
    "SimpleRNN",
    "architectures",
    "cell_class",
    "from_keras",
    "from_torch",
    "inputs",
    "make_cell",
    "optim",
    "pretrained",
    "tasks",
    "theory",
    "training",
]
