"""A user's recurrent model, whatever library it comes from, as a stack of rnnviz cells.

``as_stack(model)`` returns the cells (bottom layer first) whose states equal the model's:

======================================  ==========================================================
model                                   becomes
======================================  ==========================================================
an rnnviz cell                          that cell
``rnnviz.sim.pretrained.load(name)``    its trained cell (output layer included)
PyTorch ``nn.RNN/LSTM/GRU``             one cell per layer (``num_layers`` 1–3)
``(torch_layer, nn.Linear)``            the same, the Linear as the top cell's output layer
Keras ``SimpleRNN/LSTM/GRU``            one cell
Keras ``Sequential``                    its recurrent layers, a final ``Dense`` as output layer
a list or tuple of the above            the layers, stacked in order
======================================  ==========================================================

Every layer's ``features`` must equal the ``units`` of the layer below, and a stack has
1 to 3 layers (what the views draw).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from rnnviz.sim._interop_common import _build, _is_keras, _library_class
from rnnviz.sim.cell import Cell
from rnnviz.sim.interop import from_keras, from_torch, keras_weights_from_torch
from rnnviz.sim.interop_torch import _TORCH_CELLS, _TORCH_LAYERS, _numpy
from rnnviz.sim.training import with_output_layer

__all__ = ["MAX_LAYERS", "as_stack", "rescaled"]

#: The most layers a stack may have (the views draw up to three).
MAX_LAYERS = 3


def _torch_layers(module: Any) -> list[Cell]:
    """One cell per layer of a PyTorch nn.RNN / nn.LSTM / nn.GRU (any num_layers)."""
    n = int(getattr(module, "num_layers", 1))
    if n == 1:
        return [from_torch(module)]
    if getattr(module, "bidirectional", False) or getattr(module, "proj_size", 0):
        return [from_torch(module)]  # raises its clear error
    kind = _TORCH_LAYERS[_library_class(module, "torch.nn", _TORCH_LAYERS)]
    # nn.RNN has tanh or relu; PyTorch's gated cells always use tanh
    activation = "tanh" if kind.gate_names else getattr(module, "nonlinearity", "tanh")
    has_bias = bool(getattr(module, "bias", True))
    cells = []
    for k in range(n):
        weights = keras_weights_from_torch(
            kind,
            _numpy(getattr(module, f"weight_ih_l{k}")),
            _numpy(getattr(module, f"weight_hh_l{k}")),
            _numpy(getattr(module, f"bias_ih_l{k}")) if has_bias else None,
            _numpy(getattr(module, f"bias_hh_l{k}")) if has_bias else None,
        )
        features, units = weights["kernel"].shape[0], weights["recurrent_kernel"].shape[0]
        cell = _build(kind, features, units, activation, weights)
        if has_bias and not kind.split_bias:
            cell._framework_biases = ("b_ih", "b_hh")  # counted as PyTorch counts them
        cells.append(cell)
    return cells


def _head_weights(layer: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """(W_hy, b_y) of a PyTorch nn.Linear or a linear Keras Dense layer, else None."""
    if _library_class(layer, "torch.nn", {"Linear": ""}) is not None:
        W = _numpy(layer.weight).T
        b = _numpy(layer.bias) if layer.bias is not None else np.zeros(W.shape[1])
        return W, b
    if _is_keras(layer) and type(layer).__name__ == "Dense":
        act = getattr(getattr(layer, "activation", None), "__name__", "linear")
        if act != "linear":
            raise ValueError(
                f"a Dense output layer must be linear to be simulated; got activation {act!r}."
            )
        arrays = [np.asarray(w, dtype=np.float64) for w in layer.get_weights()]
        b = arrays[1] if len(arrays) > 1 else np.zeros(arrays[0].shape[1])
        return arrays[0], b
    return None


def _with_head(cell: Cell, head: tuple[np.ndarray, np.ndarray]) -> Cell:
    out = with_output_layer(cell, *head)
    biases = getattr(cell, "_framework_biases", None)
    if biases:
        out._framework_biases = biases
    return out


def _items(model: Any) -> list[Any]:
    """The layers of ``model`` in order (a Keras Sequential or a list/tuple is opened)."""
    if isinstance(model, (list, tuple)):
        return [layer for item in model for layer in _items(item)]
    if _is_keras(model) and type(model).__name__ == "Sequential":
        return [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    return [model]


def _layer_cells(layer: Any) -> list[Cell]:
    if isinstance(layer, Cell):
        return [layer]
    if isinstance(getattr(layer, "cell", None), Cell) and hasattr(layer, "about"):
        return [layer.cell]  # a shipped trained model
    if _library_class(layer, "torch.nn", _TORCH_LAYERS) is not None:
        return _torch_layers(layer)
    if _library_class(layer, "torch.nn", _TORCH_CELLS):
        return [from_torch(layer)]
    if _is_keras(layer):
        return [from_keras(layer)]
    raise TypeError(
        "explore() and as_stack() take an rnnviz cell, a trained model from "
        "rnnviz.sim.pretrained, a PyTorch nn.RNN / nn.LSTM / nn.GRU (optionally with an "
        "nn.Linear head, as a tuple), a Keras SimpleRNN / LSTM / GRU layer or a Sequential of "
        f"them, or a list of those; got {type(layer).__module__}.{type(layer).__name__}."
    )


def as_stack(model: Any) -> tuple[Cell, ...]:
    """The rnnviz cells (bottom layer first) that compute ``model``'s hidden states.

    A final PyTorch ``nn.Linear`` or linear Keras ``Dense`` becomes the output layer
    y_t = h_t W_hy + b_y of the top cell. See the module docstring for what is accepted.

    Raises
    ------
    TypeError
        For an object that is not a recurrent model rnnviz can read.
    ValueError
        For more than 3 layers, a head that is not last, layers whose sizes do not chain
        (layer ℓ + 1 must read the units of layer ℓ), or options rnnviz cannot simulate.
    """
    cells: list[Cell] = []
    items = _items(model)
    for i, item in enumerate(items):
        head = _head_weights(item)
        if head is not None:
            if i != len(items) - 1 or not cells:
                raise ValueError(
                    "an output layer (nn.Linear / Dense) must come last, after the recurrent "
                    f"layers; got it at position {i + 1} of {len(items)}."
                )
            if head[0].shape[0] != cells[-1].units:
                raise ValueError(
                    f"the output layer must read the top layer's {cells[-1].units} units; "
                    f"it takes {head[0].shape[0]} inputs."
                )
            cells[-1] = _with_head(cells[-1], head)
            continue
        cells.extend(_layer_cells(item))
    if not 1 <= len(cells) <= MAX_LAYERS:
        raise ValueError(
            f"a model for the views has 1 to {MAX_LAYERS} recurrent layers; got {len(cells)}."
        )
    for below, above in itertools.pairwise(cells):
        if above.features != below.units:
            raise ValueError(
                f"stacked layers must chain: a {above.name} layer reading {above.features} "
                f"features cannot sit on a layer of {below.units} units."
            )
    if any(c.output_units is not None for c in cells[:-1]):
        raise ValueError("only the top layer of a stack may have an output layer.")
    return tuple(cells)


def rescaled(cells: tuple[Cell, ...], factor: float) -> tuple[Cell, ...]:
    """The stack with every recurrent matrix multiplied by ``factor`` (1: unchanged).

    What the Explorer's weight-scale slider does to a user's model: W_hh (every gate block
    of ``recurrent_kernel``) becomes factor · W_hh, so ρ and σ_max scale by ``factor``.
    """
    if factor == 1:
        return tuple(cells)
    out = []
    for cell in cells:
        new = cell.with_weights(recurrent_kernel=cell.recurrent_kernel * factor)
        biases = getattr(cell, "_framework_biases", None)
        if biases:
            new._framework_biases = biases
        out.append(new)
    return tuple(out)
