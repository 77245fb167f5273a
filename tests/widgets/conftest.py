"""Helpers for the widget tests: capture what a widget sends to the front end."""

from __future__ import annotations

import json

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


def _split_state(widget) -> tuple[dict, list]:
    """A widget's full state as ipywidgets sends it: JSON part and binary buffers."""
    state, _buffer_paths, buffers = _remove_buffers(widget.get_state())
    return state, buffers


@pytest.fixture
def split_state():
    return _split_state
