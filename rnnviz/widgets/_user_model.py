"""A user's model in the Explorer: which settings it fixes, and the runs it makes.

``UserModel.of(model, x)`` turns whatever ``rnnviz.explore(model, x)`` was given into the
stack of rnnviz cells (``rnnviz.sim.user_model.as_stack``) plus the user's input batch.
The model fixes the settings that describe its layers; the weight-scale setting becomes a
factor on the trained recurrent matrices (1 = as trained); the other settings (timesteps
and batch unless ``x`` is given, input preset, truncation, architecture many-to-many or
many-to-one, overlay of weight scales) still apply. Imports no widget library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnnviz.sim import CELL_CLASSES, inputs
from rnnviz.sim.user_model import as_stack, rescaled

__all__ = ["UserModel", "fixed_reasons", "fixed_settings"]

#: Architectures a user's stack can be run in (the others need a decoder it does not have).
ARCHITECTURES = ("many-to-many", "many-to-one")


@dataclass(frozen=True, eq=False)
class UserModel:
    """A user's stack of cells and optional input batch.

    Attributes
    ----------
    cells : tuple of Cell
        Bottom layer first, as trained.
    x : ndarray of shape (batch, timesteps, features), or None
        The user's input; None: the input preset of the settings feeds the model.
    description : str
        What the model is, for the status line and the repr.
    """

    cells: tuple
    x: np.ndarray | None
    description: str
    _scaled: dict = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, model: Any, x: Any = None) -> UserModel:
        cells = as_stack(model)
        if len({c.units for c in cells}) > 1:
            raise ValueError(
                "the Explorer draws stacks whose layers all have the same units; your layers "
                f"have {', '.join(str(c.units) for c in cells)} units (run them with "
                "rnnviz.sim.architectures.run_architecture instead)."
            )
        if x is not None:
            x = inputs.as_sequences(x, features=cells[0].features)
        kinds = " → ".join(f"{c.display_name} {c.units}" for c in cells)
        head = cells[-1].output_units
        description = f"your model: {cells[0].features} features → {kinds}"
        if head:
            description += f" → output {head}"
        return cls(tuple(cells), x, description)

    def fixed(self) -> dict[str, Any]:
        """The settings this model decides, with its values."""
        top = self.cells[-1]
        out = {
            "units": top.units,
            "cell": top.name,
            "activation": top.activation,
            "layers": len(self.cells),
            "features": self.cells[0].features,
            "output_units": top.output_units or 0,
        }
        if top.forget_gate is not None:
            out["forget_bias"] = None  # trained biases, not an initial value
        if self.x is not None:
            out["timesteps"] = self.x.shape[1]
            out["batch"] = self.x.shape[0]
        return out

    def with_fixed(self, given: dict[str, Any]) -> dict[str, Any]:
        """``given`` with the settings this model decides put in (``fixed_settings``: a
        ValueError when ``given`` asks for another value of one of them)."""
        return {**given, **fixed_settings(self, given)}

    def cells_at(self, weight_scale: float) -> tuple:
        """The stack with its recurrent matrices scaled by ``weight_scale`` (cached)."""
        key = float(weight_scale)
        if key not in self._scaled:
            if len(self._scaled) > 16:
                self._scaled.clear()
            self._scaled[key] = rescaled(self.cells, key)
        return self._scaled[key]

    def check(self, settings: dict[str, Any]) -> None:
        """Refuse settings this model cannot be shown with (ValueError, in its words)."""
        if settings["architecture"] not in ARCHITECTURES:
            raise ValueError(
                f"architecture must be one of {', '.join(ARCHITECTURES)} for your model "
                f"(it has no decoder); got {settings['architecture']!r}."
            )
        if settings["overlay"] == "cell":
            raise ValueError(
                f"overlay='cell' compares rnnviz's own {_own_cells()}; with your model, "
                "compare weight scales (overlay='weight_scale') instead."
            )


#: Where a model's Explorer starts unless the call says otherwise: the recurrent weights as
#: trained (``weight_scale`` multiplies them). The Explorer's own default scale (0.5) is a
#: choice for rnnviz's random cells and would show a trained model at half its W_hh.
AS_TRAINED: dict[str, Any] = {"weight_scale": 1.0}


def starting_settings(model: UserModel | None) -> dict[str, Any]:
    """The settings a user's model starts at (``AS_TRAINED``); {} without a model."""
    return {} if model is None else dict(AS_TRAINED)


def fixed_settings(model: UserModel | None, given: dict[str, Any]) -> dict[str, Any]:
    """The settings ``model`` decides, with its values (none without a model); a
    ValueError when ``given`` asks for another value of one of them."""
    if model is None:
        return {}
    fixed = {k: v for k, v in model.fixed().items() if v is not None}
    clash = {k: v for k, v in given.items() if k in fixed and v != fixed[k]}
    if clash:
        name, value = next(iter(clash.items()))
        raise ValueError(
            f"{name} is fixed by your model ({name}={fixed[name]!r}); got {value!r}. "
            f"Your model decides: {', '.join(fixed)}."
        )
    return fixed


def fixed_reasons(model: UserModel | None) -> dict[str, str]:
    """Setting -> why it cannot change (``model`` decides it); {} without a model."""
    if model is None:
        return {}
    return {name: f"fixed by {model.description}" for name in model.fixed()}


def _own_cells() -> str:
    """'RNN, LSTM and GRU': every registered cell type, by its display name."""
    names = [c.display_name for c in CELL_CLASSES]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
