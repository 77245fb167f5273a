"""What the Explorer says in words: the status line under its controls and its repr.

Both are read from the frame shown (shapes, parameter count, overflow, ‖∂h_T/∂h_0‖₂ and
the theory of the top layer), never computed again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rnnviz.frame import Frame

__all__ = ["describe", "error_html", "status_html"]


def _shape(shape: tuple) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ")"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def status_html(f: Frame, notes: Sequence[str] = ()) -> str:
    """The status line: the array shapes of one run, the parameter count, overflow, and
    ``notes`` (what a view says about itself, e.g. that the layer chosen in it is gone)."""
    shapes = f.shapes
    parts = [f"x {_shape(shapes['x'])}", f"W_xh {_shape(shapes['W_xh'])}"]
    parts += [f"W_hh {_shape(shapes['W_hh'])}", f"h_t {_shape(shapes['h_t'])}"]
    parts.append(f"output {_shape(shapes['output'])}")
    warn = " · <b>overflow: some values are inf</b>" if f.overflowed else ""
    warn += "".join(f" · <b>{_escape(note)}</b>" for note in notes)
    return (
        " · ".join(parts) + f" · <b>{f.n_params:,}</b> parameters (independent of timesteps){warn}"
    )


def error_html(error: BaseException) -> str:
    """The status line when the current settings cannot be shown."""
    return f"<b>cannot show these settings</b>: {_escape(str(error))}"


def describe(config: dict[str, Any], model: Any, f: Frame | None) -> str:
    """The Explorer's repr: its non-default settings (``config``), the user's model (or
    None) and what the frame ``f`` shows (or nothing before the first frame)."""
    from rnnviz.export._axes import count  # "1 unit", "16 units" (one plural rule)

    args = ", ".join(f"{k}={v!r}" for k, v in config.items())
    lines = [f"Explorer({args})"]
    if model is not None:
        lines.append(f"  {model.description} (weight_scale × its trained W_hh)")
    if f is not None:
        th = f.theory
        lines.append(
            f"  {f.settings['cell']} cell, {count(f.settings['units'], 'unit')} × "
            f"{count(f.settings['timesteps'], 'timestep')}, {f.n_params} parameters; "
            f"h_t shape {f.states[-1].shape[1:]} per step"
        )
        verdict = (
            "(γσ_max)^(T−t) bounds the Elman RNN only"
            if th.vanishing_sufficient is None
            else f"sufficient for vanishing: {'yes' if th.vanishing_sufficient else 'no'}"
        )
        lines.append(
            f"  ‖∂h_T/∂h_0‖₂ = {f.jacobian_norms[0]:.3g}; σ_max({th.matrix}) = "
            f"{th.sigma_max:.3g}, γ = {th.gamma:g}, {verdict}"
        )
    lines.append("  (an interactive widget: display it in Jupyter to see the views)")
    return "\n".join(lines)
