"""The Explorer's traits: one validated traitlet per setting, from ``rnnviz.settings``.

``Setting(name)`` takes everything from the setting's ``Spec`` (default, help text, the
values it accepts) and validates with ``check_setting``, so a wrong value raises the same
ValueError / TypeError as ``rnnviz.explore(name=value)`` (never a ``TraitError``), and
then with the owner's ``_cross_check`` (the rules linking settings, the settings a user's
model fixes). A new setting needs no line here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import traitlets

from rnnviz.settings import SPECS, check_setting

__all__ = ["Flag", "Setting", "check_presenter", "setting_traits"]


class Setting(traitlets.TraitType):
    """A traitlet that validates with ``check_setting`` (ValueError / TypeError, never a
    TraitError) and then with the owner's cross-checks (``obj._cross_check(name, value)``)."""

    def __init__(self, name: str) -> None:
        spec = SPECS[name]
        super().__init__(default_value=spec.default, help=spec.meaning)
        self.setting = name
        self.info_text = spec.describe()

    def validate(self, obj: Any, value: Any) -> Any:
        value = check_setting(self.setting, value)
        obj._cross_check(self.setting, value)
        return value


def setting_traits() -> dict[str, Setting]:
    """One ``Setting`` trait per entry of ``SPECS``, tagged ``setting=True``."""
    return {name: Setting(name).tag(setting=True) for name in SPECS}


class Flag(traitlets.TraitType):
    """A True/False traitlet that rejects anything else with a TypeError."""

    info_text = "True or False"

    def validate(self, obj: Any, value: Any) -> bool:
        return check_presenter(value)


def check_presenter(value: Any) -> bool:
    """``presenter`` as a bool; a TypeError in the user's words for anything else."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"presenter (large fonts and controls for a projector) must be True or False; "
            f"got {type(value).__name__} {value!r}."
        )
    return bool(value)
