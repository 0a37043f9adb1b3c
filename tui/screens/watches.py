"""The ``W`` screen: what is watched, and what happened to it, newest first, with ages.

``w`` here watches (or stops watching) the resource of the screen underneath (the row
selected on the overview, or the resource screen open), so a screen that uses ``w`` for
something else can still add its resource; ``u`` stops watching the most recently added.
Names and texts from AWS are shown literally.
"""

from __future__ import annotations

import time

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from tui.model.format import format_age, safe_text
from tui.model.watches import WatchBook
from tui.widgets.palette import Palette, palette
from tui.widgets.panel_modal import PanelModal


def watches_renderable(book: WatchBook, now: float, pal: Palette | None = None) -> Group | Text:
    """The watched resources (oldest watch first), then their events (newest first)."""
    pal = pal or Palette({})
    if not book.watches and not book.events:
        return Text("Nothing is watched: select a resource (a row, or its screen) and press w.", style="dim")
    watched = Table.grid(padding=(0, 2), expand=True)
    for _ in range(3):
        watched.add_column(no_wrap=True)
    watched.add_column(ratio=1)
    for w in book.watches.values():
        status = w.last.status or ", ".join(f"{n} {s}" for n, s in w.last.alarms.items())
        watched.add_row(Text(w.noun, style="dim"), Text(safe_text(w.name, 60)),
                        Text(f"for {format_age(w.since, int(now))}", style="dim"),
                        Text(safe_text(status or "", 60)))
    events = Table.grid(padding=(0, 2), expand=True)
    events.add_column(no_wrap=True)
    events.add_column(no_wrap=True)
    events.add_column(ratio=1)
    for e in reversed(book.events):
        events.add_row(Text(f"{format_age(e.at, int(now))} ago", style="dim"), Text(safe_text(e.name, 50)),
                       Text(safe_text(e.text, 300), style=pal.style(e.level)))
    if not book.events:
        events.add_row(Text(""), Text("nothing has happened yet", style="dim"), Text(""))
    return Group(Text(f"Watched ({len(book.watches)})", style="bold"), watched, Text(""),
                 Text("What happened", style="bold"), events)


class WatchesScreen(PanelModal):
    """Modal list of the watches and their events; Esc, q or W closes it."""

    DEFAULT_CSS = """
    WatchesScreen > VerticalScroll { width: 110; }
    """

    BINDINGS = [*PanelModal.BINDINGS, Binding("W", "close", "Close", show=False),
                Binding("w", "toggle_below", "Watch the resource below"),
                Binding("u", "unwatch_last", "Unwatch the newest watch")]

    panel_title = "watches"
    panel_subtitle = "w watches the resource below · u unwatches the newest · Esc closes"
    body_id = "watches-body"

    def __init__(self, book: WatchBook) -> None:
        super().__init__()
        self.book = book

    def body(self) -> Group | Text:
        return watches_renderable(self.book, time.time(), palette(self.app))

    def on_mount(self) -> None:
        signal = getattr(self.app, "state_signal", None)
        if signal is not None:  # the app hands its state down after every refresh
            signal.subscribe(self, lambda _state: self.state_changed(), immediate=True)

    def state_changed(self) -> None:
        """A refresh landed: show the new events."""
        self.query_one(f"#{self.body_id}", Static).update(self.body())

    def action_toggle_below(self) -> None:
        self.app.action_watch()
        self.state_changed()

    def action_unwatch_last(self) -> None:
        if self.book.watches:
            key = list(self.book.watches)[-1]
            w = self.book.unwatch(key)
            self.app.notify(f"no longer watching {w.noun} {safe_text(w.name, 60)}", timeout=3, markup=False)
        self.state_changed()


__all__ = ["WatchesScreen", "watches_renderable"]
