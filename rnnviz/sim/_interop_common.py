"""What reading PyTorch and Keras layers shares: recognising a library's classes by name
and module (torch and keras are never imported), checking the weights, building the cell.

Used by :mod:`rnnviz.sim.interop_torch`, :mod:`rnnviz.sim.interop_keras` and
:mod:`rnnviz.sim.user_model`; the public face is :mod:`rnnviz.sim.interop`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnviz.sim.cell import Cell
from rnnviz.sim.registry import CELL_CLASSES, CELLS


def _by(attribute: str) -> dict[str, type[Cell]]:
    """rnnviz's cell class keyed by the class name a library gives it (a cell attribute)."""
    return {getattr(c, attribute): c for c in CELL_CLASSES if getattr(c, attribute)}


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
