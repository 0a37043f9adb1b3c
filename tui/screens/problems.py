"""The ``e`` screen: every problem of this run (failed listings, calls, reads), newest first.

Notifications stay short (one line, one per new problem); the whole text of each problem, its
time and whether it is still happening are here. Text from AWS is shown literally.
"""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.model.format import safe_text
from tui.model.state import AppState


def problems_renderable(state: AppState) -> Table | Text:
    if not state.problems:
        return Text("No problems so far: every call of this run was answered.", style="dim")
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for p in reversed(state.problems):
        now = p.text in state.active_problems
        level = Text("error" if p.level == "error" else "warning",
                     style="bold red" if p.level == "error" else "yellow")
        when = Text(datetime.fromtimestamp(p.at).strftime("%H:%M:%S"), style="" if now else "dim")
        body = Text(safe_text(p.text, 600), style="" if now else "dim")
        if not now:
            body.append("  (gone since)", style="dim italic")
        grid.add_row(when, level, body)
    return grid


class ProblemsScreen(ModalScreen):
    """Modal list of the run's problems; Esc, q or e closes it."""

    DEFAULT_CSS = """
    ProblemsScreen { align: center middle; }
    ProblemsScreen > VerticalScroll {
        width: 110; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("q", "close", "Close", show=False),
        Binding("e", "close", "Close", show=False),
    ]

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            count = len(self.state.problems)
            box.border_title = f"problems of this run ({count})" if count else "problems of this run"
            box.border_subtitle = "newest first · dim: gone since · Esc closes"
            yield Static(problems_renderable(self.state), id="problems-body")

    def action_close(self) -> None:
        self.dismiss()


__all__ = ["ProblemsScreen", "problems_renderable"]
