"""Layering: settings and frames need no widget library; facts drawn are decided once."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnnviz.frame import build_frame, colour_range, format_number

ROOT = Path(__file__).resolve().parents[2]
WIDGET_LIBRARIES = ("ipywidgets", "anywidget", "traitlets", "plotly")


def test_settings_and_frame_import_no_widget_library_and_need_no_bundle():
    """In a fresh interpreter: import both, build a frame, list what got imported."""
    code = f"""
import json, sys
import rnnviz.settings, rnnviz.frame
frame = rnnviz.frame.build_frame(units=4, timesteps=5, cell="lstm")
rnnviz.settings.validate_settings({{"architecture": "many-to-one"}})
print(json.dumps(sorted(m for m in sys.modules
      if m.split(".")[0] in {list(WIDGET_LIBRARIES)!r} or m.startswith("rnnviz.widgets"))))
"""
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=120,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


NUMBERS = [0.98765, 1, 25000, 1.23456, 1.2345e-5, 123456, 0, 0.5, -2e8, 1234.5, 9999.9]
NUMBERS += [0.001, -0.0009999, 1e-300, 3.4e38, 7.777e-3, "Infinity", "-Infinity", "NaN"]


def test_python_and_js_number_formats_agree(node_json):
    """rnnviz.frame.draw.format_number and js/src/lib/format.js give the same text."""
    module = (ROOT / "js" / "src" / "lib" / "format.js").as_uri()
    code = (
        f"import {{ formatNumber }} from {json.dumps(module)};"
        f"const xs = {json.dumps([str(v) for v in NUMBERS])}.map(Number);"
        "console.log(JSON.stringify(xs.map(formatNumber)));"
    )
    assert node_json(code) == [format_number(float(v)) for v in NUMBERS]


@pytest.mark.parametrize(
    ("quantity", "activation", "values", "expected"),
    [
        ("h", "tanh", [5.0], (-1.0, 1.0)),
        ("h", "sigmoid", [5.0], (0.0, 1.0)),
        ("gate_f", "relu", [5.0], (0.0, 1.0)),
        ("h", "relu", [0.0, 2.5, math.inf], (0.0, 2.5)),
        ("h", "linear", [-3.0, 2.0], (-3.0, 3.0)),
        ("c", "tanh", [-0.5, 4.0, -math.inf], (-4.0, 4.0)),
        ("h", "linear", [0.0], (-1.0, 1.0)),
        ("h", "relu", [1e39], (0.0, 1.0)),  # beyond float32: inf for the views, ignored
    ],
)
def test_colour_range_rule(quantity, activation, values, expected):
    assert colour_range(quantity, activation, [np.array(values)]) == pytest.approx(expected)


def test_frame_colour_range_spans_the_layers_asked_for():
    f = build_frame(activation="linear", layers=2, units=4, timesteps=6, weight_scale=1.5)
    per_layer = [f.colour_range("h", layer=i)[1] for i in range(2)]
    assert f.colour_range("h")[1] == pytest.approx(max(per_layer))
    assert f.colour_range("h", layer=0)[1] == pytest.approx(
        float(np.abs(f.states[0].astype(np.float32)).max())
    )
