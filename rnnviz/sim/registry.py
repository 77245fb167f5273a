"""The built-in cells by name: ``CELLS`` and ``make_cell``.

A cell type is one class (its own file) with its capabilities as class attributes (see
:class:`rnnviz.sim.cell.Cell`); listing it in ``CELL_CLASSES`` makes it available by name.
"""

from __future__ import annotations

from rnnviz.sim import _validate
from rnnviz.sim.cell import Cell
from rnnviz.sim.gru import GRU
from rnnviz.sim.lstm import LSTM
from rnnviz.sim.simple_rnn import SimpleRNN

__all__ = ["CELLS", "CELL_CLASSES", "cell_class", "make_cell"]

#: The cell types known by name, in the order the views list them.
CELL_CLASSES: tuple[type[Cell], ...] = (SimpleRNN, LSTM, GRU)
#: Cell names accepted by :func:`make_cell`.
CELLS: tuple[str, ...] = tuple(c.name for c in CELL_CLASSES)


def cell_class(name: str) -> type[Cell]:
    """The cell class called ``name`` (a name in ``CELLS``, or a class name such as
    "SimpleRNN", "LSTM", "GRU" in any case)."""
    if isinstance(name, str):
        for klass in CELL_CLASSES:
            if name.lower() == klass.__name__.lower():
                name = klass.name
    key = _validate.choice(name, CELLS, "cell")
    return CELL_CLASSES[CELLS.index(key)]


def make_cell(name: str, **kwargs) -> Cell:
    """Build a cell by name.

    Parameters
    ----------
    name : {"rnn", "lstm", "gru"}
        Also accepted, in any case: the class names "SimpleRNN", "LSTM", "GRU".
    **kwargs
        The keywords every cell takes (see :class:`rnnviz.sim.cell.Cell`).
    """
    return cell_class(name)(**kwargs)
