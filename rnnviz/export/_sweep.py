"""The export page's sweep: which values of one setting are precomputed, and how each is
named and moved (as the Explorer's control would move it, from the settings' own rules)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from rnnviz.export._interfaces import SPECS, did_you_mean, format_number, validate_settings

__all__ = ["DEFAULT_SWEEPS", "sweep_label", "sweep_values_for", "swept", "value_text"]

#: Values precomputed for the sweep slider when ``sweep_values`` is not given.
DEFAULT_SWEEPS: dict[str, tuple] = {
    "weight_scale": (0.25, 0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 3.0),
    "units": (1, 2, 4, 8, 16, 32, 64, 128, 256),
    "timesteps": (1, 2, 5, 10, 20, 30, 50, 100, 200),
    "truncate": (0, 1, 2, 5, 10, 20),
}


def sweep_label(sweep: str | None) -> str:
    """The sweep slider's name: the label of the setting's control ("weight scale")."""
    return "" if sweep is None else SPECS[sweep].label or sweep


def swept(settings: dict, sweep: str, value: Any) -> dict:
    """Every setting with ``sweep`` moved to ``value``, as the Explorer's control would move
    it (the settings it implies follow: lowering timesteps lowers truncate with it)."""
    try:
        return validate_settings({sweep: value}, base=settings)
    except (TypeError, ValueError) as err:
        raise type(err)(f"the sweep cannot show {sweep}={value!r}: {err}") from None


def sweep_values_for(settings: dict, sweep: str, sweep_values: Iterable | None) -> list:
    """The sweep's values, low to high (names in the order given), the current one included.
    Default values the other settings refuse are left out (truncate 10 with 8 timesteps);
    a given one is an error that names it."""
    if sweep not in SPECS:
        raise ValueError(
            f"sweep must be a setting ({', '.join(SPECS)}); got {sweep!r}"
            f"{did_you_mean([sweep], list(SPECS))}."
        )
    if sweep_values is None:
        if sweep not in DEFAULT_SWEEPS:
            raise ValueError(
                f"no default values for a sweep over {sweep!r}: pass sweep_values=[...] "
                f"(defaults exist for {', '.join(sorted(DEFAULT_SWEEPS))})."
            )
        values = []
        for v in DEFAULT_SWEEPS[sweep]:
            with contextlib.suppress(TypeError, ValueError):
                values.append(swept(settings, sweep, v)[sweep])
    else:
        values = [swept(settings, sweep, v)[sweep] for v in sweep_values]
        if not values:
            raise ValueError("sweep_values is empty: give at least one value for the sweep slider.")
    current = settings.get(sweep)
    if current is not None and current not in values:
        values.append(current)
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        values.sort()  # a numeric slider runs low to high; names keep the order given
    return values


def value_text(sweep: str, value: Any) -> str:
    """The sweep value as the page shows it: a choice's label ("sine waves"), a number in
    the views' format."""
    spec = SPECS[sweep]
    if spec.kind == "choice":
        return spec.choice_label(value)
    if spec.kind == "float":
        return format_number(value)
    return str(value)
