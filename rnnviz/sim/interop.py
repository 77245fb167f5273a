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

PyTorch stores the transposes, in its own gate order, with two biases: how they are
converted is in :mod:`rnnviz.sim.interop_torch`.

The code is split by framework: :mod:`rnnviz.sim.interop_torch` (``from_torch``,
``keras_weights_from_torch``), :mod:`rnnviz.sim.interop_keras` (``from_keras``), and what
both share (recognising a library's classes, checking and loading weights) in
:mod:`rnnviz.sim._interop_common`. Import the public names from here.
"""

from __future__ import annotations

from rnnviz.sim.interop_keras import from_keras
from rnnviz.sim.interop_torch import from_torch, keras_weights_from_torch

__all__ = ["from_keras", "from_torch", "keras_weights_from_torch"]
