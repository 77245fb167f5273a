"""plotly.py figures of a frame (heatmap of h_t, gradient flow), for write_html or editing."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from rnnviz.export._axes import count, integer_ticks, log_ticks, overlay_colour, word_ticks
from rnnviz.export._interfaces import Exportable, Frame, is_view
from rnnviz.frame.truncation import truncation

#: Width in px of the heatmap's plot area that the word labels are thinned for: a figure
#: of plotly's default 700 px (margins 80 + 80, colour bar ~70); wider only spreads them.
WORD_PLOT_WIDTH = 460
#: Font size of the tick labels in px (plotly's default).
TICK_FONT = 12
#: Rows of word labels (staggered, as the heatmap view: js/src/lib/heatmap_data.js).
WORD_ROWS = 2
_PLOTLY_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "%": "&#37;"}


def plotly_text(value: object) -> str:
    """User text for a plotly label, drawn as its characters, never as markup.

    plotly reads labels as a small HTML (``<b>``, ``<span style>``, ``<a href>``…) and
    hover templates' ``%{…}`` as data fields; it decodes entities after reading both, so
    ``&``, ``<``, ``>`` and ``%`` become entities (as ``js/src/lib/plotly_text.js``).
    """
    return "".join(_PLOTLY_ENTITIES.get(c, c) for c in str(value))


#: The views' state scale (light theme): diverging around 0, or its upper half from 0 up
#: (sequential) for non-negative ranges, so that h = 0 is always the neutral colour.
_DIVERGING = (
    (0.0, "#2166ac"),
    (0.25, "#67a9cf"),
    (0.5, "#f7f7f7"),
    (0.75, "#ef8a62"),
    (1.0, "#b2182b"),
)
_SEQUENTIAL = tuple(((f - 0.5) * 2, c) for f, c in _DIVERGING if f >= 0.5)


def _colorscale(zmin: float) -> list:
    return [list(stop) for stop in (_SEQUENTIAL if zmin >= 0 else _DIVERGING)]


def _heatmap_figure(frame: Frame):
    import plotly.graph_objects as go

    top = len(frame.states) - 1
    h = np.asarray(frame.states[top], dtype=float)  # (T, units): h_1..h_T of the top layer
    steps, units = h.shape
    zmin, zmax = frame.colour_range("h", top)  # the views' one rule
    fig = go.Figure(
        go.Heatmap(
            z=h.T,
            x=np.arange(1, steps + 1),
            y=np.arange(units),
            zmin=zmin,
            zmax=zmax,
            colorscale=_colorscale(zmin),
            colorbar={"title": {"text": "h"}},
            hovertemplate="unit %{y}, t = %{x}, h = %{z:.3f}<extra></extra>",
        )
    )
    fig.update_xaxes(**integer_ticks(1, steps, 12))
    fig.update_yaxes(**integer_ticks(0, units - 1, 10))
    tokens = list(frame.tokens or [])
    words = len(tokens) == steps  # the sentence input: its words, then <pad>
    if words:
        ticks = word_ticks(tokens, WORD_PLOT_WIDTH, TICK_FONT, WORD_ROWS)
        fig.update_xaxes(
            tickmode="array",
            tickvals=[t for t, _, _ in ticks],
            ticktext=[("<br>" if row else "") + plotly_text(w) for _, w, row in ticks],
            tickangle=0,
        )
        # %{x} would read the tick text: the hover names t and its word from customdata
        fig.update_traces(
            customdata=[[f"{t} ({plotly_text(w)})" for t, w in enumerate(tokens, 1)]] * units,
            hovertemplate="unit %{y}, t = %{customdata}, h = %{z:.3f}<extra></extra>",
        )
    fig.update_layout(
        title=f"hidden state h_t: {count(units, 'unit')} × {count(steps, 'timestep')}",
        xaxis_title="timestep t: input word x<sub>t</sub>" if words else "timestep t",
        yaxis_title="unit",
        template="plotly_white",
    )
    return fig


_CURVE_COLOUR = "#0969da"


def _positive(a: np.ndarray) -> np.ndarray:
    return a[np.isfinite(a) & (a > 0)]


def _gradients_figure(frame: Frame):
    import plotly.graph_objects as go

    norms = np.asarray(frame.jacobian_norms, dtype=float)  # (T+1,), index t = 0..T
    steps = norms.shape[0] - 1
    back = np.arange(steps + 1)  # steps back T - t
    y = norms[::-1]
    # (name, curve by steps back, colour, its product bound by steps back or None)
    product, overlays, overlay_bounds = frame.product_bound, frame.overlays, frame.overlay_bounds
    curves = [("‖∂h_T/∂h_t‖₂", y, _CURVE_COLOUR, None if product is None else product[::-1])]
    for i, (name, curve) in enumerate(overlays.items()):
        b = overlay_bounds.get(name)
        colour = overlay_colour(name, i)  # fixed per value in every figure
        curves.append((name, np.asarray(curve)[::-1], colour, None if b is None else b[::-1]))
    pascanu = None if frame.bound is None else np.asarray(frame.bound, dtype=float)[::-1]
    lines = [c[1] for c in curves] + [c[3] for c in curves if c[3] is not None]
    if pascanu is not None:
        lines.append(pascanu)
    finite = np.concatenate([_positive(np.asarray(v, dtype=float)) for v in lines])
    lo = float(finite.min()) if finite.size else 1e-3
    hi = float(finite.max()) if finite.size else 1.0
    lo_exp, hi_exp = math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1
    fig = go.Figure()
    for i, (name, curve, colour, _) in enumerate(curves):
        ok = np.isfinite(curve) & (curve > 0)
        fig.add_trace(
            go.Scatter(
                x=back[ok],
                y=curve[ok],
                mode="lines+markers" if i == 0 else "lines",
                name=name,
                line={"color": colour},
            )
        )
    several = len(curves) > 1
    if pascanu is not None:
        okb = np.isfinite(pascanu) & (pascanu > 0)
        of = " (‖∂h_T/∂h_t‖₂)" if several else ""
        fig.add_trace(
            go.Scatter(
                x=back[okb],
                y=pascanu[okb],
                mode="lines",
                name=f"Pascanu bound (γσ_max)^(T−t){of}: Elman RNN only",
                line={"dash": "dot", "color": "#6e7781"},
            )
        )
    for name, _, colour, bound in curves:
        if bound is None:
            continue
        okb = np.isfinite(bound) & (bound > 0)
        of = f" ({name})" if several else ""
        fig.add_trace(
            go.Scatter(
                x=back[okb],
                y=bound[okb],
                mode="lines",
                name=f"∏ of per-step norms{of}: always ≥ the curve",
                line={"dash": "dash", "color": colour, "width": 1},
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
    _window_band(fig, frame, steps)
    th = frame.theory
    if th.vanishing_sufficient is None:
        tail = "(γσ_max)^(T−t) bounds the Elman RNN only, not this cell"
    else:
        verdict = "yes" if th.vanishing_sufficient else "no"
        tail = f"σ_max < 1/γ (sufficient for vanishing): {verdict}"
    fig.update_layout(
        title=(
            f"gradient flow: ρ = {th.rho:.3g}, σ_max = {th.sigma_max:.3g}, γ = {th.gamma:.3g}; "
            + tail
        ),
        xaxis_title="steps back (T − t)",
        xaxis={"range": [-0.5, steps + 0.5], **integer_ticks(0, steps)},
        yaxis_title="‖∂h_T/∂h_t‖₂",
        yaxis={"type": "log", "range": [lo_exp, hi_exp], **log_ticks(lo_exp, hi_exp)},
        template="plotly_white",
    )
    return fig


def _window_band(fig, frame: Frame, steps: int) -> None:
    """The truncated-BPTT window of the layer drawn (``rnnviz.frame.truncation``, the rule
    and words of the live view): its kept steps back 0 … r shaded, labelled."""
    window = truncation(frame.settings, frame.gradient_layer)
    if not window["active"]:
        return
    label = "<br>".join(plotly_text(line) for line in window["label"])
    if window["kept"] is None:  # no gradient reaches this layer: no band, the words say so
        fig.add_annotation(text=label, x=0, y=1, xref="paper", yref="paper", xanchor="left",
                           yanchor="top", align="left", showarrow=False)  # fmt: skip
        return
    r = window["kept"][1]
    fig.add_vrect(x0=-0.5, x1=min(r, steps) + 0.5, fillcolor="#999", opacity=0.15, line_width=0,
                  annotation_text=label, annotation_position="top left",
                  annotation_align="left")  # fmt: skip


def to_figures(frame: Any) -> dict:
    """plotly.py figures of a frame: ``{"heatmap": go.Figure, "gradients": go.Figure}``.

    ``"heatmap"``: z has shape (units, timesteps), ``z[i, t-1]`` = unit i of h_t (top
    layer, first sequence of the batch), colour range fixed to the activation's range.
    ``"gradients"``: ‖∂h_T/∂h_t‖₂ against steps back T − t on a log axis (and the overlay
    curves, if any), each with its own bound ∏ of per-step norms dashed in its colour (a
    bound for every cell); for the Elman RNN also the Pascanu bound (γσ_max)^(T−t) dotted.
    Values that overflowed to inf or underflowed to 0 are drawn as markers on the axis
    edge; the truncated-BPTT window's kept steps are shaded and labelled as in the live
    view (``rnnviz.frame.truncation``).

    Each figure supports ``fig.write_html(path)`` (offline: pass
    ``include_plotlyjs=True``). ``fig.write_image`` needs the ``kaleido`` package, which
    rnnviz does not depend on.

    Parameters
    ----------
    frame : Frame, Explorer or view
        A frame, or anything with a ``.frame`` attribute (the Explorer, a view).
    """
    source = frame
    if is_view(source) or isinstance(source, Exportable):
        frame = source.frame
    if not isinstance(frame, Frame):
        raise TypeError(
            "to_figures expects a Frame (or an Explorer / view holding one); "
            f"got {type(source).__name__}."
        )
    return {"heatmap": _heatmap_figure(frame), "gradients": _gradients_figure(frame)}
