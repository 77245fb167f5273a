"""Optimizers and gradient clipping, exactly as PyTorch defines them (float64, in place).

``SGD`` (torch.optim.SGD, dampening 0, no Nesterov, no weight decay)::

    b_t = μ b_{t−1} + g_t   (b_1 = g_1)          θ_t = θ_{t−1} − lr · b_t   (μ = 0: − lr · g_t)

``Adam`` (torch.optim.Adam, no weight decay, no amsgrad)::

    m_t = β₁ m_{t−1} + (1 − β₁) g_t              v_t = β₂ v_{t−1} + (1 − β₂) g_t²
    θ_t = θ_{t−1} − (lr / (1 − β₁ᵗ)) · m_t / (√v_t / √(1 − β₂ᵗ) + ε)

``clip_grad_norm`` (torch.nn.utils.clip_grad_norm_): the total 2-norm over every
parameter's gradient, ‖g‖ = √(Σ_θ ‖g_θ‖²); when max_norm / (‖g‖ + 10⁻⁶) < 1 every
gradient is multiplied by that factor. Returns ‖g‖ before clipping.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from rnnviz.sim import _validate

__all__ = ["OPTIMIZERS", "SGD", "Adam", "clip_grad_norm", "make", "total_norm"]

#: Names accepted by :func:`make`.
OPTIMIZERS: tuple[str, ...] = ("adam", "sgd")


def total_norm(grads: dict) -> float:
    """√(Σ_θ ‖g_θ‖²) over every gradient array (inf if any entry is inf or NaN)."""
    total = 0.0
    for g in grads.values():
        flat = g.reshape(-1)
        total += float(flat @ flat)
    return math.sqrt(total) if math.isfinite(total) else math.inf


def clip_grad_norm(grads: dict, max_norm: float) -> float:
    """Scale every gradient in place so the total 2-norm is at most about ``max_norm``."""
    norm = total_norm(grads)
    coef = max_norm / (norm + 1e-6)
    if coef < 1.0:
        for g in grads.values():
            g *= coef
    return norm


class SGD:
    """Stochastic gradient descent with optional momentum μ (torch.optim.SGD)."""

    def __init__(self, lr: float = 1e-3, momentum: float = 0.0) -> None:
        self.lr = lr
        self.momentum = momentum
        self._buf: dict[str, np.ndarray] = {}

    def step(self, params: dict, grads: dict) -> None:
        """Update every array of ``params`` in place from ``grads`` (same keys)."""
        for name, g in grads.items():
            if self.momentum:
                buf = self._buf.get(name)
                if buf is None:
                    buf = self._buf[name] = g.copy()  # b_1 = g_1
                else:
                    buf *= self.momentum
                    buf += g  # b_t = μ b_{t−1} + g_t
                g = buf
            params[name] -= self.lr * g


class Adam:
    """Adam (torch.optim.Adam with its defaults β = (0.9, 0.999), ε = 1e-8)."""

    def __init__(self, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8) -> None:  # fmt: skip
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.t = 0
        self._m: dict[str, np.ndarray] = {}
        self._v: dict[str, np.ndarray] = {}

    def step(self, params: dict, grads: dict) -> None:
        """Update every array of ``params`` in place from ``grads`` (same keys)."""
        b1, b2 = self.betas
        self.t += 1
        step_size = self.lr / (1.0 - b1**self.t)
        sqrt_bc2 = math.sqrt(1.0 - b2**self.t)
        for name, g in grads.items():
            if name not in self._m:
                self._m[name] = np.zeros_like(g)
                self._v[name] = np.zeros_like(g)
            m, v = self._m[name], self._v[name]
            m *= b1
            m += (1.0 - b1) * g  # m_t
            v *= b2
            v += (1.0 - b2) * (g * g)  # v_t
            denom = np.sqrt(v)
            denom /= sqrt_bc2
            denom += self.eps
            params[name] -= step_size * (m / denom)


def _number(value: object, name: str, low: float, inclusive: bool) -> float:
    ok = not isinstance(value, bool) and isinstance(value, numbers.Real)
    if ok:
        value = float(value)
        ok = math.isfinite(value) and (value >= low if inclusive else value > low)
    if not ok:
        rel = "≥" if inclusive else ">"
        raise ValueError(f"{name} must be a finite number {rel} {low:g}; got {value!r}")
    return value


def make(name: str, lr: float = 1e-3, momentum: float = 0.0) -> SGD | Adam:
    """An optimizer by name (``"adam"`` or ``"sgd"``), its arguments checked."""
    name = _validate.choice(name, OPTIMIZERS, "optimizer")
    lr = _number(lr, "lr (learning rate)", 0.0, inclusive=False)
    momentum = _number(momentum, "momentum", 0.0, inclusive=True)
    if name == "adam":
        if momentum:
            raise ValueError(
                f"momentum applies to optimizer='sgd'; Adam has its own (betas 0.9, 0.999). "
                f"Got optimizer='adam' with momentum={momentum}"
            )
        return Adam(lr)
    if momentum >= 1:
        raise ValueError(f"momentum must be < 1; got {momentum}")
    return SGD(lr, momentum)
