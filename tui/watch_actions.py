"""Watching resources inside the app: ``w`` watches the selected resource, ``W`` lists the watches.

The rules are pure (:mod:`tui.model.watches`); this mixin of :class:`~tui.app.SagemonApp`
keeps the :class:`~tui.model.watches.WatchBook`, finds what ``w`` means on the screen in view
(the overview's selected row, or the resource of the screen open), and after every refresh
(:meth:`WatchActions.check_watches`, called by the app's ``RefreshDone`` handler) notifies each
new event, ringing the terminal bell when the config's ``bell`` option is on.
"""

from __future__ import annotations

import time

from textual.screen import ModalScreen

from tui.model.cells import CRIT, WARN
from tui.model.format import safe_text
from tui.model.kinds import spec_of
from tui.model.watches import WatchBook, WatchEvent

#: Attributes a resource screen keeps its resource in, the most specific first.
_SCREEN_RESOURCE_ATTRS = ("component", "endpoint", "job", "pipeline", "resource")
#: Notification text is cut to this many cells.
_NOTIFY_CELLS = 90


def _severity(event: WatchEvent) -> str:
    return "error" if event.level == CRIT else "warning" if event.level == WARN else "information"


class WatchActions:
    """``w`` / ``W`` and the watch notifications (mixed into the app)."""

    _watch_book: WatchBook | None = None

    @property
    def watch_book(self) -> WatchBook:
        if self._watch_book is None:
            self._watch_book = WatchBook()
        return self._watch_book

    def watch_target(self):
        """The resource ``w`` means: the overview's selected row, else the open screen's resource
        (a modal on top, such as the Watches list, looks at the screen underneath)."""
        screen = next((s for s in reversed(self.screen_stack) if not isinstance(s, ModalScreen)), None)
        if screen is None:
            return None
        if screen is self.overview:
            row = self.overview.table().selected_row
            return row.resource if row is not None else None
        for attr in _SCREEN_RESOURCE_ATTRS:
            value = getattr(screen, attr, None)
            if value is not None and spec_of(value) is not None and hasattr(value, "key"):
                return value
        return None

    def action_watch(self) -> None:
        resource = self.watch_target()
        if resource is None:
            self.notify("nothing to watch here: select a resource first", severity="warning", timeout=3)
            return
        on = self.watch_book.toggle(resource, self.state.inventory, self.state.store, int(time.time()))
        noun = spec_of(resource).noun
        name = safe_text(resource.name, 60)
        self.notify(f"watching {noun} {name} (W: watches)" if on else f"no longer watching {noun} {name}",
                    timeout=3, markup=False)

    def action_watches(self) -> None:
        from tui.screens.watches import WatchesScreen

        if not isinstance(self.screen, WatchesScreen):
            self.push_screen(WatchesScreen(self.watch_book))

    def check_watches(self) -> list[WatchEvent]:
        """Compare the watched resources with the refresh that just landed; notify what changed."""
        if self._watch_book is None or not self._watch_book.watches:
            return []
        events = self._watch_book.update(self.state.inventory, self.state.store, int(time.time()))
        for event in events:
            self.notify(safe_text(event.line, _NOTIFY_CELLS), title="watch", severity=_severity(event),
                        timeout=10, markup=False)
        if events and getattr(self.opts, "bell", False):
            self.bell()
        return events
