"""How recurrent layers are wired: many-to-many, many-to-one, one-to-many, seq2seq, stacks.

Every architecture is composed from ordinary cells (``SimpleRNN``, ``LSTM``, ``GRU``) and
their ``run``: nothing here does new maths, it only decides what goes into each layer and
what comes out of the top one.

=============  ==========================================  ==============================
architecture   inputs                                      what leaves the top layer
=============  ==========================================  ==============================
many-to-many   x_1 … x_T                                   h_1 … h_T (return_sequences=True)
many-to-one    x_1 … x_T                                   h_T only (return_sequences=False)
one-to-many    x_1 = x, then x_2 … x_T = 0                 h_1 … h_T
seq2seq        encoder: x_1 … x_T; decoder: its own steps  decoder's h_1 … h_S
=============  ==========================================  ==============================

Stacking (1 to 3 layers): layer ℓ + 1 reads the whole sequence h^(ℓ)_1 … h^(ℓ)_T of layer ℓ
as its inputs, so every layer below the top must return sequences.

One-to-many feeds zeros after the first step (not the previous output fed back): the
hidden state alone carries the input forward, which is what the views show, and it works
whatever the number of units and features.

Seq2seq: encoder layer ℓ's last state h_T (and c_T when both are LSTMs) initialises
decoder layer ℓ (same units). The
decoder reads ``decoder_inputs`` (zeros by default: it then runs on its context alone) for
its own number of steps S, which need not equal the encoder's T.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["ARCHITECTURES", "ArchitectureResult", "input_shape", "run_architecture"]

ARCHITECTURES = ("many-to-many", "many-to-one", "one-to-many", "seq2seq")
MAX_LAYERS = 3


@dataclass(frozen=True)
class ArchitectureResult:
    """What one run of an architecture produced.

    Attributes
    ----------
    architecture : str
        One of ``ARCHITECTURES``.
    layers : tuple of RunResult
        One per layer, bottom first; seq2seq: the encoder layers, then the decoder layers.
    names : tuple of str
        Labels of ``layers``: ``"layer 1"``, … or ``"encoder 1"``, …, ``"decoder 1"``, ….
    return_sequences : tuple of bool
        Per layer: does it pass every h_t on (True) or only h_T (False)?
    output : ndarray
        What leaves the top layer: (batch, timesteps, units) when it returns sequences,
        else (batch, units).
    sequence_shapes : tuple of (int, int, int)
        Per layer, its output shape with return_sequences=True: (batch, timesteps, units).
    last_shapes : tuple of (int, int)
        Per layer, its output shape with return_sequences=False: (batch, units).
    n_params : int
        Parameters summed over all layers (independent of timesteps).
    """

    architecture: str
    layers: tuple[Any, ...]
    names: tuple[str, ...]
    return_sequences: tuple[bool, ...]
    output: np.ndarray
    sequence_shapes: tuple[tuple[int, int, int], ...]
    last_shapes: tuple[tuple[int, int], ...]
    n_params: int

    @property
    def output_shape(self) -> tuple[int, ...]:
        """Shape of ``output``."""
        return tuple(self.output.shape)

    @property
    def top(self):
        """RunResult of the top layer (seq2seq: the top decoder layer)."""
        return self.layers[-1]


def _as_cells(cells: Any, what: str) -> tuple[Any, ...]:
    """1 to 3 cells as a tuple, checking that each layer's features = the units below it."""
    seq = tuple(cells) if isinstance(cells, Sequence) else (cells,)
    if not 1 <= len(seq) <= MAX_LAYERS:
        raise ValueError(f"{what} must be 1 to {MAX_LAYERS} stacked layers; got {len(seq)}.")
    for i, cell in enumerate(seq):
        if not (hasattr(cell, "run") and hasattr(cell, "units") and hasattr(cell, "features")):
            raise TypeError(
                f"{what}: layer {i + 1} must be an rnnviz cell (SimpleRNN, LSTM, GRU); "
                f"got {type(cell).__name__}."
            )
    for below, (lower, upper) in enumerate(itertools.pairwise(seq), start=1):
        if upper.features != lower.units:
            raise ValueError(
                f"{what}: layer {below + 1} reads the {lower.units} units of layer {below} "
                f"as its features at every timestep, so it needs features={lower.units}; "
                f"got features={upper.features}."
            )
    return seq


def _return_sequences(architecture: str, given: Any, n_layers: int) -> tuple[bool, ...]:
    """Per-layer return_sequences: lower layers must be True, the top follows the architecture."""
    top = architecture != "many-to-one"
    if given is None:
        flags = (True,) * (n_layers - 1) + (top,)
    elif isinstance(given, (bool, np.bool_)):
        flags = (True,) * (n_layers - 1) + (bool(given),)
    else:
        if isinstance(given, str) or not isinstance(given, Sequence):
            raise TypeError(
                f"return_sequences must be True, False or one bool per layer; got {given!r}."
            )
        flags = tuple(bool(g) for g in given)
        if len(flags) != n_layers:
            raise ValueError(
                f"return_sequences needs one value per layer ({n_layers}); got {len(flags)}."
            )
    for i, flag in enumerate(flags[:-1]):
        if not flag:
            raise ValueError(
                f"layer {i + 1} has return_sequences=False but layer {i + 2} is stacked on "
                f"it: a stacked layer reads one input per timestep, so the layer below must "
                f"return the whole sequence h_1 … h_T, not only h_T. Set return_sequences="
                f"True on every layer except the top one."
            )
    if flags[-1] != top:
        wanted = "every h_t (return_sequences=True)" if top else "only h_T (return_sequences=False)"
        hint = {
            "many-to-many": " Use architecture='many-to-one' for the other choice.",
            "many-to-one": " Use architecture='many-to-many' for the other choice.",
        }.get(architecture, "")
        raise ValueError(
            f"{architecture}: the top layer returns {wanted}; got return_sequences="
            f"{flags[-1]}.{hint}"
        )
    return flags


def input_shape(architecture: str, batch: int, timesteps: int, features: int) -> tuple:
    """The shape of the ``x`` that ``run_architecture`` takes: (batch, timesteps, features),
    except one-to-many, which takes one vector per sequence, (batch, features), as x_1
    (x_2 … x_T are zero vectors it adds itself)."""
    if architecture == "one-to-many":
        return (batch, features)
    return (batch, timesteps, features)


def _one_input(x: Any, steps: Any, features: int) -> np.ndarray:
    """One input vector per sequence, then zeros: (batch, steps, features)."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(
            f"one-to-many needs steps, the number of output timesteps (an int ≥ 1); got {steps!r}."
        )
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 3 and arr.shape[1] == 1:
        arr = arr[:, 0]
    elif arr.ndim == 1:
        arr = arr[None]
    if arr.ndim != 2 or arr.shape[1] != features:
        raise ValueError(
            "one-to-many takes one input vector per sequence: x of shape (batch, features) "
            f"= (batch, {features}) or ({features},); got shape {np.shape(x)}."
        )
    seq = np.zeros((arr.shape[0], int(steps), features))
    seq[:, 0] = arr
    return seq


def _run_stack(cells: tuple[Any, ...], x: Any, starts: Sequence[Any] | None = None) -> list[Any]:
    """Run layer after layer; layer ℓ + 1 consumes the states (batch, T, units) of layer ℓ.

    ``starts``: per layer, a RunResult whose last state (h_T, and c_T when both are LSTMs)
    initialises that layer — how the decoder of seq2seq receives the encoder's context.
    """
    results = []
    inputs = x
    for i, cell in enumerate(cells):
        start = None if starts is None else starts[i]
        if start is None:
            res = cell.run(inputs)
        elif start.cell_states is not None and cell.has_cell_state:
            res = cell.run(inputs, h0=start.last_state, c0=start.cell_states[:, -1])
        else:
            res = cell.run(inputs, h0=start.last_state)
        results.append(res)
        inputs = res.states
    return results


def run_architecture(
    architecture: str,
    cells: Any,
    x: Any,
    *,
    return_sequences: bool | Sequence[bool] | None = None,
    steps: int | None = None,
    decoder: Any = None,
    decoder_inputs: Any = None,
) -> ArchitectureResult:
    """Run 1 to 3 stacked cells wired as ``architecture``.

    Parameters
    ----------
    architecture : {"many-to-many", "many-to-one", "one-to-many", "seq2seq"}
    cells : cell or sequence of 1 to 3 cells
        The stacked layers, bottom first (seq2seq: the encoder). Layer ℓ + 1 must have
        ``features`` equal to the ``units`` of layer ℓ.
    x : array
        many-to-many, many-to-one, seq2seq: (batch, timesteps, features) or
        (timesteps, features). one-to-many: one vector per sequence, (batch, features) or
        (features,).
    return_sequences : bool or sequence of bool, optional
        Default: what the architecture implies (False only for the top layer of
        many-to-one). A bool sets the top layer; a sequence sets each layer, and a False
        below the top raises ``ValueError`` (a stacked layer needs the whole sequence).
    steps : int, optional
        one-to-many: the number of timesteps T produced (required). seq2seq: the decoder's
        timesteps S (default: the length of ``decoder_inputs``, else the encoder's T).
    decoder : cell or sequence of cells, optional
        seq2seq only (required): as many layers as the encoder, layer ℓ with the units of
        encoder layer ℓ.
    decoder_inputs : array of shape (batch, S, features of decoder layer 1), optional
        seq2seq only; zeros by default.

    Returns
    -------
    ArchitectureResult
        ``output`` is (batch, T, units) of the top layer, or (batch, units) for
        many-to-one; seq2seq: (batch, S, units) of the top decoder layer.

    Raises
    ------
    ValueError, TypeError
        Before any layer runs, so a rejected call computes nothing.
    """
    if architecture not in ARCHITECTURES:
        raise ValueError(f"architecture must be one of {ARCHITECTURES}; got {architecture!r}.")
    encoder = _as_cells(cells, "cells")
    flags = _return_sequences(architecture, return_sequences, len(encoder))
    if architecture != "seq2seq" and (decoder is not None or decoder_inputs is not None):
        raise ValueError(f"decoder and decoder_inputs are for seq2seq only, not {architecture}.")
    if architecture not in ("one-to-many", "seq2seq") and steps is not None:
        raise ValueError(
            f"{architecture} runs for as many timesteps as x has; steps is for one-to-many "
            f"and seq2seq. Got steps={steps!r}."
        )

    if architecture == "one-to-many":
        layers = _run_stack(encoder, _one_input(x, steps, encoder[0].features))
        names = tuple(f"layer {i + 1}" for i in range(len(layers)))
    elif architecture == "seq2seq":
        if decoder is None:
            raise ValueError("seq2seq needs a decoder: one cell per encoder layer.")
        dec = _as_cells(decoder, "decoder")
        if len(dec) != len(encoder):
            raise ValueError(
                f"seq2seq: encoder layer ℓ's last state initialises decoder layer ℓ, so both "
                f"need the same number of layers; got {len(encoder)} encoder and {len(dec)} "
                f"decoder layers."
            )
        for i, (e, d) in enumerate(zip(encoder, dec, strict=True), start=1):
            if e.units != d.units:
                raise ValueError(
                    f"seq2seq: decoder layer {i} starts from the h_T of encoder layer {i}, "
                    f"so it needs units={e.units}; got units={d.units}."
                )
        x_dec = _decoder_inputs(decoder_inputs, steps, dec[0].features)
        shape = np.shape(x)
        batch, timesteps = shape[:2] if len(shape) == 3 else (1, shape[0] if shape else 0)
        if x_dec is None:
            n = timesteps if steps is None else int(steps)
            x_dec = np.zeros((batch, n, dec[0].features))
        elif x_dec.shape[0] != batch:
            raise ValueError(
                f"seq2seq: decoder_inputs must have the encoder's batch ({batch}); "
                f"got batch {x_dec.shape[0]}."
            )
        enc_layers = _run_stack(encoder, x)
        dec_layers = _run_stack(dec, x_dec, enc_layers)
        layers = enc_layers + dec_layers
        names = tuple(f"encoder {i + 1}" for i in range(len(encoder))) + tuple(
            f"decoder {i + 1}" for i in range(len(dec))
        )
        encoder = encoder + dec
        flags = (True,) * len(layers)
    else:
        layers = _run_stack(encoder, x)
        names = tuple(f"layer {i + 1}" for i in range(len(layers)))

    top = layers[-1]
    output = top.states if flags[-1] else top.last_state
    return ArchitectureResult(
        architecture=architecture,
        layers=tuple(layers),
        names=names,
        return_sequences=flags,
        output=output,
        sequence_shapes=tuple(tuple(int(n) for n in r.states.shape) for r in layers),
        last_shapes=tuple(tuple(int(n) for n in r.last_state.shape) for r in layers),
        n_params=int(sum(cell.n_params for cell in encoder)),
    )


def _decoder_inputs(given: Any, steps: Any, features: int) -> np.ndarray | None:
    """Validated decoder inputs (batch, S, features), or None for zeros built later."""
    if steps is not None and (
        isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1
    ):
        raise ValueError(f"seq2seq: steps (decoder timesteps) must be an int ≥ 1; got {steps!r}.")
    if given is None:
        return None
    arr = np.asarray(given, dtype=np.float64)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[2] != features:
        raise ValueError(
            "seq2seq: decoder_inputs must have shape (batch, decoder timesteps, features) "
            f"with features={features}; got shape {np.shape(given)}."
        )
    if steps is not None and arr.shape[1] != steps:
        raise ValueError(
            f"seq2seq: steps={steps} but decoder_inputs has {arr.shape[1]} timesteps; "
            "give one or make them agree."
        )
    return arr
