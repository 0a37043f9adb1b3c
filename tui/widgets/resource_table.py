"""A pane's table of resources: sortable, filterable, updated in place.

:class:`ResourceTable` draws :class:`~tui.model.cells.Row` objects. A refresh calls
:meth:`ResourceTable.show_rows`; the table then changes only what changed and keeps the
cursor on the same resource, so nothing flickers or jumps. Its cells (:class:`LiveCell`) read
the newest row of their key when painted, so a refresh of 1,000 rows swaps the rows in a few
milliseconds, builds text only for the cells on screen whose value changed and repaints only
the lines that look different (``add_row``/``remove_row`` for resources that came or went, one
re-ordering when the sort order moved; a filter that drops many rows re-adds the rest at once).
It is a :class:`~tui.widgets.line_table.LineTable`: a line is painted again only when one of
its cells, its cursor state or the columns changed, so a key that scrolls the table paints the
one new line, not the screen. Columns are fitted
to the width (lowest-priority columns hide first) and rebuilt only when the width or the set
of columns changes.

Every cell's text is a :class:`rich.text.Text` built from plain strings (names from AWS are
never read as markup) and coloured through the table's component classes, so themes decide
the colours.
"""

from __future__ import annotations

from dataclasses import replace

from rich.cells import cell_len, set_cell_size
from rich.measure import Measurement
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from tui.model.format import safe_text, sparkline
from tui.model.cells import Column, Row, sort_rows
from tui.model.columns import COLUMNS, pane_columns, visible_columns
from tui.model.kinds import Pane
from tui.widgets.line_cell import line_segments
from tui.widgets.line_table import LineCell, LineTable
from tui.widgets.palette import on_theme_change

LEVELS = ("ok", "info", "warn", "crit", "dim")
#: Columns of resource names: cut in the middle, where names of one family are alike.
NAME_COLUMNS = ("name", "endpoint")
#: How much wider than planned a text column (a health reason) may grow into spare width.
MAX_TEXT_GROW = 40


def middle_ellipsis(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells in the middle: the start and the end stay, as names
    of one family often differ only at the end (``data-quality-check-…1125-1005``)."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    tail = (width - 1) * 2 // 5
    head = width - 1 - tail
    start = set_cell_size(text, head).rstrip(" ")
    end = text[len(text) - tail:] if tail else ""
    while cell_len(end) > tail:  # wide characters at the end
        end = end[1:]
    return f"{start}…{end}"


class KeyedText(Text):
    """A cell's text that remembers its row, so the table can be re-ordered by key."""

    row_key: str = ""


def cell_text(row: Row, col: Column, style_for, name_columns=None) -> Text:
    """One model cell as literal text in its column: sparkline, level colour, middle-cut names.

    ``style_for(level)`` maps a level ("crit", "missing", "spark", ...) to a style.
    """
    if col.spark:
        spark = sparkline(row.spark, col.width, lo=0.0) if row.spark else ""
        return Text(spark, style_for(row.spark_level or "spark"), no_wrap=True)
    cell = row.cells.get(col.key)
    if cell is None or cell.text == "":
        return Text("", no_wrap=True)
    text = safe_text(cell.text)
    if col.key in (NAME_COLUMNS if name_columns is None else name_columns):
        text = middle_ellipsis(text, col.width)
    style = style_for(cell.level) if cell.level else ""
    if cell.sort is None and col.numeric:
        style = style_for("missing")
    t = Text(text, style, no_wrap=True, overflow="ellipsis", justify="right" if col.numeric else "left")
    if t.cell_len > col.width:
        t.truncate(col.width, overflow="ellipsis")
    return t


def row_texts(row: Row, columns, style_for, name_columns=None) -> list[Text]:
    """A row's cells; the first one remembers the row's key (rows are re-ordered by key)."""
    cells = [cell_text(row, c, style_for, name_columns) for c in columns]
    first = KeyedText(cells[0].plain, style=cells[0].style, no_wrap=True, overflow="ellipsis",
                      justify=cells[0].justify, spans=list(cells[0].spans))
    first.row_key = row.key
    cells[0] = first
    return cells


def same_look(old: Row, new: Row, col: Column) -> bool:
    """Whether ``col``'s cell draws the same in both rows (its text is built from nothing else)."""
    if col.spark:
        return old.spark == new.spark and old.spark_level == new.spark_level
    return old.cells.get(col.key) == new.cells.get(col.key)


class LiveCell(LineCell):
    """A table cell that draws the current row of its key, built only when painted.

    The table holds one per row and column; a refresh swaps the rows they read instead of
    rewriting 13,000 cells, so only the cells on screen ever build their text, and only when
    their value changed (the text is kept while the new row's cell equals the old one's).
    ``row_key`` lets the table re-order rows; ``plain`` is the text shown.
    """

    __slots__ = ("table", "row_key", "col", "_row", "_text", "_line", "painted")

    def __init__(self, table: "ResourceTable", row_key: str, col: Column) -> None:
        self.table, self.row_key, self.col = table, row_key, col
        self._row: Row | None = None
        self._text: Text | None = None
        self._line: tuple[Text, int, list] | None = None  # (text, width, its segments)
        self.painted = None

    def text(self) -> Text:
        row = self.table._drawn.get(self.row_key)
        if row is not None and row is not self._row:
            old, self._row = self._row, row
            if self._text is None or old is None or not same_look(old, row, self.col):
                self._text, self.painted = self.table._cell_text(row, self.col), None
        return self._text if self._text is not None else Text()

    look = text

    def segments(self, console, width: int) -> list:
        text, line = self.text(), self._line
        if line is None or line[0] is not text or line[1] != width:
            line = self._line = (text, width, line_segments(text, console, width))
        return line[2]

    def __rich_console__(self, console, options):
        yield from self.segments(console, options.max_width)

    def __rich_measure__(self, console, options) -> Measurement:
        # the column's width is fixed: adding 1,000 rows must not build their text to measure it
        return Measurement(self.col.width, self.col.width)

    @property
    def plain(self) -> str:
        return self.text().plain


def row_changed(old: Row | None, new: Row) -> bool:
    """Whether a row draws differently (its cells, sparkline or sparkline colour)."""
    return old is not new and (old is None or old.cells != new.cells or old.spark != new.spark
                               or old.spark_level != new.spark_level)


#: When more rows than this leave at once (a narrowing filter), rows are re-added instead
#: (DataTable.remove_row re-indexes every row on each call).
REBUILD_ROWS_OVER = 32


class ResourceTable(LineTable):
    """One overview pane."""

    DEFAULT_CSS = """
    ResourceTable { height: 1fr; }
    """

    #: Enter opens the row (shown in the footer); Home / End go to the first / last row
    #: (DataTable's own Home / End scroll sideways).
    BINDINGS = [
        Binding("enter", "select_cursor", "Open"),
        Binding("home", "scroll_top", "First row", show=False),
        Binding("end", "scroll_bottom", "Last row", show=False),
    ]

    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {
        "resource-table--ok", "resource-table--info", "resource-table--warn", "resource-table--crit",
        "resource-table--dim", "resource-table--spark", "resource-table--missing",
    }

    class ViewChanged(Message):
        """The filter, sort or row count changed (the breadcrumb shows them)."""

        def __init__(self, table: "ResourceTable") -> None:
            super().__init__()
            self.table = table

    def __init__(self, pane: Pane, hidden: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.pane = pane
        self.hidden = frozenset(hidden)  # column keys the config hides (``hidden_columns``)
        self.regions = 1  # regions monitored: with more than one, a Region column (set by the screen)
        self.accounts = 1  # accounts shown: with more than one, an Account column (set by the screen)
        self.columns_spec: list[Column] = []
        self.all_rows: list[Row] = []
        self.shown: list[Row] = []
        self.filter_text = ""
        self.sort_column: str | None = None
        self.sort_reverse = False
        self._drawn: dict[str, Row] = {}  # the row each key's cells draw
        self._order: list[str] = []
        self._layout: tuple | None = None
        self._styles: dict[str, object] = {}
        self._rows_by_key: dict[str, Row] = {}
        self._text_width_for = 0  # the table width the grown text columns were fitted to
        self._text_widths: dict[str, int] = {}

    # -- public API ----------------------------------------------------------------------------
    @property
    def selected_key(self) -> str | None:
        if not self._order or self.cursor_row < 0 or self.cursor_row >= len(self._order):
            return None
        try:
            row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        except Exception:  # noqa: BLE001 - an empty table has no cell under the cursor
            return None
        return row_key.value

    @property
    def selected_row(self) -> Row | None:
        key = self.selected_key
        return None if key is None else self._rows_by_key.get(key)

    def show_rows(self, rows: list[Row]) -> None:
        """New data from a refresh: update in place."""
        self.all_rows = rows
        self._rows_by_key = {r.key: r for r in rows}
        self._render_view()

    def set_filter(self, text: str) -> None:
        if text != self.filter_text:
            self.filter_text = text
            self._render_view()
            self.post_message(self.ViewChanged(self))

    def set_sort(self, column: str | None, reverse: bool | None = None) -> None:
        if reverse is None:
            reverse = not self.sort_reverse if column == self.sort_column else self._default_reverse(column)
        self.sort_column, self.sort_reverse = column, reverse
        self._layout = None  # header labels show the sort arrow
        self._render_view()
        self.post_message(self.ViewChanged(self))

    def cycle_sort(self) -> None:
        """Next sortable visible column (``s``), then back to discovery order."""
        keys = [c.key for c in self.columns_spec if not c.spark]
        if not keys:
            return
        if self.sort_column not in keys:
            nxt = keys[0]
        else:
            i = keys.index(self.sort_column)
            nxt = keys[i + 1] if i + 1 < len(keys) else None
        self.set_sort(nxt, self._default_reverse(nxt))

    def reverse_sort(self) -> None:
        if self.sort_column is not None:
            self.set_sort(self.sort_column, not self.sort_reverse)

    def sort_label(self) -> str:
        if self.sort_column is None:
            return ""
        col = next((c for c in COLUMNS[self.pane] if c.key == self.sort_column), None)
        return f"{col.label if col else self.sort_column} {'↓' if self.sort_reverse else '↑'}"

    def select_key(self, key: str) -> bool:
        if key in self._order:
            self.move_cursor(row=self._order.index(key))
            return True
        return False

    def on_mount(self) -> None:
        on_theme_change(self, self.restyle)

    def restyle(self) -> None:
        """Re-read theme colours (after a theme switch) and redraw every cell."""
        self._styles = {}
        self._layout = None
        self._render_view()

    # -- internals -----------------------------------------------------------------------------
    def _default_reverse(self, column: str | None) -> bool:
        col = next((c for c in COLUMNS[self.pane] if c.key == column), None)
        return bool(col and col.numeric)  # numbers: biggest first; text: A-Z

    def _style(self, level: str):
        if not self._styles:
            for name in LEVELS + ("spark", "missing"):
                try:
                    self._styles[name] = self.get_component_rich_style(f"resource-table--{name}", partial=True)
                except Exception:  # noqa: BLE001 - before the first style pass
                    self._styles[name] = ""
        return self._styles.get(level, "")

    def _cell_text(self, row: Row, col: Column) -> Text:
        return cell_text(row, col, self._style)

    def _row_cells(self, key: str) -> list[LiveCell]:
        return [LiveCell(self, key, c) for c in self.columns_spec]

    def _fit_columns(self) -> list[Column]:
        """The columns that fit; spare width goes first to text columns whose cells are cut
        (a job's health reason), then to the sparkline."""
        width = self.size.width or (self.app.size.width if self.is_attached else 120)
        longest = max((len(r.name) for r in self.all_rows), default=12)
        name_width = max(12, min(48, longest))
        avail = max(20, width - 2)
        spec = pane_columns(self.pane, self.regions, self.accounts)
        cols = visible_columns([c for c in spec if c.key not in self.hidden], avail,
                               name_width=name_width, grow_spark=False)
        spare = avail - sum(c.width + 2 for c in cols)
        if self._text_width_for != width:  # widths only grow while the terminal keeps its size
            self._text_width_for, self._text_widths = width, {}
        for i, c in enumerate(cols):
            if spare <= 0:
                break
            if c.numeric or c.spark or c.key in NAME_COLUMNS:
                continue
            need = max((cell_len(r.cells[c.key].text) for r in self.all_rows if c.key in r.cells), default=0)
            want = min(max(need, self._text_widths.get(c.key, 0)), c.width + MAX_TEXT_GROW)
            self._text_widths[c.key] = want
            grow = min(spare, want - c.width)
            if grow > 0:
                cols[i] = replace(c, width=c.width + grow)
                spare -= grow
        if spare > 0:
            extra = min(spare, 40)
            cols = [replace(c, width=c.width + extra) if c.spark else c for c in cols]
        return cols

    def _render_view(self) -> None:
        if not self.is_attached:
            return
        rows = [r for r in self.all_rows if r.matches(self.filter_text)] if self.filter_text else list(self.all_rows)
        rows = sort_rows(rows, self.sort_column, self.sort_reverse)
        self.shown = rows
        selected = self.selected_key
        cursor_index = self.cursor_row
        cols = self._fit_columns()
        layout = tuple((c.key, c.width) for c in cols) + ((self.sort_column, self.sort_reverse),)
        if layout != self._layout:
            self._rebuild(cols, rows)
            self._layout = layout
        else:
            self._update(rows)
        # keep the cursor on the same resource; else on the same line
        if selected is not None and selected in self._order:
            index = self._order.index(selected)
        else:
            index = min(max(cursor_index, 0), max(len(self._order) - 1, 0))
        if self._order and index != self.cursor_row:
            self.move_cursor(row=index, animate=False, scroll=True)

    def _header(self, col: Column) -> Text:
        label = col.label
        if col.key == self.sort_column:
            label = f"{label}{'↓' if self.sort_reverse else '↑'}"
        return Text(label, justify="right" if col.numeric else "left", no_wrap=True)

    def _rebuild(self, cols: list[Column], rows: list[Row]) -> None:
        self.clear(columns=True)
        self.columns_spec = cols
        for c in cols:
            self.add_column(self._header(c), width=c.width, key=c.key)
        self._add_all(rows)

    def _add_all(self, rows: list[Row]) -> None:
        self._drawn = {r.key: r for r in rows}
        self._order = [r.key for r in rows]
        for r in rows:
            self.add_row(*self._row_cells(r.key), key=r.key)

    def _update(self, rows: list[Row]) -> None:
        """Swap in a refresh's rows: cells read them when painted, so only the rows on screen
        that changed are repainted; rows that came or went are added or removed, and the
        table is re-ordered once when the order moved."""
        wanted = [r.key for r in rows]
        if wanted != self._order:
            wanted_set = set(wanted)
            gone = [k for k in self._order if k not in wanted_set]
            if len(gone) > REBUILD_ROWS_OVER:
                self.clear()
                self._add_all(rows)
                return
            for key in gone:
                self.remove_row(key)
            present = set(self._order) - set(gone)
            for r in rows:
                if r.key not in present:
                    self.add_row(*self._row_cells(r.key), key=r.key)
            current = [k for k in self._order if k in wanted_set] + [k for k in wanted if k not in present]
            if current != wanted:
                index = {k: i for i, k in enumerate(wanted)}
                self.sort(self.columns_spec[0].key,
                          key=lambda cell: index.get(getattr(cell, "row_key", ""), len(index)))
            self._order = wanted
        old, self._drawn = self._drawn, {r.key: r for r in rows}
        if not rows:
            return
        first = max(0, int(self.scroll_offset.y))
        height = max(0, self.size.height - (self.header_height if self.show_header else 0))
        # the DataTable's own caches are keyed by its update count: they must not serve a line
        # of the old rows (LineTable keeps the lines whose cells still look the same); rows
        # scrolled into view later are drawn from the new data, so only the changed rows on
        # screen are repainted now
        self._update_count += 1
        for i in range(first, min(first + height + 1, len(rows))):
            if row_changed(old.get(wanted[i]), rows[i]):
                self.refresh_row(i)

    def on_resize(self) -> None:
        self._render_view()

    async def _on_key(self, event: events.Key) -> None:
        # Keys typed right after ':' or '/' were queued here before the prompt took focus.
        redirect = getattr(self.screen, "redirect_key", None)
        if redirect is not None and redirect(event):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        col = next((c for c in self.columns_spec if c.key == event.column_key.value), None)
        if col is not None and not col.spark:
            self.set_sort(col.key)
