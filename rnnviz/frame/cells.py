"""What the views are told about a cell type, read from its class attributes.

The views (Python and JS) never compare a cell's name: what differs between cells — its
label, its gates, whether its bias is two rows — travels in the ``frame_info`` of the view
that draws it (the graph's ``cell_info``: :func:`cell_facts`; the gradient plot's
``cell_label`` and, with the "cell" overlay, ``cells``: :func:`cell_choices`), so a new cell
type (one file in ``rnnviz/sim``) is drawn with no change here or in ``js/src``
(``tests/test_layering_cell_names.py`` checks both sides).
"""

from __future__ import annotations

from typing import Any

from rnnviz.sim import CELL_CLASSES, cell_class

__all__ = ["SIGMOID_GATES", "cell_choices", "cell_facts"]

#: Gates squashed by a sigmoid, as heatmap quantities: every gate of every cell but its
#: candidate (LSTM i, f, o; GRU z, r), so always in 0 … 1.
SIGMOID_GATES = frozenset(
    f"gate_{g}" for c in CELL_CLASSES for g in c.gate_names if g != c.candidate_gate
)


def cell_facts(name: str) -> dict[str, Any]:
    """JSON-able facts of the cell type ``name`` (a name in ``rnnviz.sim.CELLS``).

    ``name``, ``display_name`` ("LSTM"), ``gate_names`` (["i", "f", "c", "o"]; [] without
    gates), ``n_gates`` (blocks side by side in W_xh and W_hh), ``candidate_gate`` (or
    None), ``has_cell_state`` and ``split_bias`` (``b`` is two rows, input and recurrent
    bias, as the GRU's: shape (2, n_gates·units)).
    """
    c = cell_class(name)
    return {
        "name": c.name,
        "display_name": c.display_name,
        "gate_names": list(c.gate_names),
        "n_gates": int(c.n_gates),
        "candidate_gate": c.candidate_gate,
        "has_cell_state": bool(c.has_cell_state),
        "split_bias": bool(c.split_bias),
    }


def cell_choices() -> list[list[str]]:
    """``[name, display_name]`` of every registered cell, in ``CELLS`` order (the order of
    the "cell" overlay's curves and of their fixed colours)."""
    return [[c.name, c.display_name] for c in CELL_CLASSES]
