"""Shown instead of the app while the terminal is smaller than the app can draw.

The app pushes it when a resize makes the terminal too small and pops it when the terminal is
large enough again: nothing underneath is lost, and the message says the size needed.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

#: The smallest terminal (columns, rows) the screens are laid out for.
MIN_SIZE = (60, 16)


def too_small_text(width: int, height: int) -> Text:
    need_w, need_h = MIN_SIZE
    return Text(f"sagemon-tui needs at least {need_w}x{need_h}; this terminal is {width}x{height}.\n"
                "Enlarge it to continue (q quits).", justify="center")


class TooSmallScreen(Screen):
    """A centred message with the size needed; ``q`` still quits."""

    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; }
    TooSmallScreen Static { width: 100%; height: auto; }
    """

    BINDINGS = [Binding("q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static(too_small_text(*self.app.size), id="too-small")

    def on_resize(self) -> None:
        self.query_one("#too-small", Static).update(too_small_text(*self.app.size))


__all__ = ["MIN_SIZE", "TooSmallScreen", "too_small_text"]
