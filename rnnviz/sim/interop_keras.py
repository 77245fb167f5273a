"""Build rnnviz cells from built Keras 3 layers: ``from_keras``.

keras is never imported: layers are recognised by their class name and module, and their
weights (``get_weights()``: kernel, recurrent_kernel and bias) are read as float64 NumPy
arrays. rnnviz stores weights as Keras does (the layouts: :mod:`rnnviz.sim.interop`), so
they are copied unchanged.

Options the simulator does not compute (``go_backwards``, other recurrent activations,
Bidirectional, a cell's ``keras_requires``) are refused with the option named.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnviz.sim._interop_common import (
    _build,
    _by,
    _check_finite,
    _is_keras,
    _is_torch_module,
    _library_class,
)
from rnnviz.sim.activations import ACTIVATIONS

__all__ = ["from_keras"]

_KERAS_LAYERS = _by("keras_layer")
_KERAS_CELLS = _by("keras_cell")


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
