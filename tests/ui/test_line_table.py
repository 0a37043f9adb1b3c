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


# -- the painted lines of a row cursor table ---------------------------------------------------

class TallApp(App):
    """100 rows in a 12-line terminal: the table scrolls."""

    def compose(self) -> ComposeResult:
        yield LineTable(cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(LineTable)
        for key, width in (("a", 8), ("b", 14)):
            table.add_column(key, key=key, width=width)
        for i in range(100):
            table.add_row(LineText(f"r{i}", no_wrap=True, end=""),
                          LineText(f"{i * 1.5:.1f}", style="bold", no_wrap=True, end=""), key=f"r{i}")
        table.focus()


def count_lines_painted(table: LineTable) -> list[int]:
    """Record the table lines (y, from the top of the table) laid out afresh by the DataTable."""
    painted = []
    own = DataTable._render_line

    def render_line(self, y, x1, x2, base_style):
        painted.append(y)
        return own(self, y, x1, x2, base_style)

    table._render_line = lambda y, x1, x2, base_style: LineTable._render_line(table, y, x1, x2, base_style)
    DataTable._render_line = render_line
    return painted


def screen_lines(table: LineTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


def fresh_lines(table: LineTable) -> list[str]:
    """The lines as the DataTable itself paints them now (no line kept by LineTable)."""
    table._lines = None
    table._line_sig = None
    table._clear_caches()
    return screen_lines(table)


async def test_a_key_that_scrolls_paints_one_new_line_and_the_lines_stay_right():
    app = TallApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(LineTable)
        await pilot.pause()
        height = table.size.height - 1  # the header
        for _ in range(height - 1):  # the cursor to the last row on screen
            await pilot.press("down")
        await pilot.pause()
        own = DataTable._render_line
        try:
            painted = count_lines_painted(table)
            await pilot.press("down")  # scrolls by one row
            await pilot.pause()
            assert table.scroll_offset.y == 1
            body = [y for y in painted if y > 0]  # y 0 is the header, painted by the DataTable as ever
            # the row the cursor left, the row it reached (new on screen): not the whole screen
            assert 1 <= len(body) <= 3, painted
        finally:
            DataTable._render_line = own
            del table._render_line
        kept = screen_lines(table)
        assert kept == fresh_lines(table)  # what was kept is what the DataTable paints
        assert f"r{height}" in kept[-1] and "r0 " not in "".join(kept)


async def test_kept_lines_follow_cell_updates_sorting_hover_and_theme():
    app = TallApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(LineTable)
        await pilot.pause()
        before = screen_lines(table)
        table.update_cell("r2", "b", LineText("999.9", style="italic", no_wrap=True, end=""))
        await pilot.pause()
        after = screen_lines(table)
        assert "999.9" in after[3] and after[:3] == before[:3] and after[4:] == before[4:]
        assert after == fresh_lines(table)
        table.sort("a", key=lambda cell: -int(cell.plain[1:]))  # r99 first
        await pilot.pause()
        assert "r99" in screen_lines(table)[1]
        assert screen_lines(table) == fresh_lines(table)
        await pilot.hover(LineTable, offset=(2, 4))
        await pilot.pause()
        assert screen_lines(table) == fresh_lines(table)
        segments = [list(table.render_line(y)) for y in range(table.size.height)]
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert [list(table.render_line(y)) for y in range(table.size.height)] != segments  # new colours
        assert screen_lines(table) == fresh_lines(table)
        table.blur()  # the cursor's look without the focus
        await pilot.pause()
        unfocused = [list(table.render_line(y)) for y in range(table.size.height)]
        table._lines = None
        table._clear_caches()
        assert [list(table.render_line(y)) for y in range(table.size.height)] == unfocused
