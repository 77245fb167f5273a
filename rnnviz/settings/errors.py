"""The errors for names nobody defined: unknown settings, keyword arguments, attributes.

Each message lists what is accepted and, for every name close to a valid one, a hint
(``did you mean 'units' for 'unit'?``, :func:`did_you_mean`).
"""

from __future__ import annotations

import difflib
from typing import Any

from rnnviz.settings.specs import SPECS

__all__ = ["did_you_mean", "unknown_attribute", "unknown_keywords", "unknown_settings"]


def did_you_mean(names: list[str], candidates: list[str]) -> str:
    """`` (did you mean 'units' for 'unit'?)`` for every name close to a candidate."""
    hints = []
    for name in names:
        close = difflib.get_close_matches(str(name), list(candidates), n=1)
        if close:
            hints.append(f" (did you mean {close[0]!r} for {name!r}?)")
    return "".join(hints)


def unknown_settings(names: list[str]) -> TypeError:
    """The error for settings that are not in ``SPECS``."""
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
