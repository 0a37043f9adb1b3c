"""The breadcrumb line at the top of each screen: where you are, and the view's settings.

``sagemon › Jobs 42 › /bert`` on the left; the sort column and the key hints on the right.
Every part is plain text (resource names are never read as markup). On a narrow terminal the
right side goes first, then the longest parts are cut in the middle, so every level stays.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from tui.model.format import safe_text
from tui.model.glyphs import glyphs
from tui.widgets.resource_table import middle_ellipsis


#: A part of the path is not cut below this many cells to make the path fit.
MIN_PART = 12


def fit_parts(parts: list[str], room: int) -> list[str]:
    """``parts`` cut in the middle, longest first, until they add up to ``room`` cells (or
    each is down to :data:`MIN_PART`): every level stays named, and names that differ only
    at the end (an execution's date) stay apart."""
    parts = list(parts)
    while sum(cell_len(p) for p in parts) > room:
        i = max(range(len(parts)), key=lambda k: cell_len(parts[k]))
        over = sum(cell_len(p) for p in parts) - room
        target = max(MIN_PART, cell_len(parts[i]) - over)
        if target >= cell_len(parts[i]):
            break
        parts[i] = middle_ellipsis(parts[i], target)
    return parts


def breadcrumb_text(parts: list[str], right: str = "", width: int = 80,
                    styles: dict[str, str] | None = None) -> Text:
    st = {"home": "bold", "sep": "dim", "part": "", "last": "bold", "right": "dim"}
    st.update(styles or {})
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append("sagemon", st["home"])
    parts = [safe_text(part, 60) for part in parts]
    room = width - cell_len("sagemon") - 3 * len(parts)
    parts = fit_parts(parts, room)
    for i, part in enumerate(parts):
        out.append(f" {glyphs().sep} ", st["sep"])
        out.append(part, st["last"] if i == len(parts) - 1 else st["part"])
    if right:
        r = Text(safe_text(right), st["right"], no_wrap=True)
        gap = width - out.cell_len - r.cell_len
        if gap >= 2:
            out.append(" " * gap)
            out.append_text(r)
    out.truncate(width, overflow="ellipsis")
    return out


class Breadcrumb(Static):
    DEFAULT_CSS = """
    Breadcrumb { height: 1; padding: 0 1; background: $boost; }
    """

    COMPONENT_CLASSES = {"breadcrumb--home", "breadcrumb--sep", "breadcrumb--last", "breadcrumb--right"}

    def __init__(self, *parts: str, right: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self._parts = list(parts)
        self._right = right

    def set_path(self, parts: list[str], right: str | None = None) -> None:
        self._parts = list(parts)
        if right is not None:
            self._right = right
        self._redraw()

    def on_mount(self) -> None:
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        styles = {name: self.get_component_rich_style(f"breadcrumb--{name}", partial=True)
                  for name in ("home", "sep", "last", "right")}
        width = max(10, self.size.width - 2) if self.size.width else 78
        self.update(breadcrumb_text(self._parts, self._right, width, styles))
