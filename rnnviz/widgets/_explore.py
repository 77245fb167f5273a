"""``rnnviz.explore()``: the one call that opens the Explorer (or its kernel-free page)."""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnviz.widgets.explorer import Explorer

__all__ = ["explore"]


def explore(model: Any = None, x: Any = None, *, static: bool = False, **settings: Any) -> Any:
    """Open the interactive Explorer — of rnnviz's own cells, or of your trained model.

    Parameters
    ----------
    model : optional
        Your recurrent model: an rnnviz cell or list of cells, a model from
        ``rnnviz.sim.pretrained.load(...)``, a PyTorch ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU``
        (``num_layers`` 1–3; ``(module, nn.Linear)`` adds the output layer), or a Keras
        ``SimpleRNN`` / ``LSTM`` / ``GRU`` layer or ``Sequential`` of them (a final linear
        ``Dense`` is the output layer). The settings it decides are shown, disabled; the
        weight-scale slider multiplies its trained recurrent matrices (1 = as trained).
    x : array of shape (batch, timesteps, features), optional
        Your input for ``model`` (a 2-D array is one sequence); default: the ``input``
        preset at the model's features.
    static : bool
        False (default): the live Explorer. True: a kernel-free
        :class:`rnnviz.export.StaticPage` of the same views (hover, time scrubber and a
        precomputed weight-scale sweep), for course notebooks published as static HTML
        (nbconvert, Jupyter Book): its output needs no kernel and no network.
    **settings
        Any of units (1–256), timesteps (1–200), weight_scale (0.05–3), cell ("rnn",
        "lstm", "gru"), forget_bias (0–5, LSTM only), activation, input, architecture,
        return_sequences, layers (1–3),
        truncate (0 = full BPTT), features, batch, seed, init, output_units,
        decoder_steps, overlay ("none", "weight_scale", "cell"), and presenter.

    Returns
    -------
    Explorer, or StaticPage when ``static=True``.

    Raises
    ------
    TypeError
        For an unknown setting (the message lists the valid ones) or a wrong type.
    ValueError
        For a value out of range.
    """
    if not isinstance(static, (bool, np.bool_)):
        raise TypeError(
            f"static (a kernel-free page instead of live widgets) must be True or False; "
            f"got {type(static).__name__} {static!r}."
        )
    explorer = Explorer(model, x, **settings)
    if not static:
        return explorer
    from rnnviz.export import static_page

    page = static_page(explorer)
    _close_tree(explorer)  # the live widgets were only needed to build the page
    return page


def _close_tree(widget: Any) -> None:
    for child in getattr(widget, "children", ()) or ():
        _close_tree(child)
    widget.close()
