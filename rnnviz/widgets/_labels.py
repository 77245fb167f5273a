"""How each setting is named and offered on screen (one table for every kind of control).

The values a setting accepts live in ``_controls_settings.SPECS``; this module holds only
what a person reads: the label beside each control, the text of each choice, slider steps.
Both the ipywidgets controls (``_controls.py``) and the anywidget ``ControlPanel`` read it.
"""

from __future__ import annotations

#: Settings that get a control, in the order they are laid out, with their labels.
LABELS: dict[str, str] = {
    "units": "units",
    "timesteps": "timesteps",
    "weight_scale": "weight scale",
    "cell": "cell",
    "forget_bias": "forget bias b_f",
    "activation": "activation",
    "input": "input",
    "architecture": "architecture",
    "return_sequences": "return_sequences",
    "truncate": "truncate BPTT (0 = off)",
    "layers": "layers",
    "overlay": "compare gradients with",
}

#: Text shown for a choice, where it differs from the value.
CHOICE_LABELS: dict[str, dict[str, str]] = {
    "cell": {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"},
    "input": {
        "sine": "sine waves",
        "noise": "noise",
        "impulse": "impulse at t = 1",
        "zeros": "zeros",
        "sentence": "sentence (the cat sat on the mat)",
    },
    "overlay": {"none": "nothing", "weight_scale": "weight scales", "cell": "RNN / LSTM / GRU"},
}

#: Slider step and shown decimals of the float settings.
FLOAT_STEP: dict[str, tuple[float, int]] = {"weight_scale": (0.05, 2), "forget_bias": (0.1, 1)}

#: Settings that only mean something for some cells: setting -> (cells, why it is off).
ONLY_FOR: dict[str, tuple[tuple[str, ...], str]] = {
    "forget_bias": (("lstm",), "LSTM only: RNN and GRU cells have no forget gate"),
}
