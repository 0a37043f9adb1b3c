"""HostGrid driven by Pilot with 256 synthetic hosts: sort, filter, in-place update, selection."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from tui.model.catalog import Kind, instance_metrics
from tui.model.hosts import HostTable, build_host_table
from tui.model.resources import default_hosts
from tui.model.series import Series
from tui.widgets.host_grid import HostGrid
from tui.widgets.host_grid_cells import SUMMARY_ROWS
from tui.widgets.palette import palette

METRICS = instance_metrics(Kind.TRAINING_JOB)
HOSTS = default_hosts(Kind.TRAINING_JOB, "bert", 256)
NOW = 1_800_000_000 - 1_800_000_000 % 60


def make_table(now: int = NOW, shift: int = 0, hosts: list[str] = HOSTS) -> HostTable:
    """Busy hosts with values that move with ``shift``; algo-7 lags, algo-12's disk is full."""
    end = now - now % 60
    ts = [end - (29 - i) * 60 for i in range(30)]
    data = {}
    for k, h in enumerate(hosts, start=1):
        for m in METRICS:
            if m.name == "GPUUtilization" and k == 7:
                base = 20.0
            elif m.name == "DiskUtilization" and k == 12:
                base = 96.0
            else:
                base = 40.0 + (k * 7 + shift) % 40
            s = Series(60, 3 * 3600)
            s.merge(ts, [base + (i % 3) for i in range(30)])
            data[h, m.name] = s
    return build_host_table(hosts, METRICS, lambda h, m: data.get((h, m.name)), now)


class GridApp(App):
    def __init__(self, table: HostTable) -> None:
        super().__init__()
        self.table = table
        self.selected: list[str] = []

    def compose(self) -> ComposeResult:
        yield HostGrid()

    def on_mount(self) -> None:
        grid = self.query_one(HostGrid)
        grid.update_table(self.table)
        grid.focus()

    def on_host_grid_host_selected(self, message: HostGrid.HostSelected) -> None:
        self.selected.append(message.host)


def plain_row(grid: HostGrid, key: str) -> list[str]:
    return [c.plain for c in grid.get_row(key)]


async def test_rows_summary_and_flags():
    app = GridApp(make_table())
    async with app.run_test(size=(150, 14)) as pilot:
        await pilot.pause()
        grid = app.query_one(HostGrid)
        assert grid.row_count == 256 + 3
        assert grid.visible_hosts == HOSTS
        assert grid.fixed_rows == 3
        assert [r.key.value for r in grid.ordered_rows[:3]] == list(SUMMARY_ROWS)
        assert grid.selected_host == "bert/algo-1"  # cursor starts on the first host
        lag = plain_row(grid, "bert/algo-7")
        assert lag[0] == "algo-7"
        assert lag[4].startswith("  22.0% ")         # GPU value, then its sparkline
        assert lag[-1] == "lagging GPU: 21% vs cluster median 61%"
        assert plain_row(grid, "bert/algo-12")[-1] == "disk 98% full"
        assert plain_row(grid, SUMMARY_ROWS[0])[-1] == "2 of 256 hosts flagged"
        assert plain_row(grid, SUMMARY_ROWS[0])[4].strip() == "22.0%"  # min of GPU
        # colours come from thresholds and flags, in the theme's colours: the full disk is
        # critical, a normal cell is not
        crit = palette(app).style("crit")
        assert crit.color is not None
        disk = grid.get_cell("bert/algo-12", "DiskUtilization")
        assert any(s.style == crit for s in disk.spans)
        assert not any(s.style == crit for s in grid.get_cell("bert/algo-2", "DiskUtilization").spans)
        # every cell is a Text: nothing is parsed as markup
        assert all(isinstance(c, Text) for c in grid.get_row("bert/algo-7"))


async def test_sort_keys_header_click_and_filter():
    app = GridApp(make_table())
    async with app.run_test(size=(150, 14)) as pilot:
        await pilot.pause()
        grid = app.query_one(HostGrid)
        await pilot.press("s")  # first stop: host name, natural order
        assert grid.sort_column == "host"
        assert grid.visible_hosts[:3] == ["bert/algo-1", "bert/algo-2", "bert/algo-3"]
        await pilot.press("S")
        assert grid.visible_hosts[0] == "bert/algo-256" and grid.sort_reverse
        await pilot.press("s")  # next: the first metric, ascending, reset to forward
        assert grid.sort_column == METRICS[0].name and not grid.sort_reverse
        grid.sort_by("GPUUtilization")
        assert grid.visible_hosts[0] == "bert/algo-7"  # the lagging host comes first
        assert str(grid.columns["GPUUtilization"].label) == "GPU ▲"  # type: ignore[index]
        await pilot.press("S")
        assert grid.visible_hosts[-1] == "bert/algo-7"
        assert [r.key.value for r in grid.ordered_rows[:3]] == list(SUMMARY_ROWS)  # still pinned
        grid.sort_by("health")
        assert grid.visible_hosts[:2] == ["bert/algo-12", "bert/algo-7"]  # crit before warn
        # clicking a header sorts by it; clicking it again reverses
        grid.sort_by(None)
        x = sum(c.get_render_width(grid) for c in grid.ordered_columns[:3]) + 2  # inside "GPU mem"
        await pilot.click(HostGrid, offset=(x, 0))
        assert grid.sort_column == "GPUMemoryUtilization" and not grid.sort_reverse
        await pilot.click(HostGrid, offset=(x, 0))
        assert grid.sort_reverse

        grid.sort_by(None)
        grid.set_filter("ALGO-1")  # algo-1, algo-10..19, algo-100..199; case ignored
        await pilot.pause()
        assert len(grid.visible_hosts) == 111 and grid.row_count == 111 + 3
        grid.set_filter("lagging")  # matches the health reason too
        assert grid.visible_hosts == ["bert/algo-7"]
        grid.set_filter("no such host")
        assert grid.visible_hosts == [] and grid.selected_host is None
        grid.set_filter("")
        assert grid.visible_hosts == HOSTS


async def test_update_in_place_keeps_cursor_and_enter_selects():
    app = GridApp(make_table())
    async with app.run_test(size=(150, 14)) as pilot:
        await pilot.pause()
        grid = app.query_one(HostGrid)
        assert grid.select_host("bert/algo-50")
        row_before = grid.cursor_row
        cell_before = grid.get_cell("bert/algo-50", "CPUUtilization")
        grid.update_table(make_table(NOW + 60, shift=5))
        await pilot.pause()
        assert grid.selected_host == "bert/algo-50" and grid.cursor_row == row_before
        assert grid.get_cell("bert/algo-50", "CPUUtilization") != cell_before  # rewritten in place
        assert grid.row_count == 259

        # sorted by a metric, a refresh re-sorts and the cursor follows its host
        grid.sort_by("CPUUtilization")
        index_sorted = grid.cursor_row
        grid.update_table(make_table(NOW + 120, shift=23))
        await pilot.pause()
        assert grid.selected_host == "bert/algo-50"
        assert grid.cursor_row != index_sorted  # the host moved and the cursor went with it
        cpu = [grid.host_table.row(h).latest["CPUUtilization"] for h in grid.visible_hosts]
        assert cpu == sorted(cpu)

        # hosts that appear and disappear
        grid.update_table(make_table(NOW + 180, hosts=HOSTS[:200]))
        await pilot.pause()
        assert len(grid.visible_hosts) == 200 and grid.selected_host == "bert/algo-50"

        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == ["bert/algo-50"]
        grid.move_cursor(row=0)  # a summary row selects nothing
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == ["bert/algo-50"]


class LateGridApp(App):
    def compose(self) -> ComposeResult:
        return []


async def test_hostile_host_names_are_shown_literally():
    hosts = ["job/[bold red]x[/]", "job/\x1b[31mevil", "job/算法-1"]
    app = LateGridApp()
    async with app.run_test(size=(150, 14)) as pilot:
        grid = HostGrid()
        grid.update_table(make_table(hosts=hosts))  # before mounting: shown once mounted
        await app.mount(grid)
        await pilot.pause()
        labels = [grid.get_cell(h, "host").plain for h in hosts]
        assert labels == ["[bold red]x[/]", "␛[31mevil", "算法-1"]
        assert all(not c.spans for h in hosts for c in [grid.get_cell(h, "host")])


async def test_home_and_end_go_to_the_first_and_last_host():
    app = GridApp(make_table())
    async with app.run_test(size=(150, 14)) as pilot:
        await pilot.pause()
        grid = app.query_one(HostGrid)
        await pilot.press("end")
        await pilot.pause()
        assert grid.selected_host == HOSTS[-1]
        await pilot.press("home")
        await pilot.pause()
        assert grid.selected_host == HOSTS[0]  # the first host, not the pinned min row


async def test_a_refresh_rewrites_the_hosts_on_screen_and_the_others_when_shown():
    app = GridApp(make_table())
    async with app.run_test(size=(150, 14)) as pilot:
        await pilot.pause()
        grid = app.query_one(HostGrid)
        written: list[str] = []
        update_cell = grid.update_cell

        def recording(row_key, column_key, value, **kwargs):
            written.append(getattr(row_key, "value", row_key))
            return update_cell(row_key, column_key, value, **kwargs)

        grid.update_cell = recording
        new = make_table(NOW + 60, shift=5)
        grid.update_table(new)
        await pilot.pause()
        hosts_written = {k for k in written if k not in SUMMARY_ROWS}
        assert hosts_written and len(hosts_written) <= 16  # about a screenful of 256 hosts
        far = HOSTS[200]
        assert far not in hosts_written
        cpu = new.row(far).latest["CPUUtilization"]
        grid.select_host(far)  # scrolled into view: brought up to date before it is painted
        await pilot.pause()
        assert far in written
        assert grid.get_cell(far, "CPUUtilization").plain.split()[0] == f"{cpu:.1f}%"
        line = grid.render_line(grid.cursor_row - int(grid.scroll_offset.y) + 1).text
        assert f"{cpu:.1f}%" in line
        other = HOSTS[150]  # never shown: a read of its cell is current all the same
        assert grid.get_cell(other, "CPUUtilization").plain.split()[0] == \
            f"{new.row(other).latest['CPUUtilization']:.1f}%"


async def test_a_grid_shown_before_its_hosts_starts_on_the_first_host_when_they_arrive():
    """A job screen can draw before the job's hosts are known: the cursor must not stay on the
    pinned summary rows once the hosts arrive (Down x6 from there would open the wrong host)."""
    app = GridApp(make_table(hosts=[]))
    async with app.run_test(size=(150, 14)) as pilot:
        await pilot.pause()
        grid = app.query_one(HostGrid)
        assert grid.row_count == 3 and grid.selected_host is None
        grid.update_table(make_table(hosts=HOSTS[:16]))
        await pilot.pause()
        assert grid.selected_host == "bert/algo-1"
        await pilot.press(*["down"] * 6)
        assert grid.selected_host == "bert/algo-7"
