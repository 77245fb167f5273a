"""The Trainer's settings, set from its view or from Python (a mixin of ``Trainer``).

Each setting (cell, task, units, delay, learning rate, clipping) is a synced trait,
validated as :class:`rnnviz.widgets._trainer_runs.Settings` validates it (and the task must
accept it too); a rejected value changes nothing. A change pauses training, rebuilds the
current runs from step 0 and plays on if it was playing; changing the task or its delay
also drops the kept runs, whose curves would no longer compare.

The owner provides ``_settings``, ``_quiet`` (True while Python sets the traits itself),
``_lock``, ``_live``, ``_kept``, ``running``, ``pause()``, ``play()`` and ``_rebuild(cells)``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import traitlets

from rnnviz.sim import CELLS
from rnnviz.widgets import _trainer_runs as R

__all__ = ["SETTINGS", "SettingsMixin"]

#: The synced traits that are settings ("cell_type" is ``Settings.cell``).
SETTINGS = ("cell_type", "task", "units", "delay", "lr", "clip", "clip_norm")


class SettingsMixin(traitlets.HasTraits):
    """Validation and restart on a change of a setting (see the module docstring)."""

    @staticmethod
    def _check_cells(cells: Any) -> list[str]:
        if isinstance(cells, str) or not isinstance(cells, (list, tuple)):
            raise TypeError(f"cells must be a list such as ['rnn', 'lstm']; got {cells!r}")
        if not 1 <= len(cells) <= len(CELLS):
            raise ValueError(f"give 1 to {len(CELLS)} cells; got {len(cells)}")
        out = [R.Settings(cell=c).checked().cell for c in cells]
        if len(set(out)) != len(out):
            raise ValueError(f"each cell may appear once; got {list(cells)}")
        return out

    @traitlets.validate(*SETTINGS)
    def _validate_setting(self, proposal: Any) -> Any:
        name = proposal["trait"].name
        key = "cell" if name == "cell_type" else name
        checked = replace(self._settings, **{key: proposal["value"]}).checked()
        R.make_task(checked)  # the task must accept it too
        return getattr(checked, key)

    @traitlets.observe(*SETTINGS)
    def _setting_changed(self, change: Any) -> None:
        if self._quiet:
            return
        name = change["name"]
        key = "cell" if name == "cell_type" else name
        was_running = self.running
        self.pause()
        self._settings = replace(self._settings, **{key: change["new"]})
        with self._lock:
            if name in ("task", "delay"):
                self._kept = []
        cells = [e.cell for e in self._live]
        if name == "cell_type":
            cells = [change["new"]]
        self._rebuild(cells)
        if was_running:
            self.play()
