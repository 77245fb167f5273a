"""The settings every view is built from: names, defaults, allowed values, validation.

One table (``SPECS``) serves the frame builder (``_frame.py``), the Explorer's traits and
its controls, so a slider's range and the values Python accepts can never disagree.
Messages use the learner's vocabulary (units, timesteps, features, batch).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from rnnviz.sim import ACTIVATIONS, CELLS, INITS
from rnnviz.sim.architectures import ARCHITECTURES
from rnnviz.sim.inputs import PRESETS
from rnnviz.sim.lstm import DEFAULT_FORGET_BIAS

__all__ = [
    "DEFAULTS",
    "OVERLAYS",
    "SPECS",
    "Spec",
    "check_setting",
    "did_you_mean",
    "non_default",
    "unknown_attribute",
    "unknown_keywords",
    "validate_settings",
]

#: Optional comparison curves in the gradient view.
OVERLAYS = ("none", "weight_scale", "cell")


@dataclass(frozen=True)
class Spec:
    """One setting: its default, its kind and the values it accepts."""

    default: Any
    kind: str  # "int", "float", "bool" or "choice"
    meaning: str
    low: float | None = None
    high: float | None = None
    choices: tuple = ()

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
    "units": Spec(16, "int", "hidden units p, the size of every h_t", 1, 256),
    "timesteps": Spec(20, "int", "timesteps T, how many steps are unrolled", 1, 200),
    "weight_scale": Spec(1.0, "float", "scale s of W_hh (its spectral radius)", 0.05, 3.0),
    "cell": Spec("rnn", "choice", "the recurrent cell", choices=CELLS),
    "forget_bias": Spec(
        DEFAULT_FORGET_BIAS,
        "float",
        "initial LSTM forget-gate bias b_f in f_t = σ(W_xf x_t + W_hf h_{t−1} + b_f); "
        "used by LSTM cells only",
        0.0,
        5.0,
    ),
    "activation": Spec("tanh", "choice", "the activation f", choices=ACTIVATIONS),
    "input": Spec("sine", "choice", "the input sequence x_1 … x_T", choices=PRESETS),
    "architecture": Spec(
        "many-to-many", "choice", "how inputs and outputs line up", choices=ARCHITECTURES
    ),
    "return_sequences": Spec(True, "bool", "output every h_t (True) or only h_T (False)"),
    "layers": Spec(1, "int", "stacked recurrent layers", 1, 3),
    "truncate": Spec(0, "int", "truncated BPTT window in steps (0 = full BPTT)", 0, 200),
    "features": Spec(3, "int", "features per input x_t", 1, 64),
    "batch": Spec(1, "int", "sequences in the batch", 1, 64),
    "seed": Spec(0, "int", "random seed of the weights and inputs", 0, 2**31 - 1),
    "init": Spec("orthogonal", "choice", "initialisation of W_hh", choices=INITS),
    "output_units": Spec(0, "int", "units of an output layer y_t (0 = none)", 0, 64),
    "decoder_steps": Spec(0, "int", "seq2seq decoder timesteps (0 = same as timesteps)", 0, 200),
    "overlay": Spec("none", "choice", "comparison curves in the gradient view", choices=OVERLAYS),
}

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


def validate_settings(given: dict[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Complete and check a set of settings; the result is a new dict of every setting.

    Parameters
    ----------
    given : dict
        The settings the user asked for (any subset of ``SPECS``).
    base : dict, optional
        Settings to start from (default: ``DEFAULTS``), e.g. an Explorer's current ones.

    Notes
    -----
    ``architecture`` and ``return_sequences`` describe the same choice for the top layer:
    given one, the other follows (``"many-to-one"`` ⇔ ``return_sequences=False``); given
    both, they must agree. ``truncate`` larger than ``timesteps`` is full BPTT and is
    lowered to ``timesteps`` when ``timesteps`` itself changes.

    Raises
    ------
    TypeError, ValueError
        See :func:`check_setting`; nothing is modified.
    """
    unknown = [k for k in given if k not in SPECS]
    if unknown:
        raise _unknown(unknown)
    out = dict(DEFAULTS if base is None else base)
    checked = {name: check_setting(name, value) for name, value in given.items()}
    out.update(checked)

    if "architecture" in checked and "return_sequences" in checked:
        wants = _architecture_wants(checked["architecture"])
        if checked["return_sequences"] != wants:
            other = "many-to-one" if wants else "many-to-many"
            raise ValueError(
                f"architecture {checked['architecture']!r} means return_sequences={wants} "
                f"(the top layer returns {'every h_t' if wants else 'only h_T'}); got "
                f"return_sequences={checked['return_sequences']}. Use architecture={other!r} "
                "for the other choice."
            )
    elif "architecture" in checked:
        out["return_sequences"] = _architecture_wants(checked["architecture"])
    elif "return_sequences" in checked:
        arch = out["architecture"]
        if arch in ("many-to-many", "many-to-one"):
            out["architecture"] = "many-to-many" if checked["return_sequences"] else "many-to-one"
        elif not checked["return_sequences"]:
            raise ValueError(
                f"return_sequences=False (only h_T) is the many-to-one architecture; the "
                f"current architecture {arch!r} returns every h_t. Set "
                "architecture='many-to-one' instead."
            )

    if out["decoder_steps"] and out["architecture"] != "seq2seq":
        if "decoder_steps" in checked:
            raise ValueError(
                f"decoder_steps ({SPECS['decoder_steps'].meaning}) applies to "
                f"architecture='seq2seq' only; got decoder_steps={out['decoder_steps']} with "
                f"architecture={out['architecture']!r}. Set architecture='seq2seq' as well, "
                "or leave decoder_steps at 0."
            )
        out["decoder_steps"] = 0  # the architecture changed away from seq2seq

    if out["truncate"] > out["timesteps"]:
        if "truncate" in checked:
            raise ValueError(
                f"truncate (steps of truncated BPTT) must be from 0 to timesteps="
                f"{out['timesteps']} (0 = full BPTT); got {out['truncate']}."
            )
        out["truncate"] = out["timesteps"]
    return out


def non_default(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings that differ from ``DEFAULTS`` (and are not implied by another one).

    ``rnnviz.explore(**non_default(s))`` rebuilds exactly ``s``.
    """
    out = {k: v for k, v in settings.items() if k in SPECS and v != DEFAULTS[k]}
    arch = settings.get("architecture", DEFAULTS["architecture"])
    if "return_sequences" in out and out["return_sequences"] == _architecture_wants(arch):
        del out["return_sequences"]
    return out
