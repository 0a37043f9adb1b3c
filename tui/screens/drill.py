"""The base of every drill-down screen: breadcrumb level, data requests and updates.

A drill-down screen renders the model for one resource (a job, a host, an endpoint, ...).
It never calls AWS: it states what it needs with :meth:`DrillScreen.detail_request` (series
and reads) and :meth:`DrillScreen.log_request` (a log tail), and the app's refresh layer
delivers the results through :meth:`DrillScreen.show` and :meth:`DrillScreen.show_logs`.

Messages go up, state comes down: whenever a drill-down screen becomes the top screen (opened,
or returned to with Esc), or what it needs changes, it posts :class:`DrillScreen.Active`; the
app (a :class:`DrillHost`) points the refresh layer at this screen's requests, and the screen
left behind stops being polled. The app hands data down by calling :meth:`DrillScreen.show`. Screens keep their own widget state, so a screen returned to is
as it was left. Esc always goes back one level; ``:`` goes back to the overview with its
pane prompt open, as it does there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from tui.model.accounts import account_named
from tui.model.detail import DetailRequest, DetailResult, LogRequest
from tui.widgets.palette import on_theme_change

if TYPE_CHECKING:  # pragma: no cover
    from textual.signal import Signal

    from tui.model.logs import LogLine
    from tui.model.state import AppState


class DrillHost:
    """The app side of drill-down screens (the app, or a test's stand-in): it holds ``state``,
    handles :class:`DrillScreen.Active` and calls :meth:`DrillScreen.show` with the results.
    A drill-down screen shown by any other app draws itself from its own state when mounted."""

    state: "AppState | None" = None
    #: Published with :attr:`state` after every change (a refresh landed, start-up progressed).
    state_signal: "Signal[AppState] | None" = None
    #: The overview screen, the bottom of the stack (``:`` from any depth returns to it).
    overview: "Screen | None" = None


class DrillScreen(Screen):
    """Subclass and implement ``compose``, ``crumb``, ``detail_request`` and ``show``."""

    class Active(Message):
        """A drill-down screen is on top (``drill``; None: the overview is) and needs its
        :meth:`~DrillScreen.detail_request` and :meth:`~DrillScreen.log_request` polled."""

        def __init__(self, drill: "DrillScreen | None") -> None:
            super().__init__()
            self.drill = drill

    BINDINGS = [
        Binding("escape", "back", "Back", priority=False),
        Binding("colon", "jump", "Pane", key_display=":"),
    ]

    #: Label of this level in the breadcrumb (e.g. the job name, "algo-7", "logs").
    crumb: str = ""

    def detail_request(self) -> DetailRequest | None:
        """Series and reads to poll while this screen is on top (None: nothing extra)."""
        return None

    def log_request(self) -> LogRequest | None:
        """A log group/stream to follow while this screen is on top (None: no logs)."""
        return None

    def show(self, state: "AppState", detail: DetailResult | None) -> None:
        """Update the widgets in place from the app state and this screen's detail results."""

    def show_logs(self, lines: "list[LogLine]", error: str | None) -> None:
        """New log lines (only the new ones since the last call), or why none could be read."""

    # -- plumbing -------------------------------------------------------------------------------
    def breadcrumb(self) -> list[str]:
        """Crumbs of every drill-down level from the overview up to this one; with resources of
        more than one account shown, the account before the first resource's name."""
        crumbs: list[str] = []
        account = ""
        for screen in self.app.screen_stack:
            if isinstance(screen, DrillScreen) and screen.crumb:
                if not account:
                    account = account_named(screen.resource_shown(), getattr(self.app.state, "inventory", None)
                                            if isinstance(self.app, DrillHost) else None)
                    crumbs += [account] if account else []
                crumbs.append(screen.crumb)
            if screen is self:
                break
        return crumbs

    def resource_shown(self):
        """The resource this screen is of (None: none), for the breadcrumb to name its account."""
        return next((r for r in (getattr(self, a, None) for a in ("job", "endpoint", "component", "pipeline",
                                                                   "resource")) if r is not None), None)

    def on_mount(self) -> None:
        on_theme_change(self, self._recolour)

    def _recolour(self) -> None:
        """The theme changed: draw again from the last data (widgets that hold coloured cells
        recolour themselves; headers and flag lines are drawn here)."""
        state = self.app.state if isinstance(self.app, DrillHost) else None
        if state is None or not self.is_mounted or self.app.screen is not self:
            return  # a screen under the top one is drawn again when it is returned to
        try:
            self.recolour(state)
        except Exception:  # noqa: BLE001 - a drawing bug must not take the app down
            pass

    def recolour(self, state: "AppState") -> None:
        """Draw what holds theme colours again (default: :meth:`show` from the last data)."""
        self.show(state, None)

    @property
    def hosted(self) -> bool:
        """Whether an app that feeds drill-down screens shows this one (else it draws itself)."""
        return isinstance(self.app, DrillHost)

    def announce(self) -> None:
        """What this screen needs changed: if it is on top, ask the app to poll the new requests."""
        if self.app.screen is self:
            self.post_message(self.Active(self))

    def on_screen_resume(self) -> None:
        self.post_message(self.Active(self))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_jump(self) -> None:
        """``:`` from any depth: back to the overview with its pane prompt open (``:jobs``)."""
        overview = self.app.overview if self.hosted else None
        if overview is None or overview not in self.app.screen_stack:
            return
        while self.app.screen is not overview and len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        overview.action_command()
