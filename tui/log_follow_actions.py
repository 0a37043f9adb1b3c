"""How the app follows a log: ``L`` in a log view toggles CloudWatch Logs Live Tail.

A mixin of :class:`~tui.app.SagemonApp`. Polling (FilterLogEvents) is the default; Live Tail is
opted into with ``live_tail = true`` in the config, ``--live-tail`` or ``L``, and the log feed
(:class:`~tui.refresh_detail.LogFeed`) falls back to polling on its own when Live Tail fails.
After each delivery of log lines the screen on top is told the mode in use
(:meth:`show_follow_mode`, where it has one) and a Live Tail failure becomes one problem of the
run (``e``) and one notification.
"""

from __future__ import annotations

import logging
import time

from tui.model.format import safe_text

_problem_log = logging.getLogger("tui.session")


class LogFollowActions:
    """``action_toggle_live_tail`` and the follow mode's delivery (see the module)."""

    def action_toggle_live_tail(self) -> None:
        feed = getattr(self, "log_feed", None)
        if feed is None:
            self.notify("still starting up", severity="warning")
            return
        feed.set_live(not feed.live)
        ended = feed.request is not None and not feed.request.follows
        self.notify("Live Tail: off, polling" if not feed.live else
                    "Live Tail: on for running logs (this one has ended)" if ended else
                    "Live Tail: on (StartLiveTail)", timeout=3)
        self.deliver_follow_mode()
        self._poll_logs()  # start (or stop) now, not at the next tick

    def deliver_follow_mode(self) -> None:
        """Tell the screen on top how its log is followed, and report Live Tail failures."""
        feed = getattr(self, "log_feed", None)
        if feed is None:
            return
        for text in feed.take_problems():
            self._note_log_problem(text)
        screen = getattr(self, "_drill", None)
        show = getattr(screen, "show_follow_mode", None)
        if show is not None and screen is self.screen:
            show(feed.mode())

    def _note_log_problem(self, text: str) -> None:
        from tui.model.state import MAX_PROBLEMS, Problem

        state = self.state
        state.problems = (state.problems + [Problem(time.time(), "warning", text)])[-MAX_PROBLEMS:]
        _problem_log.warning("%s", text)
        self.notify(safe_text(text, 120) + " (e: problems)", severity="warning", timeout=6, markup=False)


__all__ = ["LogFollowActions"]
