"""The settings every view is built from: one ``Spec`` per setting says everything about it.

A ``Spec`` holds a setting's default, kind, range or choices, meaning (used in every error
message), and how it is offered on screen: the label beside its control (no label: no
control), the text of each choice, a slider's step and shown decimals, and the cells it
applies to. One table (``SPECS``) serves the frame builder (``rnnviz.frame``), the
Explorer's traits, both control sets (the ipywidgets ``widgets/_controls.py`` and the
anywidget ``widgets/control_panel.py``) and the exported page, so a slider's range, its
label and the values Python accepts can never disagree.

The rules linking settings (architecture ⇔ return_sequences, decoder_steps for seq2seq
only, the sentence's features and timesteps, truncate ≤ timesteps) live in one function,
:func:`implied_changes`.

Imports no widget library (checked by ``tests/test_layering.py``). Messages use
the learner's vocabulary (units, timesteps, features, batch).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnnviz.sim import ACTIVATIONS, CELL_CLASSES, CELLS, INITS, inputs
from rnnviz.sim.architectures import ARCHITECTURES
from rnnviz.sim.inputs import PRESETS
from rnnviz.sim.lstm import DEFAULT_FORGET_BIAS

__all__ = [
    "CONTROLS",
    "DEFAULTS",
    "OVERLAYS",
    "SPECS",
    "Spec",
    "check_setting",
    "did_you_mean",
    "implied_changes",
    "non_default",
    "unknown_attribute",
    "unknown_keywords",
    "validate_settings",
]

#: Optional comparison curves in the gradient view.
OVERLAYS = ("none", "weight_scale", "cell")

# What differs between cells comes from the cell classes (rnnviz.sim.registry), so a new
# cell type needs no line here.
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


def did_you_mean(names: list[str], candidates: list[str]) -> str:
    """`` (did you mean 'units' for 'unit'?)`` for every name close to a candidate."""
    hints = []
    for name in names:
        close = difflib.get_close_matches(str(name), list(candidates), n=1)
        if close:
            hints.append(f" (did you mean {close[0]!r} for {name!r}?)")
    return "".join(hints)


def _unknown(names: list[str]) -> TypeError:
    valid = ", ".join(SPECS)
    plural = "settings" if len(names) > 1 else "setting"
    return TypeError(
        f"unknown {plural} {', '.join(map(repr, names))}{did_you_mean(names, list(SPECS))}; "
        f"valid settings: {valid}; the views also take presenter=True."
    )


def unknown_attribute(owner: str, name: str, value: Any, candidates: list[str]) -> AttributeError:
    """The error for ``obj.name = value`` when ``obj`` has no such setting or attribute."""
    return AttributeError(
        f"{owner} has no setting or attribute {name!r}{did_you_mean([name], candidates)}: "
        f"assigning it would change nothing. Expected one of: {', '.join(candidates)}; "
        f"got {owner}.{name} = {value!r}."
    )


def unknown_keywords(owner: str, names: list[str], candidates: list[str]) -> TypeError:
    """The error for keyword arguments a view does not take."""
    plural = "arguments" if len(names) > 1 else "argument"
    return TypeError(
        f"{owner}() got unknown keyword {plural} {', '.join(map(repr, names))}"
        f"{did_you_mean(names, candidates)}; it takes {', '.join(candidates)}."
    )


def check_setting(name: str, value: Any) -> Any:
    """Validate one setting on its own and return it normalised (``np.int64(3)`` -> ``3``).

    Raises
    ------
    TypeError
        Unknown setting, or a value of the wrong type.
    ValueError
        A value of the right type outside the allowed range or choices.
    """
    if name not in SPECS:
        raise _unknown([name])
    spec = SPECS[name]
    expected = f"{name} ({spec.meaning}) must be {spec.describe()}"
    given = f"got {type(value).__name__} {value!r}"
    if spec.kind == "bool":
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{expected}; {given}.")
        return bool(value)
    if spec.kind == "choice":
        if not isinstance(value, str):
            raise TypeError(f"{expected}; {given}.")
        key = value.lower()
        if key not in spec.choices:
            raise ValueError(f"{expected}; got {value!r}.")
        return key
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, np.integer, float, np.floating)
    ):
        raise TypeError(f"{expected}; {given}.")
    if spec.kind == "int":
        whole = not isinstance(value, (float, np.floating)) or (
            math.isfinite(value) and float(value).is_integer()
        )
        if not whole:
            raise TypeError(f"{expected}; {given}.")
        value = int(value)
    else:
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"{expected}; got {value!r}.")
    if not spec.low <= value <= spec.high:
        raise ValueError(f"{expected}; got {value!r}.")
    return value


def _architecture_wants(architecture: str) -> bool:
    """return_sequences implied by an architecture (only many-to-one returns h_T alone)."""
    return architecture != "many-to-one"


def implied_changes(
    changed: dict[str, Any], current: dict[str, Any], chosen: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Every change that ``changed`` implies, given the ``current`` settings.

    The one place where settings are linked. Returns ``changed`` together with the other
    settings that must change with it (only those whose value differs from ``current``):

    * ``architecture`` and ``return_sequences`` describe the same choice for the top
      layer: given one, the other follows (``"many-to-one"`` ⇔ ``return_sequences=False``);
      given both, they must agree;
    * ``decoder_steps`` applies to ``architecture="seq2seq"`` only: leaving seq2seq sets
      it back to 0;
    * ``input="sentence"`` feeds one-hot words: ``features`` is the sentence's vocabulary
      size (5 for "the cat sat on the mat") and any other value is refused. Choosing the
      sentence sets ``features`` to it and ``timesteps`` to the number of words (one
      column per word), unless the same change gives ``timesteps``: more steps than words
      are padding (zero vectors), fewer cut the sentence (``rnnviz.sim.inputs``).
      Leaving the sentence gives ``features`` back the learner's own value
      (``chosen["features"]``, the default when they never chose one), unless the same
      change gives it: 5 was forced by the sentence, not chosen. ``timesteps`` stays, as
      the sentence only suggested it (any value is allowed) and its slider shows it;
    * ``truncate`` ≤ ``timesteps``: lowering ``timesteps`` below ``truncate`` lowers it too.

    Parameters
    ----------
    changed : dict
        The new values, each already valid on its own (see :func:`check_setting`).
    current : dict
        Every setting before the change.
    chosen : dict, optional
        The values the learner gave settings themselves, not those a rule set (an Explorer
        keeps them; default: none, i.e. ``DEFAULTS`` where a rule gives a value back).

    Raises
    ------
    ValueError
        When ``changed`` contradicts itself or a rule (e.g. ``truncate`` > ``timesteps``
        asked for explicitly); the message says which setting to change instead.
    """
    out = dict(changed)
    state = {**current, **changed}

    if "architecture" in changed and "return_sequences" in changed:
        wants = _architecture_wants(changed["architecture"])
        if changed["return_sequences"] != wants:
            other = "many-to-one" if wants else "many-to-many"
            raise ValueError(
                f"architecture {changed['architecture']!r} means return_sequences={wants} "
                f"(the top layer returns {'every h_t' if wants else 'only h_T'}); got "
                f"return_sequences={changed['return_sequences']}. Use architecture={other!r} "
                "for the other choice."
            )
    elif "architecture" in changed:
        state["return_sequences"] = _architecture_wants(changed["architecture"])
    elif "return_sequences" in changed:
        arch = state["architecture"]
        if arch in ("many-to-many", "many-to-one"):
            state["architecture"] = "many-to-many" if changed["return_sequences"] else "many-to-one"
        elif not changed["return_sequences"]:
            raise ValueError(
                f"return_sequences=False (only h_T) is the many-to-one architecture; the "
                f"current architecture {arch!r} returns every h_t. Set "
                "architecture='many-to-one' instead."
            )

    if state["decoder_steps"] and state["architecture"] != "seq2seq":
        if "decoder_steps" in changed:
            raise ValueError(
                f"decoder_steps ({SPECS['decoder_steps'].meaning}) applies to "
                f"architecture='seq2seq' only; got decoder_steps={state['decoder_steps']} with "
                f"architecture={state['architecture']!r}. Set architecture='seq2seq' as well, "
                "or leave decoder_steps at 0."
            )
        state["decoder_steps"] = 0  # the architecture changed away from seq2seq

    if changed.get("input") == "sentence":
        if "features" not in changed:
            state["features"] = len(inputs.vocabulary())
        if "timesteps" not in changed:
            state["timesteps"] = len(inputs.sentence()[1])  # one column per word
    elif current["input"] == "sentence" and "input" in changed and "features" not in changed:
        # the sentence forced its vocabulary size: the learner's own features come back
        state["features"] = (chosen or {}).get("features", DEFAULTS["features"])
    if state["input"] == "sentence" and ("input" in changed or "features" in changed):
        try:
            inputs.sentence_features(state["features"])
        except ValueError as err:
            raise ValueError(
                f"{err} Leave features out (choosing input='sentence' sets it), or choose "
                "another input."
            ) from None

    if state["truncate"] > state["timesteps"]:
        if "truncate" in changed:
            raise ValueError(
                f"truncate (steps of truncated BPTT) must be from 0 to timesteps="
                f"{state['timesteps']} (0 = full BPTT); got {state['truncate']}."
            )
        state["truncate"] = state["timesteps"]

    for name, value in state.items():
        if name not in out and value != current.get(name):
            out[name] = value
    return out


def validate_settings(given: dict[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Complete and check a set of settings; the result is a new dict of every setting.

    Each value is checked on its own (:func:`check_setting`), then together with the
    others (:func:`implied_changes`: the settings it implies change too).

    Parameters
    ----------
    given : dict
        The settings the user asked for (any subset of ``SPECS``).
    base : dict, optional
        Settings to start from (default: ``DEFAULTS``), e.g. an Explorer's current ones.

    Raises
    ------
    TypeError, ValueError
        See :func:`check_setting` and :func:`implied_changes`; nothing is modified.
    """
    unknown = [k for k in given if k not in SPECS]
    if unknown:
        raise _unknown(unknown)
    current = dict(DEFAULTS if base is None else base)
    checked = {name: check_setting(name, value) for name, value in given.items()}
    return {**current, **implied_changes(checked, current)}


def non_default(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings that differ from ``DEFAULTS`` (and are not implied by another one).

    ``rnnviz.explore(**non_default(s))`` rebuilds exactly ``s``.
    """
    out = {k: v for k, v in settings.items() if k in SPECS and v != DEFAULTS[k]}
    arch = settings.get("architecture", DEFAULTS["architecture"])
    if "return_sequences" in out and out["return_sequences"] == _architecture_wants(arch):
        del out["return_sequences"]
    return out
