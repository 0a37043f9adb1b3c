"""The one test stand-in for the app's side of drill-down screens (:class:`Harness`).

The app (:class:`tui.screens.drill.DrillHost`) holds the state, hears a drill-down screen
post :class:`~tui.screens.drill.DrillScreen.Active` when it comes on top, points the refresh
layer at that screen's requests and hands it the state and its detail result through
``show``. :class:`Harness` does the same without AWS and without a refresh worker: it loads
the app's stylesheet, theme variables and themes (optionally starting in one of them),
pushes a first screen (and optionally a second one on top of it), records every screen that
asked for data with its requests at that moment, and shows it ``state`` and the result held
for its request's owner in :attr:`Harness.results` (None when none is held). Tests that
play the refresh layer against a local AWS subclass it (``DrillHarness`` in
``test_endpoint_screens``).
"""

from __future__ import annotations

import time
from contextlib import contextmanager

import time_machine
from textual.app import App
from textual.screen import Screen

from tui.model.detail import DetailResult
from tui.model.state import AppState
from tui.screens.drill import DrillHost, DrillScreen
from tui.theme_files import stylesheet
from tui.widgets.palette import THEME_DEFAULTS


@contextmanager
def frozen_utc(monkeypatch, when: float):
    """The wall clock stopped at ``when`` (epoch seconds) in the UTC time zone, for pixel
    snapshots that show times of day; monotonic clocks and sleeps run on."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    with time_machine.travel(when, tick=False):
        yield
    monkeypatch.delenv("TZ")
    time.tzset()


class Harness(DrillHost, App):
    """Stands in for the app: holds ``state``, records what the top drill screen asks for and
    shows it ``state`` with the result held for its request (``results``, by owner)."""

    CSS_PATH = str(stylesheet())

    def __init__(self, state: AppState, first: Screen | None = None, *, theme: str | None = None,
                 then: Screen | None = None, results: dict[str, DetailResult] | None = None) -> None:
        super().__init__()
        from tui.app import load_themes

        for t in load_themes():
            self.register_theme(t)
        self.state = state
        self.first = first
        self.then = then
        self.start_theme = theme
        #: The detail result handed to a screen whose request has this owner.
        self.results: dict[str, DetailResult] = dict(results or {})
        #: Every Active request: (screen, its detail_request(), its log_request()) at that moment.
        self.announced: list[tuple[DrillScreen, object, object]] = []

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_DEFAULTS)

    @property
    def activated(self) -> list[DrillScreen]:
        """The screens that came on top (or asked again), in order."""
        return [screen for screen, _detail, _logs in self.announced]

    def on_mount(self) -> None:
        if self.start_theme is not None:
            self.theme = self.start_theme
        if self.first is not None:
            self.push_screen(self.first)
        if self.then is not None:
            self.push_screen(self.then)

    def result_for(self, screen: DrillScreen) -> DetailResult | None:
        """The held result of ``screen``'s request (None: it asks for nothing, or none is held)."""
        request = screen.detail_request()
        return self.results.get(request.owner) if request is not None else None

    def on_drill_screen_active(self, message: DrillScreen.Active) -> None:
        """As the app does: note the screen's requests and show it the current state at once."""
        screen = message.drill
        if screen is None:
            return
        self.announced.append((screen, screen.detail_request(), screen.log_request()))
        if screen is self.screen and screen.is_mounted:
            screen.show(self.state, self.result_for(screen))
