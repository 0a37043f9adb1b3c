"""Time travel inside the app: ``T`` shows every screen at a past moment, ``[`` / ``]`` step it.

A mixin of :class:`~tui.app.SagemonApp`. The rules are pure (:mod:`tui.model.time_travel`); the
reading is the refresh worker's (:mod:`tui.refresh_history`). Here:

* ``T`` asks for the moment (:class:`~tui.screens.moment_prompt.MomentPrompt`); ``T`` again, or
  Esc on the overview, returns to live; ``[`` / ``]`` (also ``{`` / ``}``, which a host screen,
  where ``[`` / ``]`` step hosts, leaves free) step the window back and forward, forward past
  now being live again;
* the moment goes into :attr:`AppState.at <tui.model.state.AppState>` (the status bar's marker,
  the overview's rows, the job screen's span) and into every
  :class:`~tui.model.schedule.RefreshRequest`; the scheduler's periodic live refresh is held
  while away, and a refresh is asked for only when what is on screen changes (another pane,
  rows scrolled into view, a screen opened);
* the jobs listed at the moment (older than the live listing reaches) join the inventory while
  away and leave it on return;
* the live series are kept aside and shown again at once on return; a refresh's report that
  belongs to another moment than the one shown (one running when the moment changed) is
  dropped (:meth:`TimeTravelActions.superseded`) and the right one asked for.
"""

from __future__ import annotations

import time

from textual.binding import Binding

from tui.config.rules import WINDOWS
from tui.model.time_travel import live_jobs, moment_label, period_label, step_moment

#: Seconds between the checks of what is on screen while away (a refresh when it changed).
FOLLOW_SECONDS = 1.0


class TimeTravelActions:
    """``T``, ``[`` / ``]`` and the hand-off of the moment to the refresh layer (see the module)."""

    #: The app's keys for time travel (added to its ``BINDINGS``).
    KEYS = [
        Binding("T", "time_travel", "Time travel", show=False),
        Binding("left_square_bracket", "step_time(-1)", "Back in time", show=False, key_display="["),
        Binding("right_square_bracket", "step_time(1)", "Forward in time", show=False, key_display="]"),
        Binding("left_curly_bracket", "step_time(-1)", "Back in time", show=False, key_display="{"),
        Binding("right_curly_bracket", "step_time(1)", "Forward in time", show=False, key_display="}"),
    ]

    _live_store = None  # the live series, kept aside while away
    _live_jobs: set[str] | None = None  # the keys of the jobs listed live when the app left
    _follow_timer = None
    _moment_seen: tuple | None = None  # what was on screen at the last check

    @property
    def travelling(self) -> bool:
        return self.state.at is not None

    def action_time_travel(self) -> None:
        from tui.screens.moment_prompt import MomentPrompt

        if self.travelling:
            self.back_to_live()
            return
        if not isinstance(self.screen, MomentPrompt):
            self.push_screen(MomentPrompt(), lambda at: at is not None and self.travel_to(at))

    def action_step_time(self, direction: int) -> None:
        window = WINDOWS[self.state.window]
        at = step_moment(self.state.at, window, int(direction), time.time())
        if at is None:
            if self.travelling:
                self.back_to_live()
            else:
                self.notify("already live ([ steps back a window, T travels to a moment)", timeout=3)
            return
        self.travel_to(at)

    def travel_to(self, at: int) -> None:
        """Show the app at ``at`` (epoch seconds, the window's end)."""
        if not self.travelling:
            self._live_store = self.state.store
            self._live_jobs = {j.key for j in self.state.inventory.jobs}
        self.state.at = int(at)
        if self.scheduler is not None:
            self.scheduler.set_paused(True)  # no live refresh while away
            self.scheduler.request()
        if self._follow_timer is None:
            self._follow_timer = self.set_interval(FOLLOW_SECONDS, self._follow_moment)
        self._moment_seen = None
        now = time.time()
        window = WINDOWS[self.state.window]
        self.notify(f"{moment_label(at, now)}: {period_label(at, window, now)} points; live refresh paused "
                    "([ ] step, T or Esc: live)", title="time travel", timeout=5, markup=False)
        self._broadcast()
        self._redraw_drill()

    def back_to_live(self) -> None:
        """Leave the past: the live series at once, live refreshing again."""
        if not self.travelling:
            return
        self.state.at = None
        if self._live_store is not None:
            self.state.store = self._live_store
            self._live_store = None
        if self._live_jobs is not None:  # the jobs listed only at the moment go (a live listing is coming)
            self.state.inventory = live_jobs(self.state.inventory, self._live_jobs)
            self._live_jobs = None
        if self._follow_timer is not None:
            self._follow_timer.stop()
            self._follow_timer = None
        if self.scheduler is not None:
            self.scheduler.set_paused(self.state.paused)
            self.scheduler.request()
        self.notify("live again", timeout=2)
        self._broadcast()
        self._redraw_drill()

    def _redraw_drill(self) -> None:
        """The drill-down screen on top reads the moment too (a job screen: its span)."""
        drill = getattr(self, "_drill", None)
        if drill is not None:
            self._activate(drill)

    def _follow_moment(self) -> None:
        """While away: a refresh when what is on screen changed (pane, rows in view, screen)."""
        if not self.travelling or self.scheduler is None or self.scheduler.running:
            return
        request = self.refresh_request()
        seen = (request.pane, request.visible_keys, request.detail, request.window, request.at)
        if self._moment_seen is not None and seen != self._moment_seen:
            self.scheduler.request()
        self._moment_seen = seen

    def superseded(self, report) -> bool:
        """Also a report whose series belong to another moment than the one shown (or to live
        while away): dropped, and a refresh of the right one asked for."""
        if super().superseded(report):
            return True
        if getattr(report, "store", None) is None or getattr(report, "at", None) == self.state.at:
            return False
        if not report.partial and self.scheduler is not None:
            self.scheduler.finished(report)
            self.state.refreshing = False
            self.scheduler.request()
        return True

    def check_watches(self):
        """Watches compare live refreshes only: a past moment is not news."""
        if self.travelling:
            return []
        return super().check_watches()


__all__ = ["FOLLOW_SECONDS", "TimeTravelActions"]
