"""The app's refresh controls: refresh now (``r``), pause / resume (``p``), the time window (``t``).

A mixin of :class:`~tui.app.SagemonApp`: it asks the app's scheduler for a refresh, holds it
while paused (or while the app is away at a past moment), and changes the window every
screen reads; the next refresh request carries it.
"""

from __future__ import annotations

from tui.config.rules import WINDOWS


class RefreshActions:
    """``r``, ``p`` and ``t`` (the app binds the keys; ``scheduler`` and ``state`` are the app's)."""

    def action_refresh(self) -> None:
        if self.scheduler is None:
            self.notify("still starting up", severity="warning")
            return
        if not self.scheduler.request():
            self.notify("a refresh is running: the next one starts right after it", timeout=3)

    def action_pause(self) -> None:
        self.state.paused = not self.state.paused
        if self.scheduler is not None:
            self.scheduler.set_paused(self.state.paused or self.state.at is not None)  # held while time travelling
        self.notify("refresh paused (p resumes, r refreshes once)" if self.state.paused else "refresh resumed",
                    timeout=3)
        self._show_status()

    def action_window(self) -> None:
        names = list(WINDOWS)
        self.set_window(names[(names.index(self.state.window) + 1) % len(names)])

    def set_window(self, window: str) -> None:
        if window == self.state.window:
            return
        self.state.window = window
        if self.scheduler is not None:  # the next request carries the new window
            self.scheduler.request()
        self.notify(f"window: last {window}", timeout=2)
        self._broadcast()
