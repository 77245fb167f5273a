"""How the Explorer shows frames: latest wins, never a queue.

Every change takes a snapshot of the settings and a new generation number
(``_scheduler.FrameScheduler``); one worker thread builds the newest generation — first
the forward pass, shown at once on the graph and the heatmap, then the gradient analysis
(the gradient plot and the spectrum say "updating…" meanwhile) — and abandons it as soon as
a newer generation exists. Frames are shown on the kernel's event loop, and only when they
belong to the newest generation, so an older, slower build can never replace a newer one,
whatever threads the changes came from. During a burst (a slider drag) a build starts no
earlier than ``FLUSH_DELAY`` after the end of the previous one; an isolated change starts
at once. Outside an event loop (plain Python, tests) each change is applied at once,
fully. ``ex.frame`` and ``ex.wait_settled()`` wait for the newest frame.
"""

from __future__ import annotations

from rnnviz.frame import Frame, analyse, build_forward, compose
from rnnviz.frame.timeline import cursor_label, time_to_cursor, timeline
from rnnviz.widgets._explorer_text import error_html, status_html
from rnnviz.widgets._scheduler import FrameScheduler

__all__ = ["FLUSH_DELAY", "ExplorerFrames"]

#: Seconds from the end of one frame build to the earliest next one (coalesces bursts); a
#: change arriving later than that after the last build starts a new one at once.
FLUSH_DELAY = 0.03


class ExplorerFrames:
    """The frame half of the Explorer (a mixin; it needs ``views``, ``gradients``,
    ``eigen``, ``controls``, ``status``, ``settings``, ``_model`` and ``_depth``)."""

    def _start_scheduler(self) -> None:
        """The one owner of frame builds (the first frame is already shown)."""
        self._scheduler = FrameScheduler(
            read_settings=lambda: self.settings,
            build_forward=lambda settings: build_forward(settings, self._model),
            # the layer the gradient panel asks for (view-local state; -1: the top one)
            analyse=lambda forward, check: analyse(
                forward, check, layer=self.gradients.layer_in(forward.result.names)
            ),
            compose=compose,
            show_partial=self._show_partial,
            show_full=self._show_full,
            show_error=self._show_error,
            delay=FLUSH_DELAY,
        )

    def _request_update(self) -> None:
        if not self._depth:
            self._scheduler.request()

    def _show_partial(self, frame: Frame) -> None:
        """The forward pass of newer settings: graph and heatmap now; the gradient plot and
        the spectrum (drawn from the analysis) keep their picture and say they are updating."""
        for view in self.views:
            if view in self._analysed:
                view.updating = True
            else:
                view.show(frame)
        self._sync_views_extras()
        self._update_status(frame)

    def _show_full(self, frame: Frame) -> None:
        """The complete frame of the newest settings on every view."""
        for view in self.views:
            if view in self._analysed:
                with view.hold_sync():  # the picture and "updated" in one message
                    view.show(frame)
                    view.updating = False
            elif _same_drawing(view.frame, frame):
                view.frame = frame  # already drawn from the partial frame: same data
            else:
                view.show(frame)
        self.frame_builds += 1
        self._frame = frame
        self._sync_views_extras()
        self._update_status(frame)

    @property
    def _analysed(self) -> tuple:
        """The views drawn from the analysis (not from the forward pass alone)."""
        return (self.gradients, self.eigen)

    def _show_error(self, error: BaseException) -> None:
        for view in self._analysed:
            view.updating = False
        self.status.value = error_html(error)

    @property
    def frame(self) -> Frame:
        """The frame of the current settings (waits until it is built; the views show it).

        When the current settings cannot be shown (the status line says why), the last
        frame shown.
        """
        _done, item = self._scheduler.latest()
        return item if isinstance(item, Frame) else self._frame

    def wait_settled(self, timeout: float | None = None) -> bool:
        """Wait until every view shows the complete frame of the current settings.

        Returns False if that took more than ``timeout`` seconds. Called on the kernel's
        own thread (a notebook cell) it shows the newest frame itself.
        """
        return self._scheduler.wait_settled(timeout)

    def _sync_views_extras(self) -> None:
        # one step g along the whole run (seq2seq: encoder, then decoder): every view
        # reads it against frame_info["timeline"] (rnnviz.frame.timeline)
        t_cursor, phase = time_to_cursor(self.time, self.settings)
        self.controls.time_label.value = cursor_label(timeline(self.settings), t_cursor, phase)
        for view in self.views:
            with view.hold_sync():
                view.t_cursor = t_cursor
                view.phase = phase
                view.presenter = self.presenter

    def _update_status(self, f: Frame) -> None:
        # a view whose chosen layer is gone says so here too (it shows the top one)
        notes = [(view.NAME, view.frame_info.get("layer_note")) for view in self.views]
        self.status.value = status_html(f, [f"{name}: {note}" for name, note in notes if note])


def _same_drawing(shown: Frame | None, frame: Frame) -> bool:
    """True when a view showing ``shown`` already draws what ``frame`` holds for it: the same
    settings give the same run (the simulator is deterministic) and the same overflow flag."""
    return (
        shown is not None
        and shown.settings == frame.settings
        and shown.overflowed == frame.overflowed
    )
