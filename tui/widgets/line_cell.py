"""Table cells of one line that paint straight to segments.

A DataTable repaints a cell by laying its text out through Rich's general machinery (wrap,
justify, crop) every time anything in the table changed. The tables of this app hold one-line
cells in columns of fixed width, so the layout is known: :func:`line_segments` cuts or pads the
text to the width once, and :class:`LineText` (a :class:`rich.text.Text`, so ``plain``,
``spans`` and ``style`` stay as they are) keeps that result until it is painted at another
width. Painting a screen of the host grid or an overview pane costs about half as much. A cell
of spans that do not overlap (a value and its sparkline) is cut into segments directly rather
than through Rich's stack of styles, giving the same segments.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.style import Style
from rich.text import Text


def _flat_render(text: Text, console: Console) -> list[Segment] | None:
    """``text.render(console)`` for the common cell of spans that do not overlap (a value in one
    colour, a sparkline in another), without Rich's stack of styles; ``None`` for any other text.

    The same segments as Rich's: cut at every span's ends; between spans the text's own style,
    inside a span the text's style plus the span's (Rich's ``Style.combine`` of the two)."""
    plain = text.plain
    size = len(plain)
    spans = sorted((s for s in text.spans if s.start != s.end), key=lambda s: s.start)
    pos = 0
    for span in spans:
        if span.start < pos or span.end < span.start:
            return None  # overlapping (or reversed): Rich's general rendering
        pos = span.end
    cuts = {0, size}
    for span in text.spans:
        cuts.add(span.start)
        cuts.add(span.end)
    if min(cuts) < 0 or max(cuts) > size:
        return None
    get_style = console.get_style
    base = get_style(text.style, default=Style.null())
    out: list[Segment] = []
    edges = sorted(cuts)
    i = 0
    for lo, hi in zip(edges, edges[1:]):
        while i < len(spans) and spans[i].end <= lo:
            i += 1
        inside = i < len(spans) and spans[i].start <= lo
        style = base + get_style(spans[i].style, default=Style.null()) if inside else base
        out.append(Segment(plain[lo:hi], style))
    return out


def line_segments(text: Text, console: Console, width: int) -> list[Segment]:
    """``text`` as one line of exactly ``width`` cells, as Rich lays it out: cut when longer (with
    an ellipsis where its overflow says so), padded on the side its justification asks for."""
    if text.cell_len > width:
        text = text.copy()
        text.truncate(width, overflow=text.overflow or "crop")
    style = console.get_style(text.style, default=Style.null())
    base = style or None
    # Text.render applies the text's own style only to its spans' segments
    if text.spans:
        flat = _flat_render(text, console)
        segments = flat if flat is not None else list(text.render(console))
    else:
        segments = [Segment(text.plain, base)] if text.plain else []
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
    #: The cell as a table painted it last, with what it was painted for (see tui.widgets.line_table).
    painted: tuple[tuple, list[list[Segment]]] | None = None

    def segments(self, console: Console, width: int) -> list[Segment]:
        """The cell laid out at ``width`` (kept until asked for another width)."""
        line = self._line
        if line is None or line[0] != width:
            line = self._line = (width, line_segments(self, console, width))
        return line[1]

    def __rich_console__(self, console: Console, options: ConsoleOptions):
        yield from self.segments(console, options.max_width)
