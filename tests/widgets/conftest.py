"""Helpers for the widget tests: capture what a widget sends to the front end; run front-end
modules with node."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from ipywidgets.widgets.widget import _remove_buffers


class Wire:
    """Records every comm message of some widgets: (widget, data, buffers)."""

    def __init__(self) -> None:
        self.messages: list[tuple[object, dict, list]] = []

    def attach(self, *widgets) -> Wire:
        for w in widgets:
            w.comm.send = lambda data=None, metadata=None, buffers=None, _w=w: self.messages.append(
                (_w, data, list(buffers or []))
            )
        return self

    def updates(self, widget=None) -> list[dict]:
        return [
            d
            for w, d, _ in self.messages
            if d.get("method") == "update" and (widget is None or w is widget)
        ]

    def buffer_bytes(self, widget=None) -> int:
        return sum(
            memoryview(b).nbytes
            for w, _, bufs in self.messages
            if widget is None or w is widget
            for b in bufs
        )

    def json_bytes(self, widget=None) -> int:
        return sum(
            len(json.dumps(d, separators=(",", ":")).encode())
            for w, d, _ in self.messages
            if widget is None or w is widget
        )

    def clear(self) -> None:
        self.messages.clear()


@pytest.fixture
def wire() -> Wire:
    return Wire()


@pytest.fixture
def node_json():
    """``node_json(code)``: run ES-module JavaScript ``code`` with node and return the JSON it
    printed (the test is skipped where node is not installed)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")

    def run(code: str):
        out = subprocess.run(
            [node, "--input-type=module", "-e", code],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return json.loads(out.stdout)

    return run


def _split_state(widget) -> tuple[dict, list]:
    """A widget's full state as ipywidgets sends it: JSON part and binary buffers."""
    state, _buffer_paths, buffers = _remove_buffers(widget.get_state())
    return state, buffers


@pytest.fixture
def split_state():
    return _split_state
