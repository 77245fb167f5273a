"""Build rnnviz cells from trained PyTorch modules and Keras 3 layers.

``from_torch(module)`` and ``from_keras(layer)`` return the rnnviz cell that computes the
same ``h_t`` as the given layer, so a model trained elsewhere can be inspected with the
simulator's views and analyses. Neither torch nor keras is imported by ``import rnnviz``:
objects are recognised by their class name and module (duck typing), and their weights are
read as NumPy arrays.

Weight layouts
--------------
rnnviz stores weights as Keras does (``x_t`` is a row vector, ``z_t = x_t W + h W_h + b``)::

    kernel            (features, gates * units)
    recurrent_kernel  (units,    gates * units)
    bias              (gates * units,)        GRU: (2, 3 * units) = (input bias, recurrent bias)

PyTorch stores the transposes, in its own gate order, with two biases::

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
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnviz.sim.activations import ACTIVATIONS
from rnnviz.sim.cell import Cell
from rnnviz.sim.registry import CELL_CLASSES, CELLS
from rnnviz.sim.training import with_output_layer

__all__ = ["from_keras", "from_torch", "keras_weights_from_torch"]


def _by(attribute: str) -> dict[str, type[Cell]]:
    """rnnviz's cell class keyed by the class name a library gives it (a cell attribute)."""
    return {getattr(c, attribute): c for c in CELL_CLASSES if getattr(c, attribute)}


_TORCH_LAYERS = _by("torch_layer")  # {"RNN": SimpleRNN, "LSTM": LSTM, "GRU": GRU}
_TORCH_CELLS = _by("torch_cell")
_KERAS_LAYERS = _by("keras_layer")
_KERAS_CELLS = _by("keras_cell")


def _library_class(obj: Any, prefix: str, names: dict[str, str]) -> str | None:
    """Name of the first class in ``type(obj).__mro__`` defined under ``prefix`` whose name is
    a key of ``names`` (subclasses of the library's layers are accepted), else None."""
    for klass in type(obj).__mro__:
        module = getattr(klass, "__module__", "") or ""
        if klass.__name__ in names and (module == prefix or module.startswith(prefix + ".")):
            return klass.__name__
    return None


def _is_keras(obj: Any) -> bool:
    return any(
        (getattr(k, "__module__", "") or "").split(".")[0] == "keras" for k in type(obj).__mro__
    )


def _is_torch_module(obj: Any) -> bool:
    return any(
        (getattr(k, "__module__", "") or "").startswith("torch.nn") for k in type(obj).__mro__
    )


def _numpy(tensor: Any) -> np.ndarray:
    """A torch tensor (or parameter) as a float64 NumPy array, without importing torch."""
    return np.asarray(tensor.detach().cpu().double().numpy(), dtype=np.float64)


def _check_finite(library: str, layer: str, weights: dict[str, np.ndarray | None]) -> None:
    """NaN / inf weights are named as the user's framework names and indexes them."""
    for name, arr in weights.items():
        if arr is None:
            continue
        bad = ~np.isfinite(arr)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            where = ", ".join(map(str, index))
            raise ValueError(
                f"{library}: {layer}.{name}[{where}] is {arr[index]}; rnnviz needs finite "
                f"weights (expected: every entry of {name}, shape {tuple(arr.shape)}, a "
                f"finite number). {int(bad.sum())} entr{'y is' if bad.sum() == 1 else 'ies are'}"
                f" not finite — was the model trained with a diverging loss?"
            )


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


def _cell_class(cell: str | type[Cell]) -> type[Cell]:
    """A cell class given as itself or by its name in ``CELLS``."""
    if isinstance(cell, type) and issubclass(cell, Cell):
        return cell
    if not isinstance(cell, str) or cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}; got {cell!r}.")
    return CELL_CLASSES[CELLS.index(cell)]


def _build(klass: type[Cell], features: int, units: int, activation: str, weights: dict):
    """The rnnviz cell of the given size holding exactly ``weights`` (Keras layout)."""
    use_bias = weights["bias"] is not None
    base = klass(units=units, features=features, activation=activation, use_bias=use_bias)
    if use_bias:
        return base.with_weights(
            kernel=weights["kernel"],
            recurrent_kernel=weights["recurrent_kernel"],
            bias=weights["bias"],
        )
    return base.with_weights(kernel=weights["kernel"], recurrent_kernel=weights["recurrent_kernel"])


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


def _keras_activation(value: Any) -> str:
    """The name of a Keras activation attribute (a function such as keras.activations.tanh)."""
    if isinstance(value, str):
        return value
    return str(getattr(value, "__name__", value))


def from_keras(layer: Any):
    """The rnnviz cell equivalent to a built Keras 3 ``SimpleRNN``, ``LSTM`` or ``GRU`` layer.

    The layer's cell (``SimpleRNNCell``, ``LSTMCell``, ``GRUCell``, alone or wrapped in
    ``keras.layers.RNN``) is accepted too. Weights come from ``get_weights()`` (float32 in
    Keras by default, copied as float64); ``units``, ``activation``, ``use_bias`` from the
    cell's attributes. Dropout only acts while training and is ignored, as at inference.
    ``return_sequences`` does not change the cell: rnnviz gives both ``states`` (True)
    and ``last_state`` (False).

    Parameters
    ----------
    layer : keras.layers.SimpleRNN | keras.layers.LSTM | keras.layers.GRU
        Built (called once on data, or ``layer.build((batch, timesteps, features))``);
        ``recurrent_activation="sigmoid"`` (LSTM, GRU); ``reset_after=True`` (GRU);
        ``go_backwards=False``; activation one of tanh, relu, sigmoid, linear.

    Returns
    -------
    SimpleRNN | LSTM | GRU
        ``cell.n_params`` equals the layer's ``count_params()``.

    Raises
    ------
    TypeError
        If ``layer`` is not one of the supported Keras classes.
    ValueError
        If the layer is not built or uses an option rnnviz does not simulate.
    """
    kind = _library_class(layer, "keras", {**_KERAS_LAYERS, "RNN": "", "Bidirectional": ""})
    keras_cell_name = _library_class(layer, "keras", _KERAS_CELLS)
    if kind == "Bidirectional":
        raise ValueError(
            "from_keras supports unidirectional layers only; got Bidirectional("
            f"{type(getattr(layer, 'forward_layer', None)).__name__}). Convert its "
            "forward_layer and backward_layer separately if you want to inspect them."
        )
    if kind is None and keras_cell_name is None:
        if _is_torch_module(layer) and not _is_keras(layer):
            raise TypeError(
                f"from_keras expects a Keras SimpleRNN, LSTM or GRU layer; got the PyTorch "
                f"module {type(layer).__name__}. Use rnnviz.sim.from_torch(module) for PyTorch."
            )
        raise TypeError(
            "from_keras expects a Keras 3 SimpleRNN, LSTM or GRU layer; got "
            f"{type(layer).__module__}.{type(layer).__name__}."
        )
    name = type(layer).__name__
    rnn_cell = layer
    if keras_cell_name is None:
        if getattr(layer, "go_backwards", False):
            raise ValueError(
                f"{name}: go_backwards=True is not supported; reverse the timesteps of x "
                "yourself (x[:, ::-1]) and convert a layer with go_backwards=False."
            )
        rnn_cell = layer.cell
        keras_cell_name = _library_class(rnn_cell, "keras", _KERAS_CELLS)
        if keras_cell_name is None:
            raise ValueError(
                f"{name}: the layer's cell must be a single SimpleRNNCell, LSTMCell or "
                f"GRUCell; got {type(rnn_cell).__name__} (stacked cells: convert each one)."
            )
    cell = _KERAS_CELLS[keras_cell_name]
    if not getattr(layer, "built", False) or not rnn_cell.get_weights():
        raise ValueError(
            f"{name} is not built yet, so it has no weights: call it on data once, or "
            f"run layer.build((batch, timesteps, features)) before from_keras."
        )
    # Read from the cell's attributes, not get_config(): that fails for lambda activations.
    units = int(rnn_cell.units)
    activation = _keras_activation(getattr(rnn_cell, "activation", "tanh"))
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"{name}: activation must be one of {', '.join(ACTIVATIONS)} to be simulated; "
            f"got {activation!r}."
        )
    if cell.gate_names:
        recurrent = _keras_activation(getattr(rnn_cell, "recurrent_activation", "sigmoid"))
        if recurrent != "sigmoid":
            raise ValueError(
                f"{name}: recurrent_activation must be 'sigmoid' (the gates of rnnviz's "
                f"{cell.display_name} are sigmoids); got {recurrent!r}."
            )
    for option, (wanted, why) in cell.keras_requires.items():
        value = getattr(rnn_cell, option, wanted)
        if value != wanted:
            raise ValueError(
                f"{name}: {option} must be {wanted!r} ({why}); got {option}={value!r}."
            )
    arrays = [np.asarray(w, dtype=np.float64) for w in rnn_cell.get_weights()]
    use_bias = bool(getattr(rnn_cell, "use_bias", True))
    expected = 3 if use_bias else 2
    if len(arrays) != expected:
        raise ValueError(
            f"{name}: expected {expected} weight arrays (kernel, recurrent_kernel"
            + (", bias" if use_bias else "")
            + f"); got {len(arrays)}."
        )
    kernel, recurrent_kernel = arrays[0], arrays[1]
    weights = {
        "kernel": kernel,
        "recurrent_kernel": recurrent_kernel,
        "bias": arrays[2] if use_bias else None,
    }
    _check_finite("from_keras", name, weights)
    return _build(cell, kernel.shape[0], units, activation, weights)
