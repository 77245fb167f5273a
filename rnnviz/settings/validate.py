"""Checking values: one setting on its own (:func:`check_setting`), or a whole set of
settings together with the rules linking them (:func:`validate_settings`).

A value of the wrong type raises TypeError, one of the right type outside its range or
choices ValueError; both messages quote the setting's ``meaning`` and what it accepts
(``Spec.describe``). Nothing is modified when a check fails.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from rnnviz.settings.errors import unknown_settings
from rnnviz.settings.rules import implied_changes
from rnnviz.settings.specs import DEFAULTS, SPECS

__all__ = ["check_setting", "validate_settings"]


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
        raise unknown_settings([name])
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
        raise unknown_settings(unknown)
    current = dict(DEFAULTS if base is None else base)
    checked = {name: check_setting(name, value) for name, value in given.items()}
    return {**current, **implied_changes(checked, current)}
