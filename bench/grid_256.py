"""Benchmark: the 256-host table model and the host grid, timed on synthetic series.

Run with ``.venv/bin/python bench/grid_256.py`` (or ``make bench``). Prints, in milliseconds, the best and
median wall-clock time of several runs and the best CPU time of this process (on a shared
machine the CPU time is the steadier number):

* building the :class:`HostTable` for 256 hosts x 11 metrics (the endpoint instance set) and
  x 5 metrics (the training-job set), each series holding 180 one-minute points;
* on a mounted :class:`HostGrid` (headless ``App.run_test``, 160x50): the first fill, one
  refresh with every value changed (``update_table``), that refresh plus the repaint, a sort
  and a filter.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App, ComposeResult  # noqa: E402

from tui.model.catalog import Kind, instance_metrics  # noqa: E402
from tui.model.hosts import HostTable, build_host_table  # noqa: E402
from tui.model.resources import default_hosts  # noqa: E402
from tui.model.series import Series  # noqa: E402
from tui.widgets.host_grid import HostGrid  # noqa: E402

HOSTS = default_hosts(Kind.TRAINING_JOB, "bench-job", 256)
NOW = 1_800_000_000 - 1_800_000_000 % 60
POINTS = 180


def synthetic(metrics, shift: int = 0) -> dict[tuple[str, str], Series]:
    ts = [NOW - (POINTS - 1 - i) * 60 for i in range(POINTS)]
    data = {}
    for k, h in enumerate(HOSTS, start=1):
        for j, m in enumerate(metrics):
            s = Series(60, 3 * 3600)
            s.merge(ts, [float((k * 7 + j * 13 + i + shift) % 90) for i in range(POINTS)])
            data[h, m.name] = s
    return data


def table_for(metrics, data) -> HostTable:
    return build_host_table(HOSTS, metrics, lambda h, m: data.get((h, m.name)), NOW + 30)


class Clock:
    """Wall-clock and CPU time of one measured step, in milliseconds."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def stop(self) -> tuple[float, float]:
        return ((time.perf_counter() - self.wall) * 1000, (time.process_time() - self.cpu) * 1000)


def timed(fn, runs: int) -> list[tuple[float, float]]:
    out = []
    for _ in range(runs):
        c = Clock()
        fn()
        out.append(c.stop())
    return out


def report(label: str, samples: list[tuple[float, float]]) -> None:
    wall = [w for w, _ in samples]
    cpu = [c for _, c in samples]
    print(f"{label}: {min(wall):.1f} ms (best wall-clock; median {statistics.median(wall):.1f} ms,"
          f" best CPU {min(cpu):.1f} ms, {len(samples)} runs)")


class GridApp(App):
    def compose(self) -> ComposeResult:
        yield HostGrid()


async def grid_bench(metrics, tables: list[HostTable]) -> None:
    app = GridApp()
    async with app.run_test(size=(160, 50)) as pilot:
        grid = app.query_one(HostGrid)
        c = Clock()
        grid.update_table(tables[0])
        await pilot.pause()
        report(f"grid first fill + paint ({len(metrics)} metrics)", [c.stop()])
        updates, painted = [], []
        for table in tables[1:]:
            c = Clock()
            grid.update_table(table)
            updates.append(c.stop())
            await pilot.pause()
            painted.append(c.stop())
        report(f"grid update_table, all values changed ({len(metrics)} metrics)", updates)
        report(f"grid update + repaint ({len(metrics)} metrics)", painted)
        sorts = []
        for col in (metrics[0].name, "health", "host", None):
            c = Clock()
            grid.sort_by(col)
            sorts.append(c.stop())
        report("grid sort_by (256 rows)", sorts)
        filters = []
        for text in ("algo-1", "algo-2", ""):
            c = Clock()
            grid.set_filter(text)
            filters.append(c.stop())
        report("grid set_filter (256 <-> ~111 rows)", filters)
        idle = []
        for _ in range(3):
            c = Clock()
            await pilot.pause()
            idle.append(c.stop())
        report("pilot.pause() with nothing to do (overhead)", idle)


def main() -> None:
    for kind, label in ((Kind.ENDPOINT, "11"), (Kind.TRAINING_JOB, "5")):
        metrics = instance_metrics(kind)
        data = synthetic(metrics)
        report(f"build_host_table 256 hosts x {label} metrics x {POINTS} pts",
               timed(lambda: table_for(metrics, data), 9))
    for kind in (Kind.TRAINING_JOB, Kind.ENDPOINT):
        metrics = instance_metrics(kind)
        tables = [table_for(metrics, synthetic(metrics, shift)) for shift in range(6)]
        asyncio.run(grid_bench(metrics, tables))


if __name__ == "__main__":
    main()
