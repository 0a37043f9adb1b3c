"""The ``e`` screen: every problem of this run (failed listings, calls, reads), newest first.

Notifications stay short (one line, one per new problem); the whole text of each problem, its
time and whether it is still happening are here. Text from AWS is shown literally.
"""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual.binding import Binding

from tui.model.format import safe_text
from tui.model.state import AppState
from tui.widgets.panel_modal import PanelModal
from tui.widgets.palette import Palette, palette


def problems_renderable(state: AppState, pal: Palette | None = None) -> Table | Text:
    """The run's problems, newest first; errors and warnings in ``pal``'s (the theme's) colours."""
    pal = pal or Palette({})
    if not state.problems:
        return Text("No problems so far: every call of this run was answered.", style="dim")
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for p in reversed(state.problems):
        now = p.text in state.active_problems
        level = Text("error" if p.level == "error" else "warning",
                     style=pal.style("crit" if p.level == "error" else "warn"))
        when = Text(datetime.fromtimestamp(p.at).strftime("%H:%M:%S"), style="" if now else "dim")
        body = Text(safe_text(p.text, 600), style="" if now else "dim")
        if not now:
            body.append("  (gone since)", style="dim italic")
        grid.add_row(when, level, body)
    return grid


class ProblemsScreen(PanelModal):
    """Modal list of the run's problems; Esc, q or e closes it."""

    DEFAULT_CSS = """
    ProblemsScreen > VerticalScroll { width: 110; }
    """

    BINDINGS = [*PanelModal.BINDINGS, Binding("e", "close", "Close", show=False)]

    panel_subtitle = "newest first · dim: gone since · Esc closes"
    body_id = "problems-body"

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        count = len(state.problems)
        self.panel_title = f"problems of this run ({count})" if count else "problems of this run"

    def body(self) -> Table | Text:
        return problems_renderable(self.state, palette(self.app))


__all__ = ["ProblemsScreen", "problems_renderable"]
