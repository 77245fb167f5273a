"""What differs between cell types: the class attributes every cell class sets.

Code outside a cell's own file reads these, never the cell's name, so a new cell type is
one new file (``tests/test_layering_cell_names.py`` checks it). :class:`CellCapabilities`
holds them with their defaults (those of a gate-less Elman cell), and what follows from
them alone: the memory a cell type needs to be built and run (from ``n_gates``) and the
shape of its bias. :class:`~rnnviz.sim.cell.Cell`, the base of every cell, inherits it.

Each is documented where it is declared below: the names (``name``, ``display_name``),
the gate blocks (``gate_names``, ``n_gates``: gates = max(1, len(gate_names))), a cell
state c_t (``has_cell_state``), the candidate (``candidate_gate``, ``candidate_matrix``),
whether the Pascanu bound holds, the forget gate, a split bias (GRU), and the same cell's
classes in PyTorch and Keras (``torch_*``, ``keras_*``, for :mod:`rnnviz.sim.interop`).
"""

from __future__ import annotations

from typing import ClassVar

__all__ = ["CellCapabilities"]


class CellCapabilities:
    """The capabilities of a cell type, as class attributes (each cell class sets its own).

    Also the class-level facts that follow from them: :meth:`weight_bytes`,
    :meth:`run_bytes` (memory estimates checked before anything is allocated) and the
    bias shape.
    """

    #: Short name, one of ``rnnviz.sim.CELLS`` for the built-in cells ("rnn", "lstm", "gru").
    name: ClassVar[str] = ""
    #: How the views and messages label the cell ("RNN", "LSTM", "GRU").
    display_name: ClassVar[str] = ""
    #: Names of the gate blocks of ``kernel`` / ``recurrent_kernel``, in order; () without.
    gate_names: ClassVar[tuple[str, ...]] = ()
    #: Number of (units)-wide blocks in the kernels: max(1, len(gate_names)).
    n_gates: ClassVar[int] = 1
    #: True when the cell carries a cell state c_t besides h_t (LSTM): ``run`` takes ``c0``,
    #: the result has ``cell_states``, ``jacobian_norms(wrt="cell")`` exists, the carried
    #: state of the chain rule is the pair (h_t, c_t).
    has_cell_state: ClassVar[bool] = False
    #: The gate that holds the candidate state (LSTM "c", GRU "h"); None: the whole step is
    #: the candidate (SimpleRNN).
    candidate_gate: ClassVar[str | None] = None
    #: The name learners see for the candidate block of the recurrent kernel (theory, spectrum).
    candidate_matrix: ClassVar[str] = "W_hh"
    #: True when every step's Jacobian is diag(f′(a_t)) · (candidate block)ᵀ, so the Pascanu
    #: bound (γ σ_max)^(T−t) holds (the Elman cell); False when a gate or a cell state passes
    #: the gradient around the candidate block (:mod:`rnnviz.sim.theory`).
    pascanu_bound_holds: ClassVar[bool] = False
    #: The gate whose bias starts at ``forget_bias`` (LSTM "f"); None without a forget gate.
    forget_gate: ClassVar[str | None] = None
    #: True when ``bias`` is two rows (input bias, recurrent bias), as Keras'
    #: ``reset_after=True`` GRU and PyTorch keep them; False: one bias vector.
    split_bias: ClassVar[bool] = False
    #: Class names of the same cell in PyTorch (``nn.<torch_layer>``, ``nn.<torch_cell>``)
    #: and Keras (``keras.layers.<keras_layer>``, ``<keras_cell>``), for :mod:`interop`.
    torch_layer: ClassVar[str | None] = None
    torch_cell: ClassVar[str | None] = None
    keras_layer: ClassVar[str | None] = None
    keras_cell: ClassVar[str | None] = None
    #: PyTorch's block order: entry k is the index, in PyTorch's weights, of gate block k
    #: of rnnviz (Keras); None when the orders agree.
    torch_gate_order: ClassVar[tuple[int, ...] | None] = None
    #: Keras cell options the simulator requires: attribute → (value, why), checked by
    #: ``from_keras``.
    keras_requires: ClassVar[dict[str, tuple[object, str]]] = {}

    # -- the memory a cell type needs (from n_gates) --------------------------------------
    @classmethod
    def weight_bytes(cls, units: int, features: int, output_units: int | None = None) -> int:
        """Estimated bytes to build a cell: its weights and the initialiser's work arrays.

        kernel (features, units·g) + recurrent kernel (units, units·g), and while one
        recurrent block is drawn, a (units, units) normal matrix with its Q and R factors.
        """
        g = cls.n_gates
        numbers = features * units * g + units * units * (g + 3) + units * (output_units or 0)
        return 8 * numbers

    @classmethod
    def run_bytes(cls, batch: int, timesteps: int, units: int, output_units: int | None) -> int:
        """Estimated bytes of one ``run`` and its gradient analyses on (batch, timesteps).

        Per step and sequence: the pre-activations (units·g), h_t, the gates, the cached
        derivatives (about 3·g + 2 vectors of length units in all), and y_t twice
        (pre-activation and value) with an output layer.
        """
        per_step = units * (3 * cls.n_gates + 2) + 2 * (output_units or 0)
        return 8 * batch * timesteps * per_step

    @classmethod
    def _bias_shape(cls, units: int) -> tuple[int, ...]:
        return (units * cls.n_gates,)
