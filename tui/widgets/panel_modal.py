"""A centred, scrollable panel over the current screen (the help, the problems list).

Subclasses say what the panel holds (:meth:`PanelModal.body`) and how it is titled; Esc and
``q`` close it, as do the keys a subclass adds to ``BINDINGS``.
"""

from __future__ import annotations

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class PanelModal(ModalScreen):
    """Subclass and implement :meth:`body`; set ``panel_title``, ``panel_subtitle``, ``body_id``."""

    DEFAULT_CSS = """
    PanelModal { align: center middle; }
    PanelModal > VerticalScroll {
        width: 96; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("q", "close", "Close", show=False),
    ]

    panel_title = ""
    panel_subtitle = "Esc closes · ↑ ↓ PgUp PgDn scroll"
    body_id = "panel-body"

    def body(self) -> RenderableType:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = self.panel_title
            box.border_subtitle = self.panel_subtitle
            yield Static(self.body(), id=self.body_id)

    def action_close(self) -> None:
        self.dismiss()


__all__ = ["PanelModal"]
