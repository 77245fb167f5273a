"""Argument checks with messages in the user's vocabulary (units, timesteps, features, batch).

Every check either returns a clean value (Python ``int``/``float`` or a fresh float64
array) or raises ``TypeError`` (wrong kind of thing) / ``ValueError`` (right kind, wrong
value) saying what was expected and what was given. Checks never modify their input.
"""

from __future__ import annotations

import numbers
import os
import re
from collections.abc import Sequence

import numpy as np

__all__ = [
    "MEMORY_BUDGET",
    "MEMORY_BUDGET_ENV",
    "check_memory",
    "choice",
    "finite_array",
    "flag",
    "format_bytes",
    "initial_state",
    "memory_budget",
    "optional_units",
    "positive_int",
    "seed",
    "sequence",
    "weight_scale",
]

#: Default memory budget of one simulator call, in bytes: 2 GiB. Every call that allocates
#: (building a cell, ``run``, the Jacobian norms, ``inputs.make``) estimates the float64
#: arrays it is about to create — all of them together, for the whole call — and raises
#: ``ValueError`` instead of starting when the estimate is larger. 2 GiB keeps one
#: classroom kernel far below a typical JupyterHub limit (4–8 GB per user) while allowing
#: every setting of the Explorer with room to spare (its largest frame needs < 0.3 GB).
MEMORY_BUDGET = 2 * 1024**3
#: Environment variable that overrides :data:`MEMORY_BUDGET` (bytes, or a number with
#: K, M, G or T for KiB … TiB: ``RNNVIZ_MEMORY_BUDGET=8G``); read at every check.
MEMORY_BUDGET_ENV = "RNNVIZ_MEMORY_BUDGET"
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def _describe(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"{type(value).__name__} {value!r}"


def memory_budget() -> int:
    """The budget in bytes: ``$RNNVIZ_MEMORY_BUDGET`` when set, else :data:`MEMORY_BUDGET`."""
    text = os.environ.get(MEMORY_BUDGET_ENV, "").strip()
    if not text:
        return MEMORY_BUDGET
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?", text, re.IGNORECASE)
    if match is None or float(match.group(1)) <= 0:
        raise ValueError(
            f"the environment variable {MEMORY_BUDGET_ENV} must be a number of bytes > 0, "
            f"optionally with K, M, G or T (e.g. '8G'); got {text!r}"
        )
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def format_bytes(n: float) -> str:
    """``7.28 TiB``, ``512 MiB``: bytes in binary units, 3 significant digits."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.3g} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    raise AssertionError("unreachable")


def check_memory(nbytes: int | float, setting: str) -> None:
    """Raise ``ValueError`` before allocating when a call would need more than the budget.

    Parameters
    ----------
    nbytes : number
        Estimated bytes of every array the call creates (float64: 8 bytes per number).
        Use Python ints to compute it: they never overflow, whatever the sizes.
    setting : str
        What the user asked for, in their words (``"units=1000000"``,
        ``"x of shape (1, 1000000, 3) with units=256"``); the message starts with it.
    """
    budget = memory_budget()
    if nbytes > budget:
        raise ValueError(
            f"{setting} would need about {format_bytes(nbytes)} of memory, more than the "
            f"{format_bytes(budget)} rnnviz allows one call (estimate made before "
            f"allocating anything). Use smaller sizes, or, on a machine with that much "
            f"memory, raise the budget with the environment variable {MEMORY_BUDGET_ENV} "
            f"(e.g. {MEMORY_BUDGET_ENV}=16G)."
        )


def flag(value: object, name: str) -> bool:
    """``value`` as a bool: only True or False (also NumPy's) are accepted."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {_describe(value)}")
    return bool(value)


def positive_int(value: object, name: str) -> int:
    """``value`` as an ``int`` ≥ 1 (bool is rejected: ``True`` is not a number of units)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number ≥ 1; got {_describe(value)}")
    if value < 1:
        raise ValueError(f"{name} must be ≥ 1; got {int(value)}")
    return int(value)


def optional_units(value: object, name: str) -> int | None:
    """``None`` or an ``int`` ≥ 1."""
    return None if value is None else positive_int(value, name)


def seed(value: object) -> int:
    """A non-negative ``int`` seed for ``numpy.random.default_rng``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"seed must be a whole number ≥ 0; got {_describe(value)}")
    if value < 0:
        raise ValueError(f"seed must be ≥ 0; got {int(value)}")
    return int(value)


def weight_scale(value: object) -> float:
    """A finite ``float`` > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"weight_scale must be a positive number; got {_describe(value)}")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"weight_scale must be a finite number > 0; got {value}")
    return value


def choice(value: object, options: Sequence[str], what: str) -> str:
    """``value`` lower-cased if it is one of ``options``."""
    listed = ", ".join(map(repr, options))
    if not isinstance(value, str):
        raise TypeError(f"{what} must be one of {listed}; got {_describe(value)}")
    key = value.lower()
    if key not in options:
        raise ValueError(f"unknown {what} {value!r}; expected one of {listed}")
    return key


def _as_float_array(value: object, name: str) -> np.ndarray:
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers; got {_describe(value)}")
    if np.iscomplexobj(value):
        raise TypeError(
            f"{name} must be an array of real numbers; got complex numbers "
            f"({_describe(np.asarray(value))}, dtype {np.asarray(value).dtype}). Pass the "
            f"real part ({name}.real) or the magnitude (abs({name})) explicitly."
        )
    try:
        arr = np.array(value, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be an array of numbers; got {_describe(value)}") from err
    return arr


def _check_finite(arr: np.ndarray, name: str) -> None:
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(
            f"{name} must contain only finite numbers; got {arr[tuple(bad)]} "
            f"at index {tuple(int(i) for i in bad)}"
        )


def finite_array(value: object, shape: tuple[int, ...], name: str) -> np.ndarray:
    """A fresh float64 copy of ``value`` with exactly ``shape`` and no NaN/inf."""
    arr = _as_float_array(value, name)
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}; got shape {arr.shape}")
    _check_finite(arr, name)
    return arr


def sequence(value: object, features: int | None, name: str = "x") -> np.ndarray:
    """Input sequences as a fresh float64 array of shape (batch, timesteps, features).

    A 2-D array is read as one sequence of shape (timesteps, features) and gets a batch
    axis of length 1. ``features=None`` accepts any feature count.
    """
    arr = _as_float_array(value, name)
    want = (
        "(batch, timesteps, features)"
        if features is None
        else (f"(batch, timesteps, features) = (batch, timesteps, {features})")
    )
    if arr.ndim in (2, 3):
        _check_finite(arr, name)  # indices as the user wrote them
    if arr.ndim == 2:
        if features is not None and arr.shape[1] != features:
            raise ValueError(
                f"{name} must have shape {want}; got a 2-D array of shape {arr.shape}, "
                f"which is read as a single sequence (timesteps, features) = {arr.shape}: "
                f"its {arr.shape[1]} features ≠ the cell's {features} features"
            )
        arr = arr[None]
    elif arr.ndim != 3:
        raise ValueError(
            f"{name} must have shape {want} (or (timesteps, features) for a single "
            f"sequence); got a {arr.ndim}-D array of shape {arr.shape}"
        )
    batch, timesteps, got = arr.shape
    if features is not None and got != features:
        raise ValueError(
            f"{name} must have shape {want}; got shape {arr.shape}: "
            f"{got} features ≠ the cell's {features} features"
        )
    if batch < 1 or timesteps < 1 or got < 1:
        raise ValueError(
            f"{name} must have at least 1 batch entry, 1 timestep and 1 feature; "
            f"got shape {arr.shape}"
        )
    return np.ascontiguousarray(arr)


def initial_state(value: object, batch: int, units: int, name: str) -> np.ndarray:
    """Initial state as a fresh float64 array of shape (batch, units); ``None`` → zeros.

    A 1-D array of length ``units`` is used for every sequence of the batch.
    """
    if value is None:
        return np.zeros((batch, units))
    arr = _as_float_array(value, name)
    if arr.ndim == 1 and arr.shape[0] == units:
        arr = np.broadcast_to(arr, (batch, units)).copy()
    if arr.shape != (batch, units):
        raise ValueError(
            f"{name} must have shape (batch, units) = ({batch}, {units}); got shape {arr.shape}"
        )
    _check_finite(arr, name)
    return arr
