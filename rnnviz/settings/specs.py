"""One ``Spec`` per setting: its default, kind, range or choices, meaning and control.

A ``Spec`` holds a setting's default, kind, range or choices, meaning (used in every error
message), and how it is offered on screen: the label beside its control (no label: no
control), the text of each choice, a slider's step and shown decimals, and the cells it
applies to. One table (``SPECS``) serves the frame builder (``rnnviz.frame``), the
Explorer's traits, both control sets (the ipywidgets ``widgets/_controls.py`` and the
anywidget ``widgets/control_panel.py``) and the exported page, so a slider's range, its
label and the values Python accepts can never disagree. ``CONTROLS`` (the settings with a
control, in their order) and ``DEFAULTS`` are read from it.

What differs between cells (their labels, which have a forget gate) comes from the cell
classes (``rnnviz.sim.registry``), so a new cell type needs no line here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rnnviz.sim import ACTIVATIONS, CELL_CLASSES, CELLS, INITS
from rnnviz.sim.architectures import ARCHITECTURES
from rnnviz.sim.inputs import PRESETS
from rnnviz.sim.lstm import DEFAULT_FORGET_BIAS

__all__ = ["CONTROLS", "DEFAULTS", "OVERLAYS", "SPECS", "Spec"]

#: Optional comparison curves in the gradient view.
OVERLAYS = ("none", "weight_scale", "cell")

#: How each cell is labelled in the controls: its class's ``display_name`` ("LSTM").
_CELL_LABELS = {c.name: c.display_name for c in CELL_CLASSES}
#: The cells with a forget gate, whose bias b_f ``forget_bias`` sets (LSTM).
_FORGET_GATE_CELLS = tuple(c.name for c in CELL_CLASSES if c.forget_gate is not None)


def _only(cells: tuple[str, ...], lacking: str) -> str:
    """Why a setting of some cells only is off for the others: "LSTM only: RNN and GRU
    cells have no forget gate"."""
    others = [_CELL_LABELS[c] for c in CELLS if c not in cells]
    if len(others) > 1:
        others = [", ".join(others[:-1]) + " and " + others[-1]]
    these = " / ".join(_CELL_LABELS[c] for c in cells)
    return f"{these} only: {''.join(others)} cells have no {lacking}"


@dataclass(frozen=True)
class Spec:
    """One setting: its default, its kind, the values it accepts and how it is shown.

    Attributes
    ----------
    default, kind, meaning
        The default value; "int", "float", "bool" or "choice"; what the setting means
        (every error message about it quotes this).
    low, high, choices
        The accepted range (int, float) or values (choice).
    label : str or None
        The text beside the setting's control; None: the setting has no control.
    choice_labels : dict
        Text shown for a choice where it differs from the value.
    step, decimals
        A slider's step and the decimals its value is shown with.
    only_for : tuple of str
        The cells the setting applies to (empty: every cell); ``off_because`` says why
        its control is disabled for the others.
    """

    default: Any
    kind: str  # "int", "float", "bool" or "choice"
    meaning: str
    low: float | None = None
    high: float | None = None
    choices: tuple = ()
    label: str | None = None
    choice_labels: dict[str, str] = field(default_factory=dict)
    step: float = 1
    decimals: int = 0
    only_for: tuple[str, ...] = ()
    off_because: str = ""

    def choice_label(self, value: str) -> str:
        """The text shown for the choice ``value``."""
        return self.choice_labels.get(value, value)

    def applies_to(self, cell: str) -> bool:
        """Whether the setting means something for ``cell``."""
        return not self.only_for or cell in self.only_for

    def describe(self) -> str:
        """What values are accepted, as a phrase ('an integer from 1 to 256')."""
        if self.kind == "int":
            return f"an integer from {self.low} to {self.high}"
        if self.kind == "float":
            return f"a number from {self.low} to {self.high}"
        if self.kind == "bool":
            return "True or False"
        return "one of " + ", ".join(repr(c) for c in self.choices)


SPECS: dict[str, Spec] = {
    "units": Spec(16, "int", "hidden units p, the size of every h_t", 1, 256, label="units"),
    "timesteps": Spec(
        20, "int", "timesteps T, how many steps are unrolled", 1, 200, label="timesteps"
    ),
    "weight_scale": Spec(
        # 0.5, not a bare cell's 1.0, and one input feature: the first heatmap a learner
        # sees must read as the input wave (every unit a scaled copy of it); at s = 1 the
        # recurrence mixes the units' phases and it reads as noise
        # (tests/widgets/test_default_pattern.py). Close to PyTorch's nn.RNN init, ρ ≈ 1/√3.
        0.5,
        "float",
        "scale s of W_hh (its spectral radius)",
        0.05,
        3.0,
        label="weight scale",
        step=0.05,
        decimals=2,
    ),
    "cell": Spec(
        "rnn",
        "choice",
        "the recurrent cell",
        choices=CELLS,
        label="cell",
        choice_labels=_CELL_LABELS,
    ),
    "forget_bias": Spec(
        DEFAULT_FORGET_BIAS,
        "float",
        "initial LSTM forget-gate bias b_f in f_t = σ(W_xf x_t + W_hf h_{t−1} + b_f); "
        "used by LSTM cells only",
        0.0,
        5.0,
        label="forget bias b_f",
        step=0.1,
        decimals=1,
        only_for=_FORGET_GATE_CELLS,
        off_because=_only(_FORGET_GATE_CELLS, "forget gate"),
    ),
    "activation": Spec(
        "tanh", "choice", "the activation f", choices=ACTIVATIONS, label="activation"
    ),
    "input": Spec(
        "sine",
        "choice",
        "the input sequence x_1 … x_T",
        choices=PRESETS,
        label="input",
        choice_labels={
            "sine": "sine waves",
            "noise": "noise",
            "impulse": "impulse at t = 1",
            "zeros": "zeros",
            "sentence": "sentence (the cat sat on the mat)",
        },
    ),
    "architecture": Spec(
        "many-to-many",
        "choice",
        "how inputs and outputs line up",
        choices=ARCHITECTURES,
        label="architecture",
    ),
    "return_sequences": Spec(
        True, "bool", "output every h_t (True) or only h_T (False)", label="return_sequences"
    ),
    "truncate": Spec(
        0,
        "int",
        "truncated BPTT window in steps (0 = full BPTT)",
        0,
        200,
        label="truncate BPTT (0 = off)",
    ),
    "layers": Spec(1, "int", "stacked recurrent layers", 1, 3, label="layers"),
    "features": Spec(1, "int", "features per input x_t", 1, 64),
    "batch": Spec(1, "int", "sequences in the batch", 1, 64),
    "seed": Spec(0, "int", "random seed of the weights and inputs", 0, 2**31 - 1),
    "init": Spec("orthogonal", "choice", "initialisation of W_hh", choices=INITS),
    "output_units": Spec(0, "int", "units of an output layer y_t (0 = none)", 0, 64),
    "decoder_steps": Spec(0, "int", "seq2seq decoder timesteps (0 = same as timesteps)", 0, 200),
    "overlay": Spec(
        "none",
        "choice",
        "comparison curves in the gradient view",
        choices=OVERLAYS,
        label="compare gradients with",
        choice_labels={
            "none": "nothing",
            "weight_scale": "weight scales",
            "cell": " / ".join(_CELL_LABELS.values()),
        },
    ),
}

#: Settings that get a control, in the order they are laid out (those with a label).
CONTROLS: tuple[str, ...] = tuple(name for name, spec in SPECS.items() if spec.label)

DEFAULTS: dict[str, Any] = {name: spec.default for name, spec in SPECS.items()}
