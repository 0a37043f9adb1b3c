"""LineTable paints its one-line cells exactly as the DataTable does, and paints a cell again
only when its look changes."""

from __future__ import annotations

from rich.text import Span, Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tui.widgets.line_cell import LineText
from tui.widgets.line_table import LineTable

ROWS = [
    [LineText("algo-1", no_wrap=True, end=""),
     LineText("  42.0 ▁▂▃▅▇", no_wrap=True, end="", spans=[Span(0, 6, "yellow"), Span(7, 12, "cyan")]),
     LineText("ok", style="dim green", no_wrap=True, end="")],
    [LineText("训练作业训练作业训练", no_wrap=True, end="", overflow="ellipsis"),
     LineText("123456789012345678901", style="bold", no_wrap=True, end=""),
     LineText("", no_wrap=True, end="")],
    ["plain [b]str[/b]", Text("a Text", style="red"), None],
    [LineText("x", justify="right", style="italic", no_wrap=True, end=""),
     LineText("a\nb", no_wrap=True, end=""), LineText("  ", style="on blue", no_wrap=True, end="")],
]


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield LineTable(cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(LineTable)
        for key, width in (("a", 8), ("b", 14), ("c", 6)):
            table.add_column(key, key=key, width=width)
        for i, row in enumerate(ROWS):
            table.add_row(*row, key=f"r{i}")
        table.fixed_rows = 1


def painted_both_ways(table: LineTable):
    """Every cell as LineTable paints it and as the DataTable would, for every cursor / hover state."""
    ours, theirs = [], []
    for row in range(table.row_count):
        for col, column in enumerate(table.ordered_columns):
            width = column.get_render_width(table)
            for cursor in (False, True):
                for hover in (False, True):
                    ours.append(table._render_cell(row, col, table.rich_style, width, cursor, hover))
                    theirs.append(DataTable._render_cell(table, row, col, table.rich_style, width, cursor, hover))
    return ours, theirs


async def test_line_cells_paint_as_the_data_table_paints_them():
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(LineTable)
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            await pilot.pause()
            for focused in (True, False):
                if focused:
                    table.focus()
                else:
                    table.blur()
                await pilot.pause()
                ours, theirs = painted_both_ways(table)
                assert ours == theirs


async def test_an_unchanged_cell_is_not_painted_again_when_another_changes():
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(LineTable)
        await pilot.pause()
        kept = table.get_cell("r0", "a")
        first = kept.painted
        assert first is not None  # painted on screen
        new = LineText("  43.0 ▁▂▃▅█", no_wrap=True, end="", spans=[Span(0, 6, "red")])
        table.update_cell("r0", "b", new)
        await pilot.pause()
        assert kept.painted is first  # the same painted line, not laid out again
        assert new.painted is not None
        line = "".join(seg.text for seg in new.painted[1][0])
        assert line == " " + "  43.0 ▁▂▃▅█".ljust(14) + " "  # padding, the cell padded to its width
        table.move_cursor(row=2)  # the cursor leaves row 0: its cells change look, painted again
        await pilot.pause()
        assert kept.painted is not first
        assert kept.painted[1] != first[1]
