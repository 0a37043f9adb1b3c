"""Text blocks of the drill-down screens: labelled facts, a coloured line, a section title.

:class:`FactsView` shows a resource's summary (:class:`~tui.model.drill_views.Fact`, one a
line, values wrapping), :class:`LineView` one line coloured by its level, and
:func:`section` a section's title. Text from AWS is shown literally (never markup); colours
come from the theme's ``$sagemon-*`` variables.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tui.model.drill_views import Fact
from tui.model.format import safe_text
from tui.widgets.palette import on_theme_change

#: The levels a line or a cell is coloured by (each a ``$sagemon-*`` theme variable).
LEVELS = ("ok", "info", "warn", "crit", "dim")


class FactsView(Static):
    """Labelled facts, one a line; values wrap; colours by level from the theme."""

    DEFAULT_CSS = """
    FactsView { height: auto; padding: 0 1; }
    FactsView > .facts--label { color: $sagemon-dim; }
    FactsView > .facts--ok { color: $sagemon-ok; }
    FactsView > .facts--info { color: $sagemon-info; }
    FactsView > .facts--warn { color: $sagemon-warn; text-style: bold; }
    FactsView > .facts--crit { color: $sagemon-crit; text-style: bold; }
    FactsView > .facts--dim { color: $sagemon-dim; }
    """

    COMPONENT_CLASSES = {"facts--label", "facts--ok", "facts--info", "facts--warn", "facts--crit", "facts--dim"}

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.facts: list[Fact] = []

    def on_mount(self) -> None:
        on_theme_change(self, lambda: self.set_facts(self.facts, force=True))  # the new colours

    def set_facts(self, facts: list[Fact], *, force: bool = False) -> None:
        if facts == self.facts and self.is_mounted and not force:
            return
        self.facts = list(facts)
        grid = Table.grid(padding=(0, 2), expand=True)
        grid.add_column(no_wrap=True, width=max([len(f.label) for f in facts] + [6]))
        grid.add_column(ratio=1, overflow="fold")
        label_style = self._rich("label")
        for f in facts:
            grid.add_row(Text(f.label, label_style), Text(safe_text(f.text), self._rich(f.level) if f.level else ""))
        self.update(grid)

    def text(self) -> str:
        """The facts as plain ``label: text`` lines."""
        return "\n".join(f"{f.label}: {f.text}" for f in self.facts)

    def _rich(self, level: str):
        try:
            return self.get_component_rich_style(f"facts--{level}", partial=True)
        except Exception:  # noqa: BLE001 - before the first style pass
            return ""


class LineView(Static):
    """One line of text (plain, never markup) coloured by a level."""

    DEFAULT_CSS = """
    LineView { height: auto; padding: 0 1; }
    LineView.-ok { color: $sagemon-ok; }
    LineView.-info { color: $sagemon-info; }
    LineView.-warn { color: $sagemon-warn; text-style: bold; }
    LineView.-crit { color: $sagemon-crit; text-style: bold; }
    LineView.-dim { color: $sagemon-dim; }
    """

    def __init__(self, text: str = "", level: str = "", **kwargs) -> None:
        super().__init__("", **kwargs)
        self.text = ""
        self.level = ""
        self.set_line(text, level)

    def set_line(self, text: str, level: str = "") -> None:
        if (text, level) == (self.text, self.level) and self.text:
            return
        for lv in LEVELS:
            self.set_class(lv == level, f"-{lv}")
        self.text, self.level = text, level
        self.update(Text(safe_text(text)))


class SectionTitle(Static):
    DEFAULT_CSS = """
    SectionTitle { height: 1; padding: 0 1; margin-top: 1; color: $primary; text-style: bold; }
    """

    def __init__(self, title: str, **kwargs) -> None:
        super().__init__(Text(title), **kwargs)


def section(title: str, id: str) -> SectionTitle:
    return SectionTitle(title, id=id)


__all__ = ["LEVELS", "FactsView", "LineView", "SectionTitle", "section"]
