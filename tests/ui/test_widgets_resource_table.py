"""ResourceTable driven by Pilot with synthetic rows: how names are cut on a narrow terminal."""

from __future__ import annotations

import time

from textual.app import App, ComposeResult

from tui.demo.fleet import build_fleet
from tui.model.cells import Cell, Row, name_cell
from tui.model.kinds import Pane
from tui.widgets.resource_table import ResourceTable, middle_ellipsis

#: A family of jobs named after their start time (``<prefix>-<date>-<time>``), as the demo fleet
#: describes them, newest first, and one short name.
HOURLY = sorted((j.name for j in build_fleet(time.time()).jobs if j.name.startswith("data-quality-check-")),
                reverse=True)
NAMES = [*HOURLY[:3], "bert-pretrain"]


def job_row(name: str) -> Row:
    return Row(f"job:{name}", name, None, {"name": name_cell(name), "status": Cell("Completed", "Completed"),
                                           "type": Cell("processing", "processing")})


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield ResourceTable(Pane.JOBS)

    def on_mount(self) -> None:
        self.query_one(ResourceTable).show_rows([job_row(n) for n in NAMES])


def test_middle_ellipsis_keeps_both_ends():
    name = HOURLY[0]
    assert len(name) > 26
    assert middle_ellipsis(name, 26) == name[:15] + "…" + name[-10:]
    assert middle_ellipsis("short", 26) == "short"
    assert middle_ellipsis("abcdef", 1) == "…"
    cut = middle_ellipsis("训练作业训练作业训练作业训练作业", 12)
    assert cut.startswith("训练") and cut.endswith("作业") and len(cut.encode("utf-16-le")) // 2 <= 12


async def test_names_of_one_family_stay_apart_on_a_narrow_terminal():
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(ResourceTable)
        width = next(c.width for c in table.columns_spec if c.key == "name")
        assert width < len(NAMES[0])  # the names do not fit
        shown = [table.get_cell(f"job:{n}", "name").plain for n in NAMES]
        assert len(set(shown)) == len(NAMES)  # every job still tells itself apart
        assert all(s.endswith(n[-4:]) for s, n in zip(shown[:3], NAMES)) and shown[3] == "bert-pretrain"


class HealthApp(App):
    REASON = "▲ algo-12: disk 92% full (+1 more host)"

    def compose(self) -> ComposeResult:
        yield ResourceTable(Pane.JOBS)

    def on_mount(self) -> None:
        row = job_row("bert-pretrain")
        row.cells["health"] = Cell(self.REASON, 2, "warn")
        row.spark = [1.0, 2.0, 3.0]
        self.query_one(ResourceTable).show_rows([row, job_row(HOURLY[0])])


async def test_spare_width_shows_the_whole_health_reason_before_widening_the_sparkline():
    app = HealthApp()
    async with app.run_test(size=(200, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(ResourceTable)
        assert table.get_cell("job:bert-pretrain", "health").plain == HealthApp.REASON  # not cut
        widths = {c.key: c.width for c in table.columns_spec}
        assert widths["health"] >= len(HealthApp.REASON) and widths["trend"] >= 20  # the sparkline stays
        assert sum(w + 2 for w in widths.values()) <= 198


# -- refreshes: only what changed is redrawn ---------------------------------------------------

def endpoint_row(i: int, inv: float) -> Row:
    name = f"ep-{i:04d}"
    return Row(f"ep:{name}", name, None, {"name": name_cell(name), "status": Cell("InService", "InService", "ok"),
                                          "inv": Cell(f"{inv:.1f}", inv)}, [inv, inv + 1.0])


class ManyApp(App):
    def compose(self) -> ComposeResult:
        yield ResourceTable(Pane.ENDPOINTS)

    def on_mount(self) -> None:
        self.query_one(ResourceTable).show_rows([endpoint_row(i, float(i)) for i in range(300)])


def screen_line(table: ResourceTable, index: int) -> str:
    """The text painted for the table row at ``index`` (row 0 is under the header)."""
    return table.render_line(index + 1 - int(table.scroll_offset.y)).text


def count_repaints(table: ResourceTable) -> tuple[list[int], list[int]]:
    """Record the rows repainted one by one, and the times the whole table is repainted."""
    rows, whole = [], []
    refresh_row, refresh = table.refresh_row, table.refresh

    def one_row(index: int):
        rows.append(index)
        return refresh_row(index)

    def everything(*regions, **kwargs):
        if not regions:
            whole.append(1)
        return refresh(*regions, **kwargs)

    table.refresh_row, table.refresh = one_row, everything
    return rows, whole


async def test_a_refresh_without_changes_repaints_nothing_and_one_change_repaints_one_row():
    app = ManyApp()
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        table = app.query_one(ResourceTable)
        rows, whole = count_repaints(table)
        table.show_rows([endpoint_row(i, float(i)) for i in range(300)])  # equal data, new objects
        await pilot.pause()
        assert rows == [] and whole == []
        table.show_rows([endpoint_row(i, 500.0 if i == 3 else float(i)) for i in range(300)])
        await pilot.pause()
        assert rows == [3] and whole == []
        assert "500.0" in screen_line(table, 3) and "500.0" not in screen_line(table, 4)


async def test_rows_off_screen_are_not_repainted_but_show_their_new_values_when_scrolled_to():
    app = ManyApp()
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        table = app.query_one(ResourceTable)
        rows, whole = count_repaints(table)
        table.show_rows([endpoint_row(i, 1000.0 + i) for i in range(300)])  # every row changed
        await pilot.pause()
        assert rows and max(rows) < 25 and whole == []  # only the rows on screen
        assert table.get_cell("ep:ep-0250", "inv").plain == "1250.0"
        table.move_cursor(row=250)
        await pilot.pause()
        assert "1250.0" in screen_line(table, 250)


async def test_a_filter_that_drops_most_rows_and_is_cleared_restores_every_row_in_order():
    app = ManyApp()
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        table = app.query_one(ResourceTable)
        table.move_cursor(row=12)
        table.set_filter("ep-001")
        await pilot.pause()
        assert [r.key for r in table.shown] == [f"ep:ep-001{d}" for d in range(10)]
        assert table.row_count == 10 and table.selected_key == "ep:ep-0012"  # the cursor stays on its row
        table.set_filter("")
        await pilot.pause()
        assert table.row_count == 300 and table.selected_key == "ep:ep-0012"
        assert [table.get_cell(f"ep:ep-{i:04d}", "name").plain for i in (0, 299)] == ["ep-0000", "ep-0299"]
        assert "ep-0012" in screen_line(table, table.cursor_row)


async def test_a_refresh_with_equal_data_keeps_every_painted_line_and_a_changed_cell_paints_its_line():
    app = ManyApp()
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        table = app.query_one(ResourceTable)
        lines = [table.render_line(y) for y in range(1, 10)]
        table.show_rows([endpoint_row(i, float(i)) for i in range(300)])  # equal data, new objects
        await pilot.pause()
        assert all(a is b for a, b in zip(lines, [table.render_line(y) for y in range(1, 10)]))  # nothing laid out
        table.show_rows([endpoint_row(i, 77.5 if i == 150 else float(i)) for i in range(300)])  # off screen
        await pilot.pause()
        again = [table.render_line(y) for y in range(1, 10)]
        assert all(a is b for a, b in zip(lines, again))
        table.move_cursor(row=150)  # scrolled to: the new value, painted from the new row
        await pilot.pause()
        assert "77.5" in screen_line(table, 150)
