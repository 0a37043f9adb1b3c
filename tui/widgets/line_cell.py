"""Table cells of one line that paint straight to segments.

A DataTable repaints a cell by laying its text out through Rich's general machinery (wrap,
justify, crop) every time anything in the table changed. The tables of this app hold one-line
cells in columns of fixed width, so the layout is known: :func:`line_segments` cuts or pads the
text to the width once, and :class:`LineText` (a :class:`rich.text.Text`, so ``plain``,
``spans`` and ``style`` stay as they are) keeps that result until it is painted at another
width. Painting a screen of the host grid or an overview pane costs about half as much.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.style import Style
from rich.text import Text


def line_segments(text: Text, console: Console, width: int) -> list[Segment]:
    """``text`` as one line of exactly ``width`` cells, as Rich lays it out: cut when longer (with
    an ellipsis where its overflow says so), padded on the side its justification asks for."""
    if text.cell_len > width:
        text = text.copy()
        text.truncate(width, overflow=text.overflow or "crop")
    style = console.get_style(text.style, default=Style.null())
    base = style or None
    # Text.render applies the text's own style only to its spans' segments
    segments = list(text.render(console)) if text.spans else [Segment(text.plain, base)] if text.plain else []
    pad = width - text.cell_len
    if pad > 0:  # a justified text pads in its own style; otherwise the line is padded plain
        fill = Segment(" " * pad, base if text.justify in ("left", "right") else None)
        segments = [fill, *segments] if text.justify == "right" else [*segments, fill]
    return segments


class LineText(Text):
    """A one-line table cell that lays itself out once per width (see :func:`line_segments`).

    Not to be changed once given to a table: the laid-out line is kept.
    """

    _line: tuple[int, list[Segment]] | None = None

    def __rich_console__(self, console: Console, options: ConsoleOptions):
        width = options.max_width
        line = self._line
        if line is None or line[0] != width:
            line = self._line = (width, line_segments(self, console, width))
        yield from line[1]
