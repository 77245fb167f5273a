"""Build rnnviz cells from trained PyTorch modules: ``from_torch``, ``keras_weights_from_torch``.

torch is never imported: modules are recognised by their class name and module, and their
weights are read as float64 NumPy arrays.

PyTorch stores the transposes of rnnviz's (Keras) weights (:mod:`rnnviz.sim.interop`), in
its own gate order, with two biases::

    weight_ih_l0  (gates * units, features)   kernel           = weight_ih_l0.T
    weight_hh_l0  (gates * units, units)      recurrent_kernel = weight_hh_l0.T
    bias_ih_l0, bias_hh_l0  (gates * units,)

* ``nn.RNN``:  h_t = f(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh); the two biases only ever
  appear as a sum, so ``bias = b_ih + b_hh``.
* ``nn.LSTM``: gate order i, f, g, o = Keras i, f, c, o; ``bias = b_ih + b_hh``.
* ``nn.GRU``:  gate order r, z, n with n_t = tanh(x_t W_inᵀ + b_in + r_t ⊙ (h_{t-1} W_hnᵀ + b_hn))
  and h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}. That is exactly Keras' ``reset_after=True`` GRU
  with gate order z, r, h, so the blocks are reordered (r, z, n) → (z, r, h) and the biases
  are kept apart: ``bias = [b_ih, b_hh]`` of shape (2, 3 * units).

An optional ``nn.Linear`` head becomes the cell's output layer (W_hy = Aᵀ, b_y = b).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnviz.sim._interop_common import (
    _build,
    _by,
    _cell_class,
    _check_finite,
    _is_keras,
    _library_class,
)
from rnnviz.sim.cell import Cell
from rnnviz.sim.training import with_output_layer

__all__ = ["from_torch", "keras_weights_from_torch"]

_TORCH_LAYERS = _by("torch_layer")  # {"RNN": SimpleRNN, "LSTM": LSTM, "GRU": GRU}
_TORCH_CELLS = _by("torch_cell")


def _numpy(tensor: Any) -> np.ndarray:
    """A torch tensor (or parameter) as a float64 NumPy array, without importing torch."""
    return np.asarray(tensor.detach().cpu().double().numpy(), dtype=np.float64)


def keras_weights_from_torch(
    cell: str | type[Cell],
    weight_ih: np.ndarray,
    weight_hh: np.ndarray,
    bias_ih: np.ndarray | None = None,
    bias_hh: np.ndarray | None = None,
) -> dict[str, np.ndarray | None]:
    """Convert PyTorch RNN weights to rnnviz's (Keras) layout.

    Parameters
    ----------
    cell : {"rnn", "lstm", "gru"} or a cell class
    weight_ih : array of shape (gates * units, features)
        PyTorch ``weight_ih_l0``; gates = 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n).
    weight_hh : array of shape (gates * units, units)
        PyTorch ``weight_hh_l0``.
    bias_ih, bias_hh : arrays of shape (gates * units,), or both None (``bias=False``)

    Returns
    -------
    dict with ``kernel`` (features, gates * units), ``recurrent_kernel``
    (units, gates * units) and ``bias``: (gates * units,) = b_ih + b_hh for RNN and LSTM,
    (2, 3 * units) = (b_ih, b_hh) reordered to z, r, h for GRU, or None without bias.
    """
    klass = _cell_class(cell)
    cell = klass.name
    w_ih = np.asarray(weight_ih, dtype=np.float64)
    w_hh = np.asarray(weight_hh, dtype=np.float64)
    gates = klass.n_gates
    if w_hh.ndim != 2 or w_hh.shape[0] != gates * w_hh.shape[1]:
        raise ValueError(
            f"weight_hh of a {cell} layer must have shape ({gates} * units, units); "
            f"got {w_hh.shape}."
        )
    units = w_hh.shape[1]
    if w_ih.ndim != 2 or w_ih.shape[0] != gates * units:
        raise ValueError(
            f"weight_ih of a {cell} layer with {units} units must have shape "
            f"({gates * units}, features); got {w_ih.shape}."
        )
    if (bias_ih is None) != (bias_hh is None):
        raise ValueError("give both bias_ih and bias_hh, or neither (a layer without bias).")

    def reorder(a: np.ndarray) -> np.ndarray:
        # Gate blocks along the last axis, PyTorch's order -> rnnviz's (GRU: r, z, n -> z, r, h).
        if klass.torch_gate_order is None:
            return a
        blocks = np.split(a, gates, axis=-1)
        return np.concatenate([blocks[k] for k in klass.torch_gate_order], axis=-1)

    kernel = reorder(w_ih.T)
    recurrent_kernel = reorder(w_hh.T)
    bias = None
    if bias_ih is not None:
        b_ih = np.asarray(bias_ih, dtype=np.float64).reshape(gates * units)
        b_hh = np.asarray(bias_hh, dtype=np.float64).reshape(gates * units)
        # the two biases only ever appear as a sum, unless the cell keeps both (GRU)
        bias = np.stack([reorder(b_ih), reorder(b_hh)]) if klass.split_bias else b_ih + b_hh
    return {"kernel": kernel, "recurrent_kernel": recurrent_kernel, "bias": bias}


def from_torch(module: Any, head: Any = None):
    """The rnnviz cell equivalent to a single-layer PyTorch ``nn.RNN``, ``nn.LSTM`` or ``nn.GRU``.

    ``nn.RNNCell``, ``nn.LSTMCell`` and ``nn.GRUCell`` are accepted too. ``batch_first``
    does not matter: rnnviz cells always take x of shape (batch, timesteps, features).
    Weights are copied as float64 (see the module docstring for the layout conversion).

    Parameters
    ----------
    module : torch.nn.RNN | torch.nn.LSTM | torch.nn.GRU
        Unidirectional, ``num_layers=1``, no ``proj_size``, no ``dropout``; ``bias`` either
        way; ``nn.RNN`` with nonlinearity ``"tanh"`` or ``"relu"``.
    head : torch.nn.Linear, optional
        An output layer y_t = h_t Aᵀ + b on the hidden state: the cell gets W_hy = Aᵀ
        (units, out_features), b_y = b (zeros if ``bias=False``), linear output activation.

    Returns
    -------
    SimpleRNN | LSTM | GRU
        With ``units = hidden_size`` and ``features = input_size``;
        ``cell.run(x).states`` equals the module's output for the same x.
        ``cell.n_params`` is PyTorch's count, ``sum(p.numel() for p in
        module.parameters())``: for nn.RNN and nn.LSTM with bias it includes both b_ih
        and b_hh (one gates·units more than Keras' count), and ``cell.shapes()`` lists both.

    Raises
    ------
    TypeError
        If ``module`` is not one of the supported PyTorch classes.
    ValueError
        If the module uses a feature rnnviz does not simulate (bidirectional, several layers,
        projections, dropout).
    """
    layer = _library_class(module, "torch.nn", _TORCH_LAYERS)
    torch_cell = _library_class(module, "torch.nn", _TORCH_CELLS)
    if layer is None and torch_cell is None:
        if _is_keras(module):
            raise TypeError(
                f"from_torch expects a PyTorch nn.RNN, nn.LSTM or nn.GRU; got the Keras layer "
                f"{type(module).__name__}. Use rnnviz.sim.from_keras(layer) for Keras layers."
            )
        raise TypeError(
            "from_torch expects a PyTorch nn.RNN, nn.LSTM or nn.GRU module (or nn.RNNCell, "
            f"nn.LSTMCell, nn.GRUCell); got {type(module).__module__}.{type(module).__name__}."
        )
    if torch_cell is not None:
        cell = _TORCH_CELLS[torch_cell]
        suffix = ""
    else:
        cell = _TORCH_LAYERS[layer]
        suffix = "_l0"
        problems = []
        if getattr(module, "bidirectional", False):
            problems.append("bidirectional=True")
        if getattr(module, "num_layers", 1) != 1:
            problems.append(f"num_layers={module.num_layers}")
        if getattr(module, "proj_size", 0):
            problems.append(f"proj_size={module.proj_size}")
        if getattr(module, "dropout", 0.0):
            problems.append(f"dropout={module.dropout}")
        if problems:
            raise ValueError(
                f"from_torch supports a single unidirectional {layer} layer (num_layers=1, "
                "bidirectional=False, proj_size=0, dropout=0); got "
                + ", ".join(problems)
                + ". For a stack, convert each layer's weights with rnnviz.sim.interop."
                "keras_weights_from_torch(cell, module.weight_ih_l1, module.weight_hh_l1, "
                "module.bias_ih_l1, module.bias_hh_l1) and run the cells with "
                "rnnviz.sim.architectures.run_architecture."
            )
    activation = "tanh"  # PyTorch's gated cells always use tanh
    if not cell.gate_names:  # nn.RNN: tanh or relu
        activation = getattr(module, "nonlinearity", "tanh")
        if activation not in ("tanh", "relu"):
            raise ValueError(f"nn.RNN nonlinearity must be 'tanh' or 'relu'; got {activation!r}.")
    weight_ih = _numpy(getattr(module, "weight_ih" + suffix))
    weight_hh = _numpy(getattr(module, "weight_hh" + suffix))
    has_bias = bool(getattr(module, "bias", True))
    bias_ih = _numpy(getattr(module, "bias_ih" + suffix)) if has_bias else None
    bias_hh = _numpy(getattr(module, "bias_hh" + suffix)) if has_bias else None
    _check_finite(
        "from_torch",
        f"nn.{layer or torch_cell}",
        {
            "weight_ih" + suffix: weight_ih,
            "weight_hh" + suffix: weight_hh,
            "bias_ih" + suffix: bias_ih,
            "bias_hh" + suffix: bias_hh,
        },
    )
    weights = keras_weights_from_torch(cell, weight_ih, weight_hh, bias_ih, bias_hh)
    features = weights["kernel"].shape[0]
    units = weights["recurrent_kernel"].shape[0]
    result = _build(cell, features, units, activation, weights)
    if head is not None:
        result = _with_torch_head(result, head)
    if has_bias and not cell.split_bias:
        # PyTorch trains b_ih and b_hh separately: n_params and shapes() count both, as
        # sum(p.numel() for p in module.parameters()) does (the GRU keeps both already).
        result._framework_biases = ("b_ih", "b_hh")
    return result


def _with_torch_head(cell, head: Any):
    """``cell`` with the output layer of a PyTorch ``nn.Linear(units, out_features)``."""
    if _library_class(head, "torch.nn", {"Linear": ""}) is None:
        raise TypeError(
            f"head must be a PyTorch nn.Linear(units, out_features); got {type(head).__name__}"
        )
    weight = _numpy(head.weight)  # (out_features, in_features)
    if weight.shape[1] != cell.units:
        raise ValueError(
            f"head must take the {cell.units} units of the recurrent layer: "
            f"nn.Linear({cell.units}, out_features); got nn.Linear({weight.shape[1]}, "
            f"{weight.shape[0]})"
        )
    b_y = _numpy(head.bias) if head.bias is not None else np.zeros(weight.shape[0])
    return with_output_layer(cell, weight.T, b_y)
