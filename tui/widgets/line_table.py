"""A DataTable that paints its one-line cells itself, and keeps each cell's painted line.

:class:`~textual.widgets.DataTable` paints a cell by wrapping it in ``Padding`` and ``Styled``
and laying the result out through Rich (``render_lines``, ``split_and_crop_lines``), and it
forgets every painted cell whenever any cell changes (its caches are keyed by an update count).
On the 256-host grid, where a refresh rewrites most cells on screen, that costs more than the
rest of the refresh.

:class:`LineTable` paints a :class:`~tui.widgets.line_cell.LineText` in a row one line high
directly: the padding, the cell's own segments and the row's styles (the table's base style
with its ``row`` / ``column`` meta, the cursor's component style, the CSS-priority post style)
combined in the same order as the DataTable does, so the segments are the same. The result is
kept on the cell object with the key it was painted for, so a cell that did not change is not
painted again after another cell of the table changed. Any other cell (headers, row labels,
plain strings, empty cells, rows taller than one line) is painted by the DataTable as before.
A :class:`LineCell` (a cell that reads what it shows when painted, such as the overview's live
cells) is painted the same way.

The DataTable also forgets every painted *line* whenever the cursor moves or any cell changes,
so a key press that scrolls the table lays out every row on screen again. With a row cursor,
:class:`LineTable` keeps each row's painted line with what it was painted from (the row's cell
objects, its index, whether the cursor or the mouse is on it, the columns' widths, the styles)
and paints a row again only when one of those changed: a refresh that changed three rows on
screen, or a key that scrolled by one row, paints one to three lines, not the whole screen.
"""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable

from tui.widgets.line_cell import LineText

_NULL = Style.null()  # the style of the DataTable's cell padding ("none")


class LineCell:
    """A one-line cell that is not a :class:`LineText`: it says what it shows when painted.

    ``look()`` is the object it shows now (a new object whenever its look changed); ``painted``
    is reset by the cell when its look changes.
    """

    __slots__ = ()

    painted: tuple[tuple, list[list[Segment]]] | None = None

    @property
    def plain(self) -> str:
        raise NotImplementedError

    def look(self) -> object:
        raise NotImplementedError

    def segments(self, console: Console, width: int) -> list[Segment]:
        raise NotImplementedError


class LineTable(DataTable):
    """A DataTable whose :class:`LineText` cells are painted once per look (see the module)."""

    _lines: dict | None = None  # row key -> (what the line was painted for, its cells' looks, the strip)
    _line_sig: tuple | None = None  # the columns' keys and widths and the state every line shares
    _styles_added: dict | None = None  # (a cell's spot, a cell style) -> the style it is painted in

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._lines = self._styles_added = None

    def notify_style_update(self) -> None:
        self._lines = self._styles_added = None
        super().notify_style_update()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._line_sig = None  # read again once per paint: widths and styles may have changed
        return super().render_lines(crop)

    def _shared_line_key(self) -> tuple:
        sig = self._line_sig
        if sig is None:
            cols = tuple((c.key, c.get_render_width(self)) for c in self.ordered_columns)
            sig = self._line_sig = (cols, self.fixed_columns, self.fixed_rows, self.cell_padding, self.zebra_stripes,
                                    self.show_cursor, self._show_hover_cursor, self._pseudo_class_state,
                                    self.size.width)
        return sig

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        # with a row cursor, a body row of one line is painted again only when it looks different
        if self.cursor_type != "row" or (self._labelled_row_exists and self.show_row_labels):
            return super()._render_line(y, x1, x2, base_style)
        try:
            row_key, line_no = self._get_offsets(y)
        except LookupError:
            return super()._render_line(y, x1, x2, base_style)
        row = self.rows.get(row_key)
        cells = self._data.get(row_key)
        if row_key is self._header_row_key or row is None or row.height != 1 or cells is None:
            return super()._render_line(y, x1, x2, base_style)
        looks = tuple(c.look() if isinstance(c, LineCell) else c for c in cells.values())
        row_index = self._row_locations.get(row_key)
        key = (row_index, x1, x2, base_style, self.cursor_coordinate.row == row_index,
               self.hover_coordinate.row == row_index, self._shared_line_key())
        lines = self._lines
        if lines is None or len(lines) > 2 * len(self.rows) + 200:  # rows that left: start afresh
            lines = self._lines = {}
        kept = lines.get(row_key)
        if kept is not None and kept[0] == key and len(kept[1]) == len(looks) \
                and all(a is b for a, b in zip(kept[1], looks)):
            return kept[2]
        strip = super()._render_line(y, x1, x2, base_style)
        lines[row_key] = (key, looks, strip)
        return strip

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False):
        pad = self.cell_padding
        if row_index < 0 or column_index < 0 or width <= 2 * pad:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        row = self.rows.get(row_key) if row_key is not None else None
        cells = self._data.get(row_key) if row_key is not None else None
        cell = cells.get(self._column_locations.get_key(column_index)) if cells else None
        # an empty cell is shown as the DataTable's own empty text (an empty Text is false)
        if (not isinstance(cell, (LineText, LineCell)) or row is None or row.height != 1 or not cell.plain
                or "\n" in cell.plain):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        fixed = row_index < self.fixed_rows or column_index < self.fixed_columns
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, fixed, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        key = (width, pad, base_style, row_index, column_index, component_style, post_style)
        painted = cell.painted
        if painted is not None and painted[0] == key:
            return painted[1]
        styles = self._styles_added
        if styles is None or len(styles) > 50_000:
            styles = self._styles_added = {}
        where = (base_style, row_index, column_index, component_style)
        pre = styles.get(where)
        if pre is None:
            pre = styles[where] = base_style + Style.from_meta({"row": row_index, "column": column_index}) \
                + component_style
        inner = cell.segments(self.app.console, width - 2 * pad)
        inner = Segment.adjust_line_length(inner, width - 2 * pad, style=_NULL, pad=True)
        if pad:
            side = Segment(" " * pad, _NULL)
            inner = [side, *inner, side]
        line = []
        for text, style, _ in inner:  # the cell's styles on this cell's spot, kept from one paint to the next
            both = styles.get((pre, style))
            if both is None:
                both = styles[pre, style] = pre + style
            line.append(Segment(text, both))
        if post_style:
            line = [Segment(text, style + post_style if style else post_style) for text, style, _ in line]
        lines = [line]
        cell.painted = (key, lines)
        return lines
