"""Activation functions with their derivatives and the bound γ = max f′.

Every activation maps a pre-activation array ``a`` elementwise:

=========  ======================  ==============================  =====
name       f(a)                    f′(a)                           γ
=========  ======================  ==============================  =====
tanh       tanh(a)                 1 − tanh(a)²                    1
sigmoid    1 / (1 + e^(−a))        σ(a) (1 − σ(a))                 1/4
relu       max(a, 0)               1 if a > 0 else 0               1
linear     a                       1                               1
=========  ======================  ==============================  =====

γ enters the Pascanu bound ‖∂h_T/∂h_t‖₂ ≤ (γ σ_max(W_hh))^(T−t) for a SimpleRNN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["ACTIVATIONS", "Activation", "get"]


def _sigmoid(a: np.ndarray) -> np.ndarray:
    """σ(a) = 1 / (1 + e^(−a)), evaluated without overflow for any sign of ``a``."""
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_slope(a: np.ndarray) -> np.ndarray:
    """σ′(a) = e^(−|a|) / (1 + e^(−|a|))², accurate for every a: σ(a)(1 − σ(a)) is 0 once σ(a)
    rounds to 1 (a > 37) although σ′ is still ≈ e^(−a); it matters when σ′ multiplies a
    huge value (the gates' slopes after an overflow)."""
    e = np.exp(-np.abs(a))
    return e / ((1.0 + e) * (1.0 + e))


def _dsigmoid(a: np.ndarray) -> np.ndarray:
    s = _sigmoid(a)
    return s * (1.0 - s)


def _dtanh(a: np.ndarray) -> np.ndarray:
    y = np.tanh(a)
    return 1.0 - y * y


def _relu(a: np.ndarray) -> np.ndarray:
    return np.maximum(a, 0.0)


def _drelu(a: np.ndarray) -> np.ndarray:
    return (a > 0).astype(np.float64)


def _linear(a: np.ndarray) -> np.ndarray:
    return np.array(a, dtype=np.float64, copy=True)


def _dlinear(a: np.ndarray) -> np.ndarray:
    return np.ones_like(a, dtype=np.float64)


@dataclass(frozen=True)
class Activation:
    """An elementwise nonlinearity ``f`` with derivative ``df`` and γ = max f′.

    Attributes
    ----------
    name : str
        One of ``ACTIVATIONS``.
    f : callable
        ``f(a)`` for an array ``a`` of any shape; returns a new array of the same shape.
    df : callable
        ``f′(a)``, same shape as ``a``.
    gamma : float
        The largest value f′ takes (the Lipschitz constant of f).
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]
    gamma: float

    def __repr__(self) -> str:
        return f"Activation({self.name!r}, gamma={self.gamma})"


_TABLE = {
    "tanh": Activation("tanh", np.tanh, _dtanh, 1.0),
    "sigmoid": Activation("sigmoid", _sigmoid, _dsigmoid, 0.25),
    "relu": Activation("relu", _relu, _drelu, 1.0),
    "linear": Activation("linear", _linear, _dlinear, 1.0),
}

#: Names accepted wherever an activation is asked for.
ACTIVATIONS: tuple[str, ...] = tuple(_TABLE)


def get(name: str, what: str = "activation") -> Activation:
    """Return the :class:`Activation` called ``name``.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If ``name`` is not one of ``ACTIVATIONS`` (the message lists them).
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise TypeError(
            f"{what} must be a name, one of {', '.join(map(repr, ACTIVATIONS))}; "
            f"got {type(name).__name__} {name!r}"
        )
    key = name.lower()
    if key not in _TABLE:
        raise ValueError(
            f"unknown {what} {name!r}; expected one of {', '.join(map(repr, ACTIVATIONS))}"
        )
    return _TABLE[key]
