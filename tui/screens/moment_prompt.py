"""The ``T`` prompt: which past moment to travel to (``-2d``, ``03:10``, ``2026-11-28 03:10 UTC``).

A small panel at the bottom of the screen, over whatever is open. Enter reads the moment
(:func:`~tui.model.time_travel.parse_moment`, against the clock at that instant, in local time
or UTC when typed so) and closes with it; a moment that cannot be read, or that CloudWatch no
longer keeps, is said in the panel and the prompt stays open. Esc closes without travelling.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.model.time_travel import FORMS, MomentError, parse_moment


class MomentPrompt(ModalScreen[int | None]):
    """Asks for a past moment; dismisses with its epoch seconds (None: cancelled)."""

    DEFAULT_CSS = """
    MomentPrompt { align: center bottom; }
    MomentPrompt > Vertical {
        width: 100%; height: auto; border: round $accent; background: $surface; padding: 0 1; margin-bottom: 2;
    }
    MomentPrompt Input, MomentPrompt Input:focus { border: none; height: 1; padding: 0; background: $boost; }
    MomentPrompt #moment-help { color: $text-muted; height: auto; }
    MomentPrompt #moment-error { color: $error; height: auto; display: none; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, value: str = "") -> None:
        super().__init__()
        self._value = value

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "time travel: show the app at a past moment"
            box.border_subtitle = "Enter travels · Esc cancels"
            yield Input(self._value, placeholder="-2d", id="moment")
            yield Static(Text(f"e.g. {FORMS}; CloudWatch keeps 15 months"), id="moment-help")
            yield Static(id="moment-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#moment")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            at = parse_moment(event.value, time.time())
        except MomentError as exc:
            error = self.query_one("#moment-error", Static)
            error.update(Text(str(exc)))
            error.display = True
            return
        self.dismiss(at)

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["MomentPrompt"]
