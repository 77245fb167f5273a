"""Bad input, table-driven: every case raises an rnnviz error whose message names the
setting, what was expected and what was given, and leaves the object exactly as it was
(every setting, every control, every synced trait and buffer of every view).

Each case here was accepted silently, ignored, answered in another library's words, or
left the object changed before the fix it tests.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape as html_unescape
from typing import Any

import numpy as np
import pytest

pytest.importorskip("anywidget")

import rnnviz
from rnnviz.export import to_html
from rnnviz.sim import GRU, LSTM, SimpleRNN, inputs
from rnnviz.widgets import GradientFlow, StateHeatmap, UnrolledGraph
from rnnviz.widgets.explorer import Explorer

os.environ.setdefault("KERAS_BACKEND", "torch")


# ----------------------------------------------------------------------------------------
# snapshots: everything an object shows or syncs, comparable with ==
# ----------------------------------------------------------------------------------------
def _norm(value: Any) -> Any:
    if isinstance(value, memoryview):
        return ("buffer", value.tobytes())
    if isinstance(value, np.ndarray):
        return ("array", value.shape, str(value.dtype), value.tobytes())
    if isinstance(value, float):
        return repr(value)  # NaN == NaN as text
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_norm(v) for v in value]
    return value


def _view_state(view) -> dict:
    return _norm(view.get_state())


def snapshot(obj: Any) -> Any:
    """All settings, controls and synced state of an Explorer / view; bytes of arrays."""
    if isinstance(obj, Explorer):
        return {
            "settings": _norm(obj.settings),
            "time": obj.time,
            "presenter": obj.presenter,
            "config": _norm(obj.config),
            "controls": {n: _norm(w.value) for n, w in obj.controls.by_setting.items()},
            "scrubber": obj.controls.time.value,
            "views": [_view_state(v) for v in obj.views],
            "attributes": sorted(obj.__dict__),
        }
    if isinstance(obj, (StateHeatmap, UnrolledGraph, GradientFlow)):
        return _view_state(obj)
    if hasattr(obj, "kernel"):  # a cell
        arrays = (obj.kernel, obj.recurrent_kernel, obj.bias, obj.W_hy, obj.b_y)
        return [repr(obj), *(_norm(a) for a in arrays if a is not None)]
    return _norm(obj)


# ----------------------------------------------------------------------------------------
# the table
# ----------------------------------------------------------------------------------------
@dataclass
class Case:
    """``make()`` builds the object; ``act(obj)`` is the bad input; ``words`` must all be
    in the message (the setting, the expected value, the given value)."""

    id: str
    make: Callable[[], Any]
    act: Callable[[Any], Any]
    error: type[BaseException]
    words: tuple[str, ...]
    watched: Callable[[Any], Any] = field(default=lambda obj: obj)


def _explorer():
    return rnnviz.explore(units=5, timesteps=6)


def _set(name: str, value: Any) -> Callable[[Any], Any]:
    return lambda obj: setattr(obj, name, value)


def _slider(name: str, value: Any) -> Callable[[Any], Any]:
    return lambda ex: setattr(ex.controls.by_setting[name], "value", value)


def _torch_module(kind: str, name: str, index: tuple, value: float):
    def make():
        torch = pytest.importorskip("torch")
        module = getattr(torch.nn, kind)(3, 4)
        with torch.no_grad():
            getattr(module, name)[index] = value
        return module

    return make


def _keras_layer(kind: str, weight: int, index: tuple):
    def make():
        keras = pytest.importorskip("keras")
        layer = getattr(keras.layers, kind)(4)
        layer.build((1, 5, 3))
        weights = layer.get_weights()
        weights[weight][index] = np.nan
        layer.set_weights(weights)
        return layer

    return make


def _weights_of(module):
    return [p.detach().numpy().tobytes(order="C") for p in module.parameters()]


def _keras_weights(layer):
    return [np.asarray(w).tobytes() for w in layer.get_weights()]


_NAN_MAP = np.full((5, 6), np.nan, dtype=np.float32)
_COMPLEX = np.ones((4, 3)) + 1j
_SETTINGS = "units, timesteps, weight_scale"

CASES = [
    # -- typos on the Explorer: an attribute that changes nothing ------------------------
    Case("ex.unit", _explorer, _set("unit", 32), AttributeError,
         ("'unit'", "did you mean 'units'", _SETTINGS, "Explorer.unit = 32")),
    Case("ex.timestep", _explorer, _set("timestep", 50), AttributeError,
         ("'timestep'", "did you mean 'timesteps'", "Explorer.timestep = 50")),
    Case("ex.weightscale", _explorer, _set("weightscale", 2), AttributeError,
         ("'weightscale'", "did you mean 'weight_scale'", "Explorer.weightscale = 2")),
    Case("ex.cels", _explorer, _set("cels", "lstm"), AttributeError,
         ("'cels'", "did you mean 'cell'", "Explorer.cels = 'lstm'")),
    Case("ex.return_sequence", _explorer, _set("return_sequence", False), AttributeError,
         ("did you mean 'return_sequences'", "Explorer.return_sequence = False")),
    Case("ex.layer", _explorer, _set("layer", 2), AttributeError,
         ("did you mean 'layers'", "Explorer.layer = 2")),
    Case("ex.truncation", _explorer, _set("truncation", 3), AttributeError,
         ("did you mean 'truncate'", "Explorer.truncation = 3")),
    Case("ex.presentr", _explorer, _set("presentr", True), AttributeError,
         ("did you mean 'presenter'", "Explorer.presentr = True")),
    Case("ex.decoder_step", _explorer, _set("decoder_step", 4), AttributeError,
         ("did you mean 'decoder_steps'", "Explorer.decoder_step = 4")),
    # -- the scrubber: rnnviz's words, not traitlets' ------------------------------------
    Case("ex.time='5'", _explorer, _set("time", "5"), TypeError,
         ("time (the scrubber)", "a whole number", "got str '5'")),
    Case("ex.time=None", _explorer, _set("time", None), TypeError,
         ("time (the scrubber)", "a whole number", "got NoneType None")),
    Case("ex.time=2.5", _explorer, _set("time", 2.5), TypeError,
         ("time (the scrubber)", "a whole number", "got float 2.5")),
    Case("ex.time=True", _explorer, _set("time", True), TypeError,
         ("time (the scrubber)", "a whole number", "got bool True")),
    # -- settings kept but ignored ------------------------------------------------------
    Case("ex.decoder_steps many-to-many", _explorer, _set("decoder_steps", 5), ValueError,
         ("decoder_steps", "architecture='seq2seq' only", "got decoder_steps=5",
          "architecture='many-to-many'")),
    Case("explore(decoder_steps=3)", lambda: None,
         lambda _: rnnviz.explore(decoder_steps=3), ValueError,
         ("decoder_steps", "architecture='seq2seq' only", "got decoder_steps=3")),
    Case("explore(many-to-one, decoder_steps)", lambda: None,
         lambda _: rnnviz.explore(architecture="many-to-one", decoder_steps=2), ValueError,
         ("decoder_steps", "seq2seq", "got decoder_steps=2", "'many-to-one'")),
    # -- controls: the slider keeps its value --------------------------------------------
    Case("weight_scale slider NaN", _explorer, _slider("weight_scale", math.nan), ValueError,
         ("weight_scale", "a number from 0.05 to 3.0", "got nan")),
    Case("weight_scale slider inf", _explorer, _slider("weight_scale", math.inf), ValueError,
         ("weight_scale", "a number from 0.05 to 3.0", "got inf")),
    Case("weight_scale slider -inf", _explorer, _slider("weight_scale", -math.inf), ValueError,
         ("weight_scale", "a number from 0.05 to 3.0", "got -inf")),
    # -- views: unknown keywords ---------------------------------------------------------
    Case("StateHeatmap(quantiy=)", lambda: None, lambda _: StateHeatmap(quantiy="c"),
         TypeError, ("StateHeatmap()", "'quantiy'", "did you mean 'quantity'", "layer")),
    Case("UnrolledGraph(unit=)", lambda: None, lambda _: UnrolledGraph(unit=3), TypeError,
         ("UnrolledGraph()", "'unit'", "did you mean 'units'", "rolled")),
    Case("GradientFlow(presentr=)", lambda: None, lambda _: GradientFlow(presentr=True),
         TypeError, ("GradientFlow()", "'presentr'", "did you mean 'presenter'")),
    # -- views: data drawn from the frame cannot be set ----------------------------------
    Case("heatmap.values=NaN", _explorer, lambda ex: setattr(ex.heatmap, "values", _NAN_MAP),
         AttributeError, ("StateHeatmap.values", "heatmap.show(frame)", "shape (5, 6)"),
         ),
    Case("graph.states=[]", _explorer, lambda ex: setattr(ex.graph, "states", []),
         AttributeError, ("UnrolledGraph.states", "graph.show(frame)", "got []")),
    Case("graph.dh_norms", _explorer, lambda ex: setattr(ex.graph, "dh_norms", np.zeros(3)),
         AttributeError, ("UnrolledGraph.dh_norms", "graph.show(frame)", "shape (3,)")),
    Case("graph.n_params", _explorer, lambda ex: setattr(ex.graph, "n_params", -1),
         AttributeError, ("UnrolledGraph.n_params", "change a setting", "got -1")),
    Case("heatmap.units", _explorer, lambda ex: setattr(ex.heatmap, "units", 99),
         AttributeError, ("StateHeatmap.units", "from_settings(units=...)", "got 99")),
    Case("heatmap.tokens", _explorer, lambda ex: setattr(ex.heatmap, "tokens", ["<b>x"]),
         AttributeError, ("StateHeatmap.tokens", "heatmap.show(frame)", "['<b>x']")),
    Case("StateHeatmap(units=32)", lambda: None, lambda _: StateHeatmap(units=32),
         AttributeError, ("StateHeatmap.units", "from_settings(units=...)", "got 32")),
    # -- sim: input presets --------------------------------------------------------------
    Case("make(shuffle='no')", lambda: None,
         lambda _: inputs.make("sentence", 5, 3, shuffle="no"), TypeError,
         ("shuffle", "True or False", "got str 'no'")),
    Case("make(shuffle=1)", lambda: None,
         lambda _: inputs.make("sentence", 5, 3, shuffle=1), TypeError,
         ("shuffle", "True or False", "got int 1")),
    Case("sentence(shuffle='yes')", lambda: None,
         lambda _: inputs.sentence(shuffle="yes"), TypeError,
         ("shuffle", "True or False", "got str 'yes'")),
    Case("tokens(shuffle='no')", lambda: None,
         lambda _: inputs.tokens("sentence", 5, shuffle="no"), TypeError,
         ("shuffle", "True or False", "got str 'no'")),
    # -- sim: complex numbers are not silently made real ---------------------------------
    Case("run(complex x)", lambda: SimpleRNN(units=3), lambda c: c.run(_COMPLEX), TypeError,
         ("x must be an array of real numbers", "complex", "shape (4, 3)")),
    Case("as_sequences(complex)", lambda: None, lambda _: inputs.as_sequences(_COMPLEX),
         TypeError, ("x must be an array of real numbers", "complex128")),
    Case("run(h0 complex)", lambda: LSTM(units=3),
         lambda c: c.run(np.ones((4, 3)), h0=np.ones(3) * 1j), TypeError,
         ("h0 must be an array of real numbers", "complex")),
    Case("with_weights(complex)", lambda: GRU(units=2),
         lambda c: c.with_weights(kernel=np.ones((3, 6)) * (1 + 2j)), TypeError,
         ("kernel must be an array of real numbers", "complex")),
    # -- sim: sizes that cannot fit --------------------------------------------------------
    Case("SimpleRNN(units=10**6)", lambda: None, lambda _: SimpleRNN(units=10**6), ValueError,
         ("SimpleRNN(units=1000000", "TiB of memory", "2 GiB")),
    Case("LSTM(units=10**5)", lambda: None, lambda _: LSTM(units=10**5), ValueError,
         ("LSTM(units=100000", "GiB of memory", "2 GiB")),
    Case("make(timesteps=10**9)", lambda: None,
         lambda _: inputs.make("noise", timesteps=10**9, features=3), ValueError,
         ("timesteps=1000000000", "GiB of memory", "2 GiB")),
    Case("run 10**6 steps", lambda: LSTM(units=256, features=3),
         lambda c: c.run(np.zeros((10**6, 3))), ValueError,
         ("timesteps=1000000", "units=256", "GiB of memory", "2 GiB")),
    # -- from_torch / from_keras speak the user's framework -------------------------------
    Case("from_torch RNN NaN", _torch_module("RNN", "weight_hh_l0", (3, 2), math.nan),
         lambda m: rnnviz.sim.from_torch(m), ValueError,
         ("nn.RNN.weight_hh_l0[3, 2] is nan", "finite", "shape (4, 4)"), _weights_of),
    Case("from_torch LSTM inf", _torch_module("LSTM", "bias_ih_l0", (9,), math.inf),
         lambda m: rnnviz.sim.from_torch(m), ValueError,
         ("nn.LSTM.bias_ih_l0[9] is inf", "finite", "shape (16,)"), _weights_of),
    Case("from_torch GRUCell NaN", _torch_module("GRUCell", "weight_ih", (7, 1), math.nan),
         lambda m: rnnviz.sim.from_torch(m), ValueError,
         ("nn.GRUCell.weight_ih[7, 1] is nan", "finite", "shape (12, 3)"), _weights_of),
    Case("from_keras SimpleRNN NaN", _keras_layer("SimpleRNN", 0, (1, 2)),
         lambda layer: rnnviz.sim.from_keras(layer), ValueError,
         ("SimpleRNN.kernel[1, 2] is nan", "finite", "shape (3, 4)"), _keras_weights),
    Case("from_keras LSTM NaN", _keras_layer("LSTM", 1, (2, 5)),
         lambda layer: rnnviz.sim.from_keras(layer), ValueError,
         ("LSTM.recurrent_kernel[2, 5] is nan", "finite", "shape (4, 16)"), _keras_weights),
    # -- export ----------------------------------------------------------------------------
    Case("to_html(title=None)", _explorer, lambda ex: ex.to_html("x.html", title=None),
         TypeError, ("title (the page's title and heading)", "a string", "NoneType None")),
    Case("to_html(path=None)", _explorer, lambda ex: to_html(ex, None), TypeError,
         ("path", "file path (str or pathlib.Path)", "NoneType None")),
]  # fmt: skip


def test_the_table_is_large_enough():
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_clearly_and_changes_nothing(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    obj = case.make()
    before = snapshot(case.watched(obj))
    with pytest.raises(case.error) as info:
        case.act(obj)
    message = str(info.value)
    for word in case.words:
        assert word in message, f"{word!r} missing from the message: {message}"
    assert snapshot(case.watched(obj)) == before, "a rejected input changed the object"
    assert list(tmp_path.iterdir()) == [], "a rejected export left a file behind"
    if isinstance(obj, Explorer):  # still alive: a good value works afterwards
        obj.units = 7
        assert obj.frame.settings["units"] == 7
        assert obj.heatmap.units == 7


# ----------------------------------------------------------------------------------------
# typed into a slider's box: the text reaches Python, which refuses it visibly
# ----------------------------------------------------------------------------------------
def _typed_box(ex, name: str):
    slider = ex.controls.by_setting[name]
    for cell in ex.controls.grid.children:
        if slider in getattr(cell, "children", ()):
            return cell.children[1]
    raise AssertionError(f"no text box beside the {name} slider")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("units", "1e3", "an integer from 1 to 256"),  # parseInt gave 1
        ("units", "12.7", "an integer from 1 to 256"),  # parseInt gave 12
        ("units", "nan", "an integer from 1 to 256"),
        ("units", "", "an integer from 1 to 256"),
        ("timesteps", "0x10", "an integer from 1 to 200"),
        ("layers", "2.5", "an integer from 1 to 3"),
        ("truncate", "7", "an integer from 0 to 6"),  # the slider's range: 0 … timesteps
        ("weight_scale", "inf", "a number from 0.05 to 3"),
        ("weight_scale", "1,5", "a number from 0.05 to 3"),
    ],
)
def test_typed_text_is_parsed_in_python_and_refused_visibly(name, text, expected):
    ex = _explorer()
    box = _typed_box(ex, name)
    shown = box.value
    before = snapshot(ex)
    box.value = text
    message = html_unescape(ex.controls.message.value)
    assert name in message
    assert expected in message
    assert f"typed {text.strip()!r}" in message
    assert box.value == shown  # the box shows the kept value again
    assert snapshot(ex) == before


def test_an_accepted_typed_value_moves_the_setting_and_clears_the_message():
    ex = _explorer()
    box = _typed_box(ex, "units")
    box.value = "1e3"
    assert ex.controls.message.value
    box.value = " 32 "
    assert ex.units == 32
    assert ex.frame.settings["units"] == 32
    assert box.value == "32"
    assert ex.controls.message.value == ""
    _typed_box(ex, "weight_scale").value = "0.5"
    assert ex.weight_scale == 0.5
    ex.units = 64  # Python → the box
    assert box.value == "64"
