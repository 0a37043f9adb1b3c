"""The breadcrumb line at the top of each screen: where you are, and the view's settings.

``sagemon › Jobs 42 › /bert`` on the left; the sort column and the key hints on the right.
Every part is plain text (resource names are never read as markup).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.model.format import safe_text


def breadcrumb_text(parts: list[str], right: str = "", width: int = 80,
                    styles: dict[str, str] | None = None) -> Text:
    st = {"home": "bold", "sep": "dim", "part": "", "last": "bold", "right": "dim"}
    st.update(styles or {})
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append("sagemon", st["home"])
    for i, part in enumerate(parts):
        out.append(" › ", st["sep"])
        out.append(safe_text(part, 60), st["last"] if i == len(parts) - 1 else st["part"])
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
