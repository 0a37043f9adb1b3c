"""The host grid: every host of a distributed job in one table, for spotting the odd one out.

One row per host, one column per instance metric (latest value plus a sparkline of the
recent values, on a scale shared by the whole column; CPU and GPU titled ``CPU ×96`` /
``GPU ×8`` when they are means per device, ``GPU Σ`` when CloudWatch's sum is shown), a health column with the reason of
the host's worst flag, and three pinned rows with the cluster's min / median / max.

Built for 256 hosts refreshed every few seconds: a refresh (:meth:`HostGrid.update_table`)
rewrites only the cells whose text or colour changed, with ``update_cell`` and without
re-measuring columns, and only in the rows on screen (the others catch up when scrolled to or
read); cells are painted once per look (:mod:`tui.widgets.line_table`), so a repaint
paints only the cells that changed; rows are never rebuilt unless the set of hosts or the
filter changes, and the cursor stays on the same host (rows are keyed by host name). The cells
themselves are built in :mod:`tui.widgets.host_grid_cells` (from data: nothing from AWS is
ever read as markup), the row order in :mod:`tui.widgets.host_grid_order`.

Keys: ``s`` cycles the sort column (host, each metric, health, given order), ``S`` reverses,
clicking a header sorts by it (again: reverses), Enter posts :class:`HostGrid.HostSelected`.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist

from tui.model.catalog import MetricDef
from tui.model.format import safe_text
from tui.model.glyphs import glyphs
from tui.model.hosts import HostRow, HostTable
from tui.widgets.host_grid_cells import (
    HEALTH_COLUMN,
    HOST_COLUMN,
    SUMMARY_ROWS,
    VALUE_WIDTH,
    GridCells,
    column_scales,
    short_name,
)
from tui.widgets.host_grid_order import ordered_hosts
from tui.widgets.line_table import LineTable
from tui.widgets.palette import on_theme_change, palette

#: When more rows than this leave at once (a narrowing filter), rows are rebuilt instead.
REBUILD_ROWS_OVER = 32


class HostGrid(LineTable):
    """One row per host, one column per metric; sortable, filterable, updated in place."""

    DEFAULT_CSS = """
    HostGrid { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "cycle_sort", "Sort", show=True),
        Binding("S", "reverse_sort", "Reverse sort", show=False),
        Binding("home", "first_host", "First host", show=False),
        Binding("end", "scroll_bottom", "Last host", show=False),
    ]

    _ready = False  # mounted: rows can be built (a table given earlier waits in _pending)
    _batching = False  # inside a batch of cell updates: one repaint at the end
    _repaint_due = False

    class HostSelected(Message):
        """A host was chosen (Enter, or a click on the highlighted row)."""

        def __init__(self, grid: HostGrid, host: str) -> None:
            super().__init__()
            self.grid = grid
            self.host = host

        @property
        def control(self) -> HostGrid:
            return self.grid

    def __init__(self, *, spark_width: int = 8, health_width: int = 38, row_title: str = "Host",
                 noun: tuple[str, str] = ("host", "hosts"), name: str | None = None,
                 id: str | None = None, classes: str | None = None, disabled: bool = False) -> None:
        """``row_title`` heads the first column and ``noun`` (singular, plural) names the rows
        in the summary ("1 of 4 GPUs flagged"): a grid of instances or GPUs says so."""
        super().__init__(cursor_type="row", show_row_labels=False, name=name, id=id,
                         classes=classes, disabled=disabled)
        self.spark_width = spark_width
        self.health_width = health_width
        self.row_title = row_title
        self.noun = noun
        self._table: HostTable | None = None
        self._pending: HostTable | None = None
        self._metrics: list[MetricDef] = []
        self._filter = ""
        self._sort_column: str | None = None  # None: the order the model gives
        self._sort_reverse = False
        self._cells: dict[tuple[str, str], tuple] = {}  # what each cell shows now
        self._rows: set[str] = set()  # host row keys present in the table
        self._lagging: set[str] = set()  # rows whose cells still show an older refresh
        self._scales_now: dict = {}  # the sparkline scales of the newest refresh
        self._styles: dict[str, object] = {}  # level name -> style of the current theme
        self._build = GridCells(self, self._style)

    # -- public API ------------------------------------------------------------------

    @property
    def host_table(self) -> HostTable | None:
        return self._table

    @property
    def filter_text(self) -> str:
        return self._filter

    @property
    def sort_column(self) -> str | None:
        """The column key rows are sorted by (``None``: the model's order)."""
        return self._sort_column

    @property
    def sort_reverse(self) -> bool:
        return self._sort_reverse

    @property
    def selected_host(self) -> str | None:
        """The host under the cursor (``None`` on a summary row or an empty grid)."""
        key = self._cursor_key()
        return None if key is None or key in SUMMARY_ROWS else key

    @property
    def visible_hosts(self) -> list[str]:
        """Host row keys in display order (summary rows left out)."""
        return [r.key.value for r in self.ordered_rows if r.key.value not in SUMMARY_ROWS]

    def update_table(self, table: HostTable) -> None:
        """Show ``table``: rewrite changed cells in place, keep the cursor on its host."""
        if not self._ready:
            self._pending = table
            return
        selected = self.selected_host
        if self._table is None or [m.name for m in table.metrics] != [m.name for m in self._metrics]:
            self._table = table
            self._build_columns(table)
            self._sync_rows(force_order=True, selected=selected)
            if selected is None:
                self._cursor_to_first_host()
            return
        relabel = self._table.scales != table.scales  # the instance type became known
        self._table = table
        if relabel:
            self._set_header_labels()
        self._sync_rows(force_order=self._sort_column is not None, selected=selected)

    def set_filter(self, text: str) -> None:
        """Show only hosts whose name (or health reason) contains ``text``, ignoring case."""
        text = text.strip().lower()
        if text == self._filter:
            return
        self._filter = text
        if self._table is not None and self._ready:
            self._sync_rows(force_order=True, selected=self.selected_host)

    def sort_by(self, column: str | None, reverse: bool = False) -> None:
        """Sort rows by a column key (``"host"``, a metric name, ``"health"``) or ``None``.

        Metric columns sort ascending by latest value (missing values always last), the
        health column worst first; ``reverse`` flips the direction. The order is kept on
        every refresh.
        """
        valid = self._sort_columns()
        if column is not None and column not in valid:
            raise ValueError(f"no such column: {column!r}")
        self._sort_column = column
        self._sort_reverse = reverse if column is not None else False
        self._set_header_labels()
        if self._table is not None and self._ready:
            self._apply_order(self.selected_host)

    def select_host(self, host: str) -> bool:
        """Move the cursor to ``host``; ``False`` when it is not shown."""
        if host not in self._rows:
            return False
        self.move_cursor(row=self.get_row_index(host), animate=False)
        return True

    # -- actions and events ----------------------------------------------------------

    def action_cycle_sort(self) -> None:
        cols = [None, *self._sort_columns()]
        i = cols.index(self._sort_column) if self._sort_column in cols else 0
        self.sort_by(cols[(i + 1) % len(cols)])

    def action_first_host(self) -> None:
        """Home: the first host row (the pinned min / median / max rows stay above it)."""
        self._cursor_to_first_host()
        self.scroll_to(y=0, animate=False)

    def action_reverse_sort(self) -> None:
        if self._sort_column is None:
            self.sort_by(HOST_COLUMN, reverse=True)
        else:
            self.sort_by(self._sort_column, not self._sort_reverse)

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        if event.data_table is not self:
            return
        host = event.row_key.value
        if host is not None and host not in SUMMARY_ROWS:
            self.post_message(self.HostSelected(self, host))

    @on(DataTable.HeaderSelected)
    def _header_chosen(self, event: DataTable.HeaderSelected) -> None:
        if event.data_table is not self:
            return
        event.stop()
        column = event.column_key.value
        if column == self._sort_column:
            self.sort_by(column, not self._sort_reverse)
        else:
            self.sort_by(column)

    def refresh(self, *regions, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> HostGrid:
        # update_cell asks for a full repaint per cell (about 25 us each): during a batch of
        # cell updates one repaint at the end is enough.
        if self._batching and not regions and not layout and not recompose:
            self._repaint_due = True
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def on_mount(self) -> None:
        self._ready = True
        on_theme_change(self, self._recolour)
        if self._pending is not None:
            table, self._pending = self._pending, None
            self.update_table(table)

    def _recolour(self) -> None:
        """The theme changed: every cell is redrawn in the new theme's colours."""
        self._cells.clear()
        self._styles.clear()
        if self._table is not None and self._ready:
            self._sync_rows(force_order=False, selected=self.selected_host)

    def _style(self, level: str):
        """A cell's level ("warn", "stale", "heat-2", "bold", ...) as a style of the current theme
        (kept per level until the theme changes)."""
        style = self._styles.get(level)
        if style is None:
            if level in ("bold", "italic"):
                style = level
            elif level.endswith("+dim"):
                style = palette(self.app).style(level[:-4]) + Style(dim=True)
            else:
                style = palette(self.app).style(level)
            self._styles[level] = style
        return style

    # -- building ----------------------------------------------------------------------

    def _sort_columns(self) -> list[str]:
        return [HOST_COLUMN, *(m.name for m in self._metrics), HEALTH_COLUMN]

    def _metric_width(self) -> int:
        return VALUE_WIDTH + 1 + self.spark_width

    def _build_columns(self, table: HostTable) -> None:
        self.clear(columns=True)
        self._cells.clear()
        self._rows.clear()
        self._lagging.clear()
        self._metrics = list(table.metrics)
        if self._sort_column not in (None, *self._sort_columns()):
            self._sort_column, self._sort_reverse = None, False
        labels = [r.label for r in table.rows]
        host_width = max([6, *(min(len(safe_text(lb)), 28) for lb in labels)])
        host_width = max(host_width, len(self.row_title) + 2)
        self.add_column(Text(self.row_title), key=HOST_COLUMN, width=host_width + 2)
        for m in self._metrics:
            self.add_column(Text(short_name(m.name)), key=m.name, width=self._metric_width())
        self.add_column(Text("Health"), key=HEALTH_COLUMN, width=self.health_width)
        self._set_header_labels()
        for key in SUMMARY_ROWS:
            self.add_row(*self._summary_cells(key, table), key=key)
            self._rows.add(key)
        self.fixed_rows = len(SUMMARY_ROWS)

    def _set_header_labels(self) -> None:
        if not self.columns:
            return
        arrow = " " + (glyphs().down if self._sort_reverse else glyphs().up)
        titles = {HOST_COLUMN: self.row_title, HEALTH_COLUMN: "Health"}
        scales = self._table.scales if self._table is not None else {}
        titles.update({m.name: short_name(m.name) + (scales[m.name].suffix if m.name in scales else "")
                       for m in self._metrics})
        for key, title in titles.items():
            col = self.columns.get(key)  # type: ignore[call-overload]
            if col is not None:
                col.label = Text(title + (arrow if key == self._sort_column else ""), no_wrap=True)
        # the new labels are painted by the sort that always follows (it invalidates the caches)

    def _matches(self, row: HostRow) -> bool:
        if not self._filter:
            return True
        return self._filter in row.host.lower() or self._filter in row.reason.lower()

    def _sync_rows(self, *, force_order: bool, selected: str | None) -> None:
        """Make the rows match the table and filter, then rewrite changed cells."""
        table = self._table
        assert table is not None
        wanted = [r for r in table.rows if self._matches(r)]
        wanted_keys = {r.host for r in wanted}
        structural = False
        had_hosts = len(self._rows) > len(SUMMARY_ROWS)
        gone = [k for k in self._rows if k not in SUMMARY_ROWS and k not in wanted_keys]
        if len(gone) > REBUILD_ROWS_OVER:  # remove_row is O(rows): start afresh instead
            self.clear()
            self._cells.clear()
            self._rows.clear()
            self._lagging.clear()
            for key in SUMMARY_ROWS:
                self.add_row(*self._summary_cells(key, table), key=key)
                self._rows.add(key)
            structural = True
        else:
            for key in gone:
                self.remove_row(key)
                self._rows.discard(key)
                self._lagging.discard(key)
                for m in self._sort_columns():
                    self._cells.pop((key, m), None)
                structural = True
        scales = column_scales(self._metrics, table)
        self._batching = True
        try:
            for row in wanted:
                if row.host not in self._rows:
                    self.add_row(*self._row_cells(row, scales), key=row.host)
                    self._rows.add(row.host)
                    structural = True
                else:  # rewritten once in view (see _freshen_in_view): 256 hosts, ~45 on screen
                    self._lagging.add(row.host)
            self._scales_now = scales
            for key in SUMMARY_ROWS:
                for col, text, style in self._build.summary_values(key, self._metrics, table):
                    if self._cells.get((key, col)) != (text, style):
                        self._put(key, col, (text, style), self._build.summary_cell(key, col, text, style))
        finally:
            self._batching = False
            if self._repaint_due:
                self._repaint_due = False
                self.refresh()
        if structural or force_order:
            self._apply_order(selected)
        if not had_hosts and selected is None:  # the first hosts arrived: start on the first one
            self._cursor_to_first_host()
        self._freshen_in_view()

    def _freshen_in_view(self) -> None:
        """Rewrite the lagging rows now on screen (a refresh rewrites only the rows in view;
        the others catch up when scrolled to, or when a cell of theirs is read)."""
        if not self._lagging or self._table is None:
            return
        height = self.size.height or self.app.size.height
        first = max(len(SUMMARY_ROWS), int(self.scroll_offset.y))
        keys = []
        for index in range(first, min(first + height + 1, self.row_count)):
            key = self._row_locations.get_key(index)
            if key is not None and key.value in self._lagging:
                keys.append(key.value)
        self._freshen(keys)

    def _freshen(self, hosts) -> None:
        table, scales = self._table, self._scales_now
        self._batching = True
        try:
            for host in hosts:
                self._lagging.discard(host)
                row = table.row(host) if table is not None else None
                if row is not None:
                    self._update_row(row, scales)
        finally:
            self._batching = False
            if self._repaint_due:
                self._repaint_due = False
                self.refresh()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._freshen_in_view()

    def on_resize(self) -> None:
        self._freshen_in_view()

    def get_cell(self, row_key, column_key):
        """A cell as it is now (a row off screen is brought up to date first)."""
        host = getattr(row_key, "value", row_key)
        if host in self._lagging:
            self._freshen([host])
        return super().get_cell(row_key, column_key)

    def _apply_order(self, selected: str | None) -> None:
        table = self._table
        assert table is not None
        shown = [r for r in table.rows if r.host in self._rows]
        order = ordered_hosts(shown, self._sort_column, self._sort_reverse)
        position = {key: i - len(SUMMARY_ROWS) for i, key in enumerate(SUMMARY_ROWS)}
        position.update({host: i for i, host in enumerate(order)})
        self.sort(HOST_COLUMN, key=lambda cell: position.get(getattr(cell, "row_key", ""), 1 << 30))
        if selected is not None and selected in self._rows:
            index = self.get_row_index(selected)
            if index != self.cursor_row:
                self.move_cursor(row=index, animate=False)
        self._freshen_in_view()

    def _cursor_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key.value
        except CellDoesNotExist:
            return None

    def _cursor_to_first_host(self) -> None:
        if self.row_count > len(SUMMARY_ROWS):
            self.move_cursor(row=len(SUMMARY_ROWS), animate=False, scroll=False)

    # -- cells -------------------------------------------------------------------------

    def _row_cells(self, row: HostRow, scales) -> list[Text]:
        cells = []
        for column, sig in self._build.row_signatures(row, self._metrics, scales):
            self._cells[(row.host, column)] = sig
            cells.append(self._build.cell(row.host, column, sig))
        return cells

    def _update_row(self, row: HostRow, scales) -> None:
        for column, sig in self._build.row_signatures(row, self._metrics, scales):
            if self._cells.get((row.host, column)) != sig:
                self._put(row.host, column, sig, self._build.cell(row.host, column, sig))

    def _put(self, row_key: str, column: str, sig: tuple, cell: Text) -> None:
        self._cells[(row_key, column)] = sig
        self.update_cell(row_key, column, cell)

    def _summary_cells(self, key: str, table: HostTable) -> list[Text]:
        cells = []
        for col, text, style in self._build.summary_values(key, self._metrics, table):
            self._cells[(key, col)] = (text, style)
            cells.append(self._build.summary_cell(key, col, text, style))
        return cells


__all__ = ["HostGrid"]
