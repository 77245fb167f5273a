"""plotly.py figures of a frame (heatmap of h_t, gradient flow), for write_html or editing."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

_ACTIVATION_RANGE = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}
#: Most timesteps that still get one word label each (as the heatmap view).
_MAX_TOKEN_TICKS = 40
_PLOTLY_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "%": "&#37;"}


def plotly_text(value: object) -> str:
    """User text for a plotly label, drawn as its characters, never as markup.

    plotly reads labels as a small HTML (``<b>``, ``<span style>``, ``<a href>``…) and
    hover templates' ``%{…}`` as data fields; it decodes entities after reading both, so
    ``&``, ``<``, ``>`` and ``%`` become entities (as ``js/src/lib/plotly_text.js``).
    """
    return "".join(_PLOTLY_ENTITIES.get(c, c) for c in str(value))


def _value_range(states: np.ndarray, activation: str) -> tuple[float, float]:
    if activation in _ACTIVATION_RANGE:
        return _ACTIVATION_RANGE[activation]
    finite = states[np.isfinite(states)]
    m = float(np.max(np.abs(finite))) if finite.size else 1.0
    return (-m, m) if m > 0 else (-1.0, 1.0)


def _heatmap_figure(frame: Any):
    import plotly.graph_objects as go

    h = np.asarray(frame.states[-1], dtype=float)  # (T, units): h_1..h_T of the top layer
    steps, units = h.shape
    zmin, zmax = _value_range(h, frame.settings.get("activation", "tanh"))
    fig = go.Figure(
        go.Heatmap(
            z=h.T,
            x=np.arange(1, steps + 1),
            y=np.arange(units),
            zmin=zmin,
            zmax=zmax,
            colorscale="RdBu_r",
            colorbar={"title": {"text": "h"}},
            hovertemplate="unit %{y}, t = %{x}, h = %{z:.3f}<extra></extra>",
        )
    )
    tokens = list(getattr(frame, "tokens", None) or [])
    if len(tokens) == steps and steps <= _MAX_TOKEN_TICKS:  # the words of a sentence input
        fig.update_xaxes(
            tickvals=list(range(1, steps + 1)),
            ticktext=[f"{plotly_text(tok)}<br>{t}" for t, tok in enumerate(tokens, start=1)],
        )
    fig.update_layout(
        title=f"hidden state h_t: {units} units × {steps} timesteps",
        xaxis_title="timestep t",
        yaxis_title="unit",
        template="plotly_white",
    )
    return fig


def _gradients_figure(frame: Any):
    import plotly.graph_objects as go

    norms = np.asarray(frame.jacobian_norms, dtype=float)  # (T+1,), index t = 0..T
    bound = np.asarray(frame.bound, dtype=float)
    steps = norms.shape[0] - 1
    back = np.arange(steps + 1)  # steps back T - t
    y, b = norms[::-1], bound[::-1]
    finite = np.concatenate([y[np.isfinite(y) & (y > 0)], b[np.isfinite(b) & (b > 0)]])
    lo = float(finite.min()) if finite.size else 1e-3
    hi = float(finite.max()) if finite.size else 1.0
    lo_exp, hi_exp = math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1
    fig = go.Figure()
    ok = np.isfinite(y) & (y > 0)
    fig.add_trace(go.Scatter(x=back[ok], y=y[ok], mode="lines+markers", name="‖∂h_T/∂h_t‖₂"))
    okb = np.isfinite(b) & (b > 0)
    fig.add_trace(
        go.Scatter(
            x=back[okb],
            y=b[okb],
            mode="lines",
            name="bound (γσ_max)^(T−t)",
            line={"dash": "dash"},
        )
    )
    # Values that overflowed (inf) or underflowed (0) sit on the axis edge, never dropped.
    for mask, edge, symbol, name in (
        (np.isinf(y), 10.0**hi_exp, "triangle-up", "▲ overflow (inf)"),
        (y == 0, 10.0**lo_exp, "triangle-down", "▼ underflow (0)"),
    ):
        if mask.any():
            fig.add_trace(
                go.Scatter(
                    x=back[mask],
                    y=np.full(int(mask.sum()), edge),
                    mode="markers",
                    name=name,
                    marker={"symbol": symbol, "size": 11, "color": "#c0392b"},
                )
            )
    truncate = int(frame.settings.get("truncate", 0) or 0)
    if truncate:
        fig.add_vrect(
            x0=0,
            x1=min(truncate, steps),
            fillcolor="#999",
            opacity=0.15,
            line_width=0,
            annotation_text=f"truncated BPTT: {truncate} steps",
            annotation_position="top left",
        )
    th = frame.theory
    verdict = "yes" if th.vanishing_sufficient else "no"
    fig.update_layout(
        title=(
            f"gradient flow: ρ = {th.rho:.3g}, σ_max = {th.sigma_max:.3g}, γ = {th.gamma:.3g}; "
            f"σ_max < 1/γ (sufficient for vanishing): {verdict}"
        ),
        xaxis_title="steps back (T − t)",
        yaxis_title="‖∂h_T/∂h_t‖₂",
        yaxis={"type": "log", "range": [lo_exp, hi_exp]},
        template="plotly_white",
    )
    return fig


def to_figures(frame: Any) -> dict:
    """plotly.py figures of a frame: ``{"heatmap": go.Figure, "gradients": go.Figure}``.

    ``"heatmap"``: z has shape (units, timesteps), ``z[i, t-1]`` = unit i of h_t (top
    layer, first sequence of the batch), colour range fixed to the activation's range.
    ``"gradients"``: ‖∂h_T/∂h_t‖₂ against steps back T − t on a log axis, with the bound
    (γσ_max)^(T−t) dashed; values that overflowed to inf or underflowed to 0 are drawn as
    markers on the axis edge; the truncated-BPTT window is shaded.

    Each figure supports ``fig.write_html(path)`` (offline: pass
    ``include_plotlyjs=True``). ``fig.write_image`` needs the ``kaleido`` package, which
    rnnviz does not depend on.

    Parameters
    ----------
    frame : rnnviz.widgets._frame.Frame, Explorer or view
        A frame, or anything with a ``.frame`` attribute (the Explorer, a view).
    """
    frame = getattr(frame, "frame", frame)
    for attr in ("states", "jacobian_norms", "bound", "theory", "settings"):
        if not hasattr(frame, attr):
            raise TypeError(
                "to_figures expects a Frame (or an Explorer / view holding one); "
                f"got {type(frame).__name__}, which has no {attr!r}."
            )
    return {"heatmap": _heatmap_figure(frame), "gradients": _gradients_figure(frame)}
