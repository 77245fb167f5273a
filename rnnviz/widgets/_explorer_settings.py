"""The Explorer's settings: one validated trait per setting, linked to its control both ways.

``ex.units = 32`` moves the slider and a slider drag changes ``ex.units``. A change is
checked against the other settings before it is stored (``_cross_check``: the rules of
:func:`rnnviz.settings.implied_changes`, and the settings a user's model fixes); once
stored, the settings it implies change with it, folded into the same update, and the
Explorer asks for one new frame (``_request_update``, see ``_explorer_frames.py``).

The Explorer remembers the values the learner (or their model) gave settings themselves
(``_chosen``), not those a rule set, so that a rule that stops applying gives them back.
"""

from __future__ import annotations

from typing import Any

import traitlets

from rnnviz.frame.timeline import run_steps, scrubber_max
from rnnviz.settings import SPECS, implied_changes, non_default

__all__ = ["ExplorerSettings"]

_WHOLE_RUN = " (the encoder's steps, then the decoder's)"


class ExplorerSettings(traitlets.HasTraits):
    """The settings half of the Explorer (a HasTraits mixin, so that its observers and
    validator register; the traits themselves are declared on
    ``Explorer`` from ``rnnviz.settings.SPECS``; it needs ``controls``, ``fixed``,
    ``_chosen``, ``_local`` and ``_ready`` from there)."""

    @traitlets.validate("time")
    def _check_time(self, proposal: Any) -> int:
        value, n = proposal["value"], run_steps(self.settings)
        if not 0 <= value <= 2 * n + 1:
            raise ValueError(
                f"time must be from 0 (off) to {2 * n + 1}: 1 … {n} step through the "
                f"forward pass{_WHOLE_RUN if n != self.timesteps else ''}, {n + 1} … "
                f"{2 * n + 1} the backward pass; got {value}."
            )
        return value

    @property
    def settings(self) -> dict[str, Any]:
        """Every setting, as ``build_frame`` takes them."""
        return {name: getattr(self, name) for name in SPECS}

    @property
    def config(self) -> dict[str, Any]:
        """The non-default settings: ``rnnviz.explore(**ex.config)`` shows the same view."""
        out = non_default(self.settings)
        if self.presenter:
            out["presenter"] = True
        return out

    def _cross_check(self, name: str, value: Any) -> None:
        """Checks involving other settings, run before a new value is stored."""
        if not getattr(self, "_ready", False):
            return
        if name in self.fixed and value != getattr(self, name):
            raise ValueError(
                f"{name} is {self.fixed[name]} ({name}={getattr(self, name)!r}); got {value!r}."
            )
        # raises when a rule forbids it, or when it would change what the user's model fixes
        for other, implied in implied_changes({name: value}, self.settings, self._chosen).items():
            if other != name and other in self.fixed and implied != getattr(self, other):
                raise ValueError(
                    f"{name}={value!r} needs {other}={implied!r}, but {other} is "
                    f"{self.fixed[other]} ({other}={getattr(self, other)!r})."
                )

    @traitlets.observe(*SPECS)
    def _setting_changed(self, change: dict) -> None:
        if not getattr(self, "_ready", False):
            return
        name, new = change["name"], change["new"]
        if not self._depth:  # the learner's own change, not one a rule implied
            self._chosen[name] = new
        self._local.depth = self._depth + 1  # derived settings are folded into this update
        try:
            # the other settings this one implies (rnnviz.settings.implied_changes)
            before = {**self.settings, name: change["old"]}
            for other, value in implied_changes({name: new}, before, self._chosen).items():
                if other != name:
                    setattr(self, other, value)
            if name == "timesteps":
                self.controls.by_setting["truncate"].max = new
            # the scrubber covers the whole run (seq2seq: encoder and decoder steps)
            self.controls.time.max = self.controls.play.max = scrubber_max(self.settings)
        finally:
            self._local.depth -= 1
        self._request_update()

    @traitlets.observe("time")
    def _time_changed(self, _change: dict) -> None:
        if getattr(self, "_ready", False):
            self._sync_views_extras()

    def _link_controls(self) -> None:
        c = self.controls
        c.by_setting["truncate"].max = self.timesteps
        c.time.max = c.play.max = scrubber_max(self.settings)
        self._links = [traitlets.link((self, n), (w, "value")) for n, w in c.by_setting.items()]
        self._links.append(traitlets.link((self, "time"), (c.time, "value")))

    @property
    def _depth(self) -> int:
        return getattr(self._local, "depth", 0)
