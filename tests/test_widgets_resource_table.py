"""ResourceTable driven by Pilot with synthetic rows: how names are cut on a narrow terminal."""

from __future__ import annotations

import time

from textual.app import App, ComposeResult

from tui.demo.fleet import build_fleet
from tui.model.overview import Cell, Row, name_cell
from tui.model.plan import Pane
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
