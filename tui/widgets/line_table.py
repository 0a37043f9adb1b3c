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
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.widgets import DataTable

from tui.widgets.line_cell import LineText

_NULL = Style.null()  # the style of the DataTable's cell padding ("none")


class LineTable(DataTable):
    """A DataTable whose :class:`LineText` cells are painted once per look (see the module)."""

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
        if (not isinstance(cell, LineText) or row is None or row.height != 1 or not cell.plain
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
        pre = base_style + Style.from_meta({"row": row_index, "column": column_index}) + component_style
        inner = cell.segments(self.app.console, width - 2 * pad)
        inner = Segment.adjust_line_length(inner, width - 2 * pad, style=_NULL, pad=True)
        if pad:
            side = Segment(" " * pad, _NULL)
            inner = [side, *inner, side]
        add = pre.__add__
        line = [Segment(text, add(style)) for text, style, _ in inner]
        if post_style:
            line = [Segment(text, style + post_style if style else post_style) for text, style, _ in line]
        lines = [line]
        cell.painted = (key, lines)
        return lines
