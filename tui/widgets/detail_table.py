"""A table of model rows for the drill-down screens: :class:`DetailTable`.

Rows are :class:`~tui.model.cells.Row` objects with fixed columns; a refresh updates the
table in place with the cursor kept on its row; columns that do not fit are dropped by
priority (as in the overview). Colours come from the theme's ``$sagemon-*`` variables.
"""

from __future__ import annotations

from typing import Iterable

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from tui.model.cells import Column, Row
from tui.model.columns import visible_columns
from tui.widgets.facts_view import LEVELS
from tui.widgets.palette import on_theme_change
from tui.widgets.resource_table import cell_text, row_texts


class DetailTable(DataTable):
    """A table of model rows with fixed columns; :meth:`show_rows` updates it in place.

    Columns that do not fit the width are dropped by priority (as in the overview); rows
    keep the order the model gives; the cursor stays on the same row key across updates.
    Every cell is ``rich.text.Text`` built from data (never markup).
    """

    DEFAULT_CSS = """
    DetailTable { height: auto; max-height: 14; background: $background; scrollbar-size-vertical: 1; }
    DetailTable > .datatable--header { background: $surface; color: $primary; text-style: bold; }
    DetailTable > .detail-table--ok { color: $sagemon-ok; }
    DetailTable > .detail-table--info { color: $sagemon-info; }
    DetailTable > .detail-table--warn { color: $sagemon-warn; text-style: bold; }
    DetailTable > .detail-table--crit { color: $sagemon-crit; text-style: bold; }
    DetailTable > .detail-table--dim { color: $sagemon-dim; }
    DetailTable > .detail-table--spark { color: $sagemon-spark; }
    DetailTable > .detail-table--missing { color: $sagemon-dim; }
    """

    #: Home / End go to the first / last row (DataTable's own Home / End scroll sideways).
    BINDINGS = [
        Binding("home", "scroll_top", "First row", show=False),
        Binding("end", "scroll_bottom", "Last row", show=False),
    ]

    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {
        "detail-table--ok", "detail-table--info", "detail-table--warn", "detail-table--crit", "detail-table--dim",
        "detail-table--spark", "detail-table--missing",
    }

    def __init__(self, columns: Iterable[Column], *, name_width: int | None = None, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.spec: tuple[Column, ...] = tuple(columns)
        self.name_width = name_width
        self.rows_shown: list[Row] = []
        self._by_key: dict[str, Row] = {}
        self._cells: dict[str, list[Text]] = {}
        self._order: list[str] = []
        self._layout: tuple | None = None
        self._cols: list[Column] = []
        self._styles: dict[str, object] = {}

    # -- public ----------------------------------------------------------------------------------
    @property
    def selected_key(self) -> str | None:
        if not self._order or not 0 <= self.cursor_row < len(self._order):
            return None
        return self._order[self.cursor_row]

    @property
    def selected_row(self) -> Row | None:
        key = self.selected_key
        return None if key is None else self._by_key.get(key)

    def row_for(self, key: str) -> Row | None:
        return self._by_key.get(key)

    def show_rows(self, rows: list[Row]) -> None:
        self.rows_shown = list(rows)
        self._by_key = {r.key: r for r in rows}
        self._render_rows()

    def select_key(self, key: str) -> bool:
        if key in self._order:
            self.move_cursor(row=self._order.index(key), animate=False)
            return True
        return False

    def cell_text(self, key: str, column: str) -> str:
        """The text a cell shows now ("" for a hidden column or an unknown row)."""
        keys = [c.key for c in self._cols]
        cells = self._cells.get(key)
        if cells is None or column not in keys:
            return ""
        return cells[keys.index(column)].plain

    def on_mount(self) -> None:
        on_theme_change(self, self._recolour)

    def _recolour(self) -> None:
        """The theme changed: re-read its colours and redraw every cell."""
        self._styles = {}
        self._render_rows()

    # -- drawing ---------------------------------------------------------------------------------
    def _style(self, level: str):
        if not self._styles:
            for name in LEVELS + ("spark", "missing"):
                try:
                    self._styles[name] = self.get_component_rich_style(f"detail-table--{name}", partial=True)
                except Exception:  # noqa: BLE001 - before the first style pass
                    return ""
        return self._styles.get(level, "")

    def _fit(self) -> list[Column]:
        width = self.size.width or (self.app.size.width if self.is_attached else 120)
        longest = max((len(r.name) for r in self.rows_shown), default=12)
        name_width = self.name_width or max(10, min(self.spec[0].width + 12, longest))
        return visible_columns(self.spec, max(20, width - 2), name_width=name_width, grow_spark=True)

    def _cell(self, row: Row, col: Column) -> Text:
        return cell_text(row, col, self._style, name_columns=("name",))

    def _row_cells(self, row: Row) -> list[Text]:
        return row_texts(row, self._cols, self._style, name_columns=("name",))

    def _render_rows(self) -> None:
        if not self.is_attached:
            return
        selected, index = self.selected_key, self.cursor_row
        cols = self._fit()
        layout = tuple((c.key, c.width) for c in cols)
        if layout != self._layout:
            self._rebuild(cols)
            self._layout = layout
        else:
            self._update()
        if selected is not None and selected in self._order:
            index = self._order.index(selected)
        else:
            index = min(max(index, 0), max(len(self._order) - 1, 0))
        if self._order and index != self.cursor_row:
            self.move_cursor(row=index, animate=False, scroll=False)

    def _rebuild(self, cols: list[Column]) -> None:
        self.clear(columns=True)
        self._cols = cols
        for c in cols:
            self.add_column(Text(c.label, justify="right" if c.numeric else "left", no_wrap=True), width=c.width,
                            key=c.key)
        self._cells, self._order = {}, []
        for r in self.rows_shown:
            cells = self._row_cells(r)
            self.add_row(*cells, key=r.key)
            self._cells[r.key] = cells
            self._order.append(r.key)

    def _update(self) -> None:
        wanted = [r.key for r in self.rows_shown]
        wanted_set = set(wanted)
        for key in [k for k in self._order if k not in wanted_set]:
            self.remove_row(key)
            self._cells.pop(key, None)
        present = set(self._order) & wanted_set
        col_keys = [c.key for c in self._cols]
        for r in self.rows_shown:
            cells = self._row_cells(r)
            if r.key not in present:
                self.add_row(*cells, key=r.key)
                self._cells[r.key] = cells
                continue
            for i, (a, b) in enumerate(zip(self._cells[r.key], cells)):
                if a.plain != b.plain or a.style != b.style:
                    self.update_cell(r.key, col_keys[i], b)
            self._cells[r.key] = cells
        current = [k for k in self._order if k in wanted_set] + [k for k in wanted if k not in present]
        if current != wanted:
            position = {k: i for i, k in enumerate(wanted)}
            self.sort(col_keys[0], key=lambda cell: position.get(getattr(cell, "row_key", ""), len(position)))
        self._order = wanted

    def on_resize(self) -> None:
        self._render_rows()

    def watch_virtual_size(self, old, new) -> None:
        # The table's height follows its rows (height: auto). Rows are measured on idle, often
        # right after a layout pass that measured the table empty; a layout request made then
        # is merged into the pending one and the stale empty height is reused, leaving the
        # rows invisible. Asking again once this refresh is done lays the table out anew.
        if old.height != new.height and self.styles.height is not None and self.styles.height.is_auto:
            self.call_after_refresh(self.refresh, layout=True)


__all__ = ["DetailTable"]
